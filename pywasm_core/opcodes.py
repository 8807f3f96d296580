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


@dataclass(frozen=True)
class OpInfo:
    name: str                       # text-format name, e.g. "i32.add"
    imm: Imm
    # (params, results) as tuples of value type names for instructions with a fixed type;
    # None where typing depends on immediates or context (control, variables, calls, select...).
    sig: tuple[tuple[str, ...], tuple[str, ...]] | None
    natural_align: int | None = None  # log2 of the access size, for memarg instructions


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
"""

PREFIXES = (0xFC, 0xFD)


def _build():
    members: dict[str, int] = {}
    info: dict[int, OpInfo] = {}
    for line in _TABLE.strip().splitlines():
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
        info[code] = OpInfo(name, Imm[imm], sig, align)
    return members, info


_members, _info = _build()
Op = enum.IntEnum("Op", _members)
Op.__doc__ = "Every instruction, keyed by its opcode (see the module docstring)."

INFO: dict[Op, OpInfo] = {Op(code): info for code, info in _info.items()}
BY_NAME: dict[str, Op] = {info.name: op for op, info in INFO.items()}
# Note: the typed `select` (0x1C) is called "select_t" here; in text it is `select (result t)`.


def opcode_bytes(op: Op) -> tuple[int, int | None]:
    """(first byte, sub-opcode or None) of an instruction's binary encoding."""
    if op > 0xFF:
        return op >> 16, op & 0xFFFF
    return int(op), None
