"""i32 / i64 semantics as pure functions on canonical unsigned ints.

Operands are 0 <= v < 2**N and so are results (comparisons return 1 or 0).  Signed views are
taken only where the instruction is signed: `v - ((v & SIGN) << 1)` maps the unsigned pattern to
its two's-complement value without a branch, and `v ^ SIGN` orders patterns as signed ints.
Shift and rotate counts are taken modulo the width.  Division truncates toward zero (unlike
Python's `//`), so the signed forms divide magnitudes and fix the sign afterwards.
"""

from __future__ import annotations

from pywasm_core.errors import Trap, TrapCode

MASK32 = 0xFFFF_FFFF
MASK64 = 0xFFFF_FFFF_FFFF_FFFF
SIGN32 = 0x8000_0000
SIGN64 = 0x8000_0000_0000_0000

_DIV_ZERO = TrapCode.INTEGER_DIVISION_BY_ZERO
_OVERFLOW = TrapCode.INTEGER_OVERFLOW


def to_s32(v: int) -> int:
    """The signed value of a canonical i32."""
    return v - ((v & SIGN32) << 1)


def to_s64(v: int) -> int:
    """The signed value of a canonical i64."""
    return v - ((v & SIGN64) << 1)


# ----------------------------------------------------------------------------------------------
# i32

def i32_eqz(a: int) -> int:
    return 1 if a == 0 else 0


def i32_eq(a: int, b: int) -> int:
    return 1 if a == b else 0


def i32_ne(a: int, b: int) -> int:
    return 1 if a != b else 0


def i32_lt_s(a: int, b: int) -> int:
    return 1 if a ^ SIGN32 < b ^ SIGN32 else 0


def i32_lt_u(a: int, b: int) -> int:
    return 1 if a < b else 0


def i32_gt_s(a: int, b: int) -> int:
    return 1 if a ^ SIGN32 > b ^ SIGN32 else 0


def i32_gt_u(a: int, b: int) -> int:
    return 1 if a > b else 0


def i32_le_s(a: int, b: int) -> int:
    return 1 if a ^ SIGN32 <= b ^ SIGN32 else 0


def i32_le_u(a: int, b: int) -> int:
    return 1 if a <= b else 0


def i32_ge_s(a: int, b: int) -> int:
    return 1 if a ^ SIGN32 >= b ^ SIGN32 else 0


def i32_ge_u(a: int, b: int) -> int:
    return 1 if a >= b else 0


def i32_clz(a: int) -> int:
    return 32 - a.bit_length()


def i32_ctz(a: int) -> int:
    return (a & -a).bit_length() - 1 if a else 32


def i32_popcnt(a: int) -> int:
    return a.bit_count()


def i32_add(a: int, b: int) -> int:
    return (a + b) & MASK32


def i32_sub(a: int, b: int) -> int:
    return (a - b) & MASK32


def i32_mul(a: int, b: int) -> int:
    return (a * b) & MASK32


def i32_div_s(a: int, b: int) -> int:
    if b == 0:
        raise Trap(_DIV_ZERO)
    if a < SIGN32 and b < SIGN32:            # both non-negative: the common case
        return a // b
    if a == SIGN32 and b == MASK32:          # INT_MIN / -1 does not fit
        raise Trap(_OVERFLOW)
    sa = a - ((a & SIGN32) << 1)
    sb = b - ((b & SIGN32) << 1)
    q = abs(sa) // abs(sb)
    return (-q if (sa ^ sb) < 0 else q) & MASK32


def i32_div_u(a: int, b: int) -> int:
    if b == 0:
        raise Trap(_DIV_ZERO)
    return a // b


def i32_rem_s(a: int, b: int) -> int:
    """The remainder takes the dividend's sign; INT_MIN rem -1 is 0, not a trap."""
    if b == 0:
        raise Trap(_DIV_ZERO)
    if a < SIGN32 and b < SIGN32:
        return a % b
    sa = a - ((a & SIGN32) << 1)
    r = abs(sa) % abs(b - ((b & SIGN32) << 1))
    return (-r if sa < 0 else r) & MASK32


def i32_rem_u(a: int, b: int) -> int:
    if b == 0:
        raise Trap(_DIV_ZERO)
    return a % b


def i32_and(a: int, b: int) -> int:
    return a & b


def i32_or(a: int, b: int) -> int:
    return a | b


def i32_xor(a: int, b: int) -> int:
    return a ^ b


def i32_shl(a: int, b: int) -> int:
    return (a << (b & 31)) & MASK32


def i32_shr_s(a: int, b: int) -> int:
    return ((a - ((a & SIGN32) << 1)) >> (b & 31)) & MASK32


def i32_shr_u(a: int, b: int) -> int:
    return a >> (b & 31)


