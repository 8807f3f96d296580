"""SIMD numerics: coverage of the instruction table, every instruction against the lane-by-lane
scalar model (hypothesis and all pairs of edge lanes), hand-checked vectors, lanes, shuffles, and
the memory helpers."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pywasm_core.numerics import NUMERIC, simd
from pywasm_core.numerics.floats import f32_from_bits, f32_to_bits, f64_from_bits, f64_to_bits
from pywasm_core.opcodes import BY_NAME, INFO, Imm, Op

from .simd_model import model
from .simd_values import (MASK128, edge_operands, f32_bits, f64_bits, i32s, i64s, join,
                          operand_shape, signed, split, v128s, v128s_f32, v128s_f64)

# The fixed-width SIMD of WebAssembly 2.0; relaxed SIMD (3.0, `feature="relaxed_simd"`) is not
# implemented in numerics yet.
NONE_SIMD = sorted(op for op, info in INFO.items()
                   if op >> 16 == 0xFD and info.imm is Imm.NONE and info.feature is None)


def test_simd_ops_cover_exactly_the_no_immediate_simd_instructions():
    assert set(simd.SIMD_OPS) == set(NONE_SIMD)
    assert len(NONE_SIMD) == 198
    for op, func in simd.SIMD_OPS.items():
        assert func.__name__ == INFO[op].name.replace(".", "_")
        assert NUMERIC[op] is func


def test_every_simd_function_is_a_module_level_name():
    for func in simd.SIMD_OPS.values():
        assert getattr(simd, func.__name__) is func


# ----------------------------------------------------------------------------------------------
# the property test: each instruction against the model, operands drawn per signature

def _operand_strategy(valtype: str, name: str):
    if valtype == "v128":
        shape = operand_shape(name)
        if shape == "f32x4":
            return st.one_of(v128s_f32, v128s)
        if shape == "f64x2":
            return st.one_of(v128s_f64, v128s)
        return v128s
    if valtype == "i32":
        return i32s
    if valtype == "i64":
        return i64s
    if valtype == "f32":
        return f32_bits.map(f32_from_bits)
    return f64_bits.map(f64_from_bits)


def _operands(op):
    name = INFO[op].name.replace(".", "_")
    params = INFO[op].sig[0]
    return st.tuples(*(_operand_strategy(t, name) for t in params))


@pytest.mark.parametrize("op", NONE_SIMD, ids=lambda op: INFO[op].name)
def test_matches_lane_model(op):
    name = INFO[op].name.replace(".", "_")
    func = simd.SIMD_OPS[op]

    @settings(max_examples=60, deadline=None, database=None)
    @given(_operands(op))
    def check(operands):
        got = func(*operands)
        want = model(name, *operands)
        assert got == want, (f"{name}{tuple(hex(o) if isinstance(o, int) else o for o in operands)}"
                             f": got {got:#x}, want {want:#x}")
        assert 0 <= got <= MASK128

    check()


# ----------------------------------------------------------------------------------------------
# hand-checked vectors (independent of the model)

def f32x4(*xs: float) -> int:
    return int.from_bytes(struct.pack("<4f", *xs), "little")


def f32x4_bits(*bits: int) -> int:
    return join(bits, 32)


def i8x16(*xs: int) -> int:
    return join(xs, 8)


def i16x8(*xs: int) -> int:
    return join(xs, 16)


def i32x4(*xs: int) -> int:
    return join(xs, 32)


def test_integer_vectors():
    assert simd.i8x16_add(i8x16(*[0x7F] * 16), i8x16(*[1] * 16)) == i8x16(*[0x80] * 16)
    assert simd.i8x16_add_sat_s(i8x16(*[0x7F] * 16), i8x16(*[1] * 16)) == i8x16(*[0x7F] * 16)
    assert simd.i8x16_sub_sat_u(i8x16(*[1] * 16), i8x16(*[2] * 16)) == 0
    assert simd.i8x16_avgr_u(i8x16(*[0xFF] * 16), i8x16(*[0] * 16)) == i8x16(*[0x80] * 16)
    assert simd.i16x8_q15mulr_sat_s(i16x8(*[0x8000] * 8), i16x8(*[0x8000] * 8)) == \
        i16x8(*[0x7FFF] * 8)
    assert simd.i16x8_q15mulr_sat_s(i16x8(*[0x4000] * 8), i16x8(*[0x8000] * 8)) == \
        i16x8(*[0xC000] * 8)
    assert simd.i32x4_dot_i16x8_s(i16x8(*[0x8000] * 8), i16x8(*[0x8000] * 8)) == \
        i32x4(*[0x8000_0000] * 4)
    assert simd.i8x16_narrow_i16x8_s(i16x8(0x100, 0xFF00, 5, 0x7FFF, 0x8000, 0, 0, 0), 0) == \
        i8x16(0x7F, 0x80, 5, 0x7F, 0x80, *[0] * 11)
    assert simd.i8x16_narrow_i16x8_u(i16x8(0x100, 0xFFFF, 5, 0, 0, 0, 0, 0), 0) == \
        i8x16(0xFF, 0, 5, *[0] * 13)
    assert simd.i8x16_shr_s(i8x16(*[0x80] * 16), 9) == i8x16(*[0xC0] * 16)     # 9 mod 8 = 1
    assert simd.i64x2_shr_s(join([1 << 63, 4], 64), 65) == join([0xC000_0000_0000_0000, 2], 64)
    assert simd.i32x4_abs(i32x4(0x8000_0000, 0xFFFF_FFFF, 5, 0)) == i32x4(0x8000_0000, 1, 5, 0)
    assert simd.i8x16_popcnt(i8x16(0xFF, 0x0F, 1, *[0] * 13)) == i8x16(8, 4, 1, *[0] * 13)


def test_bitmask_any_all_true():
    assert simd.i8x16_bitmask(i8x16(0x80, 0, 0xFF, *[0] * 12, 0x90)) == 0b1000_0000_0000_0101
    assert simd.i16x8_bitmask(i16x8(0, 0x8000, *[0] * 6)) == 0b10
    assert simd.i32x4_bitmask(i32x4(0, 0, 0, 0x8000_0000)) == 0b1000
    assert simd.i64x2_bitmask(join([1 << 63, 1 << 63], 64)) == 0b11
    assert simd.v128_any_true(0) == 0 and simd.v128_any_true(1 << 127) == 1
    assert simd.i8x16_all_true(i8x16(*[1] * 16)) == 1
    assert simd.i8x16_all_true(i8x16(*[1] * 15, 0)) == 0
    assert simd.i16x8_all_true(i16x8(*[0x100] * 8)) == 1          # bytes may be zero
    assert simd.i64x2_all_true(join([1, 1 << 63], 64)) == 1


def test_float_vectors():
    assert simd.f32x4_add(f32x4(1.5, 2.0, -3.0, 0.0), f32x4(0.25, -2.0, 1.0, -0.0)) == \
        f32x4(1.75, 0.0, -2.0, 0.0)
    # rounding happens per lane in f32: 1 + 2**-24 is a tie that rounds to even (1.0)
    assert simd.f32x4_add(f32x4(1.0, 1.0, 1.0, 1.0), f32x4(*[2.0 ** -24] * 4)) == f32x4(1.0, 1.0,
                                                                                       1.0, 1.0)
    # overflow to infinity in one lane goes through the exact path
    big = f32_from_bits(0x7F7F_FFFF)
    assert simd.f32x4_mul(f32x4(big, 2.0, 1.0, -big), f32x4(2.0, 3.0, 1.0, 2.0)) == \
        f32x4_bits(0x7F80_0000, 0x40C0_0000, 0x3F80_0000, 0xFF80_0000)
    assert simd.f32x4_div(f32x4(1.0, -1.0, 0.0, 6.0), f32x4(0.0, 0.0, 0.0, 3.0)) == \
        f32x4_bits(0x7F80_0000, 0xFF80_0000, 0xFFC0_0000, 0x4000_0000)
    assert simd.f32x4_sqrt(f32x4(4.0, -1.0, -0.0, 2.0)) == \
        f32x4_bits(0x4000_0000, 0xFFC0_0000, 0x8000_0000, 0x3FB5_04F3)
    assert simd.f32x4_nearest(f32x4(0.5, 1.5, 2.5, -0.5)) == f32x4(0.0, 2.0, 2.0, -0.0)


def test_float_nan_rules():
    qnan, snan, nqnan, nsnan = 0x7FC0_0001, 0x7F80_0005, 0xFFC0_0002, 0xFF80_0007
    one = 0x3F80_0000
    a, b = f32x4_bits(qnan, one, snan, qnan), f32x4_bits(nqnan, nsnan, one, nsnan)
    # arithmetic: the first NaN operand, quieted
    assert simd.f32x4_add(a, b) == f32x4_bits(0x7FC0_0001, 0xFFC0_0007, 0x7FC0_0005, 0x7FC0_0001)
    # min: always the negative default NaN; max: canonical NaN with the signs ORed
    assert simd.f32x4_min(a, b) == f32x4_bits(*[0xFFC0_0000] * 4)
    assert simd.f32x4_max(a, b) == f32x4_bits(0xFFC0_0000, 0xFFC0_0000, 0x7FC0_0000, 0xFFC0_0000)
    # pmin/pmax return an operand untouched
    assert simd.f32x4_pmin(a, b) == f32x4_bits(qnan, one, snan, qnan)
    assert simd.f32x4_pmax(b, a) == f32x4_bits(nqnan, nsnan, one, nsnan)
    # abs/neg keep signalling NaNs signalling
    assert simd.f32x4_neg(f32x4_bits(snan, 0, 0, 0)) == f32x4_bits(0xFF80_0005, 0x8000_0000,
                                                                   0x8000_0000, 0x8000_0000)
    # rounding ops quiet the NaN and keep its payload
    assert simd.f32x4_floor(f32x4_bits(snan, nsnan, 0, 0)) == f32x4_bits(0x7FC0_0005,
                                                                         0xFFC0_0007, 0, 0)
    # promote/demote
    assert simd.f64x2_promote_low_f32x4(f32x4_bits(snan, nsnan, 0, 0)) == \
        join([0x7FF8_0000_A000_0000, 0xFFF8_0000_E000_0000], 64)
    assert simd.f32x4_demote_f64x2_zero(join([0x7FF0_0000_0000_0005, 0xFFF8_0001_2345_6789],
                                             64)) == f32x4_bits(0x7FC0_0000, 0xFFC0_0009, 0, 0)


def test_min_max_zeros():
    pz, nz = 0, 0x8000_0000
    a, b = f32x4_bits(pz, nz, pz, nz), f32x4_bits(nz, pz, pz, nz)
    assert simd.f32x4_min(a, b) == f32x4_bits(nz, nz, pz, nz)
    assert simd.f32x4_max(a, b) == f32x4_bits(pz, pz, pz, nz)
    assert simd.f32x4_pmin(a, b) == a and simd.f32x4_pmax(a, b) == a


def test_conversions():
    assert simd.i32x4_trunc_sat_f32x4_s(f32x4_bits(0x7FC0_0000, 0x4F00_0000, 0xCF00_0001,
                                                   0xBFC0_0000)) == \
        i32x4(0, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF)
    assert simd.i32x4_trunc_sat_f32x4_u(f32x4(-1.5, 4294967296.0, 3.9, -0.0)) == \
        i32x4(0, 0xFFFF_FFFF, 3, 0)
    assert simd.i32x4_trunc_sat_f64x2_s_zero(join([f64_to_bits(-2.0 ** 40),
                                                   f64_to_bits(7.9)], 64)) == \
        i32x4(0x8000_0000, 7, 0, 0)
    assert simd.f32x4_convert_i32x4_u(i32x4(0xFFFF_FFFF, 0x8000_0001, 1, 0)) == \
        f32x4(4294967296.0, 2147483648.0, 1.0, 0.0)
    assert simd.f32x4_convert_i32x4_s(i32x4(0x0100_0001, 0xFFFF_FFFF, 0, 0)) == \
        f32x4(16777216.0, -1.0, 0.0, 0.0)                          # 2**24+1 rounds to even
    assert simd.f64x2_convert_low_i32x4_s(i32x4(0xFFFF_FFFF, 5, 9, 9)) == \
        join([f64_to_bits(-1.0), f64_to_bits(5.0)], 64)


# ----------------------------------------------------------------------------------------------
# lanes, shuffle, swizzle

LANE_FUNCS = [("i8x16", 8, "_s"), ("i8x16", 8, "_u"), ("i16x8", 16, "_s"), ("i16x8", 16, "_u"),
              ("i32x4", 32, ""), ("i64x2", 64, "")]


@settings(max_examples=200, deadline=None)
@given(v128s, st.data())
def test_int_extract_and_replace_lane(v, data):
    for shape, w, sx in LANE_FUNCS:
        lane = data.draw(st.integers(0, 128 // w - 1))
        x = split(v, w)[lane]
        got = getattr(simd, f"{shape}_extract_lane{sx}")(v, lane)
        want = signed(x, w) & 0xFFFF_FFFF if sx == "_s" else x
        assert got == want
        new = data.draw(i64s)
        replaced = getattr(simd, f"{shape}_replace_lane")(v, new, lane)
        lanes = split(v, w)
        lanes[lane] = new & ((1 << w) - 1)
        assert replaced == join(lanes, w)


@settings(max_examples=200, deadline=None)
@given(v128s, st.integers(0, 3), st.integers(0, 1), f32_bits, f64_bits)
def test_float_extract_and_replace_lane(v, lane4, lane2, bits32, bits64):
    x = simd.f32x4_extract_lane(v, lane4)
    assert f32_to_bits(x) == split(v, 32)[lane4]                # signalling NaNs included
    y = simd.f64x2_extract_lane(v, lane2)
    assert f64_to_bits(y) == split(v, 64)[lane2]
    lanes = split(v, 32)
    lanes[lane4] = bits32
    assert simd.f32x4_replace_lane(v, f32_from_bits(bits32), lane4) == join(lanes, 32)
    lanes = split(v, 64)
    lanes[lane2] = bits64
    assert simd.f64x2_replace_lane(v, f64_from_bits(bits64), lane2) == join(lanes, 64)


@settings(max_examples=200, deadline=None)
@given(v128s, v128s, st.lists(st.integers(0, 31), min_size=16, max_size=16))
def test_shuffle(a, b, lanes):
    both = split(a, 8) + split(b, 8)
    assert simd.i8x16_shuffle(a, b, tuple(lanes)) == join([both[i] for i in lanes], 8)


def test_swizzle_out_of_range_is_zero():
    a = join(range(0x10, 0x20), 8)
    s = i8x16(0, 15, 16, 0xFF, 0x80, 1, *[3] * 10)
    assert simd.i8x16_swizzle(a, s) == i8x16(0x10, 0x1F, 0, 0, 0, 0x11, *[0x13] * 10)


# ----------------------------------------------------------------------------------------------
# memory helpers

@given(st.binary(min_size=16, max_size=16))
def test_bytes_round_trip(data):
    v = simd.v128_from_bytes(data)
    assert 0 <= v <= MASK128 and simd.v128_to_bytes(v) == data


@given(st.binary(min_size=8, max_size=8))
def test_load_extend(data):
    for kind, w, fmt in (("8x8", 8, "b"), ("16x4", 16, "h"), ("32x2", 32, "i")):
        n = 64 // w
        s = struct.unpack(f"<{n}{fmt}", data)
        u = struct.unpack(f"<{n}{fmt.upper()}", data)
        assert simd.v128_load_extend(data, f"{kind}_s") == join(s, 2 * w)
        assert simd.v128_load_extend(data, f"{kind}_u") == join(u, 2 * w)
        assert simd.v128_load_extend(data, f"v128.load{kind}_u") == join(u, 2 * w)
        assert simd.v128_load_extend(data, f"load{kind}_s") == join(s, 2 * w)
        op_s = BY_NAME[f"v128.load{kind}_s"]
        assert simd.v128_load_extend(data, op_s) == join(s, 2 * w)
        assert simd.LOAD_EXTEND[op_s](data) == join(s, 2 * w)


@given(st.binary(min_size=8, max_size=8), v128s, st.integers(0, 15))
def test_splat_zero_and_lane_memory_helpers(data, v, lane):
    for width in (1, 2, 4, 8):
        chunk = data[:width]
        assert simd.v128_splat_bytes(chunk, width) == join([int.from_bytes(chunk, "little")] *
                                                           (16 // width), width * 8)
        assert simd.v128_splat_bytes(chunk) == simd.v128_splat_bytes(chunk, width)
        index = lane % (16 // width)
        lanes = split(v, width * 8)
        lanes[index] = int.from_bytes(chunk, "little")
        assert simd.v128_load_lane(v, chunk, index) == join(lanes, width * 8)
        assert simd.v128_store_lane(v, width, index) == \
            split(v, width * 8)[index].to_bytes(width, "little")
    assert simd.v128_load_zero(data[:4]) == int.from_bytes(data[:4], "little")
    assert simd.v128_load_zero(data) == int.from_bytes(data, "little")


def test_results_are_ints_not_numpy_values():
    for op in NONE_SIMD:
        params = INFO[op].sig[0]
        args = [0x0123_4567_89AB_CDEF_FEDC_BA98_7654_3210 if t == "v128" else
                (1.5 if t in ("f32", "f64") else 3) for t in params]
        assert type(simd.SIMD_OPS[op](*args)) is int, INFO[op].name


def test_op_table_names_are_instructions():
    assert simd.SIMD_OPS[Op.I8X16_ADD] is simd.i8x16_add
    assert simd.SIMD_OPS[BY_NAME["f32x4.pmin"]] is simd.f32x4_pmin


# ----------------------------------------------------------------------------------------------
# every pair of lane edge cases, deterministically (hypothesis samples them only now and then)

@pytest.mark.parametrize("op", NONE_SIMD, ids=lambda op: INFO[op].name)
def test_all_edge_pairs_match_lane_model(op):
    name = INFO[op].name.replace(".", "_")
    func = simd.SIMD_OPS[op]
    for args in edge_operands(op):
        got, want = func(*args), model(name, *args)
        assert got == want, (f"{name}{tuple(hex(a) if isinstance(a, int) else a for a in args)}"
                             f": got {got:#x}, want {want:#x}")


def test_lane_ops_table():
    lane_ops = sorted(op for op, info in INFO.items() if op >> 16 == 0xFD and info.imm is Imm.LANE)
    assert set(simd.LANE_OPS) == set(lane_ops) and len(lane_ops) == 14
    for op, func in simd.LANE_OPS.items():
        assert func.__name__ == INFO[op].name.replace(".", "_")
    v = join(range(0x10, 0x20), 8)
    assert simd.LANE_OPS[BY_NAME["i8x16.extract_lane_u"]](v, 3) == 0x13
    assert simd.LANE_OPS[BY_NAME["i32x4.replace_lane"]](v, 0xAABBCCDD, 0) & 0xFFFF_FFFF == \
        0xAABBCCDD
