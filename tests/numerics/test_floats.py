"""f32/f64: bit conversions, rounding to f32, arithmetic against numpy, and the NaN rules."""

from __future__ import annotations

import math
import random
import struct

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from pywasm_core.numerics import floats
from pywasm_core.numerics.floats import (f32_from_bits, f32_to_bits, f64_from_bits,
                                         f64_to_bits, round_f32)

from .values import BITS32, BITS64

bits32, bits64 = BITS32, BITS64


def is_nan32(bits: int) -> bool:
    return bits & 0x7F800000 == 0x7F800000 and bits & 0x7FFFFF != 0


def is_nan64(bits: int) -> bool:
    return bits & 0x7FF0000000000000 == 0x7FF0000000000000 and bits & 0xFFFFFFFFFFFFF != 0


def np32_bits(x: np.float32) -> int:
    return int(np.array(x, dtype=np.float32).view(np.uint32))


def np64_bits(x: np.float64) -> int:
    return int(np.array(x, dtype=np.float64).view(np.uint64))


def np32(bits: int) -> np.float32:
    return np.array(bits, dtype=np.uint32).view(np.float32)[()]


def np64(bits: int) -> np.float64:
    return np.array(bits, dtype=np.uint64).view(np.float64)[()]


# ----------------------------------------------------------------------------------------------
# bits <-> value

def _f32_special_patterns():
    """Every special class: zeros, infinities, subnormals, NaNs with every payload bit alone."""
    for sign in (0, 0x80000000):
        yield sign                                       # zero
        yield sign | 0x7F800000                          # infinity
        yield sign | 0x7F7FFFFF                          # max finite
        yield sign | 0x00800000                          # min normal
        for bit in range(23):
            yield sign | 1 << bit                        # subnormals with one bit
            yield sign | 0x7F800000 | 1 << bit           # NaNs with one payload bit
            yield sign | 0x7FC00000 | 1 << bit           # quiet NaNs with one more bit
            yield sign | 0x7F800000 | (0x7FFFFF ^ 1 << bit)
        yield sign | 0x7FFFFF                            # max subnormal
        yield sign | 0x7FFFFFFF & 0x7FFFFFFF             # all-ones NaN
        for exponent in range(256):
            yield sign | exponent << 23 | 0x2AAAAA


def test_f32_bits_round_trip_special_classes():
    for bits in _f32_special_patterns():
        assert f32_to_bits(f32_from_bits(bits)) == bits, hex(bits)


def test_f32_bits_round_trip_random_sample():
    rng = random.Random(1)
    unpack = struct.Struct("<f").unpack
    pack = struct.Struct("<I").pack
    for _ in range(200_000):
        bits = rng.getrandbits(32)
        x = f32_from_bits(bits)
        assert f32_to_bits(x) == bits
        if not is_nan32(bits):                            # independent model: struct
            expected = unpack(pack(bits))[0]
            assert f64_to_bits(x) == f64_to_bits(expected)


@settings(max_examples=500, deadline=None)
@given(bits32)
def test_f32_nan_encoding(bits):
    """An f32 NaN is the double NaN with the same sign and the payload in bits 51..29."""
    x = f32_from_bits(bits)
    if is_nan32(bits):
        assert x != x
        expected = (bits >> 31) << 63 | 0x7FF << 52 | (bits & 0x7FFFFF) << 29
        assert f64_to_bits(x) == expected
        assert round_f32(x) is x or f64_to_bits(round_f32(x)) == expected
    else:
        assert np32_bits(np.float32(x)) == bits


@settings(max_examples=500, deadline=None)
@given(bits64)
def test_f64_bits_round_trip(bits):
    x = f64_from_bits(bits)
    assert f64_to_bits(x) == bits
    assert np64_bits(np.float64(x)) == bits or is_nan64(bits)


# ----------------------------------------------------------------------------------------------
# round_f32

@settings(max_examples=1000, deadline=None)
@given(bits64)
def test_round_f32_against_numpy(bits):
    x = f64_from_bits(bits)
    r = round_f32(x)
    if is_nan64(bits):
        low29 = bits & (1 << 29) - 1
        if low29:                              # not f32-encoded: quiet, top 23 payload bits kept
            expected = (bits | 1 << 51) & ~((1 << 29) - 1)
        else:                                  # already an f32 NaN: unchanged
            expected = bits
        assert f64_to_bits(r) == expected
        return
    with np.errstate(over="ignore"):
        expected = np.float64(x).astype(np.float32)
    assert f32_to_bits(r) == np32_bits(expected)
    assert f64_to_bits(r) == np64_bits(np.float64(expected))


