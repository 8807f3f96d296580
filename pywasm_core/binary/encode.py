"""syntax.Module -> bytes: the binary format (spec chapter 5), written canonically.

Canonical here means what `wasm-tools parse` produces: minimal LEB128s, empty sections left out,
locals compressed into runs, each element segment in the most compact of its eight encodings.
So a module decoded from a canonical binary encodes back to the same bytes, and any module
decoded from any binary encodes to bytes that decode back to an equal module.

Instructions are written generically from `opcodes.INFO` by immediate kind, so every row of the
instruction table (SIMD included) is encodable without code here.

A `syntax.Module` that is not well formed (an immediate of the wrong shape, an out-of-range
number) is a programming error, not a wasm error: it raises `ValueError`.
"""

from __future__ import annotations

import struct

from ..opcodes import INFO, Imm, Op
from ..syntax import Custom, Data, Elem, Func, Import, Instr, Module, Names
from ..types import FUNCREF, GlobalType, Limits, MemoryType, TableType, ValType

MAGIC = b"\x00asm"
VERSION = b"\x01\x00\x00\x00"

# Section ids in the order they must appear (spec 5.5.2): data count (12) sits before code (10).
SECTION_ORDER = (1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 10, 11)
_ORDER_POSITION = {section_id: position for position, section_id in enumerate(SECTION_ORDER)}

_EXPORT_KIND = {"func": 0, "table": 1, "memory": 2, "global": 3}
_DATA_OPS = frozenset({Op.MEMORY_INIT, Op.DATA_DROP})


# --- primitive encodings ---------------------------------------------------------------------

def u32(value: int) -> bytes:
    """Unsigned LEB128, minimal length (also used for u64 offsets)."""
    if not isinstance(value, int) or value < 0:
        raise ValueError(f"cannot encode {value!r} as an unsigned LEB128")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def sleb(value: int) -> bytes:
    """Signed LEB128, minimal length."""
    if not isinstance(value, int):
        raise ValueError(f"cannot encode {value!r} as a signed LEB128")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        done = (value == 0 and not byte & 0x40) or (value == -1 and byte & 0x40)
        out.append(byte if done else byte | 0x80)
        if done:
            return bytes(out)


def _signed(value: int, bits: int) -> int:
    """Canonical unsigned `bits`-wide integer -> the signed value the LEB128 must carry."""
    if not isinstance(value, int) or not -(1 << (bits - 1)) <= value < (1 << bits):
        raise ValueError(f"{value!r} is not an i{bits} value")
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def name(text: str) -> bytes:
    """A UTF-8 name, length-prefixed.  (`surrogatepass` so a stray surrogate cannot crash us.)"""
    data = text.encode("utf-8", "surrogatepass")
    return u32(len(data)) + data


def vec(items) -> bytes:
    items = list(items)
    return u32(len(items)) + b"".join(items)


def valtype(t: ValType) -> bytes:
    if not isinstance(t, ValType):
        raise ValueError(f"expected a ValType, got {t!r}")
    return bytes([t.code])


def limits(lim: Limits, flags: int = 0, page_size_log2: int | None = None) -> bytes:
    """Limits with the given extra flag bits (shared 0x02, 64-bit 0x04, custom page size 0x08)."""
    if lim.max is not None:
        flags |= 0x01
    out = bytes([flags]) + u32(lim.min)
    if lim.max is not None:
        out += u32(lim.max)
    if page_size_log2 is not None:
        out += u32(page_size_log2)
    return out


def table_type(t: TableType) -> bytes:
    return valtype(t.element) + limits(t.limits, 0x04 if t.is_64 else 0)


def memory_type(t: MemoryType) -> bytes:
    flags = (0x02 if t.shared else 0) | (0x04 if t.is_64 else 0)
    page = None
    if t.page_size_log2 != 16:
        flags |= 0x08
        page = t.page_size_log2
    return limits(t.limits, flags, page)