def i32_rotl(a: int, b: int) -> int:
    k = b & 31
    return ((a << k) | (a >> (32 - k))) & MASK32


def i32_rotr(a: int, b: int) -> int:
    k = b & 31
    return ((a >> k) | (a << (32 - k))) & MASK32


def i32_extend8_s(a: int) -> int:
    a &= 0xFF
    return a | 0xFFFF_FF00 if a & 0x80 else a


def i32_extend16_s(a: int) -> int:
    a &= 0xFFFF
    return a | 0xFFFF_0000 if a & 0x8000 else a


# ----------------------------------------------------------------------------------------------
# i64

def i64_eqz(a: int) -> int:
    return 1 if a == 0 else 0


def i64_eq(a: int, b: int) -> int:
    return 1 if a == b else 0


def i64_ne(a: int, b: int) -> int:
    return 1 if a != b else 0


def i64_lt_s(a: int, b: int) -> int:
    return 1 if a ^ SIGN64 < b ^ SIGN64 else 0


def i64_lt_u(a: int, b: int) -> int:
    return 1 if a < b else 0


def i64_gt_s(a: int, b: int) -> int:
    return 1 if a ^ SIGN64 > b ^ SIGN64 else 0


def i64_gt_u(a: int, b: int) -> int:
    return 1 if a > b else 0


def i64_le_s(a: int, b: int) -> int:
    return 1 if a ^ SIGN64 <= b ^ SIGN64 else 0


def i64_le_u(a: int, b: int) -> int:
    return 1 if a <= b else 0


def i64_ge_s(a: int, b: int) -> int:
    return 1 if a ^ SIGN64 >= b ^ SIGN64 else 0


def i64_ge_u(a: int, b: int) -> int:
    return 1 if a >= b else 0


def i64_clz(a: int) -> int:
    return 64 - a.bit_length()


def i64_ctz(a: int) -> int:
    return (a & -a).bit_length() - 1 if a else 64


def i64_popcnt(a: int) -> int:
    return a.bit_count()


def i64_add(a: int, b: int) -> int:
    return (a + b) & MASK64


def i64_sub(a: int, b: int) -> int:
    return (a - b) & MASK64


def i64_mul(a: int, b: int) -> int:
    return (a * b) & MASK64


def i64_div_s(a: int, b: int) -> int:
    if b == 0:
        raise Trap(_DIV_ZERO)
    if a < SIGN64 and b < SIGN64:            # both non-negative: the common case
        return a // b
    if a == SIGN64 and b == MASK64:          # INT_MIN / -1 does not fit
        raise Trap(_OVERFLOW)
    sa = a - ((a & SIGN64) << 1)
    sb = b - ((b & SIGN64) << 1)
    q = abs(sa) // abs(sb)
    return (-q if (sa ^ sb) < 0 else q) & MASK64


def i64_div_u(a: int, b: int) -> int:
    if b == 0:
        raise Trap(_DIV_ZERO)
    return a // b


def i64_rem_s(a: int, b: int) -> int:
    """The remainder takes the dividend's sign; INT_MIN rem -1 is 0, not a trap."""
    if b == 0:
        raise Trap(_DIV_ZERO)
    if a < SIGN64 and b < SIGN64:
        return a % b
    sa = a - ((a & SIGN64) << 1)
    r = abs(sa) % abs(b - ((b & SIGN64) << 1))
    return (-r if sa < 0 else r) & MASK64


def i64_rem_u(a: int, b: int) -> int:
    if b == 0:
        raise Trap(_DIV_ZERO)
    return a % b


def i64_and(a: int, b: int) -> int:
    return a & b


def i64_or(a: int, b: int) -> int:
    return a | b


def i64_xor(a: int, b: int) -> int:
    return a ^ b


def i64_shl(a: int, b: int) -> int:
    return (a << (b & 63)) & MASK64


def i64_shr_s(a: int, b: int) -> int:
    return ((a - ((a & SIGN64) << 1)) >> (b & 63)) & MASK64


def i64_shr_u(a: int, b: int) -> int:
    return a >> (b & 63)


def i64_rotl(a: int, b: int) -> int:
    k = b & 63
    return ((a << k) | (a >> (64 - k))) & MASK64


def i64_rotr(a: int, b: int) -> int:
    k = b & 63
    return ((a >> k) | (a << (64 - k))) & MASK64


def i64_extend8_s(a: int) -> int:
    a &= 0xFF
    return a | 0xFFFF_FFFF_FFFF_FF00 if a & 0x80 else a


def i64_extend16_s(a: int) -> int:
    a &= 0xFFFF
    return a | 0xFFFF_FFFF_FFFF_0000 if a & 0x8000 else a


def i64_extend32_s(a: int) -> int:
    a &= 0xFFFF_FFFF
    return a | 0xFFFF_FFFF_0000_0000 if a & 0x8000_0000 else a
