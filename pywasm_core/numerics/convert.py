"""Conversions: wrap/extend, trunc (trapping and saturating), convert, demote/promote, reinterpret.

Values follow the `numerics` package representation.  Every f32 is also a double, so the f32 and
f64 forms of `trunc` and `trunc_sat` test the same exact double bounds.  int -> float conversions
round once, directly from the integer: CPython's `float(int)` is correctly rounded (ties to even)
to double, and an f32 result is rounded from the integer by hand when it has more than 53
significant bits, to avoid double rounding.
"""

from __future__ import annotations

import struct

from pywasm_core.errors import Trap, TrapCode
from pywasm_core.numerics.floats import (INF, NEG_INF, f32_from_bits, f32_to_bits,
                                         f64_from_bits, f64_to_bits, quiet, renamed)

_F32 = struct.Struct("<f")
_F64 = struct.Struct("<d")
_U64 = struct.Struct("<Q")
_pack_f32, _unpack_f32 = _F32.pack, _F32.unpack
_pack_f64, _unpack_f64 = _F64.pack, _F64.unpack
_pack_u64, _unpack_u64 = _U64.pack, _U64.unpack

MASK32 = 0xFFFF_FFFF
MASK64 = 0xFFFF_FFFF_FFFF_FFFF
_TWO53 = 1 << 53
_LOW29 = (1 << 29) - 1

_OVERFLOW = TrapCode.INTEGER_OVERFLOW
_INVALID = TrapCode.BAD_CONVERSION_TO_INTEGER


# ----------------------------------------------------------------------------------------------
# integer width changes

def i32_wrap_i64(a: int) -> int:
    return a & MASK32


def i64_extend_i32_s(a: int) -> int:
    return a | 0xFFFF_FFFF_0000_0000 if a & 0x8000_0000 else a


def i64_extend_i32_u(a: int) -> int:
    return a


# ----------------------------------------------------------------------------------------------
# float -> int, trapping: NaN is "invalid conversion to integer"; a value whose truncation falls
# outside the target range is "integer overflow".  The bounds are exclusive and exact doubles:
# -2**31 - 1 < a < 2**31 for i32; for i64 no double lies strictly between -2**63 - 1 and -2**63,
# so the lower bound is -2**63 inclusive.

def i32_trunc_f64_s(a: float) -> int:
    if -2147483649.0 < a < 2147483648.0:
        return int(a) & MASK32
    raise Trap(_INVALID if a != a else _OVERFLOW)


def i32_trunc_f64_u(a: float) -> int:
    if -1.0 < a < 4294967296.0:
        return int(a)
    raise Trap(_INVALID if a != a else _OVERFLOW)


def i64_trunc_f64_s(a: float) -> int:
    if -9223372036854775808.0 <= a < 9223372036854775808.0:
        return int(a) & MASK64
    raise Trap(_INVALID if a != a else _OVERFLOW)


def i64_trunc_f64_u(a: float) -> int:
    if -1.0 < a < 18446744073709551616.0:
        return int(a)
    raise Trap(_INVALID if a != a else _OVERFLOW)


i32_trunc_f32_s = renamed(i32_trunc_f64_s, "i32_trunc_f32_s")
i32_trunc_f32_u = renamed(i32_trunc_f64_u, "i32_trunc_f32_u")
i64_trunc_f32_s = renamed(i64_trunc_f64_s, "i64_trunc_f32_s")
i64_trunc_f32_u = renamed(i64_trunc_f64_u, "i64_trunc_f32_u")


# float -> int, saturating: NaN gives 0, out-of-range values clamp to the nearest bound.

def i32_trunc_sat_f64_s(a: float) -> int:
    if -2147483649.0 < a < 2147483648.0:
        return int(a) & MASK32
    if a != a:
        return 0
    return 0x8000_0000 if a < 0.0 else 0x7FFF_FFFF


def i32_trunc_sat_f64_u(a: float) -> int:
    if -1.0 < a < 4294967296.0:
        return int(a)
    if a != a or a < 0.0:
        return 0
    return MASK32