def global_type(t: GlobalType) -> bytes:
    return valtype(t.content) + (b"\x01" if t.mutable else b"\x00")


# --- instructions ------------------------------------------------------------------------------

def _memarg(align: int, offset: int, memory: int) -> bytes:
    """Bit 6 of the alignment field announces an explicit memory index (multi-memory)."""
    if memory:
        return u32(align | 0x40) + u32(memory) + u32(offset)
    return u32(align) + u32(offset)


def _block_type(bt) -> bytes:
    if bt is None:
        return b"\x40"
    if isinstance(bt, ValType):
        return valtype(bt)
    if isinstance(bt, int) and bt >= 0:
        return sleb(bt)                      # s33 type index
    raise ValueError(f"bad block type {bt!r}")


def _bytes16(value: int) -> bytes:
    if not isinstance(value, int) or not 0 <= value < 1 << 128:
        raise ValueError(f"{value!r} is not a v128 value")
    return value.to_bytes(16, "little")


def _lanes(lanes) -> bytes:
    lanes = tuple(lanes)
    if len(lanes) != 16:
        raise ValueError(f"i8x16.shuffle needs 16 lane indices, got {len(lanes)}")
    return bytes(lanes)


# How each immediate kind is written; `i` is the Instr.imm tuple.
_IMM_WRITERS = {
    Imm.NONE: lambda i: b"",
    Imm.BLOCK: lambda i: _block_type(i[0]),
    Imm.LABEL: lambda i: u32(i[0]),
    Imm.BR_TABLE: lambda i: vec(u32(label) for label in i[0]) + u32(i[1]),
    Imm.FUNC: lambda i: u32(i[0]),
    Imm.CALL_INDIRECT: lambda i: u32(i[0]) + u32(i[1]),
    Imm.LOCAL: lambda i: u32(i[0]),
    Imm.GLOBAL: lambda i: u32(i[0]),
    Imm.TABLE: lambda i: u32(i[0]),
    Imm.MEMARG: lambda i: _memarg(i[0], i[1], i[2]),
    Imm.MEMORY: lambda i: u32(i[0]),
    Imm.MEMORY_INIT: lambda i: u32(i[0]) + u32(i[1]),
    Imm.DATA: lambda i: u32(i[0]),
    Imm.MEMORY_COPY: lambda i: u32(i[0]) + u32(i[1]),
    Imm.TABLE_INIT: lambda i: u32(i[0]) + u32(i[1]),
    Imm.ELEM: lambda i: u32(i[0]),
    Imm.TABLE_COPY: lambda i: u32(i[0]) + u32(i[1]),
    Imm.I32: lambda i: sleb(_signed(i[0], 32)),
    Imm.I64: lambda i: sleb(_signed(i[0], 64)),
    Imm.F32: lambda i: struct.pack("<I", i[0]),
    Imm.F64: lambda i: struct.pack("<Q", i[0]),
    Imm.SELECT_T: lambda i: vec(valtype(t) for t in i[0]),
    Imm.REFTYPE: lambda i: valtype(i[0]),
    Imm.V128: lambda i: _bytes16(i[0]),
    Imm.SHUFFLE: lambda i: _lanes(i[0]),
    Imm.LANE: lambda i: bytes([i[0]]),
    Imm.MEMARG_LANE: lambda i: _memarg(i[0], i[1], i[2]) + bytes([i[3]]),
}


def _opcode(op: int) -> bytes:
    if op > 0xFF:
        return bytes([op >> 16]) + u32(op & 0xFFFF)
    return bytes([op])


def instr(ins: Instr) -> bytes:
    """One instruction: opcode (prefix + LEB128 sub-opcode for 0xFC/0xFD) then its immediates."""
    info = INFO.get(ins.op)
    if info is None:
        raise ValueError(f"unknown opcode {ins.op!r}")
    try:
        return _opcode(ins.op) + _IMM_WRITERS[info.imm](tuple(ins.imm))
    except (IndexError, TypeError, ValueError, OverflowError, struct.error) as exc:
        raise ValueError(f"cannot encode {info.name} with immediate {ins.imm!r}: {exc}") from None


