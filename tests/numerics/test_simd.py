"""SIMD numerics: coverage of the instruction table, every instruction against the lane-by-lane
scalar model (hypothesis and all pairs of edge lanes), hand-checked vectors, lanes, shuffles, and
the memory helpers."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pywasm_core.numerics import NUMERIC, simd
from pywasm_core.numerics.floats import (f32_from_bits, f32_to_bits, f64_from_bits, f64_to_bits,
                                         round_f32)
from pywasm_core.opcodes import BY_NAME, INFO, Imm, Op

from .simd_model import model
from .simd_values import (MASK128, edge_operands, f32_bits, f64_bits, i32s, i64s, join,
                          operand_shape, signed, split, v128s, v128s_f32, v128s_f64)

# The fixed-width SIMD of WebAssembly 2.0 and the relaxed SIMD of 3.0 (`feature="relaxed_simd"`).
NONE_SIMD = sorted(op for op, info in INFO.items()
                   if op >> 16 == 0xFD and info.imm is Imm.NONE)
RELAXED = [op for op in NONE_SIMD if INFO[op].feature == "relaxed_simd"]


def test_simd_ops_cover_exactly_the_no_immediate_simd_instructions():
    assert set(simd.SIMD_OPS) == set(NONE_SIMD)
    assert len(NONE_SIMD) == 218 and len(RELAXED) == 20
    assert {INFO[op].feature for op in NONE_SIMD} == {None, "relaxed_simd"}
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


# ----------------------------------------------------------------------------------------------
# relaxed SIMD: hand-checked vectors of each choice (docs/relaxed-simd.md), then fused
# multiply-add where fused and unfused results differ

def f64x2_bits(*bits: int) -> int:
    return join(bits, 64)


def test_relaxed_swizzle_is_pshufb():
    a = join(range(0x10, 0x20), 8)
    s = i8x16(0, 15, 16, 0x1F, 0x7F, 0x80, 0x8F, 0xFF, 0x21, *[3] * 7)
    # index & 15 while the top bit is clear (16 -> 0, 0x1F -> 15, 0x7F -> 15), 0 once it is set
    assert simd.i8x16_relaxed_swizzle(a, s) == \
        i8x16(0x10, 0x1F, 0x10, 0x1F, 0x1F, 0, 0, 0, 0x11, *[0x13] * 7)
    # where the deterministic swizzle agrees (indices < 16) both give the same bytes
    low = i8x16(*range(15, -1, -1))
    assert simd.i8x16_relaxed_swizzle(a, low) == simd.i8x16_swizzle(a, low)


def test_relaxed_trunc_is_cvtt_for_signed_and_saturating_for_unsigned():
    # NaN, 2**31, just below -2**31, -1.5
    lanes = f32x4_bits(0x7FC0_0000, 0x4F00_0000, 0xCF00_0001, 0xBFC0_0000)
    assert simd.i32x4_relaxed_trunc_f32x4_s(lanes) == \
        i32x4(0x8000_0000, 0x8000_0000, 0x8000_0000, 0xFFFF_FFFF)
    assert simd.i32x4_relaxed_trunc_f32x4_u(lanes) == i32x4(0, 0x8000_0000, 0, 0)
    assert simd.i32x4_relaxed_trunc_f32x4_s(f32x4(-2147483648.0, 2147483520.0, -0.9, 7.9)) == \
        i32x4(0x8000_0000, 0x7FFF_FF80, 0, 7)
    both = f64x2_bits(f64_to_bits(-2147483648.9), f64_to_bits(2147483648.0))
    assert simd.i32x4_relaxed_trunc_f64x2_s_zero(both) == i32x4(0x8000_0000, 0x8000_0000, 0, 0)
    assert simd.i32x4_relaxed_trunc_f64x2_u_zero(both) == i32x4(0, 0x8000_0000, 0, 0)
    big = f64x2_bits(f64_to_bits(4294967295.9), 0xFFF8_0000_0000_0000)
    assert simd.i32x4_relaxed_trunc_f64x2_s_zero(big) == i32x4(0x8000_0000, 0x8000_0000, 0, 0)
    assert simd.i32x4_relaxed_trunc_f64x2_u_zero(big) == i32x4(0xFFFF_FFFF, 0, 0, 0)


def test_relaxed_laneselect_top_bit_per_lane_except_i16x8():
    a, b = MASK128 // 3 * 2, MASK128 // 3          # 0xAAAA..., 0x5555...
    for w, func in ((8, simd.i8x16_relaxed_laneselect), (32, simd.i32x4_relaxed_laneselect),
                    (64, simd.i64x2_relaxed_laneselect)):
        top = 1 << (w - 1)
        n = 128 // w
        mask = join(([top, top - 1, (1 << w) - 1, 0x80 if w > 8 else 0x40] * 16)[:n], w)
        picked = ([split(a, w)[0], split(b, w)[0], split(a, w)[0], split(b, w)[0]] * 16)[:n]
        assert func(a, b, mask) == join(picked, w)
    # i16x8: every mask bit selects, as v128.bitselect
    mask = i16x8(0x8000, 0x00FF, 0xFF00, 1, 0, 0xFFFF, 0x8080, 0x7FFF)
    assert simd.i16x8_relaxed_laneselect(a, b, mask) == simd.v128_bitselect(a, b, mask)
    assert split(simd.i16x8_relaxed_laneselect(a, b, mask), 16)[0] == 0xD555


def test_relaxed_min_max_are_pmin_pmax():
    pz, nz, qnan, snan, one = 0, 0x8000_0000, 0x7FC0_0001, 0x7FA0_0000, 0x3F80_0000
    a, b = f32x4_bits(pz, nz, qnan, one), f32x4_bits(nz, pz, one, snan)
    assert simd.f32x4_relaxed_min(a, b) == a          # zeros and NaNs: the first operand, as is
    assert simd.f32x4_relaxed_max(a, b) == a
    assert simd.f32x4_relaxed_min(b, a) == b          # ... whichever it is (signalling kept)
    assert simd.f32x4_relaxed_min(f32x4(1.0, -1.0, 2.0, 0.0), f32x4(0.5, 3.0, -2.0, -1.0)) == \
        f32x4(0.5, -1.0, -2.0, -1.0)
    assert simd.f64x2_relaxed_max(f64x2_bits(0xFFF8_0000_0000_0001, 0x8000_0000_0000_0000),
                                  f64x2_bits(0x3FF0_0000_0000_0000, 0)) == \
        f64x2_bits(0xFFF8_0000_0000_0001, 0x8000_0000_0000_0000)


def test_relaxed_q15mulr_wraps_the_one_overflow():
    a = i16x8(0x8000, 0x8000, 0x7FFF, 0x4000, 0xFFFF, 1, 0x8001, 0)
    b = i16x8(0x8000, 0x7FFF, 0x7FFF, 0x4000, 0xFFFF, 0x4000, 0x8000, 5)
    assert simd.i16x8_relaxed_q15mulr_s(a, b) == \
        i16x8(0x8000, 0x8001, 0x7FFE, 0x2000, 0, 1, 0x7FFF, 0)
    assert simd.i16x8_q15mulr_sat_s(a, b) & 0xFFFF == 0x7FFF     # the saturating one differs


def test_relaxed_dot_reads_b_unsigned_and_saturates_pairs():
    # (-128)*255*2 saturates to -0x8000; 127*128*2 = 0x7F00; -1*255 + 1*1 = -254
    a = i8x16(0x80, 0x80, 0x7F, 0x7F, 0xFF, 0x01, 0x80, 0x7F, *[0] * 8)
    b = i8x16(0xFF, 0xFF, 0x80, 0x80, 0xFF, 0x01, 0xFF, 0x01, *[0] * 8)
    assert simd.i16x8_relaxed_dot_i8x16_i7x16_s(a, b) == \
        i16x8(0x8000, 0x7F00, 0xFF02, 0x80FF, 0, 0, 0, 0)
    # the i32 sum adds the saturated pairs (-0x8000 + 0x7F00 = -0x100) to c, wrapping
    c = i32x4(0x7FFF_FFFF, 0xFFFF_FFFF, 0x8000_0000, 3)
    assert simd.i32x4_relaxed_dot_i8x16_i7x16_add_s(a, b, c) == \
        i32x4(0x7FFF_FEFF, (0xFFFF_FFFF - 254 - 32513) & 0xFFFF_FFFF, 0x8000_0000, 3)


def test_relaxed_madd_is_fused():
    # (1 + 2**-23) * (1 - 2**-23) = 1 - 2**-46: unfused it rounds to 1 and cancels to 0
    a, b = f32x4(*[1 + 2.0 ** -23] * 4), f32x4(*[1 - 2.0 ** -23] * 4)
    assert simd.f32x4_relaxed_madd(a, b, f32x4(*[-1.0] * 4)) == f32x4(*[-(2.0 ** -46)] * 4)
    assert simd.f32x4_relaxed_nmadd(a, b, f32x4(*[1.0] * 4)) == f32x4(*[2.0 ** -46] * 4)
    x = f64x2_bits(*[f64_to_bits(1 + 2.0 ** -52)] * 2)
    y = f64x2_bits(*[f64_to_bits(1 - 2.0 ** -52)] * 2)
    assert simd.f64x2_relaxed_madd(x, y, f64x2_bits(*[f64_to_bits(-1.0)] * 2)) == \
        f64x2_bits(*[f64_to_bits(-(2.0 ** -104))] * 2)
    # no intermediate overflow: max * 2 - max = max
    big, nbig = f32x4_bits(*[0x7F7F_FFFF] * 4), f32x4_bits(*[0xFF7F_FFFF] * 4)
    assert simd.f32x4_relaxed_madd(big, f32x4(*[2.0] * 4), nbig) == big


def test_relaxed_madd_nan_and_zero_rules():
    qa, qb, sc, one = 0x7FC0_000A, 0xFFC0_000B, 0x7FA0_000C, 0x3F80_0000
    # NaN priority b, a, c; quieted, never negated (nmadd too)
    for func in (simd.f32x4_relaxed_madd, simd.f32x4_relaxed_nmadd):
        assert func(f32x4_bits(qa, qa, one, one), f32x4_bits(qb, one, one, qb),
                    f32x4_bits(sc, sc, sc, one)) == f32x4_bits(qb, qa, 0x7FE0_000C, qb)
    inf, ninf, zero, nzero = 0x7F80_0000, 0xFF80_0000, 0, 0x8000_0000
    assert simd.f32x4_relaxed_madd(f32x4_bits(inf, inf, zero, nzero),
                                   f32x4_bits(zero, one, one, one),
                                   f32x4_bits(one, ninf, nzero, nzero)) == \
        f32x4_bits(0xFFC0_0000, 0xFFC0_0000, zero, nzero)
    assert simd.f32x4_relaxed_nmadd(f32x4_bits(inf, zero, one, one),
                                    f32x4_bits(one, one, one, one),
                                    f32x4_bits(ninf, nzero, ninf, 0xBF80_0000)) == \
        f32x4_bits(ninf, nzero, ninf, 0xC000_0000)


_FINITE32 = st.integers(0, 0xFFFF_FFFF).filter(lambda b: (b & 0x7F80_0000) != 0x7F80_0000)


@st.composite
def _fma_lane32(draw):
    """(a, b, c) lane bits where c is close to -(a*b), or a*b sits on an f32 rounding midpoint
    with a tiny c: the cases where a wrong or double rounding would show."""
    a = draw(_FINITE32)
    kind = draw(st.integers(0, 2))
    if kind == 2:                       # b = 1.5 and an odd 25-bit 3*ma: an exact midpoint
        m = draw(st.integers(1 << 23, (1 << 25) // 3 - 1)) | 1
        a = (draw(st.integers(60, 190)) << 23) | (m & 0x7F_FFFF)
        b = 0x3FC0_0000
        tiny = f32_from_bits(a) * 1.5 * 2.0 ** -draw(st.integers(30, 90))
        c = f32_to_bits(round_f32(tiny)) ^ draw(st.sampled_from([0, 0x8000_0000]))
        return a, b, c
    b = draw(_FINITE32)
    if kind == 1:
        product = f32_from_bits(a) * f32_from_bits(b)
        c = f32_to_bits(round_f32(-product)) ^ draw(st.sampled_from([0, 1, 2, 0x8000_0000]))
        if (c & 0x7F80_0000) == 0x7F80_0000:
            c = draw(_FINITE32)
        return a, b, c
    return a, b, draw(_FINITE32)


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(_fma_lane32(), min_size=4, max_size=4), st.booleans())
def test_relaxed_madd_f32_rounds_once(lanes, negate):
    a, b, c = (join([lane[k] for lane in lanes], 32) for k in range(3))
    name = "f32x4_relaxed_nmadd" if negate else "f32x4_relaxed_madd"
    got = getattr(simd, name)(a, b, c)
    assert got == model(name, a, b, c), (hex(a), hex(b), hex(c))
    # the double-precision shortcut and the exact integer path agree lane by lane
    for (x, y, z), r in zip(lanes, split(got, 32)):
        assert simd._fma_bits(simd._FMT32, x, y, z, negate) == r


@settings(max_examples=200, deadline=None, database=None)
@given(f64_bits, f64_bits, f64_bits, st.integers(0, 3), st.booleans())
def test_relaxed_madd_f64_rounds_once(x, y, z, tweak, negate):
    fx, fy = f64_from_bits(x), f64_from_bits(y)
    if tweak and abs(fx * fy) < 1e300:     # c = -(a*b) rounded, nudged: heavy cancellation
        z = (f64_to_bits(-(fx * fy)) ^ (tweak - 1)) if fx * fy == fx * fy else z
    a, b, c = f64x2_bits(x, y), f64x2_bits(y, x), f64x2_bits(z, z)
    name = "f64x2_relaxed_nmadd" if negate else "f64x2_relaxed_madd"
    assert getattr(simd, name)(a, b, c) == model(name, a, b, c), (hex(x), hex(y), hex(z))
    # the Dekker + fsum shortcut and the exact integer path agree
    assert simd._fma_f64_lane(x, y, z, negate) == simd._fma_bits(simd._FMT64, x, y, z, negate)


@settings(max_examples=300, deadline=None, database=None)
@given(st.integers(-440, 440), st.integers(-440, 440), st.integers(0, 2 ** 52 - 1),
       st.integers(0, 2 ** 52 - 1), st.integers(-3, 3), st.booleans())
def test_relaxed_madd_f64_shortcut_near_cancellation(ea, eb, ma, mb, nudge, negate):
    """Moderate exponents (the Dekker + fsum shortcut's range) with c = -(a*b) rounded and
    nudged by a few ulps: the exact result is the product's rounding error, or close to it."""
    x = ((1023 + ea) << 52) | ma
    y = ((1023 + eb) << 52) | mb
    product = f64_from_bits(x) * f64_from_bits(y)
    z = f64_to_bits(product if negate else -product) + nudge
    want = simd._fma_bits(simd._FMT64, x, y, z, negate)
    assert simd._fma_f64_lane(x, y, z, negate) == want, (hex(x), hex(y), hex(z))
    name = "f64x2_relaxed_nmadd" if negate else "f64x2_relaxed_madd"
    a, b, c = f64x2_bits(x, y), f64x2_bits(y, x), f64x2_bits(z, z)
    assert split(getattr(simd, name)(a, b, c), 64)[0] == want
    assert want == split(model(name, a, b, c), 64)[0]