def test_round_f32_vectors():
    f32_max = f32_from_bits(0x7F7FFFFF)
    halfway = f64_from_bits(0x47EFFFFFF0000000)     # midway between f32 max and 2**128
    assert round_f32(halfway) == math.inf and round_f32(-halfway) == -math.inf
    assert round_f32(math.nextafter(halfway, 0.0)) == f32_max
    assert round_f32(1e300) == math.inf and round_f32(-1e300) == -math.inf
    assert round_f32(1 + 2 ** -24) == 1.0                        # tie to even (down)
    assert round_f32(1 + 3 * 2 ** -24) == 1 + 2 ** -22           # tie to even (up)
    assert round_f32(2.0 ** -150) == 0.0                         # tie between 0 and min subnormal
    assert round_f32(math.nextafter(2.0 ** -150, 1.0)) == 2.0 ** -149
    assert f64_to_bits(round_f32(-1e-300)) == 0x8000000000000000
    snan = f32_from_bits(0x7FA00001)
    assert round_f32(snan) is snan                               # f32-encoded NaN unchanged
    assert f32_to_bits(round_f32(f64_from_bits(0x7FF0000000000001))) == 0x7FC00000


# ----------------------------------------------------------------------------------------------
# arithmetic against numpy (non-NaN results compared bit for bit; NaN results by the rules)

def arith_nan(a_bits: int, b_bits: int | None, is_nan, quiet_bit: int, default: int) -> int:
    """The NaN an arithmetic op returns on x86: first NaN operand quieted, else the default."""
    for bits in (a_bits, b_bits):
        if bits is not None and is_nan(bits):
            return bits | quiet_bit
    return default


BINARY = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide}


@pytest.mark.parametrize("name", sorted(BINARY))
@settings(max_examples=400, deadline=None)
@given(a=bits32, b=bits32)
def test_f32_binary_against_numpy(name, a, b):
    result = f32_to_bits(getattr(floats, f"f32_{name}")(f32_from_bits(a), f32_from_bits(b)))
    with np.errstate(all="ignore"):
        expected = np32_bits(BINARY[name](np32(a), np32(b)))
    if is_nan32(expected):
        expected = arith_nan(a, b, is_nan32, 0x400000, 0xFFC00000)
    assert result == expected


@pytest.mark.parametrize("name", sorted(BINARY))
@settings(max_examples=400, deadline=None)
@given(a=bits64, b=bits64)
def test_f64_binary_against_numpy(name, a, b):
    result = f64_to_bits(getattr(floats, f"f64_{name}")(f64_from_bits(a), f64_from_bits(b)))
    with np.errstate(all="ignore"):
        expected = np64_bits(BINARY[name](np64(a), np64(b)))
    if is_nan64(expected):
        expected = arith_nan(a, b, is_nan64, 1 << 51, 0xFFF8000000000000)
    assert result == expected


UNARY = {"sqrt": np.sqrt, "ceil": np.ceil, "floor": np.floor, "trunc": np.trunc,
         "nearest": np.rint}


@pytest.mark.parametrize("name", sorted(UNARY))
@settings(max_examples=400, deadline=None)
@given(a=bits32)
def test_f32_unary_against_numpy(name, a):
    result = f32_to_bits(getattr(floats, f"f32_{name}")(f32_from_bits(a)))
    with np.errstate(all="ignore"):
        expected = np32_bits(UNARY[name](np32(a)))
    if is_nan32(expected):
        expected = arith_nan(a, None, is_nan32, 0x400000, 0xFFC00000)
    assert result == expected


@pytest.mark.parametrize("name", sorted(UNARY))
@settings(max_examples=400, deadline=None)
@given(a=bits64)
def test_f64_unary_against_numpy(name, a):
    result = f64_to_bits(getattr(floats, f"f64_{name}")(f64_from_bits(a)))
    with np.errstate(all="ignore"):
        expected = np64_bits(UNARY[name](np64(a)))
    if is_nan64(expected):
        expected = arith_nan(a, None, is_nan64, 1 << 51, 0xFFF8000000000000)
    assert result == expected


