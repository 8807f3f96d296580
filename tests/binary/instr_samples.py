"""Sample immediates for every instruction of `opcodes.INFO`, a module whose one function holds
them all, and hypothesis strategies for random modules, so the encoder and printer can be checked
against wasm-tools instruction by instruction (wasm-tools parse/print do not validate, so the
bodies need not type-check)."""

from __future__ import annotations

from hypothesis import strategies as st

from pywasm_core.opcodes import INFO, Imm, Op
from pywasm_core.syntax import Custom, Data, Elem, Export, Func, Global, Import, Instr, Module
from pywasm_core.types import (EXTERNREF, F32, F64, FUNCREF, I32, I64, V128, FuncType,
                               GlobalType, Limits, MemoryType, RefType, TableType)


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
    return _samples_3(kind)


def _samples_3(kind: Imm) -> list[tuple]:
    """The WebAssembly 3.0 immediate kinds."""
    name = kind.name
    if name in ("TAG", "TYPE"):
        return [(0,), (1,)]
    if name in ("TYPE_TYPE", "STRUCT_FIELD", "ARRAY_FIXED", "TYPE_DATA", "TYPE_ELEM"):
        return [(0, 1), (1, 0)]
    if name == "CAST":
        return [(RefType(False, "any"),), (RefType(True, "eq"),), (RefType(True, 0),),
                (RefType(False, 1),)]
    if name == "BR_ON_CAST":
        return [(0, RefType(True, "any"), RefType(False, "i31")),
                (1, RefType(False, "any"), RefType(True, 0))]
    if name == "TRY_TABLE":
        return [(None, ()), (I32, ((0, 0, 0), (1, 1, 0), (2, None, 0), (3, None, 1)))]
    raise AssertionError(f"no samples for {kind}")


def is_2_0(op: Op) -> bool:
    """Part of WebAssembly 2.0 (the decoder's scope), not a later proposal."""
    return getattr(INFO[op], "feature", None) is None


_INNER = {"end", "else", "catch", "catch_all", "delegate"}   # written around their openers


def all_instructions(later: bool = False) -> list[Instr]:
    """Every 2.0 instruction (and with `later` every 3.0 one too) with every sample immediate,
    blocks balanced, ending with `end`."""
    body = []
    for op, info in INFO.items():
        if info.name in _INNER or (not later and not is_2_0(op)):
            continue
        for imm in sample_imms(op):
            body.append(Instr(op, imm))
            if info.name in ("block", "loop", "try_table"):
                body.append(Instr(Op.END))
            elif op == Op.IF:
                body += [Instr(Op.NOP), Instr(Op.ELSE), Instr(Op.NOP), Instr(Op.END)]
            elif info.name == "try":
                body += [Instr(Op.NOP), Instr(Op.CATCH, (0,)), Instr(Op.NOP),
                         Instr(Op.CATCH_ALL), Instr(Op.END),
                         Instr(op, imm), Instr(Op.DELEGATE, (0,))]
    body.append(Instr(Op.END))
    return body


def kitchen_sink() -> Module:
    """A module using every instruction, two of each index space, every segment form."""
    ref_func = [Instr(Op.REF_FUNC, (0,)), Instr(Op.END)]
    offset = [Instr(Op.I32_CONST, (0,)), Instr(Op.END)]
    return Module(
        types=[FuncType([], []), FuncType([I32, I64], [F64])],
        funcs=[Func(0, [], all_instructions()),
               Func(1, [I32, I32, V128], [Instr(Op.F64_CONST, (0,)), Instr(Op.END)])],
        tables=[TableType(FUNCREF, Limits(2)), TableType(EXTERNREF, Limits(1, 10))],
        table_inits=[None, None],
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


# --- hypothesis strategies: random well-formed (not necessarily valid) modules -----------------

_VALTYPES = st.sampled_from([I32, I64, F32, F64, V128, FUNCREF, EXTERNREF])
_SIMPLE_OPS = [op for op, info in INFO.items()
               if is_2_0(op) and info.imm is not Imm.BLOCK and op not in (Op.END, Op.ELSE)]
_POSITION = {section_id: i for i, section_id in enumerate((0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 10,
                                                           11))}


@st.composite
def _instr(draw):
    op = draw(st.sampled_from(_SIMPLE_OPS))
    return Instr(op, draw(st.sampled_from(sample_imms(op))))


@st.composite
def random_body(draw):
    """Straight-line code with some nested block/loop/if(-else), ending with `end`."""
    body = []
    for _ in range(draw(st.integers(0, 12))):
        if draw(st.integers(0, 5)) == 0:
            opener = draw(st.sampled_from([Op.BLOCK, Op.LOOP, Op.IF]))
            body.append(Instr(opener, (draw(st.sampled_from([None, I32, V128, 0])),)))
            body += draw(st.lists(_instr(), max_size=4))
            if opener == Op.IF and draw(st.booleans()):
                body.append(Instr(Op.ELSE))
                body += draw(st.lists(_instr(), max_size=3))
            body.append(END)
        else:
            body.append(draw(_instr()))
    return body + [END]


@st.composite
def random_modules(draw, with_data_count: bool = True, with_customs: bool = True):
    """Modules with types, imports, functions, segments, start and custom sections.
    `with_data_count` records the data count (as a decoder would when the section is there)."""
    types = draw(st.lists(st.builds(FuncType, st.lists(_VALTYPES, max_size=3),
                                    st.lists(_VALTYPES, max_size=2)), min_size=1, max_size=3))
    funcs = draw(st.lists(st.builds(Func, st.integers(0, len(types) - 1),
                                    st.lists(_VALTYPES, max_size=6), random_body()),
                          max_size=3))
    customs = []
    if with_customs:
        customs = draw(st.lists(st.builds(Custom, st.text(max_size=5).filter(lambda n: n != "name"),
                                          st.binary(max_size=5), st.sampled_from([0, 1, 3, 10])),
                                max_size=3))
        customs.sort(key=lambda c: _POSITION[c.after])          # the order they sit in the file
    consistent = [seg for seg, flag, _ in ELEM_FORMS if seg.func_indices == (flag < 4)]
    elems = draw(st.lists(st.sampled_from(consistent), max_size=3))
    datas = draw(st.lists(
        st.builds(Data, st.binary(max_size=8), st.just("passive"))
        | st.builds(Data, st.binary(max_size=8), st.just("active"), st.integers(0, 3),
                    st.sampled_from([const(0), const(0xFFFF_FFFF)])),
        max_size=3))
    imports = draw(st.lists(st.builds(
        Import, st.text(max_size=3), st.text(max_size=3),
        st.integers(0, len(types) - 1)
        | st.builds(GlobalType, _VALTYPES, st.booleans())
        | st.builds(MemoryType, st.builds(Limits, st.integers(0, 9)))), max_size=3))
    return Module(types=types, imports=imports, funcs=funcs, elems=elems, datas=datas,
                  customs=customs, data_count=len(datas) if with_data_count else None,
                  start=draw(st.none() | st.integers(0, 5)))
