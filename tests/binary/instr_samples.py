"""Sample immediates for every instruction of `opcodes.INFO`, and a module whose one function
holds them all, so the encoder and printer can be checked against wasm-tools instruction by
instruction (wasm-tools parse/print do not validate, so the body need not type-check)."""

from __future__ import annotations

from pywasm_core.opcodes import INFO, Imm, Op
from pywasm_core.syntax import Data, Elem, Export, Func, Global, Instr, Module
from pywasm_core.types import (EXTERNREF, F64, FUNCREF, I32, I64, V128, FuncType, GlobalType,
                               Limits, MemoryType, TableType)


def sample_imms(op: Op) -> list[tuple]:
    """A few immediates per instruction, edge values included."""
    info = INFO[op]
    kind = info.imm
    natural = info.natural_align or 0
    if kind is Imm.NONE:
        return [()]
    if kind is Imm.BLOCK:
        return [(None,), (I32,), (V128,), (FUNCREF,), (1,)]
    if kind is Imm.LABEL:
        return [(0,), (1,)]
    if kind is Imm.BR_TABLE:
        return [((), 0), ((0, 1, 0), 1)]
    if kind is Imm.FUNC:
        return [(0,), (1,)]
    if kind is Imm.CALL_INDIRECT:
        return [(0, 0), (1, 1)]
    if kind in (Imm.LOCAL, Imm.GLOBAL, Imm.TABLE, Imm.DATA, Imm.ELEM):
        return [(0,), (1,)]
    if kind is Imm.MEMARG:
        return [(natural, 0, 0), (0, 0xFFFF_FFFF, 0), (natural, 16, 1)]
    if kind is Imm.MEMARG_LANE:
        lanes = 16 >> natural
        return [(natural, 0, 0, 0), (0, 8, 0, lanes - 1), (natural, 0, 1, 1)]
    if kind is Imm.MEMORY:
        return [(0,), (1,)]
    if kind in (Imm.MEMORY_INIT, Imm.TABLE_INIT):
        return [(1, 0), (0, 1)]
    if kind in (Imm.MEMORY_COPY, Imm.TABLE_COPY):
        return [(0, 0), (1, 0), (0, 1)]
    if kind is Imm.I32:
        return [(0,), (0x7FFF_FFFF,), (0x8000_0000,), (0xFFFF_FFFF,), (64,), (0xFFFF_FFC0,)]
    if kind is Imm.I64:
        return [(0,), (0xFFFF_FFFF_FFFF_FFFF,), (1 << 63,), ((1 << 63) - 1,)]
    if kind is Imm.F32:
        return [(0,), (0x8000_0000,), (0x3FC0_0000,), (1,), (0x7F7F_FFFF,), (0x7F80_0000,),
                (0xFFC0_0000,), (0x7FA0_0000,), (0x7F80_0001,)]
    if kind is Imm.F64:
        return [(0,), (0x8000_0000_0000_0000,), (0x3FF8_0000_0000_0000,), (1,),
                (0x7FF0_0000_0000_0000,), (0xFFF8_0000_0000_0000,), (0x7FF4_0000_0000_0000,),
                (0x7FF0_0000_0000_0001,), (0x000F_FFFF_FFFF_FFFF,)]
    if kind is Imm.SELECT_T:
        return [((I32,),), ((V128,),), ((EXTERNREF,),)]
    if kind is Imm.REFTYPE:
        return [(FUNCREF,), (EXTERNREF,)]
    if kind is Imm.V128:
        return [(0,), ((1 << 128) - 1,), (0x0102030405060708090A0B0C0D0E0F10,)]
    if kind is Imm.SHUFFLE:
        return [(tuple(range(16)),), (tuple(range(31, 15, -1)),)]
    if kind is Imm.LANE:
        return [(0,), (1,)]
    raise AssertionError(f"no samples for {kind}")


def all_instructions() -> list[Instr]:
    """Every instruction with every sample immediate, blocks balanced, ending with `end`."""
    body = []
    for op in INFO:
        if op in (Op.END, Op.ELSE):
            continue
        for imm in sample_imms(op):
            body.append(Instr(op, imm))
            if op in (Op.BLOCK, Op.LOOP):
                body.append(Instr(Op.END))
            elif op == Op.IF:
                body += [Instr(Op.NOP), Instr(Op.ELSE), Instr(Op.NOP), Instr(Op.END)]
    body.append(Instr(Op.END))
    return body