def i64_trunc_sat_f64_s(a: float) -> int:
    if -9223372036854775808.0 <= a < 9223372036854775808.0:
        return int(a) & MASK64
    if a != a:
        return 0
    return 0x8000_0000_0000_0000 if a < 0.0 else 0x7FFF_FFFF_FFFF_FFFF


def i64_trunc_sat_f64_u(a: float) -> int:
    if -1.0 < a < 18446744073709551616.0:
        return int(a)
    if a != a or a < 0.0:
        return 0
    return MASK64


i32_trunc_sat_f32_s = renamed(i32_trunc_sat_f64_s, "i32_trunc_sat_f32_s")
i32_trunc_sat_f32_u = renamed(i32_trunc_sat_f64_u, "i32_trunc_sat_f32_u")
i64_trunc_sat_f32_s = renamed(i64_trunc_sat_f64_s, "i64_trunc_sat_f32_s")
i64_trunc_sat_f32_u = renamed(i64_trunc_sat_f64_u, "i64_trunc_sat_f32_u")


# ----------------------------------------------------------------------------------------------
# int -> float

def _magnitude_to_f32(v: int) -> float:
    """The f32 nearest to the integer v >= 0 (ties to even), rounded from the integer itself."""
    if v <= _TWO53:                             # float(v) is exact: one rounding, by the C cast
        return _unpack_f32(_pack_f32(float(v)))[0]
    shift = v.bit_length() - 24                 # keep 24 significant bits
    q = v >> shift
    rest = v - (q << shift)
    half = 1 << (shift - 1)
    if rest > half or (rest == half and q & 1):
        q += 1                                  # may carry to 2**24: still exact, and < 2**128
    return float(q << shift)


def f32_convert_i32_s(a: int) -> float:
    return _unpack_f32(_pack_f32(float(a - ((a & 0x8000_0000) << 1))))[0]


def f32_convert_i32_u(a: int) -> float:
    return _unpack_f32(_pack_f32(float(a)))[0]


def f32_convert_i64_s(a: int) -> float:
    if a & 0x8000_0000_0000_0000:
        return -_magnitude_to_f32(0x1_0000_0000_0000_0000 - a)
    return _magnitude_to_f32(a)


def f32_convert_i64_u(a: int) -> float:
    return _magnitude_to_f32(a)


def f64_convert_i32_s(a: int) -> float:
    return float(a - ((a & 0x8000_0000) << 1))


def f64_convert_i32_u(a: int) -> float:
    return float(a)


def f64_convert_i64_s(a: int) -> float:
    return float(a - ((a & 0x8000_0000_0000_0000) << 1))


def f64_convert_i64_u(a: int) -> float:
    return float(a)


# ----------------------------------------------------------------------------------------------
# float <-> float

def f32_demote_f64(a: float) -> float:
    """Round to f32.  A NaN is always quieted and keeps the top 23 bits of its payload, even
    when it is a signalling NaN that fits in f32 (wasmtime: f64 0x7FF4000000000000 demotes to
    f32 0x7FE00000, and 0x7FF4123456789ABC to 0x7FE091A2)."""
    try:
        r = _unpack_f32(_pack_f32(a))[0]
    except OverflowError:
        return INF if a > 0.0 else NEG_INF
    if r != r:
        return _unpack_f64(_pack_u64((_unpack_u64(_pack_f64(a))[0] | 1 << 51) & ~_LOW29))[0]
    return r


def f64_promote_f32(a: float) -> float:
    """Exact.  A NaN is quieted with its payload shifted up by 29 bits, which is exactly our
    encoding of the quieted f32 (wasmtime: f32 0x7FA00123 promotes to f64 0x7FFC002460000000)."""
    if a != a:
        return quiet(a)
    return a


# ----------------------------------------------------------------------------------------------
# reinterpret: the bit conversions of floats.py under the instructions' names

i32_reinterpret_f32 = renamed(f32_to_bits, "i32_reinterpret_f32")
f32_reinterpret_i32 = renamed(f32_from_bits, "f32_reinterpret_i32")
i64_reinterpret_f64 = renamed(f64_to_bits, "i64_reinterpret_f64")
f64_reinterpret_i64 = renamed(f64_from_bits, "f64_reinterpret_i64")
