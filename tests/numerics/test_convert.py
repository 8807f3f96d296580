"""Conversions: trunc (trapping/saturating) at the exact bounds, int -> float rounding,
demote/promote NaN handling, reinterpret, wrap/extend."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from pywasm_core.errors import Trap, TrapCode
from pywasm_core.numerics import convert
from pywasm_core.numerics.floats import f32_from_bits, f32_to_bits, f64_from_bits, f64_to_bits

from .values import BITS32, BITS64, I32_EDGES, I64_EDGES

bits32, bits64 = BITS32, BITS64
ints32 = st.one_of(st.integers(0, 2 ** 32 - 1), st.sampled_from(I32_EDGES))
ints64 = st.one_of(st.integers(0, 2 ** 64 - 1), st.sampled_from(I64_EDGES),
                   st.integers(0, 63).flatmap(lambda n: st.integers(2 ** n, 2 ** (n + 1) - 1)))

RANGES = {"i32_s": (-2 ** 31, 2 ** 31 - 1), "i32_u": (0, 2 ** 32 - 1),
          "i64_s": (-2 ** 63, 2 ** 63 - 1), "i64_u": (0, 2 ** 64 - 1)}
TRUNC_NAMES = [(dst, src, sx) for dst in ("i32", "i64") for src in ("f32", "f64") for sx in "su"]


def operand(src, data):
    return f32_from_bits(data.draw(bits32)) if src == "f32" else f64_from_bits(data.draw(bits64))


def truncated(x: float) -> int:
    """Truncation toward zero through exact rationals (independent of int(float))."""
    q = Fraction(x)
    return math.trunc(q)


@pytest.mark.parametrize("dst,src,sx", TRUNC_NAMES)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_trunc_against_model(dst, src, sx, data):
    x = operand(src, data)
    lo, hi = RANGES[f"{dst}_{sx}"]
    width = 32 if dst == "i32" else 64
    trapping = getattr(convert, f"{dst}_trunc_{src}_{sx}")
    saturating = getattr(convert, f"{dst}_trunc_sat_{src}_{sx}")
    if x != x:
        with pytest.raises(Trap) as info:
            trapping(x)
        assert info.value.trap_code is TrapCode.BAD_CONVERSION_TO_INTEGER
        assert str(info.value) == "invalid conversion to integer"
        assert saturating(x) == 0
        return
    exact = truncated(x) if math.isfinite(x) else (hi + 1 if x > 0 else lo - 1)
    if lo <= exact <= hi:
        assert trapping(x) == exact % 2 ** width
    else:
        with pytest.raises(Trap) as info:
            trapping(x)
        assert info.value.trap_code is TrapCode.INTEGER_OVERFLOW
        assert str(info.value) == "integer overflow"
    assert saturating(x) == min(max(exact, lo), hi) % 2 ** width


def test_trunc_bounds():
    """The first value on each side of every bound, as in conversions.wast."""
    ok, overflow = [], []
    f32 = lambda bits: f32_from_bits(bits)                                     # noqa: E731
    ok += [(convert.i32_trunc_f32_s, f32(0xCF000000), 0x80000000),            # -2147483648.0
           (convert.i32_trunc_f32_s, f32(0x4EFFFFFF), 0x7FFFFF80),
           (convert.i32_trunc_f32_u, f32(0x4F7FFFFF), 0xFFFFFF00),
           (convert.i32_trunc_f32_u, f32(0xBF7FFFFF), 0),                     # -0.99999994
           (convert.i32_trunc_f64_s, -2147483648.9, 0x80000000),
           (convert.i32_trunc_f64_s, 2147483647.9, 0x7FFFFFFF),
           (convert.i32_trunc_f64_u, 4294967295.9, 0xFFFFFFFF),
           (convert.i32_trunc_f64_u, -0.9999999999999999, 0),
           (convert.i64_trunc_f64_s, -9223372036854775808.0, 0x8000000000000000),
           (convert.i64_trunc_f64_s, 9223372036854774784.0, 0x7FFFFFFFFFFFFC00),
           (convert.i64_trunc_f64_u, 18446744073709549568.0, 0xFFFFFFFFFFFFF800),
           (convert.i64_trunc_f32_s, f32(0xDF000000), 0x8000000000000000),
           (convert.i64_trunc_f32_u, f32(0x5F7FFFFF), 0xFFFFFF0000000000)]
    overflow += [(convert.i32_trunc_f32_s, f32(0xCF000001)),                    # -2147483904.0
                 (convert.i32_trunc_f32_s, f32(0x4F000000)),
                 (convert.i32_trunc_f32_u, f32(0x4F800000)),
                 (convert.i32_trunc_f32_u, f32(0xBF800000)),
                 (convert.i32_trunc_f64_s, -2147483649.0),
                 (convert.i32_trunc_f64_s, 2147483648.0),
                 (convert.i32_trunc_f64_u, 4294967296.0),
                 (convert.i32_trunc_f64_u, -1.0),
                 (convert.i64_trunc_f64_s, -9223372036854777856.0),
                 (convert.i64_trunc_f64_s, 9223372036854775808.0),
                 (convert.i64_trunc_f64_u, 18446744073709551616.0),
                 (convert.i64_trunc_f64_u, -1.0),
                 (convert.i64_trunc_f32_s, math.inf),
                 (convert.i64_trunc_f32_u, -math.inf)]
    for func, x, expected in ok:
        assert func(x) == expected, (func.__name__, x)
    for func, x in overflow:
        with pytest.raises(Trap, match="^integer overflow"):
            func(x)
    assert convert.i32_trunc_sat_f32_s(f32(0xCF000001)) == 0x80000000
    assert convert.i32_trunc_sat_f64_u(-1.0) == 0
    assert convert.i32_trunc_sat_f64_u(math.inf) == 2 ** 32 - 1
    assert convert.i64_trunc_sat_f64_s(-math.inf) == 2 ** 63
    assert convert.i64_trunc_sat_f64_s(1e300) == 2 ** 63 - 1
    assert convert.i64_trunc_sat_f32_u(f32(0x7FA00000)) == 0


# ----------------------------------------------------------------------------------------------
# int -> float: compare with the exact nearest value, ties to even, found from the neighbours

def nearest_float(v: int, to_float, step_up, step_down, mantissa_even) -> float:
    """Round integer v to the nearest float of a format, by checking the candidates around a
    first guess with exact rational arithmetic."""
    guess = to_float(v)
    candidates = {guess, step_up(guess), step_down(guess)}
    candidates = [c for c in candidates if math.isfinite(c)]
    best = min(abs(Fraction(c) - v) for c in candidates)
    closest = [c for c in candidates if abs(Fraction(c) - v) == best]
    if len(closest) == 1:
        return closest[0]
    return next(c for c in closest if mantissa_even(c))


def f32_candidates(v: int) -> float:
    return nearest_float(
        v, lambda i: float(np.float32(float(i))),
        lambda c: float(np.nextafter(np.float32(c), np.float32(np.inf))),
        lambda c: float(np.nextafter(np.float32(c), np.float32(-np.inf))),
        lambda c: f32_to_bits(c) & 1 == 0)


def f64_candidates(v: int) -> float:
    def guess(i: int) -> float:           # through x87 long double: exact below 2**63
        return float(np.float64(np.longdouble(i))) if abs(i) < 2 ** 63 else float(i)

    return nearest_float(v, guess,
                         lambda c: math.nextafter(c, math.inf),
                         lambda c: math.nextafter(c, -math.inf),
                         lambda c: f64_to_bits(c) & 1 == 0)


def signed(v, n):
    return v - 2 ** n if v >= 2 ** (n - 1) else v


@settings(max_examples=300, deadline=None)
@given(ints64)
def test_convert_i64_is_correctly_rounded(v):
    assert f32_to_bits(convert.f32_convert_i64_u(v)) == f32_to_bits(f32_candidates(v))
    assert f32_to_bits(convert.f32_convert_i64_s(v)) == f32_to_bits(f32_candidates(signed(v, 64)))
    assert f64_to_bits(convert.f64_convert_i64_u(v)) == f64_to_bits(f64_candidates(v))
    assert f64_to_bits(convert.f64_convert_i64_s(v)) == f64_to_bits(f64_candidates(signed(v, 64)))


@settings(max_examples=500, deadline=None)
@given(ints32)
def test_convert_i32_is_correctly_rounded(v):
    assert f32_to_bits(convert.f32_convert_i32_u(v)) == f32_to_bits(f32_candidates(v))
    assert f32_to_bits(convert.f32_convert_i32_s(v)) == f32_to_bits(f32_candidates(signed(v, 32)))
    assert convert.f64_convert_i32_u(v) == v
    assert convert.f64_convert_i32_s(v) == signed(v, 32)


def test_convert_double_rounding_vectors():
    """Values where rounding through a double first would give the wrong f32 (conversions.wast)."""
    assert f32_to_bits(convert.f32_convert_i64_s(0x20000020000001)) == 0x5A000001
    assert f32_to_bits(convert.f32_convert_i64_s(2 ** 64 - 0x20000020000001)) == 0xDA000001
    assert f32_to_bits(convert.f32_convert_i64_u(0x8000008000000001)) == 0x5F000001
    assert f32_to_bits(convert.f32_convert_i64_u(0xFFFFFF4000000001)) == 0x5F7FFFFF
    assert f32_to_bits(convert.f32_convert_i64_u(2 ** 64 - 1)) == 0x5F800000
    assert f32_to_bits(convert.f32_convert_i32_u(0xFFFFFF80)) == 0x4F800000   # tie -> even (up)
    assert f32_to_bits(convert.f32_convert_i32_u(0xFFFFFF7F)) == 0x4F7FFFFF
    assert f32_to_bits(convert.f32_convert_i32_s(0x80000000)) == 0xCF000000
    assert f64_to_bits(convert.f64_convert_i64_u(0x8000000000000401)) == 0x43E0000000000001
    assert f64_to_bits(convert.f64_convert_i64_u(0xFFFFFFFFFFFFFBFF)) == 0x43EFFFFFFFFFFFFF
    assert f64_to_bits(convert.f64_convert_i64_u(0x8000000000000400)) == 0x43E0000000000000
    assert f64_to_bits(convert.f64_convert_i64_s(0x8000000000000000)) == 0xC3E0000000000000


# ----------------------------------------------------------------------------------------------
# demote / promote

@settings(max_examples=1000, deadline=None)
@given(bits64)
def test_demote(bits):
    result = f32_to_bits(convert.f32_demote_f64(f64_from_bits(bits)))
    if bits & 0x7FF0000000000000 == 0x7FF0000000000000 and bits & (2 ** 52 - 1):
        # always quieted, top 23 payload bits kept (cvtsd2ss), sign kept
        expected = (bits >> 63) << 31 | 0x7FC00000 | (bits >> 29) & 0x7FFFFF
    else:
        with np.errstate(over="ignore"):
            rounded = np.float64(f64_from_bits(bits)).astype(np.float32)
        expected = int(np.array(rounded).view(np.uint32))
    assert result == expected


@settings(max_examples=1000, deadline=None)
@given(bits32)
def test_promote(bits):
    result = f64_to_bits(convert.f64_promote_f32(f32_from_bits(bits)))
    if bits & 0x7F800000 == 0x7F800000 and bits & 0x7FFFFF:
        expected = (bits >> 31) << 63 | 0x7FF8000000000000 | (bits & 0x7FFFFF) << 29
    else:
        widened = np.array(bits, np.uint32).view(np.float32).astype(np.float64)
        expected = int(np.array(widened).view(np.uint64))
    assert result == expected


def test_demote_promote_vectors():
    assert f32_to_bits(convert.f32_demote_f64(f64_from_bits(0x7FF4000000000123))) == 0x7FE00000
    assert f32_to_bits(convert.f32_demote_f64(f64_from_bits(0x7FF4123456789ABC))) == 0x7FE091A2
    assert f32_to_bits(convert.f32_demote_f64(f64_from_bits(0xFFF8000000000001))) == 0xFFC00000
    assert f32_to_bits(convert.f32_demote_f64(f64_from_bits(0x7FF4000020000000))) == 0x7FE00001
    assert f32_to_bits(convert.f32_demote_f64(1e300)) == 0x7F800000
    assert f32_to_bits(convert.f32_demote_f64(-1e-300)) == 0x80000000
    assert f64_to_bits(convert.f64_promote_f32(f32_from_bits(0x7FA00123))) == 0x7FFC002460000000
    assert f64_to_bits(convert.f64_promote_f32(f32_from_bits(0xFFC00001))) == 0xFFF8000020000000


# ----------------------------------------------------------------------------------------------
# reinterpret, wrap, extend

@settings(max_examples=500, deadline=None)
@given(bits32, bits64)
def test_reinterpret_round_trips(b32, b64):
    assert convert.i32_reinterpret_f32(convert.f32_reinterpret_i32(b32)) == b32
    assert convert.i64_reinterpret_f64(convert.f64_reinterpret_i64(b64)) == b64


@settings(max_examples=300, deadline=None)
@given(ints64, ints32)
def test_wrap_and_extend(v64, v32):
    assert convert.i32_wrap_i64(v64) == v64 % 2 ** 32
    assert convert.i64_extend_i32_u(v32) == v32
    assert convert.i64_extend_i32_s(v32) == signed(v32, 32) % 2 ** 64