def kitchen_sink() -> Module:
    """A module using every instruction, two of each index space, every segment form."""
    ref_func = [Instr(Op.REF_FUNC, (0,)), Instr(Op.END)]
    offset = [Instr(Op.I32_CONST, (0,)), Instr(Op.END)]
    return Module(
        types=[FuncType([], []), FuncType([I32, I64], [F64])],
        funcs=[Func(0, [], all_instructions()), Func(1, [I32, I32, V128], [Instr(Op.F64_CONST, (0,)), Instr(Op.END)])],
        tables=[TableType(FUNCREF, Limits(2)), TableType(EXTERNREF, Limits(1, 10))],
        memories=[MemoryType(Limits(1)), MemoryType(Limits(0, 2))],
        globals=[Global(GlobalType(I32, True), offset),
                 Global(GlobalType(FUNCREF), ref_func)],
        exports=[Export("f", "func", 0), Export("t", "table", 1), Export("m", "memory", 0),
                 Export("g", "global", 1)],
        elems=[Elem(FUNCREF, [ref_func], "active", 0, offset, func_indices=True),
               Elem(FUNCREF, [ref_func], "passive", func_indices=True),
               Elem(EXTERNREF, [[Instr(Op.REF_NULL, (EXTERNREF,)), Instr(Op.END)]],
                    "passive")],
        datas=[Data(b"abc", "active", 0, offset), Data(b"\x00\xff", "passive"),
               Data(b"", "active", 1, offset)],
        data_count=3,
    )


def const(value: int) -> list[Instr]:
    return [Instr(Op.I32_CONST, (value,)), Instr(Op.END)]


def ref_func(index: int) -> list[Instr]:
    return [Instr(Op.REF_FUNC, (index,)), Instr(Op.END)]


END = Instr(Op.END)

# One element segment per binary form, then edge cases:
# (segment, the flag byte the encoder must pick, the line wasm-tools prints for it).
ELEM_FORMS = [
    (Elem(FUNCREF, [ref_func(0)], "active", 0, const(1), func_indices=True), 0,
     "(elem (;0;) (i32.const 1) func 0)"),
    (Elem(FUNCREF, [ref_func(0)], "passive", func_indices=True), 1, "(elem (;0;) func 0)"),
    (Elem(FUNCREF, [ref_func(0)], "active", 1, const(1), func_indices=True), 2,
     "(elem (;0;) (table 1) (i32.const 1) func 0)"),
    (Elem(FUNCREF, [ref_func(0)], "declarative", func_indices=True), 3,
     "(elem (;0;) declare func 0)"),
    (Elem(FUNCREF, [ref_func(0), [Instr(Op.REF_NULL, (FUNCREF,)), END]], "active", 0, const(1)),
     4, "(elem (;0;) (i32.const 1) funcref (ref.func 0) (ref.null func))"),
    (Elem(EXTERNREF, [[Instr(Op.REF_NULL, (EXTERNREF,)), END]], "passive"), 5,
     "(elem (;0;) externref (ref.null extern))"),
    (Elem(FUNCREF, [ref_func(0)], "active", 1, const(1)), 6,
     "(elem (;0;) (table 1) (i32.const 1) funcref (ref.func 0))"),
    (Elem(FUNCREF, [ref_func(0)], "declarative"), 7, "(elem (;0;) declare funcref (ref.func 0))"),
    # externref active segments need the explicit-table form; an item that is not a plain
    # ref.func forces expressions even when the segment was written as indices
    (Elem(EXTERNREF, [[Instr(Op.REF_NULL, (EXTERNREF,)), END]], "active", 2, const(0)), 6,
     "(elem (;0;) (table 2) (i32.const 0) externref (ref.null extern))"),
    (Elem(FUNCREF, [[Instr(Op.REF_NULL, (FUNCREF,)), END]], "passive", func_indices=True), 5,
     "(elem (;0;) funcref (ref.null func))"),
]
