"""f32 / f64 semantics: bit conversions, rounding to f32, the NaN rules, min/max, rounding ops.

Operands and results follow the value representation of the `numerics` package docstring:
f64 is a Python float, f32 is a float exactly representable in f32 whose NaN payload sits in the
top 23 mantissa bits of the double.  f32 `+ - * / sqrt` are computed in double precision and rounded
once to f32; that is exact because 53 >= 2*24 + 2 ("When is double rounding innocuous?", Figueroa).

NaN results copy what wasmtime produces on x86-64 (observed with the wasmtime python package on
this machine, bit for bit; the rule is noted next to each function):
  * arithmetic (add/sub/mul/div/sqrt, ceil/floor/trunc/nearest): a NaN operand comes back quieted
    (quiet bit set, payload and sign kept); with two NaN operands the FIRST one wins, whether it is
    signalling or quiet (SSE `addss` keeps its destination operand).
  * an invalid operation on non-NaN operands (inf-inf, 0*inf, 0/0, inf/inf, sqrt of a negative)
    returns the x86 default NaN, which is negative: f64 0xFFF8000000000000, f32 0xFFC00000.
  * min/max: with any NaN operand the result is a quieted NaN operand, and with two NaNs the SECOND
    one wins (observed for every sNaN/qNaN order; as if the NaN came from an add with the operands
    swapped).
  * abs/neg/copysign only touch the sign bit, so signalling NaNs stay signalling.
Both kinds of result are spec-conformant (arithmetic / canonical NaNs); matching wasmtime exactly
lets the differential tests compare bits.

Every f32 NaN in this representation maps to a double NaN with the same sign, the same quiet bit
and the payload shifted left by 29, so quieting a double (setting bit 51) quiets the f32 as well
and the x86 default NaN has one encoding for both widths.
"""

from __future__ import annotations

import math
import struct
import types

_F32 = struct.Struct("<f")
_F64 = struct.Struct("<d")
_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")
_pack_f32, _unpack_f32 = _F32.pack, _F32.unpack
_pack_f64, _unpack_f64 = _F64.pack, _F64.unpack
_pack_u32, _unpack_u32 = _U32.pack, _U32.unpack
_pack_u64, _unpack_u64 = _U64.pack, _U64.unpack
_copysign = math.copysign
_sqrt = math.sqrt
_ceil = math.ceil
_floor = math.floor

INF = math.inf
NEG_INF = -math.inf
_QUIET_BIT = 1 << 51             # the quiet bit of a double NaN (also the f32 quiet bit, shifted)
_LOW29 = (1 << 29) - 1           # double mantissa bits an f32 cannot hold
_TWO52 = 4503599627370496.0      # every double with |x| >= 2**52 is an integer


def f64_from_bits(bits: int) -> float:
    """The f64 with this 64-bit pattern (struct keeps NaN payloads, signalling ones included)."""
    return _unpack_f64(_pack_u64(bits))[0]


def f64_to_bits(x: float) -> int:
    """The 64-bit pattern of an f64."""
    return _unpack_u64(_pack_f64(x))[0]


def f32_from_bits(bits: int) -> float:
    """The f32 with this 32-bit pattern, NaN payloads moved by hand (struct would quiet sNaNs)."""
    if (bits & 0x7F800000) == 0x7F800000 and bits & 0x7FFFFF:
        return _unpack_f64(_pack_u64(
            (bits & 0x80000000) << 32 | 0x7FF0000000000000 | (bits & 0x7FFFFF) << 29))[0]
    return _unpack_f32(_pack_u32(bits))[0]


def f32_to_bits(x: float) -> int:
    """The 32-bit pattern of an f32 (any other float is first rounded as `round_f32` does)."""
    if x == x:
        try:
            return _unpack_u32(_pack_f32(x))[0]
        except OverflowError:
            return 0x7F800000 if x > 0.0 else 0xFF800000
    d = _unpack_u64(_pack_f64(x))[0]
    if d & _LOW29:                       # not an f32-encoded NaN: quiet it, as cvtsd2ss would
        d |= _QUIET_BIT
    return (d >> 32) & 0x80000000 | 0x7F800000 | (d >> 29) & 0x7FFFFF