@pytest.mark.parametrize("t", ["f32", "f64"])
def test_nearest_ties_to_even_near_the_integer_limit(t):
    """Halfway values just below 2**23 (f32) / 2**52 (f64), and the integers above."""
    nearest = getattr(floats, f"{t}_nearest")
    limit = 2.0 ** (23 if t == "f32" else 52)
    assert nearest(limit - 0.5) == limit                 # ...1.5 -> even (up)
    assert nearest(limit - 1.5) == limit - 2.0           # ...0.5 -> even (down)
    assert nearest(-(limit - 0.5)) == -limit
    assert nearest(limit + 1.0) == limit + 1.0           # already integral
    assert nearest(-0.5) == 0.0 and math.copysign(1.0, nearest(-0.5)) == -1.0
    assert nearest(0.5) == 0.0 and math.copysign(1.0, nearest(0.5)) == 1.0
    assert nearest(2.5) == 2.0 and nearest(3.5) == 4.0
    assert math.copysign(1.0, floats.f64_ceil(-0.5)) == -1.0
    assert math.copysign(1.0, floats.f64_floor(-0.0)) == -1.0
    assert math.copysign(1.0, floats.f64_trunc(-0.9)) == -1.0


@pytest.mark.parametrize("t", ["f32", "f64"])
@pytest.mark.parametrize("name", ["eq", "ne", "lt", "gt", "le", "ge"])
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_comparisons_against_numpy(t, name, data):
    if t == "f32":
        a, b = data.draw(bits32), data.draw(bits32)
        x, y, na, nb = f32_from_bits(a), f32_from_bits(b), np32(a), np32(b)
    else:
        a, b = data.draw(bits64), data.draw(bits64)
        x, y, na, nb = f64_from_bits(a), f64_from_bits(b), np64(a), np64(b)
    model = {"eq": np.equal, "ne": np.not_equal, "lt": np.less, "gt": np.greater,
             "le": np.less_equal, "ge": np.greater_equal}[name]
    result = getattr(floats, f"{t}_{name}")(x, y)
    assert type(result) is int and result == int(model(na, nb))


# ----------------------------------------------------------------------------------------------
# min / max, sign operations

@pytest.mark.parametrize("t", ["f32", "f64"])
@pytest.mark.parametrize("name", ["min", "max"])
@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_min_max(t, name, data):
    if t == "f32":
        a, b = data.draw(bits32), data.draw(bits32)
        from_bits, to_bits, is_nan = f32_from_bits, f32_to_bits, is_nan32
        quiet_bit, sign = 1 << 22, 1 << 31
    else:
        a, b = data.draw(bits64), data.draw(bits64)
        from_bits, to_bits, is_nan = f64_from_bits, f64_to_bits, is_nan64
        quiet_bit, sign = 1 << 51, 1 << 63
    result = to_bits(getattr(floats, f"{t}_{name}")(from_bits(a), from_bits(b)))
    if is_nan(a) or is_nan(b):                  # second NaN operand wins, quieted
        assert result == (b if is_nan(b) else a) | quiet_bit
        return
    x, y = from_bits(a), from_bits(b)
    if x == y:                                  # equal values; -0.0 < +0.0
        want_negative = (a & sign or b & sign) if name == "min" else (a & sign and b & sign)
        assert result == (a if bool(a & sign) == bool(want_negative) else b)
    else:
        assert result == (a if (x < y) == (name == "min") else b)


@pytest.mark.parametrize("t", ["f32", "f64"])
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_sign_operations_are_bit_operations(t, data):
    """abs/neg/copysign touch only the sign bit, even of signalling NaNs."""
    if t == "f32":
        a, b = data.draw(bits32), data.draw(bits32)
        from_bits, to_bits, sign = f32_from_bits, f32_to_bits, 1 << 31
    else:
        a, b = data.draw(bits64), data.draw(bits64)
        from_bits, to_bits, sign = f64_from_bits, f64_to_bits, 1 << 63
    x, y = from_bits(a), from_bits(b)
    assert to_bits(getattr(floats, f"{t}_abs")(x)) == a & ~sign
    assert to_bits(getattr(floats, f"{t}_neg")(x)) == a ^ sign
    assert to_bits(getattr(floats, f"{t}_copysign")(x, y)) == (a & ~sign) | (b & sign)


# ----------------------------------------------------------------------------------------------
# The NaN rules observed with wasmtime on x86-64 (see floats.py), written out.

def f32(bits):
    return f32_from_bits(bits)


def b32(x):
    return f32_to_bits(x)


