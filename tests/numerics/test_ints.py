"""i32/i64 instructions against Python integer models written independently of the engine."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from pywasm_core.errors import Trap, TrapCode
from pywasm_core.numerics import ints

from .values import I32_EDGES, I64_EDGES

WIDTHS = {"i32": 32, "i64": 64}


def signed(v: int, n: int) -> int:
    return v - (1 << n) if v >= 1 << (n - 1) else v


def wrap(v: int, n: int) -> int:
    return v % (1 << n)


def trunc_div(a: int, b: int) -> int:
    """Quotient rounded toward zero, through exact rationals."""
    q = Fraction(a, b)
    return q.numerator // q.denominator if q >= 0 else -((-q.numerator) // q.denominator)


def operand(n: int):
    edges = I32_EDGES if n == 32 else I64_EDGES
    return st.one_of(st.integers(0, (1 << n) - 1), st.sampled_from(edges),
                     st.integers(-(1 << 10), 1 << 10).map(lambda v: wrap(v, n)))


def fn(t: str, name: str):
    return getattr(ints, f"{t}_{name}")


BINARY_MODELS = {
    "add": lambda a, b, n: wrap(a + b, n),
    "sub": lambda a, b, n: wrap(a - b, n),
    "mul": lambda a, b, n: wrap(signed(a, n) * signed(b, n), n),
    "and": lambda a, b, n: a & b,
    "or": lambda a, b, n: a | b,
    "xor": lambda a, b, n: a ^ b,
    "shl": lambda a, b, n: wrap(a * 2 ** (b % n), n),
    "shr_u": lambda a, b, n: a // 2 ** (b % n),
    "shr_s": lambda a, b, n: wrap(signed(a, n) // 2 ** (b % n), n),   # floor = arithmetic shift
    "rotl": lambda a, b, n: int((f"{a:0{n}b}" * 2)[b % n:b % n + n], 2),
    "rotr": lambda a, b, n: int((f"{a:0{n}b}" * 2)[n - b % n:2 * n - b % n], 2),
    "eq": lambda a, b, n: int(a == b),
    "ne": lambda a, b, n: int(a != b),
    "lt_u": lambda a, b, n: int(a < b),
    "gt_u": lambda a, b, n: int(a > b),
    "le_u": lambda a, b, n: int(a <= b),
    "ge_u": lambda a, b, n: int(a >= b),
    "lt_s": lambda a, b, n: int(signed(a, n) < signed(b, n)),
    "gt_s": lambda a, b, n: int(signed(a, n) > signed(b, n)),
    "le_s": lambda a, b, n: int(signed(a, n) <= signed(b, n)),
    "ge_s": lambda a, b, n: int(signed(a, n) >= signed(b, n)),
}

UNARY_MODELS = {
    "eqz": lambda a, n: int(a == 0),
    "clz": lambda a, n: (f"{a:0{n}b}" + "1").index("1"),
    "ctz": lambda a, n: ("1" + f"{a:0{n}b}")[::-1].index("1"),
    "popcnt": lambda a, n: bin(a).count("1"),
    "extend8_s": lambda a, n: wrap(signed(a % 256, 8), n),
    "extend16_s": lambda a, n: wrap(signed(a % 65536, 16), n),
}


@pytest.mark.parametrize("t", ["i32", "i64"])
@pytest.mark.parametrize("name", sorted(BINARY_MODELS))
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_binary_against_model(t, name, data):
    n = WIDTHS[t]
    a, b = data.draw(operand(n)), data.draw(operand(n))
    result = fn(t, name)(a, b)
    assert type(result) is int
    assert result == BINARY_MODELS[name](a, b, n)


@pytest.mark.parametrize("t", ["i32", "i64"])
@pytest.mark.parametrize("name", sorted(UNARY_MODELS))
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_unary_against_model(t, name, data):
    n = WIDTHS[t]
    a = data.draw(operand(n))
    result = fn(t, name)(a)
    assert type(result) is int
    assert result == UNARY_MODELS[name](a, n)


@settings(max_examples=200, deadline=None)
@given(operand(64))
def test_i64_extend32_s(a):
    assert ints.i64_extend32_s(a) == wrap(signed(a % 2 ** 32, 32), 64)


@pytest.mark.parametrize("t", ["i32", "i64"])
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_division_against_model(t, data):
    n = WIDTHS[t]
    a, b = data.draw(operand(n)), data.draw(operand(n))
    if b == 0:
        for name in ("div_s", "div_u", "rem_s", "rem_u"):
            with pytest.raises(Trap) as info:
                fn(t, name)(a, b)
            assert info.value.trap_code is TrapCode.INTEGER_DIVISION_BY_ZERO
            assert str(info.value) == "integer divide by zero"
        return
    sa, sb = signed(a, n), signed(b, n)
    assert fn(t, "div_u")(a, b) == trunc_div(a, b)
    assert fn(t, "rem_u")(a, b) == a - b * trunc_div(a, b)
    assert fn(t, "rem_s")(a, b) == wrap(sa - sb * trunc_div(sa, sb), n)
    quotient = trunc_div(sa, sb)
    if quotient == 1 << (n - 1):
        with pytest.raises(Trap) as info:
            fn(t, "div_s")(a, b)
        assert info.value.trap_code is TrapCode.INTEGER_OVERFLOW
        assert str(info.value) == "integer overflow"
    else:
        assert fn(t, "div_s")(a, b) == wrap(quotient, n)


# Edge-case vectors, written out (values as in the official testsuite's i32/i64.wast).

def test_i32_vectors():
    assert ints.i32_div_s(0x80000000, 2) == 0xC0000000
    assert ints.i32_div_s(7, 0xFFFFFFFD) == 0xFFFFFFFE          # 7 / -3 = -2
    assert ints.i32_div_s(0xFFFFFFF9, 3) == 0xFFFFFFFE          # -7 / 3 = -2
    assert ints.i32_rem_s(0x80000000, 0xFFFFFFFF) == 0           # INT_MIN rem -1
    assert ints.i32_rem_s(0xFFFFFFF9, 3) == 0xFFFFFFFF          # -7 rem 3 = -1
    assert ints.i32_rem_s(7, 0xFFFFFFFD) == 1                    # 7 rem -3 = 1
    assert ints.i32_div_u(0x80000000, 2) == 0x40000000
    assert ints.i32_shl(1, 32) == 1 and ints.i32_shl(1, 33) == 2
    assert ints.i32_shr_s(0x80000000, 31) == 0xFFFFFFFF
    assert ints.i32_shr_s(0x80000000, 32) == 0x80000000
    assert ints.i32_shr_u(0x80000000, 0xFFFFFFFF) == 1          # count -1 is 31
    assert ints.i32_rotl(0xFE00DC00, 4) == 0xE00DC00F
    assert ints.i32_rotr(0xB0C1D2E3, 5) == 0x1D860E97
    assert ints.i32_rotl(0x12345678, 64) == 0x12345678
    assert ints.i32_clz(0) == 32 and ints.i32_clz(0x80000000) == 0 and ints.i32_clz(1) == 31
    assert ints.i32_ctz(0) == 32 and ints.i32_ctz(0x80000000) == 31 and ints.i32_ctz(1) == 0
    assert ints.i32_popcnt(0xFFFFFFFF) == 32 and ints.i32_popcnt(0) == 0
    assert ints.i32_extend8_s(0x80) == 0xFFFFFF80 and ints.i32_extend8_s(0x12345677F) == 0x7F
    assert ints.i32_extend16_s(0x8000) == 0xFFFF8000 and ints.i32_extend16_s(0x7FFF) == 0x7FFF
    assert ints.i32_lt_s(0x80000000, 0) == 1 and ints.i32_lt_u(0x80000000, 0) == 0
    assert ints.i32_mul(0x80000000, 0xFFFFFFFF) == 0x80000000


def test_i64_vectors():
    INT_MIN = 0x8000000000000000
    assert ints.i64_rem_s(INT_MIN, 2 ** 64 - 1) == 0
    with pytest.raises(Trap, match="^integer overflow"):
        ints.i64_div_s(INT_MIN, 2 ** 64 - 1)
    with pytest.raises(Trap, match="^integer divide by zero"):
        ints.i64_rem_u(1, 0)
    assert ints.i64_div_s(INT_MIN, 2) == 0xC000000000000000
    assert ints.i64_shl(1, 64) == 1 and ints.i64_shl(1, 63) == INT_MIN
    assert ints.i64_shr_s(INT_MIN, 65) == 0xC000000000000000
    assert ints.i64_rotl(0xABCD987602468ACE, 0x8000000000000001) == 0x579B30EC048D159D
    assert ints.i64_rotr(0xABCD987602468ACE, 1) == 0x55E6CC3B01234567
    assert ints.i64_clz(0) == 64 and ints.i64_ctz(0) == 64 and ints.i64_popcnt(2 ** 64 - 1) == 64
    assert ints.i64_extend32_s(0x80000000) == 0xFFFFFFFF80000000
    assert ints.i64_extend32_s(0x1_7FFFFFFF) == 0x7FFFFFFF


def test_signed_views():
    assert ints.to_s32(0xFFFFFFFF) == -1 and ints.to_s32(0x7FFFFFFF) == 2 ** 31 - 1
    assert ints.to_s64(0x8000000000000000) == -2 ** 63 and ints.to_s64(5) == 5