def round_f32(x: float) -> float:
    """Round a double to the nearest f32 (ties to even, overflow to +-inf).

    An f32-encoded NaN is returned unchanged; any other NaN becomes quiet and keeps the top 23
    bits of its payload (what x86 `cvtsd2ss` does).
    """
    try:
        r = _unpack_f32(_pack_f32(x))[0]   # the C cast rounds to nearest even
    except OverflowError:                  # raised exactly when a finite x rounds to infinity
        return INF if x > 0.0 else NEG_INF
    if r != r:
        d = _unpack_u64(_pack_f64(x))[0]
        if d & _LOW29:
            return _unpack_f64(_pack_u64((d | _QUIET_BIT) & ~_LOW29))[0]
        return x
    return r


def quiet(x: float) -> float:
    """The NaN `x` with its quiet bit set (for f32 and f64 alike, see the module docstring)."""
    return _unpack_f64(_pack_u64(_unpack_u64(_pack_f64(x))[0] | _QUIET_BIT))[0]


DEFAULT_NAN = f64_from_bits(0xFFF8000000000000)   # x86's default NaN; f32 bits 0xFFC00000


def _arith_nan(a: float, b: float) -> float:
    """NaN result of a binary arithmetic op: first NaN operand quieted, else the default NaN."""
    if a != a:
        return quiet(a)
    if b != b:
        return quiet(b)
    return DEFAULT_NAN


def _div_by_zero(a: float, b: float) -> float:
    """a / +-0.0, which Python refuses: signed infinity, or a NaN for 0/0 and NaN/0."""
    if a != a:
        return quiet(a)
    if a == 0.0:
        return DEFAULT_NAN
    return _copysign(INF, _copysign(1.0, a) * _copysign(1.0, b))


def renamed(func: types.FunctionType, name: str) -> types.FunctionType:
    """A copy of `func` under another instruction's name: same code, no extra call at run time.

    Used where two instructions share their semantics exactly (f32.ceil and f64.ceil, ...), so
    that each still has its own function named after it.
    """
    clone = types.FunctionType(func.__code__, func.__globals__, name, func.__defaults__,
                               func.__closure__)
    clone.__qualname__ = name
    clone.__doc__ = func.__doc__
    clone.__module__ = func.__module__
    return clone


# ----------------------------------------------------------------------------------------------
# f64 arithmetic

def f64_add(a: float, b: float) -> float:
    r = a + b
    if r != r:
        return _arith_nan(a, b)
    return r


def f64_sub(a: float, b: float) -> float:
    r = a - b
    if r != r:
        return _arith_nan(a, b)
    return r


def f64_mul(a: float, b: float) -> float:
    r = a * b
    if r != r:
        return _arith_nan(a, b)
    return r


def f64_div(a: float, b: float) -> float:
    try:
        r = a / b
    except ZeroDivisionError:
        return _div_by_zero(a, b)
    if r != r:
        return _arith_nan(a, b)
    return r


def f64_sqrt(a: float) -> float:
    try:
        r = _sqrt(a)                       # sqrt(-0.0) is -0.0, sqrt(inf) is inf
    except ValueError:                     # negative operand, -inf included
        return DEFAULT_NAN
    if r != r:
        return quiet(a)
    return r


def f64_min(a: float, b: float) -> float:
    """Wasm min: -0.0 < +0.0; a NaN operand gives a NaN (the second one when both are NaN)."""
    if a < b:
        return a
    if b < a:
        return b
    if a == b:                             # equal, or the zeros of both signs: prefer -0.0
        return a if _copysign(1.0, a) < 0.0 else b
    return quiet(b if b != b else a)


def f64_max(a: float, b: float) -> float:
    """Wasm max: +0.0 > -0.0; a NaN operand gives a NaN (the second one when both are NaN)."""
    if a > b:
        return a
    if b > a:
        return b
    if a == b:                             # equal, or the zeros of both signs: prefer +0.0
        return b if _copysign(1.0, a) < 0.0 else a
    return quiet(b if b != b else a)


# Sign-bit operations: CPython's unary minus, abs() and math.copysign compile to sign-bit
# and/xor/or (checked in the tests on signalling NaNs), never to arithmetic.

def f64_abs(a: float) -> float:
    return abs(a)


def f64_neg(a: float) -> float:
    return -a