def expr(code: list[Instr]) -> bytes:
    """A flat instruction list; it already carries its final `end` (see syntax.py)."""
    if not code or code[-1].op != Op.END:
        raise ValueError("a function body or constant expression must end with `end`")
    return b"".join(instr(ins) for ins in code)


# --- sections ----------------------------------------------------------------------------------

def _section(section_id: int, payload: bytes) -> bytes:
    return bytes([section_id]) + u32(len(payload)) + payload


def _import(imp: Import) -> bytes:
    desc = imp.desc
    if isinstance(desc, bool) or not isinstance(desc, (int, TableType, MemoryType, GlobalType)):
        raise ValueError(f"bad import descriptor {desc!r}")
    if isinstance(desc, int):
        body = b"\x00" + u32(desc)
    elif isinstance(desc, TableType):
        body = b"\x01" + table_type(desc)
    elif isinstance(desc, MemoryType):
        body = b"\x02" + memory_type(desc)
    else:
        body = b"\x03" + global_type(desc)
    return name(imp.module) + name(imp.name) + body


def _is_plain_ref_func(e: list[Instr]) -> bool:
    return len(e) == 2 and e[0].op == Op.REF_FUNC and e[1].op == Op.END


def _offset_expr(code: list[Instr] | None) -> bytes:
    if code is None:
        raise ValueError("an active segment needs an offset expression")
    return expr(code)


def elem_segment(seg: Elem) -> bytes:
    """The most compact of the eight encodings (spec 5.5.12) that keeps `func_indices`."""
    if seg.mode not in ("active", "passive", "declarative"):
        raise ValueError(f"bad element segment mode {seg.mode!r}")
    indices = (seg.func_indices and seg.type is FUNCREF
               and all(_is_plain_ref_func(e) for e in seg.init))
    if indices:
        items = vec(u32(e[0].imm[0]) for e in seg.init)
    else:
        items = vec(expr(e) for e in seg.init)
    if seg.mode == "active":
        offset = _offset_expr(seg.offset)
        if seg.table == 0 and seg.type is FUNCREF:
            return (b"\x00" if indices else b"\x04") + offset + items
        kind = b"\x00" if indices else valtype(seg.type)
        return (b"\x02" if indices else b"\x06") + u32(seg.table) + offset + kind + items
    flag = 1 if seg.mode == "passive" else 3
    if indices:
        return bytes([flag]) + b"\x00" + items
    return bytes([flag | 4]) + valtype(seg.type) + items


def data_segment(seg: Data) -> bytes:
    init = bytes(seg.init)
    body = u32(len(init)) + init
    if seg.mode == "passive":
        return b"\x01" + body
    if seg.mode != "active":
        raise ValueError(f"bad data segment mode {seg.mode!r}")
    offset = _offset_expr(seg.offset)
    if seg.memory == 0:
        return b"\x00" + offset + body
    return b"\x02" + u32(seg.memory) + offset + body


def local_runs(types: list[ValType]) -> list[tuple[int, ValType]]:
    """Consecutive equal local types as (count, type) runs."""
    runs: list[tuple[int, ValType]] = []
    for t in types:
        if runs and runs[-1][1] is t:
            runs[-1] = (runs[-1][0] + 1, t)
        else:
            runs.append((1, t))
    return runs


def code_entry(func: Func) -> bytes:
    body = vec(u32(n) + valtype(t) for n, t in local_runs(func.locals)) + expr(func.body)
    return u32(len(body)) + body


def _namemap(mapping: dict[int, str]) -> bytes:
    return vec(u32(index) + name(text) for index, text in sorted(mapping.items()))