def test_f32_nan_vectors():
    inf, one = f32(0x7F800000), f32(0x3F800000)
    assert b32(floats.f32_sub(inf, inf)) == 0xFFC00000           # invalid: default NaN
    assert b32(floats.f32_div(f32(0), f32(0))) == 0xFFC00000
    assert b32(floats.f32_mul(f32(0), inf)) == 0xFFC00000
    assert b32(floats.f32_sqrt(f32(0xBF800000))) == 0xFFC00000
    assert b32(floats.f32_sqrt(f32(0xFF800000))) == 0xFFC00000
    assert b32(floats.f32_add(f32(0x7FC00123), one)) == 0x7FC00123
    assert b32(floats.f32_add(one, f32(0x7FC00123))) == 0x7FC00123
    assert b32(floats.f32_add(f32(0x7FC00123), f32(0xFFC00456))) == 0x7FC00123   # first NaN
    assert b32(floats.f32_add(f32(0x7FC00123), f32(0xFFA00456))) == 0x7FC00123   # even vs sNaN
    assert b32(floats.f32_add(f32(0x7FA00123), f32(0xFFC00456))) == 0x7FE00123
    assert b32(floats.f32_mul(one, f32(0xFFA00123))) == 0xFFE00123               # sNaN quieted
    assert b32(floats.f32_div(f32(0x7FA00123), f32(0))) == 0x7FE00123
    assert b32(floats.f32_sqrt(f32(0x7FA00123))) == 0x7FE00123
    for name in ("ceil", "floor", "trunc", "nearest"):
        assert b32(getattr(floats, f"f32_{name}")(f32(0x7FA00123))) == 0x7FE00123
        assert b32(getattr(floats, f"f32_{name}")(f32(0xFFC00123))) == 0xFFC00123
    assert b32(floats.f32_min(f32(0x7FA00123), f32(0xFFC00456))) == 0xFFC00456   # second NaN
    assert b32(floats.f32_max(f32(0xFFC00456), f32(0x7FA00123))) == 0x7FE00123
    assert b32(floats.f32_min(one, f32(0x7FA00123))) == 0x7FE00123
    assert b32(floats.f32_max(f32(0xFFC00001), one)) == 0xFFC00001
    assert b32(floats.f32_neg(f32(0x7FA00123))) == 0xFFA00123
    assert b32(floats.f32_abs(f32(0xFFA00123))) == 0x7FA00123
    assert b32(floats.f32_copysign(f32(0x7FA00123), f32(0x80000000))) == 0xFFA00123
    assert b32(floats.f32_min(f32(0), f32(0x80000000))) == 0x80000000
    assert b32(floats.f32_max(f32(0x80000000), f32(0))) == 0
    assert b32(floats.f32_div(one, f32(0x80000000))) == 0xFF800000
    assert b32(floats.f32_add(f32(0x7F7FFFFF), f32(0x7F7FFFFF))) == 0x7F800000


def test_f64_nan_vectors():
    inf = f64_from_bits(0x7FF0000000000000)
    f, b = f64_from_bits, f64_to_bits
    assert b(floats.f64_sub(inf, inf)) == 0xFFF8000000000000
    assert b(floats.f64_div(0.0, -0.0)) == 0xFFF8000000000000
    assert b(floats.f64_div(inf, inf)) == 0xFFF8000000000000
    assert b(floats.f64_sqrt(-1.0)) == 0xFFF8000000000000
    assert b(floats.f64_sqrt(-0.0)) == 0x8000000000000000
    assert b(floats.f64_add(f(0x7FF4000000000123), f(0xFFF8000000000456))) == 0x7FFC000000000123
    assert b(floats.f64_sub(1.0, f(0xFFF4000000000456))) == 0xFFFC000000000456
    assert b(floats.f64_mul(f(0x7FF8000000000001), f(0xFFF8000000000002))) == 0x7FF8000000000001
    assert b(floats.f64_min(f(0x7FF8000000000001), f(0xFFF8000000000002))) == 0xFFF8000000000002
    assert b(floats.f64_max(f(0xFFF4000000000004), f(0x7FF4000000000003))) == 0x7FFC000000000003
    assert b(floats.f64_nearest(f(0x7FF4000000000123))) == 0x7FFC000000000123
    assert b(floats.f64_neg(f(0x7FF4000000000123))) == 0xFFF4000000000123
    assert b(floats.f64_div(-1.0, 0.0)) == 0xFFF0000000000000
    assert b(floats.f64_div(f(0x7FF4000000000001), 0.0)) == 0x7FFC000000000001
