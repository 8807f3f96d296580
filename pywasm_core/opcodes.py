"""THE instruction table: every instruction's opcode, text name, immediate kind and (for
instructions with a fixed type) its signature.  The decoder, validator, lowerer, encoder, printer
and text parser all read this one table.

Keys: a one-byte opcode is its byte; a prefixed opcode is `prefix << 16 | sub` (sub-opcodes of
0xFC/0xFD are LEB128 u32 values and may exceed 0xFF, so they get their own 16 bits).
`Op` member names are the text names with dots as underscores, upper case: `i32.add` -> I32_ADD.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Imm(enum.Enum):
    """What follows the opcode in the binary format, and the shape of `Instr.imm` in syntax.py."""

    NONE = "none"                  # ()
    BLOCK = "block"                # (blocktype,) None | ValType | int (type index)
    LABEL = "label"                # (labelidx,)
    BR_TABLE = "br_table"          # (tuple[labelidx, ...], default labelidx)
    FUNC = "func"                  # (funcidx,)
    CALL_INDIRECT = "call_indirect"  # (typeidx, tableidx)
    LOCAL = "local"                # (localidx,)
    GLOBAL = "global"              # (globalidx,)
    TABLE = "table"                # (tableidx,)
    MEMARG = "memarg"              # (align_log2, offset, memidx)
    MEMORY = "memory"              # (memidx,)
    MEMORY_INIT = "memory_init"    # (dataidx, memidx)
    DATA = "data"                  # (dataidx,)
    MEMORY_COPY = "memory_copy"    # (dst memidx, src memidx)
    TABLE_INIT = "table_init"      # (elemidx, tableidx)
    ELEM = "elem"                  # (elemidx,)
    TABLE_COPY = "table_copy"      # (dst tableidx, src tableidx)
    I32 = "i32"                    # (value,) canonical unsigned 32-bit
    I64 = "i64"                    # (value,) canonical unsigned 64-bit
    F32 = "f32"                    # (bits,) the 32-bit pattern
    F64 = "f64"                    # (bits,) the 64-bit pattern
    SELECT_T = "select_t"          # (tuple[ValType, ...],)
    REFTYPE = "reftype"            # (ValType,) the reference type of ref.null
    V128 = "v128"                  # (value,) 128-bit unsigned int, lane 0 in the low bits
    SHUFFLE = "shuffle"            # (tuple of 16 lane indices,)
    LANE = "lane"                  # (laneidx,)
    MEMARG_LANE = "memarg_lane"    # (align_log2, offset, memidx, laneidx)
    # WebAssembly 3.0
    TAG = "tag"                    # (tagidx,) throw, legacy catch
    TYPE = "type"                  # (typeidx,) call_ref, struct.new, array.get, ...
    TYPE_TYPE = "type_type"        # (dst typeidx, src typeidx) array.copy
    STRUCT_FIELD = "struct_field"  # (typeidx, fieldidx) struct.get/set
    ARRAY_FIXED = "array_fixed"    # (typeidx, element count) array.new_fixed
    TYPE_DATA = "type_data"        # (typeidx, dataidx) array.new_data, array.init_data
    TYPE_ELEM = "type_elem"        # (typeidx, elemidx) array.new_elem, array.init_elem
    CAST = "cast"                  # (RefType,) ref.test/ref.cast target; the binary has one
    #                                opcode per nullability (0xFB 20/21, 22/23), one Op here
    BR_ON_CAST = "br_on_cast"      # (labelidx, RefType from, RefType to)
    TRY_TABLE = "try_table"        # (blocktype, tuple[(kind, tagidx | None, labelidx), ...])
    #                                kind: 0 catch, 1 catch_ref, 2 catch_all, 3 catch_all_ref


@dataclass(frozen=True)
class OpInfo:
    name: str                       # text-format name, e.g. "i32.add"
    imm: Imm
    # (params, results) as tuples of value type names for instructions with a fixed type;
    # None where typing depends on immediates or context (control, variables, calls, select...).
    sig: tuple[tuple[str, ...], tuple[str, ...]] | None
    natural_align: int | None = None  # log2 of the access size, for memarg instructions
    # the post-2.0 feature (a `valid.validate.Features` field name) the instruction belongs to;
    # None for WebAssembly 2.0 instructions
    feature: str | None = None


def _sig(text: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    if text == "-":
        return None
    params, results = text.split("->")
    return tuple(params.split()), tuple(results.split())


# code, name, immediate kind, signature ("-" when not fixed), natural alignment (log2) for memory ops
_TABLE = """
0x00 unreachable NONE -
0x01 nop NONE ->
0x02 block BLOCK -
0x03 loop BLOCK -
0x04 if BLOCK -
0x05 else NONE -
0x0B end NONE -
0x0C br LABEL -
0x0D br_if LABEL -
0x0E br_table BR_TABLE -
0x0F return NONE -
0x10 call FUNC -
0x11 call_indirect CALL_INDIRECT -
0x1A drop NONE -
0x1B select NONE -
0x1C select_t SELECT_T -
0x20 local.get LOCAL -
0x21 local.set LOCAL -
0x22 local.tee LOCAL -
0x23 global.get GLOBAL -
0x24 global.set GLOBAL -
0x25 table.get TABLE -
0x26 table.set TABLE -
0x28 i32.load MEMARG i32->i32 2
0x29 i64.load MEMARG i32->i64 3
0x2A f32.load MEMARG i32->f32 2
0x2B f64.load MEMARG i32->f64 3
0x2C i32.load8_s MEMARG i32->i32 0
0x2D i32.load8_u MEMARG i32->i32 0
0x2E i32.load16_s MEMARG i32->i32 1
0x2F i32.load16_u MEMARG i32->i32 1
0x30 i64.load8_s MEMARG i32->i64 0
0x31 i64.load8_u MEMARG i32->i64 0
0x32 i64.load16_s MEMARG i32->i64 1
0x33 i64.load16_u MEMARG i32->i64 1
0x34 i64.load32_s MEMARG i32->i64 2
0x35 i64.load32_u MEMARG i32->i64 2
0x36 i32.store MEMARG i32_i32-> 2
0x37 i64.store MEMARG i32_i64-> 3
0x38 f32.store MEMARG i32_f32-> 2
0x39 f64.store MEMARG i32_f64-> 3
0x3A i32.store8 MEMARG i32_i32-> 0
0x3B i32.store16 MEMARG i32_i32-> 1
0x3C i64.store8 MEMARG i32_i64-> 0
0x3D i64.store16 MEMARG i32_i64-> 1
0x3E i64.store32 MEMARG i32_i64-> 2
0x3F memory.size MEMORY -
0x40 memory.grow MEMORY -
0x41 i32.const I32 ->i32
0x42 i64.const I64 ->i64
0x43 f32.const F32 ->f32
0x44 f64.const F64 ->f64
0x45 i32.eqz NONE i32->i32
0x46 i32.eq NONE i32_i32->i32
0x47 i32.ne NONE i32_i32->i32
0x48 i32.lt_s NONE i32_i32->i32
0x49 i32.lt_u NONE i32_i32->i32
0x4A i32.gt_s NONE i32_i32->i32
0x4B i32.gt_u NONE i32_i32->i32
0x4C i32.le_s NONE i32_i32->i32
0x4D i32.le_u NONE i32_i32->i32
0x4E i32.ge_s NONE i32_i32->i32
0x4F i32.ge_u NONE i32_i32->i32
0x50 i64.eqz NONE i64->i32
0x51 i64.eq NONE i64_i64->i32
0x52 i64.ne NONE i64_i64->i32
0x53 i64.lt_s NONE i64_i64->i32
0x54 i64.lt_u NONE i64_i64->i32
0x55 i64.gt_s NONE i64_i64->i32
0x56 i64.gt_u NONE i64_i64->i32
0x57 i64.le_s NONE i64_i64->i32
0x58 i64.le_u NONE i64_i64->i32
0x59 i64.ge_s NONE i64_i64->i32
0x5A i64.ge_u NONE i64_i64->i32
0x5B f32.eq NONE f32_f32->i32
0x5C f32.ne NONE f32_f32->i32
0x5D f32.lt NONE f32_f32->i32
0x5E f32.gt NONE f32_f32->i32
0x5F f32.le NONE f32_f32->i32
0x60 f32.ge NONE f32_f32->i32
0x61 f64.eq NONE f64_f64->i32
0x62 f64.ne NONE f64_f64->i32
0x63 f64.lt NONE f64_f64->i32
0x64 f64.gt NONE f64_f64->i32
0x65 f64.le NONE f64_f64->i32
0x66 f64.ge NONE f64_f64->i32
0x67 i32.clz NONE i32->i32
0x68 i32.ctz NONE i32->i32
0x69 i32.popcnt NONE i32->i32
0x6A i32.add NONE i32_i32->i32
0x6B i32.sub NONE i32_i32->i32
0x6C i32.mul NONE i32_i32->i32
0x6D i32.div_s NONE i32_i32->i32
0x6E i32.div_u NONE i32_i32->i32
0x6F i32.rem_s NONE i32_i32->i32
0x70 i32.rem_u NONE i32_i32->i32
0x71 i32.and NONE i32_i32->i32
0x72 i32.or NONE i32_i32->i32
0x73 i32.xor NONE i32_i32->i32
0x74 i32.shl NONE i32_i32->i32
0x75 i32.shr_s NONE i32_i32->i32
0x76 i32.shr_u NONE i32_i32->i32
0x77 i32.rotl NONE i32_i32->i32
0x78 i32.rotr NONE i32_i32->i32
0x79 i64.clz NONE i64->i64
0x7A i64.ctz NONE i64->i64
0x7B i64.popcnt NONE i64->i64
0x7C i64.add NONE i64_i64->i64
0x7D i64.sub NONE i64_i64->i64
0x7E i64.mul NONE i64_i64->i64
0x7F i64.div_s NONE i64_i64->i64
0x80 i64.div_u NONE i64_i64->i64
0x81 i64.rem_s NONE i64_i64->i64
0x82 i64.rem_u NONE i64_i64->i64
0x83 i64.and NONE i64_i64->i64
0x84 i64.or NONE i64_i64->i64
0x85 i64.xor NONE i64_i64->i64
0x86 i64.shl NONE i64_i64->i64
0x87 i64.shr_s NONE i64_i64->i64
0x88 i64.shr_u NONE i64_i64->i64
0x89 i64.rotl NONE i64_i64->i64
0x8A i64.rotr NONE i64_i64->i64
0x8B f32.abs NONE f32->f32
0x8C f32.neg NONE f32->f32
0x8D f32.ceil NONE f32->f32
0x8E f32.floor NONE f32->f32
0x8F f32.trunc NONE f32->f32
0x90 f32.nearest NONE f32->f32
0x91 f32.sqrt NONE f32->f32
0x92 f32.add NONE f32_f32->f32
0x93 f32.sub NONE f32_f32->f32
0x94 f32.mul NONE f32_f32->f32
0x95 f32.div NONE f32_f32->f32
0x96 f32.min NONE f32_f32->f32
0x97 f32.max NONE f32_f32->f32
0x98 f32.copysign NONE f32_f32->f32
0x99 f64.abs NONE f64->f64
0x9A f64.neg NONE f64->f64
0x9B f64.ceil NONE f64->f64
0x9C f64.floor NONE f64->f64
0x9D f64.trunc NONE f64->f64
0x9E f64.nearest NONE f64->f64
0x9F f64.sqrt NONE f64->f64
0xA0 f64.add NONE f64_f64->f64
0xA1 f64.sub NONE f64_f64->f64
0xA2 f64.mul NONE f64_f64->f64
0xA3 f64.div NONE f64_f64->f64
0xA4 f64.min NONE f64_f64->f64
0xA5 f64.max NONE f64_f64->f64
0xA6 f64.copysign NONE f64_f64->f64
0xA7 i32.wrap_i64 NONE i64->i32
0xA8 i32.trunc_f32_s NONE f32->i32
0xA9 i32.trunc_f32_u NONE f32->i32
0xAA i32.trunc_f64_s NONE f64->i32
0xAB i32.trunc_f64_u NONE f64->i32
0xAC i64.extend_i32_s NONE i32->i64
0xAD i64.extend_i32_u NONE i32->i64
0xAE i64.trunc_f32_s NONE f32->i64
0xAF i64.trunc_f32_u NONE f32->i64
0xB0 i64.trunc_f64_s NONE f64->i64
0xB1 i64.trunc_f64_u NONE f64->i64
0xB2 f32.convert_i32_s NONE i32->f32
0xB3 f32.convert_i32_u NONE i32->f32
0xB4 f32.convert_i64_s NONE i64->f32
0xB5 f32.convert_i64_u NONE i64->f32
0xB6 f32.demote_f64 NONE f64->f32
0xB7 f64.convert_i32_s NONE i32->f64
0xB8 f64.convert_i32_u NONE i32->f64
0xB9 f64.convert_i64_s NONE i64->f64
0xBA f64.convert_i64_u NONE i64->f64
0xBB f64.promote_f32 NONE f32->f64
0xBC i32.reinterpret_f32 NONE f32->i32
0xBD i64.reinterpret_f64 NONE f64->i64
0xBE f32.reinterpret_i32 NONE i32->f32
0xBF f64.reinterpret_i64 NONE i64->f64
0xC0 i32.extend8_s NONE i32->i32
0xC1 i32.extend16_s NONE i32->i32
0xC2 i64.extend8_s NONE i64->i64
0xC3 i64.extend16_s NONE i64->i64
0xC4 i64.extend32_s NONE i64->i64
0xD0 ref.null REFTYPE -
0xD1 ref.is_null NONE -
0xD2 ref.func FUNC -
0xFC:0 i32.trunc_sat_f32_s NONE f32->i32
0xFC:1 i32.trunc_sat_f32_u NONE f32->i32
0xFC:2 i32.trunc_sat_f64_s NONE f64->i32
0xFC:3 i32.trunc_sat_f64_u NONE f64->i32
0xFC:4 i64.trunc_sat_f32_s NONE f32->i64
0xFC:5 i64.trunc_sat_f32_u NONE f32->i64
0xFC:6 i64.trunc_sat_f64_s NONE f64->i64
0xFC:7 i64.trunc_sat_f64_u NONE f64->i64
0xFC:8 memory.init MEMORY_INIT -
0xFC:9 data.drop DATA ->
0xFC:10 memory.copy MEMORY_COPY -
0xFC:11 memory.fill MEMORY -
0xFC:12 table.init TABLE_INIT -
0xFC:13 elem.drop ELEM ->
0xFC:14 table.copy TABLE_COPY -
0xFC:15 table.grow TABLE -
0xFC:16 table.size TABLE -
0xFC:17 table.fill TABLE -
# --- fixed-width SIMD (0xFD prefix) ---
0xFD:0 v128.load MEMARG i32->v128 4
0xFD:1 v128.load8x8_s MEMARG i32->v128 3
0xFD:2 v128.load8x8_u MEMARG i32->v128 3
0xFD:3 v128.load16x4_s MEMARG i32->v128 3
0xFD:4 v128.load16x4_u MEMARG i32->v128 3
0xFD:5 v128.load32x2_s MEMARG i32->v128 3
0xFD:6 v128.load32x2_u MEMARG i32->v128 3
0xFD:7 v128.load8_splat MEMARG i32->v128 0
0xFD:8 v128.load16_splat MEMARG i32->v128 1
0xFD:9 v128.load32_splat MEMARG i32->v128 2
0xFD:10 v128.load64_splat MEMARG i32->v128 3
0xFD:11 v128.store MEMARG i32_v128-> 4
0xFD:12 v128.const V128 ->v128
0xFD:13 i8x16.shuffle SHUFFLE v128_v128->v128
0xFD:14 i8x16.swizzle NONE v128_v128->v128
0xFD:15 i8x16.splat NONE i32->v128
0xFD:16 i16x8.splat NONE i32->v128
0xFD:17 i32x4.splat NONE i32->v128
0xFD:18 i64x2.splat NONE i64->v128
0xFD:19 f32x4.splat NONE f32->v128
0xFD:20 f64x2.splat NONE f64->v128
0xFD:21 i8x16.extract_lane_s LANE v128->i32
0xFD:22 i8x16.extract_lane_u LANE v128->i32
0xFD:23 i8x16.replace_lane LANE v128_i32->v128
0xFD:24 i16x8.extract_lane_s LANE v128->i32
0xFD:25 i16x8.extract_lane_u LANE v128->i32
0xFD:26 i16x8.replace_lane LANE v128_i32->v128
0xFD:27 i32x4.extract_lane LANE v128->i32
0xFD:28 i32x4.replace_lane LANE v128_i32->v128
0xFD:29 i64x2.extract_lane LANE v128->i64
0xFD:30 i64x2.replace_lane LANE v128_i64->v128
0xFD:31 f32x4.extract_lane LANE v128->f32
0xFD:32 f32x4.replace_lane LANE v128_f32->v128
0xFD:33 f64x2.extract_lane LANE v128->f64
0xFD:34 f64x2.replace_lane LANE v128_f64->v128
0xFD:35 i8x16.eq NONE v128_v128->v128
0xFD:36 i8x16.ne NONE v128_v128->v128
0xFD:37 i8x16.lt_s NONE v128_v128->v128
0xFD:38 i8x16.lt_u NONE v128_v128->v128
0xFD:39 i8x16.gt_s NONE v128_v128->v128
0xFD:40 i8x16.gt_u NONE v128_v128->v128
0xFD:41 i8x16.le_s NONE v128_v128->v128
0xFD:42 i8x16.le_u NONE v128_v128->v128
0xFD:43 i8x16.ge_s NONE v128_v128->v128
0xFD:44 i8x16.ge_u NONE v128_v128->v128
0xFD:45 i16x8.eq NONE v128_v128->v128
0xFD:46 i16x8.ne NONE v128_v128->v128
0xFD:47 i16x8.lt_s NONE v128_v128->v128
0xFD:48 i16x8.lt_u NONE v128_v128->v128
0xFD:49 i16x8.gt_s NONE v128_v128->v128
0xFD:50 i16x8.gt_u NONE v128_v128->v128
0xFD:51 i16x8.le_s NONE v128_v128->v128
0xFD:52 i16x8.le_u NONE v128_v128->v128
0xFD:53 i16x8.ge_s NONE v128_v128->v128
0xFD:54 i16x8.ge_u NONE v128_v128->v128
0xFD:55 i32x4.eq NONE v128_v128->v128
0xFD:56 i32x4.ne NONE v128_v128->v128
0xFD:57 i32x4.lt_s NONE v128_v128->v128
0xFD:58 i32x4.lt_u NONE v128_v128->v128
0xFD:59 i32x4.gt_s NONE v128_v128->v128
0xFD:60 i32x4.gt_u NONE v128_v128->v128
0xFD:61 i32x4.le_s NONE v128_v128->v128
0xFD:62 i32x4.le_u NONE v128_v128->v128
0xFD:63 i32x4.ge_s NONE v128_v128->v128
0xFD:64 i32x4.ge_u NONE v128_v128->v128
0xFD:65 f32x4.eq NONE v128_v128->v128
0xFD:66 f32x4.ne NONE v128_v128->v128
0xFD:67 f32x4.lt NONE v128_v128->v128
0xFD:68 f32x4.gt NONE v128_v128->v128
0xFD:69 f32x4.le NONE v128_v128->v128
0xFD:70 f32x4.ge NONE v128_v128->v128
0xFD:71 f64x2.eq NONE v128_v128->v128
0xFD:72 f64x2.ne NONE v128_v128->v128
0xFD:73 f64x2.lt NONE v128_v128->v128
0xFD:74 f64x2.gt NONE v128_v128->v128
0xFD:75 f64x2.le NONE v128_v128->v128
0xFD:76 f64x2.ge NONE v128_v128->v128
0xFD:77 v128.not NONE v128->v128
0xFD:78 v128.and NONE v128_v128->v128
0xFD:79 v128.andnot NONE v128_v128->v128
0xFD:80 v128.or NONE v128_v128->v128
0xFD:81 v128.xor NONE v128_v128->v128
0xFD:82 v128.bitselect NONE v128_v128_v128->v128
0xFD:83 v128.any_true NONE v128->i32
0xFD:84 v128.load8_lane MEMARG_LANE i32_v128->v128 0
0xFD:85 v128.load16_lane MEMARG_LANE i32_v128->v128 1
0xFD:86 v128.load32_lane MEMARG_LANE i32_v128->v128 2
0xFD:87 v128.load64_lane MEMARG_LANE i32_v128->v128 3
0xFD:88 v128.store8_lane MEMARG_LANE i32_v128-> 0
0xFD:89 v128.store16_lane MEMARG_LANE i32_v128-> 1
0xFD:90 v128.store32_lane MEMARG_LANE i32_v128-> 2
0xFD:91 v128.store64_lane MEMARG_LANE i32_v128-> 3
0xFD:92 v128.load32_zero MEMARG i32->v128 2
0xFD:93 v128.load64_zero MEMARG i32->v128 3
0xFD:94 f32x4.demote_f64x2_zero NONE v128->v128
0xFD:95 f64x2.promote_low_f32x4 NONE v128->v128
0xFD:96 i8x16.abs NONE v128->v128
0xFD:97 i8x16.neg NONE v128->v128
0xFD:98 i8x16.popcnt NONE v128->v128
0xFD:99 i8x16.all_true NONE v128->i32
0xFD:100 i8x16.bitmask NONE v128->i32
0xFD:101 i8x16.narrow_i16x8_s NONE v128_v128->v128
0xFD:102 i8x16.narrow_i16x8_u NONE v128_v128->v128
0xFD:103 f32x4.ceil NONE v128->v128
0xFD:104 f32x4.floor NONE v128->v128
0xFD:105 f32x4.trunc NONE v128->v128
0xFD:106 f32x4.nearest NONE v128->v128
0xFD:107 i8x16.shl NONE v128_i32->v128
0xFD:108 i8x16.shr_s NONE v128_i32->v128
0xFD:109 i8x16.shr_u NONE v128_i32->v128
0xFD:110 i8x16.add NONE v128_v128->v128
0xFD:111 i8x16.add_sat_s NONE v128_v128->v128
0xFD:112 i8x16.add_sat_u NONE v128_v128->v128
0xFD:113 i8x16.sub NONE v128_v128->v128
0xFD:114 i8x16.sub_sat_s NONE v128_v128->v128
0xFD:115 i8x16.sub_sat_u NONE v128_v128->v128
0xFD:116 f64x2.ceil NONE v128->v128
0xFD:117 f64x2.floor NONE v128->v128
0xFD:118 i8x16.min_s NONE v128_v128->v128
0xFD:119 i8x16.min_u NONE v128_v128->v128
0xFD:120 i8x16.max_s NONE v128_v128->v128
0xFD:121 i8x16.max_u NONE v128_v128->v128
0xFD:122 f64x2.trunc NONE v128->v128
0xFD:123 i8x16.avgr_u NONE v128_v128->v128
0xFD:124 i16x8.extadd_pairwise_i8x16_s NONE v128->v128
0xFD:125 i16x8.extadd_pairwise_i8x16_u NONE v128->v128
0xFD:126 i32x4.extadd_pairwise_i16x8_s NONE v128->v128
0xFD:127 i32x4.extadd_pairwise_i16x8_u NONE v128->v128
0xFD:128 i16x8.abs NONE v128->v128
0xFD:129 i16x8.neg NONE v128->v128
0xFD:130 i16x8.q15mulr_sat_s NONE v128_v128->v128
0xFD:131 i16x8.all_true NONE v128->i32
0xFD:132 i16x8.bitmask NONE v128->i32
0xFD:133 i16x8.narrow_i32x4_s NONE v128_v128->v128
0xFD:134 i16x8.narrow_i32x4_u NONE v128_v128->v128
0xFD:135 i16x8.extend_low_i8x16_s NONE v128->v128
0xFD:136 i16x8.extend_high_i8x16_s NONE v128->v128
0xFD:137 i16x8.extend_low_i8x16_u NONE v128->v128
0xFD:138 i16x8.extend_high_i8x16_u NONE v128->v128
0xFD:139 i16x8.shl NONE v128_i32->v128
0xFD:140 i16x8.shr_s NONE v128_i32->v128
0xFD:141 i16x8.shr_u NONE v128_i32->v128
0xFD:142 i16x8.add NONE v128_v128->v128
0xFD:143 i16x8.add_sat_s NONE v128_v128->v128
0xFD:144 i16x8.add_sat_u NONE v128_v128->v128
0xFD:145 i16x8.sub NONE v128_v128->v128
0xFD:146 i16x8.sub_sat_s NONE v128_v128->v128
0xFD:147 i16x8.sub_sat_u NONE v128_v128->v128
0xFD:148 f64x2.nearest NONE v128->v128
0xFD:149 i16x8.mul NONE v128_v128->v128
0xFD:150 i16x8.min_s NONE v128_v128->v128
0xFD:151 i16x8.min_u NONE v128_v128->v128
0xFD:152 i16x8.max_s NONE v128_v128->v128
0xFD:153 i16x8.max_u NONE v128_v128->v128
0xFD:155 i16x8.avgr_u NONE v128_v128->v128
0xFD:156 i16x8.extmul_low_i8x16_s NONE v128_v128->v128
0xFD:157 i16x8.extmul_high_i8x16_s NONE v128_v128->v128
0xFD:158 i16x8.extmul_low_i8x16_u NONE v128_v128->v128
0xFD:159 i16x8.extmul_high_i8x16_u NONE v128_v128->v128
0xFD:160 i32x4.abs NONE v128->v128
0xFD:161 i32x4.neg NONE v128->v128
0xFD:163 i32x4.all_true NONE v128->i32
0xFD:164 i32x4.bitmask NONE v128->i32
0xFD:167 i32x4.extend_low_i16x8_s NONE v128->v128
0xFD:168 i32x4.extend_high_i16x8_s NONE v128->v128
0xFD:169 i32x4.extend_low_i16x8_u NONE v128->v128
0xFD:170 i32x4.extend_high_i16x8_u NONE v128->v128
0xFD:171 i32x4.shl NONE v128_i32->v128
0xFD:172 i32x4.shr_s NONE v128_i32->v128
0xFD:173 i32x4.shr_u NONE v128_i32->v128
0xFD:174 i32x4.add NONE v128_v128->v128
0xFD:177 i32x4.sub NONE v128_v128->v128
0xFD:181 i32x4.mul NONE v128_v128->v128
0xFD:182 i32x4.min_s NONE v128_v128->v128
0xFD:183 i32x4.min_u NONE v128_v128->v128
0xFD:184 i32x4.max_s NONE v128_v128->v128
0xFD:185 i32x4.max_u NONE v128_v128->v128
0xFD:186 i32x4.dot_i16x8_s NONE v128_v128->v128
0xFD:188 i32x4.extmul_low_i16x8_s NONE v128_v128->v128
0xFD:189 i32x4.extmul_high_i16x8_s NONE v128_v128->v128
0xFD:190 i32x4.extmul_low_i16x8_u NONE v128_v128->v128
0xFD:191 i32x4.extmul_high_i16x8_u NONE v128_v128->v128
0xFD:192 i64x2.abs NONE v128->v128
0xFD:193 i64x2.neg NONE v128->v128
0xFD:195 i64x2.all_true NONE v128->i32
0xFD:196 i64x2.bitmask NONE v128->i32
0xFD:199 i64x2.extend_low_i32x4_s NONE v128->v128
0xFD:200 i64x2.extend_high_i32x4_s NONE v128->v128
0xFD:201 i64x2.extend_low_i32x4_u NONE v128->v128
0xFD:202 i64x2.extend_high_i32x4_u NONE v128->v128
0xFD:203 i64x2.shl NONE v128_i32->v128
0xFD:204 i64x2.shr_s NONE v128_i32->v128
0xFD:205 i64x2.shr_u NONE v128_i32->v128
0xFD:206 i64x2.add NONE v128_v128->v128
0xFD:209 i64x2.sub NONE v128_v128->v128
0xFD:213 i64x2.mul NONE v128_v128->v128
0xFD:214 i64x2.eq NONE v128_v128->v128
0xFD:215 i64x2.ne NONE v128_v128->v128
0xFD:216 i64x2.lt_s NONE v128_v128->v128
0xFD:217 i64x2.gt_s NONE v128_v128->v128
0xFD:218 i64x2.le_s NONE v128_v128->v128
0xFD:219 i64x2.ge_s NONE v128_v128->v128
0xFD:220 i64x2.extmul_low_i32x4_s NONE v128_v128->v128
0xFD:221 i64x2.extmul_high_i32x4_s NONE v128_v128->v128
0xFD:222 i64x2.extmul_low_i32x4_u NONE v128_v128->v128
0xFD:223 i64x2.extmul_high_i32x4_u NONE v128_v128->v128
0xFD:224 f32x4.abs NONE v128->v128
0xFD:225 f32x4.neg NONE v128->v128
0xFD:227 f32x4.sqrt NONE v128->v128
0xFD:228 f32x4.add NONE v128_v128->v128
0xFD:229 f32x4.sub NONE v128_v128->v128
0xFD:230 f32x4.mul NONE v128_v128->v128
0xFD:231 f32x4.div NONE v128_v128->v128
0xFD:232 f32x4.min NONE v128_v128->v128
0xFD:233 f32x4.max NONE v128_v128->v128
0xFD:234 f32x4.pmin NONE v128_v128->v128
0xFD:235 f32x4.pmax NONE v128_v128->v128
0xFD:236 f64x2.abs NONE v128->v128
0xFD:237 f64x2.neg NONE v128->v128
0xFD:239 f64x2.sqrt NONE v128->v128
0xFD:240 f64x2.add NONE v128_v128->v128
0xFD:241 f64x2.sub NONE v128_v128->v128
0xFD:242 f64x2.mul NONE v128_v128->v128
0xFD:243 f64x2.div NONE v128_v128->v128
0xFD:244 f64x2.min NONE v128_v128->v128
0xFD:245 f64x2.max NONE v128_v128->v128
0xFD:246 f64x2.pmin NONE v128_v128->v128
0xFD:247 f64x2.pmax NONE v128_v128->v128
0xFD:248 i32x4.trunc_sat_f32x4_s NONE v128->v128
0xFD:249 i32x4.trunc_sat_f32x4_u NONE v128->v128
0xFD:250 f32x4.convert_i32x4_s NONE v128->v128
0xFD:251 f32x4.convert_i32x4_u NONE v128->v128
0xFD:252 i32x4.trunc_sat_f64x2_s_zero NONE v128->v128
0xFD:253 i32x4.trunc_sat_f64x2_u_zero NONE v128->v128
0xFD:254 f64x2.convert_low_i32x4_s NONE v128->v128
0xFD:255 f64x2.convert_low_i32x4_u NONE v128->v128
@feature relaxed_simd
0xFD:256 i8x16.relaxed_swizzle NONE v128_v128->v128
0xFD:257 i32x4.relaxed_trunc_f32x4_s NONE v128->v128
0xFD:258 i32x4.relaxed_trunc_f32x4_u NONE v128->v128
0xFD:259 i32x4.relaxed_trunc_f64x2_s_zero NONE v128->v128
0xFD:260 i32x4.relaxed_trunc_f64x2_u_zero NONE v128->v128
0xFD:261 f32x4.relaxed_madd NONE v128_v128_v128->v128
0xFD:262 f32x4.relaxed_nmadd NONE v128_v128_v128->v128
0xFD:263 f64x2.relaxed_madd NONE v128_v128_v128->v128
0xFD:264 f64x2.relaxed_nmadd NONE v128_v128_v128->v128
0xFD:265 i8x16.relaxed_laneselect NONE v128_v128_v128->v128
0xFD:266 i16x8.relaxed_laneselect NONE v128_v128_v128->v128
0xFD:267 i32x4.relaxed_laneselect NONE v128_v128_v128->v128
0xFD:268 i64x2.relaxed_laneselect NONE v128_v128_v128->v128
0xFD:269 f32x4.relaxed_min NONE v128_v128->v128
0xFD:270 f32x4.relaxed_max NONE v128_v128->v128
0xFD:271 f64x2.relaxed_min NONE v128_v128->v128
0xFD:272 f64x2.relaxed_max NONE v128_v128->v128
0xFD:273 i16x8.relaxed_q15mulr_s NONE v128_v128->v128
0xFD:274 i16x8.relaxed_dot_i8x16_i7x16_s NONE v128_v128->v128
0xFD:275 i32x4.relaxed_dot_i8x16_i7x16_add_s NONE v128_v128_v128->v128
@feature tail_call
0x12 return_call FUNC -
0x13 return_call_indirect CALL_INDIRECT -
0x15 return_call_ref TYPE -
@feature typed_refs
0x14 call_ref TYPE -
0xD4 ref.as_non_null NONE -
0xD5 br_on_null LABEL -
0xD6 br_on_non_null LABEL -
@feature exceptions
0x08 throw TAG -
0x0A throw_ref NONE -
0x1F try_table TRY_TABLE -
@feature legacy_exceptions
0x06 try BLOCK -
0x07 catch TAG -
0x19 catch_all NONE -
0x18 delegate LABEL -
0x09 rethrow LABEL -
@feature gc
0xD3 ref.eq NONE -
0xFB:0 struct.new TYPE -
0xFB:1 struct.new_default TYPE -
0xFB:2 struct.get STRUCT_FIELD -
0xFB:3 struct.get_s STRUCT_FIELD -
0xFB:4 struct.get_u STRUCT_FIELD -
0xFB:5 struct.set STRUCT_FIELD -
0xFB:6 array.new TYPE -
0xFB:7 array.new_default TYPE -
0xFB:8 array.new_fixed ARRAY_FIXED -
0xFB:9 array.new_data TYPE_DATA -
0xFB:10 array.new_elem TYPE_ELEM -
0xFB:11 array.get TYPE -
0xFB:12 array.get_s TYPE -
0xFB:13 array.get_u TYPE -
0xFB:14 array.set TYPE -
0xFB:15 array.len NONE -
0xFB:16 array.fill TYPE -
0xFB:17 array.copy TYPE_TYPE -
0xFB:18 array.init_data TYPE_DATA -
0xFB:19 array.init_elem TYPE_ELEM -
0xFB:20 ref.test CAST -
0xFB:22 ref.cast CAST -
0xFB:24 br_on_cast BR_ON_CAST -
0xFB:25 br_on_cast_fail BR_ON_CAST -
0xFB:26 any.convert_extern NONE -
0xFB:27 extern.convert_any NONE -
0xFB:28 ref.i31 NONE -
0xFB:29 i31.get_s NONE -
0xFB:30 i31.get_u NONE -
"""

PREFIXES = (0xFB, 0xFC, 0xFD)


def _build():
    members: dict[str, int] = {}
    info: dict[int, OpInfo] = {}
    feature = None                  # set by "@feature NAME" lines: the rows after it need NAME
    for line in _TABLE.strip().splitlines():
        if line.startswith("#"):
            continue
        if line.startswith("@feature"):
            feature = line.split()[1]
            continue
        parts = line.split()
        code_text, name, imm = parts[0], parts[1], parts[2]
        sig = _sig(parts[3].replace("_", " ")) if len(parts) > 3 else None
        align = int(parts[4]) if len(parts) > 4 else None
        if ":" in code_text:
            prefix, sub = code_text.split(":")
            code = int(prefix, 16) << 16 | int(sub)
        else:
            code = int(code_text, 16)
        members[name.replace(".", "_").upper()] = code
        info[code] = OpInfo(name, Imm[imm], sig, align, feature)
    return members, info


_members, _info = _build()
Op = enum.IntEnum("Op", _members)
Op.__doc__ = "Every instruction, keyed by its opcode (see the module docstring)."

INFO: dict[Op, OpInfo] = {Op(code): info for code, info in _info.items()}
BY_NAME: dict[str, Op] = {info.name: op for op, info in INFO.items()}
# Note: the typed `select` (0x1C) is called "select_t" here; in text it is `select (result t)`.

# Structured control: what opens a label, what separates the arms of one (else, legacy catch),
# and what closes one (legacy `delegate` closes a `try` in place of `end`).
OPENERS = frozenset({Op.BLOCK, Op.LOOP, Op.IF, Op.TRY, Op.TRY_TABLE})
MIDDLES = frozenset({Op.ELSE, Op.CATCH, Op.CATCH_ALL})
CLOSERS = frozenset({Op.END, Op.DELEGATE})


def opcode_bytes(op: Op) -> tuple[int, int | None]:
    """(first byte, sub-opcode or None) of an instruction's binary encoding."""
    if op > 0xFF:
        return op >> 16, op & 0xFFFF
    return int(op), None
