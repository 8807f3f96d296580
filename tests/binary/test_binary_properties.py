"""Property tests: random instruction sequences and random module skeletons, written by an
independent little encoder in this file (with randomly padded, still legal, LEB128 forms), must
decode back to exactly what was written, with the right byte offsets."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from pywasm_core.binary import decode_module
from pywasm_core.binary.decode import decode_code
from pywasm_core.opcodes import INFO, Imm, Op
from pywasm_core.types import (EXTERNREF, F32, F64, FUNCREF, I32, I64, V128, FuncType, GlobalType,
                               Limits, MemoryType, TableType)

VALTYPES = [I32, I64, F32, F64, V128, FUNCREF, EXTERNREF]
u32s = st.integers(0, 2**32 - 1)


# --- LEB128 writers with optional padding (up to the format's maximum length) -----------------

def uleb(value: int, bits: int, pad: int) -> bytes:
    out = []
    while True:
        out.append(value & 0x7F)
        value >>= 7
        if value == 0:
            break
    out += [0] * max(0, min(pad, (bits + 6) // 7 - len(out)))
    return bytes([b | 0x80 for b in out[:-1]] + [out[-1]])


def sleb(value: int, bits: int, pad: int) -> bytes:
    out = []
    while True:
        b = value & 0x7F
        value >>= 7
        out.append(b)
        if (value == 0 and not b & 0x40) or (value == -1 and b & 0x40):
            break
    fill = 0x7F if value < 0 else 0
    out += [fill] * max(0, min(pad, (bits + 6) // 7 - len(out)))
    return bytes([b | 0x80 for b in out[:-1]] + [out[-1]])


def signed(value: int, bits: int) -> int:
    return value - (1 << bits) if value >> (bits - 1) else value


# --- random instructions ---------------------------------------------------------------------

FLAT_OPS = sorted(op for op, info in INFO.items()
                  if info.feature is None and info.imm != Imm.BLOCK and op not in (Op.ELSE, Op.END))


@st.composite
def immediate(draw, op: Op):
    kind = INFO[op].imm
    memarg = (draw(st.integers(0, 31)), draw(u32s), 0)
    return {
        Imm.NONE: (), Imm.LABEL: (draw(u32s),), Imm.FUNC: (draw(u32s),),
        Imm.LOCAL: (draw(u32s),), Imm.GLOBAL: (draw(u32s),), Imm.TABLE: (draw(u32s),),
        Imm.ELEM: (draw(u32s),), Imm.DATA: (draw(u32s),),
        Imm.BR_TABLE: (tuple(draw(st.lists(u32s, max_size=5))), draw(u32s)),
        Imm.CALL_INDIRECT: (draw(u32s), draw(u32s)), Imm.TABLE_INIT: (draw(u32s), draw(u32s)),
        Imm.TABLE_COPY: (draw(u32s), draw(u32s)),
        Imm.MEMARG: memarg, Imm.MEMORY: (0,), Imm.MEMORY_INIT: (draw(u32s), 0),
        Imm.MEMORY_COPY: (0, 0),
        Imm.I32: (draw(u32s),), Imm.I64: (draw(st.integers(0, 2**64 - 1)),),
        Imm.F32: (draw(u32s),), Imm.F64: (draw(st.integers(0, 2**64 - 1)),),
        Imm.SELECT_T: (tuple(draw(st.lists(st.sampled_from(VALTYPES), max_size=3))),),
        Imm.REFTYPE: (draw(st.sampled_from([FUNCREF, EXTERNREF])),),
        Imm.V128: (draw(st.integers(0, 2**128 - 1)),),
        Imm.SHUFFLE: (tuple(draw(st.lists(st.integers(0, 255), min_size=16, max_size=16))),),
        Imm.LANE: (draw(st.integers(0, 255)),),
        Imm.MEMARG_LANE: memarg + (draw(st.integers(0, 255)),),
    }[kind]


@st.composite
def instruction(draw):
    op = draw(st.sampled_from(FLAT_OPS))
    return op, draw(immediate(op)), draw(st.integers(0, 4))


def encode_instr(op: Op, imm: tuple, pad: int) -> bytes:
    kind = INFO[op].imm
    head = bytes([op]) if op < 0x100 else bytes([op >> 16]) + uleb(op & 0xFFFF, 32, pad)
    u = lambda v: uleb(v, 32, pad)                          # noqa: E731
    if kind == Imm.NONE:
        return head
    if kind in (Imm.LABEL, Imm.FUNC, Imm.LOCAL, Imm.GLOBAL, Imm.TABLE, Imm.ELEM, Imm.DATA):
        return head + u(imm[0])
    if kind == Imm.BR_TABLE:
        return head + u(len(imm[0])) + b"".join(u(x) for x in imm[0]) + u(imm[1])
    if kind in (Imm.CALL_INDIRECT, Imm.TABLE_INIT, Imm.TABLE_COPY):
        return head + u(imm[0]) + u(imm[1])
    if kind in (Imm.MEMARG, Imm.MEMARG_LANE):
        tail = bytes([imm[3]]) if kind == Imm.MEMARG_LANE else b""
        return head + u(imm[0]) + u(imm[1]) + tail
    if kind == Imm.MEMORY:
        return head + b"\x00"
    if kind == Imm.MEMORY_INIT:
        return head + u(imm[0]) + b"\x00"
    if kind == Imm.MEMORY_COPY:
        return head + b"\x00\x00"
    if kind == Imm.I32:
        return head + sleb(signed(imm[0], 32), 32, pad)
    if kind == Imm.I64:
        return head + sleb(signed(imm[0], 64), 64, pad)
    if kind == Imm.F32:
        return head + imm[0].to_bytes(4, "little")
    if kind == Imm.F64:
        return head + imm[0].to_bytes(8, "little")
    if kind == Imm.SELECT_T:
        return head + u(len(imm[0])) + bytes(t.code for t in imm[0])
    if kind == Imm.REFTYPE:
        return head + bytes([imm[0].code])
    if kind == Imm.V128:
        return head + imm[0].to_bytes(16, "little")
    if kind in (Imm.SHUFFLE, Imm.LANE):
        return head + bytes(imm[0] if kind == Imm.SHUFFLE else imm)
    raise AssertionError(kind)


@settings(max_examples=150, deadline=None)
@given(st.lists(instruction(), max_size=30))
def test_random_instruction_sequences(instrs):
    code = bytearray()
    offsets = []
    for op, imm, pad in instrs:
        offsets.append(len(code))
        code += encode_instr(op, imm, pad)
    offsets.append(len(code))
    code += b"\x0b"
    decoded, end = decode_code(bytes(code) + b"\xff", 0)
    assert end == len(code)
    assert [(i.op, i.imm) for i in decoded] == [(op, imm) for op, imm, _ in instrs] + [(Op.END, ())]
    assert [i.offset for i in decoded] == offsets


blocktypes = st.one_of(st.none(), st.sampled_from(VALTYPES), st.integers(0, 2**32 - 1))


@st.composite
def nested(draw, depth=0):
    """A list of (op, imm) with properly nested block/loop/if(-else) constructs."""
    out = []
    for _ in range(draw(st.integers(0, 3))):
        choice = draw(st.sampled_from(["flat", "block", "loop", "if"] if depth < 4 else ["flat"]))
        if choice == "flat":
            op, imm, _ = draw(instruction())
            out.append((op, imm))
            continue
        op = {"block": Op.BLOCK, "loop": Op.LOOP, "if": Op.IF}[choice]
        out.append((op, (draw(blocktypes),)))
        out += draw(nested(depth + 1))
        if op == Op.IF and draw(st.booleans()):
            out.append((Op.ELSE, ()))
            out += draw(nested(depth + 1))
        out.append((Op.END, ()))
    return out


def encode_blocktype(bt) -> bytes:
    if bt is None:
        return b"\x40"
    if isinstance(bt, int):
        return sleb(bt, 33, 0)
    return bytes([bt.code])


@settings(max_examples=100, deadline=None)
@given(nested())
def test_random_nested_blocks(instrs):
    code = b"".join(
        bytes([op]) + encode_blocktype(imm[0]) if op in (Op.BLOCK, Op.LOOP, Op.IF)
        else encode_instr(op, imm, 0)
        for op, imm in instrs) + b"\x0b"
    decoded, end = decode_code(code, 0)
    assert end == len(code)
    assert [(i.op, i.imm) for i in decoded] == instrs + [(Op.END, ())]


# --- random module skeletons -------------------------------------------------------------------

def vec(items) -> bytes:
    items = list(items)
    return uleb(len(items), 32, 0) + b"".join(items)


def section(section_id: int, content: bytes) -> bytes:
    return bytes([section_id]) + uleb(len(content), 32, 0) + content


def name(text: str) -> bytes:
    raw = text.encode("utf-8")
    return uleb(len(raw), 32, 0) + raw


limits = st.builds(lambda lo, hi: Limits(lo, hi), u32s, st.none() | u32s)
functypes = st.builds(FuncType, st.lists(st.sampled_from(VALTYPES), max_size=4),
                      st.lists(st.sampled_from(VALTYPES), max_size=3))
names = st.text(max_size=8)


def encode_limits(lim: Limits) -> bytes:
    if lim.max is None:
        return b"\x00" + uleb(lim.min, 32, 0)
    return b"\x01" + uleb(lim.min, 32, 0) + uleb(lim.max, 32, 0)


@settings(max_examples=100, deadline=None)
@given(types=st.lists(functypes, max_size=4),
       tables=st.lists(st.builds(TableType, st.sampled_from([FUNCREF, EXTERNREF]), limits),
                       max_size=3),
       memories=st.lists(st.builds(MemoryType, limits), max_size=2),
       globals_=st.lists(st.tuples(st.booleans(), st.integers(0, 2**32 - 1)), max_size=3),
       exports=st.lists(st.tuples(names, st.integers(0, 3), u32s), max_size=4),
       datas=st.lists(st.tuples(st.integers(0, 2), st.binary(max_size=8)), max_size=3),
       customs=st.lists(st.tuples(names, st.binary(max_size=5)), max_size=2))
def test_random_module_skeletons(types, tables, memories, globals_, exports, datas, customs):
    parts = [section(1, vec(b"\x60" + vec(bytes([t.code]) for t in ft.params)
                             + vec(bytes([t.code]) for t in ft.results) for ft in types))]
    parts += [section(0, name(n) + payload) for n, payload in customs]
    parts.append(section(4, vec(bytes([t.element.code]) + encode_limits(t.limits)
                                for t in tables)))
    parts.append(section(5, vec(encode_limits(m.limits) for m in memories)))
    parts.append(section(6, vec(b"\x7f" + bytes([mut]) + b"\x41" + sleb(signed(v, 32), 32, 0)
                                + b"\x0b" for mut, v in globals_)))
    parts.append(section(7, vec(name(n) + bytes([k]) + uleb(i, 32, 0) for n, k, i in exports)))
    parts.append(section(12, uleb(len(datas), 32, 0)))
    segments = []
    for mode, payload in datas:
        head = {0: b"\x00\x41\x00\x0b", 1: b"\x01", 2: b"\x02\x00\x41\x00\x0b"}[mode]
        segments.append(head + uleb(len(payload), 32, 0) + payload)
    parts.append(section(11, vec(segments)))
    m = decode_module(b"\x00asm\x01\x00\x00\x00" + b"".join(parts))
    assert m.types == types
    assert [(c.name, c.data, c.after) for c in m.customs] == [(n, p, 1) for n, p in customs]
    assert m.tables == tables and m.memories == memories
    assert [(g.type, g.init[0].imm) for g in m.globals] == [
        (GlobalType(I32, mut), (v,)) for mut, v in globals_]
    assert [(e.name, e.kind, e.index) for e in m.exports] == [
        (n, ("func", "table", "memory", "global")[k], i) for n, k, i in exports]
    assert m.data_count == len(datas)
    assert [(d.mode, d.init) for d in m.datas] == [
        ("passive" if mode == 1 else "active", payload) for mode, payload in datas]