def f64_copysign(a: float, b: float) -> float:
    return _copysign(a, b)


# Integral rounding.  Results keep the operand's sign (ceil(-0.5) is -0.0); |a| >= 2**52,
# infinities and NaNs are already integral and come back as they are, NaNs quieted.  Python's
# round() on a float is exact and rounds ties to even.

def f64_ceil(a: float) -> float:
    if -_TWO52 < a < _TWO52:
        return _copysign(float(_ceil(a)), a)
    if a != a:
        return quiet(a)
    return a


def f64_floor(a: float) -> float:
    if -_TWO52 < a < _TWO52:
        return _copysign(float(_floor(a)), a)
    if a != a:
        return quiet(a)
    return a


def f64_trunc(a: float) -> float:
    if -_TWO52 < a < _TWO52:
        return _copysign(float(int(a)), a)
    if a != a:
        return quiet(a)
    return a


def f64_nearest(a: float) -> float:
    if -_TWO52 < a < _TWO52:
        return _copysign(float(round(a)), a)
    if a != a:
        return quiet(a)
    return a


def f64_eq(a: float, b: float) -> int:
    return 1 if a == b else 0


def f64_ne(a: float, b: float) -> int:
    return 1 if a != b else 0


def f64_lt(a: float, b: float) -> int:
    return 1 if a < b else 0


def f64_gt(a: float, b: float) -> int:
    return 1 if a > b else 0


def f64_le(a: float, b: float) -> int:
    return 1 if a <= b else 0


def f64_ge(a: float, b: float) -> int:
    return 1 if a >= b else 0


# ----------------------------------------------------------------------------------------------
# f32 arithmetic: the exact double result, rounded once to f32 through the C float cast
# (struct 'f'); OverflowError means the rounded result is infinite.

def f32_add(a: float, b: float) -> float:
    r = a + b
    if r != r:
        return _arith_nan(a, b)
    try:
        return _unpack_f32(_pack_f32(r))[0]
    except OverflowError:
        return INF if r > 0.0 else NEG_INF


def f32_sub(a: float, b: float) -> float:
    r = a - b
    if r != r:
        return _arith_nan(a, b)
    try:
        return _unpack_f32(_pack_f32(r))[0]
    except OverflowError:
        return INF if r > 0.0 else NEG_INF


def f32_mul(a: float, b: float) -> float:
    r = a * b
    if r != r:
        return _arith_nan(a, b)
    try:
        return _unpack_f32(_pack_f32(r))[0]
    except OverflowError:
        return INF if r > 0.0 else NEG_INF


def f32_div(a: float, b: float) -> float:
    try:
        r = a / b
    except ZeroDivisionError:
        return _div_by_zero(a, b)
    if r != r:
        return _arith_nan(a, b)
    try:
        return _unpack_f32(_pack_f32(r))[0]
    except OverflowError:
        return INF if r > 0.0 else NEG_INF


def f32_sqrt(a: float) -> float:
    try:
        r = _sqrt(a)
    except ValueError:
        return DEFAULT_NAN
    if r != r:
        return quiet(a)
    return _unpack_f32(_pack_f32(r))[0]    # sqrt of an f32 never overflows


# These have identical semantics at both widths: they never round (the result is one of the
# operands, or an integer of no greater magnitude, which is an f32 when the operand is), and the
# NaN rules act on the shared encoding.
f32_min = renamed(f64_min, "f32_min")
f32_max = renamed(f64_max, "f32_max")
f32_abs = renamed(f64_abs, "f32_abs")
f32_neg = renamed(f64_neg, "f32_neg")
f32_copysign = renamed(f64_copysign, "f32_copysign")
f32_ceil = renamed(f64_ceil, "f32_ceil")
f32_floor = renamed(f64_floor, "f32_floor")
f32_trunc = renamed(f64_trunc, "f32_trunc")
f32_nearest = renamed(f64_nearest, "f32_nearest")
f32_eq = renamed(f64_eq, "f32_eq")
f32_ne = renamed(f64_ne, "f32_ne")
f32_lt = renamed(f64_lt, "f32_lt")
f32_gt = renamed(f64_gt, "f32_gt")
f32_le = renamed(f64_le, "f32_le")
f32_ge = renamed(f64_ge, "f32_ge")