def name_section(names: Names) -> bytes | None:
    """The `name` custom section's payload (subsections 0, 1, 2), or None when there is nothing."""
    payload = b""
    if names.module is not None:
        payload += _section(0, name(names.module))
    if names.funcs:
        payload += _section(1, _namemap(names.funcs))
    local_maps = {f: m for f, m in names.locals.items() if m}
    if local_maps:
        payload += _section(2, vec(u32(f) + _namemap(m) for f, m in sorted(local_maps.items())))
    return payload or None


def uses_data_count(module: Module) -> bool:
    """memory.init and data.drop need the data count section (spec 5.5.13)."""
    return any(ins.op in _DATA_OPS for func in module.funcs for ins in func.body)


# Sections that are a vector and so can be written empty.
_VECTOR_SECTIONS = frozenset({1, 2, 3, 4, 5, 6, 7, 9, 10, 11})


def _sections(module: Module, keep_empty: set[int]) -> dict[int, bytes]:
    """Payload of every non-empty standard section, by id; the ids in `keep_empty` are written
    even when empty (a custom section recorded as following them)."""
    out: dict[int, bytes] = {i: b"\x00" for i in keep_empty & _VECTOR_SECTIONS}
    if 3 in out or 10 in out:                # function and code sections go together
        out[3] = out[10] = b"\x00"
    if module.types:
        out[1] = vec(b"\x60" + vec(map(valtype, t.params)) + vec(map(valtype, t.results))
                     for t in module.types)
    if module.imports:
        out[2] = vec(_import(imp) for imp in module.imports)
    if module.funcs:
        out[3] = vec(u32(f.type_index) for f in module.funcs)
    if module.tables:
        out[4] = vec(table_type(t) for t in module.tables)
    if module.memories:
        out[5] = vec(memory_type(t) for t in module.memories)
    if module.globals:
        out[6] = vec(global_type(g.type) + expr(g.init) for g in module.globals)
    if module.exports:
        out[7] = vec(name(e.name) + bytes([_EXPORT_KIND[e.kind]]) + u32(e.index)
                     for e in module.exports)
    if module.start is not None:
        out[8] = u32(module.start)
    if module.elems:
        out[9] = vec(elem_segment(seg) for seg in module.elems)
    if module.data_count is not None:
        out[12] = u32(module.data_count)
    elif uses_data_count(module):
        out[12] = u32(len(module.datas))
    if module.funcs:
        out[10] = vec(code_entry(f) for f in module.funcs)
    if module.datas:
        out[11] = vec(data_segment(seg) for seg in module.datas)
    return out


def _custom_position(custom: Custom) -> int:
    """Custom sections go after the last emitted section at or before `after` in section order."""
    if custom.after in _ORDER_POSITION:
        return _ORDER_POSITION[custom.after]
    if custom.after == 0:
        return -1
    raise ValueError(f"custom section {custom.name!r}: bad section id after={custom.after!r}")


def encode_module(module: Module) -> bytes:
    """The module's binary encoding (wasm 2.0, plus the limits flags of threads / memory64 /
    custom page sizes where the types ask for them)."""
    customs = list(module.customs)
    try:
        sections = _sections(module, {c.after for c in customs})
    except KeyError as exc:
        raise ValueError(f"cannot encode module: unknown kind {exc}") from None
    if not any(c.name == "name" for c in customs):
        payload = name_section(module.names)
        if payload is not None:
            customs.append(Custom("name", payload, after=SECTION_ORDER[-1]))
    out = [MAGIC, VERSION]
    pending = sorted(enumerate(customs), key=lambda ic: (_custom_position(ic[1]), ic[0]))
    pending_index = 0

    def flush(up_to: int) -> None:
        nonlocal pending_index
        while pending_index < len(pending) and _custom_position(pending[pending_index][1]) <= up_to:
            custom = pending[pending_index][1]
            out.append(_section(0, name(custom.name) + bytes(custom.data)))
            pending_index += 1

    flush(-1)
    for position, section_id in enumerate(SECTION_ORDER):
        if section_id in sections:
            out.append(_section(section_id, sections[section_id]))
        flush(position)
    return b"".join(out)
