"""syntax.Module -> bytes: the binary format (spec chapter 5), written canonically.

Canonical here means minimal LEB128s, empty sections left out, locals compressed into runs, and
each element segment in the most compact of its eight encodings that keeps `Elem.func_indices`.
That is what `wasm-tools parse` writes, except that it keeps an explicit `(table 0)` as the
longer form 2.  Any decoded module encodes to bytes that decode back to an equal module (byte
offsets aside); a canonical binary comes back byte for byte.  Custom sections go back after the
section `Custom.after` names; when that section would be empty it is written empty, so the
placement survives the round trip.

Instructions are written generically from `opcodes.INFO` by immediate kind, so every row of the
instruction table (SIMD included) is encodable without code here.  WebAssembly 3.0 modules are
covered too: `(ref null? ht)` types, recursion groups and subtypes, struct/array types, tags,
table initialisers, and the 3.0 immediates (casts, br_on_cast, try_table).

A `syntax.Module` that is not well formed (an immediate of the wrong shape, an out-of-range
number) is a programming error, not a wasm error: it raises `ValueError`.  Validity is not
checked: an invalid module encodes as faithfully as a valid one.
"""

from __future__ import annotations

import struct

from ..opcodes import INFO, Imm, Op
from ..syntax import Custom, Data, Elem, Func, Import, Instr, Module, Names
from ..types import (FUNCREF, HEAP_CODES, ArrayType, FieldType, FuncType, GlobalType, Limits,
                     MemoryType, RefType, StructType, SubType, TableType, TagType, ValType)

MAGIC = b"\x00asm"
VERSION = b"\x01\x00\x00\x00"

# Section ids in the order they must appear (spec 5.5.2): data count (12) sits before code (10),
# and the 3.0 tag section (13) between memory (5) and global (6).
SECTION_ORDER = (1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11)
_ORDER_POSITION = {section_id: position for position, section_id in enumerate(SECTION_ORDER)}

_EXPORT_KIND = {"func": 0, "table": 1, "memory": 2, "global": 3, "tag": 4}
_PACKED = {"i8": 0x78, "i16": 0x77}
# instructions naming a data segment: their module needs the data count section (spec 5.5.13)
_DATA_OPS = frozenset({Op.MEMORY_INIT, Op.DATA_DROP, Op.ARRAY_NEW_DATA, Op.ARRAY_INIT_DATA})


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


def heap_type(heap: str | int) -> bytes:
    """An abstract heap type's byte, or a type index as s33 (3.0)."""
    if isinstance(heap, str):
        return bytes([HEAP_CODES[heap]])
    return sleb(heap)


def valtype(t: ValType) -> bytes:
    """One byte for numeric, vector and shorthand reference types; `(ref null? ht)` otherwise."""
    if not isinstance(t, ValType):
        raise ValueError(f"expected a ValType, got {t!r}")
    if isinstance(t, RefType) and t.code in (0x63, 0x64):
        return bytes([t.code]) + heap_type(t.heap)
    return bytes([t.code])


def field_type(f: FieldType) -> bytes:
    storage = bytes([_PACKED[f.storage]]) if isinstance(f.storage, str) else valtype(f.storage)
    return storage + (b"\x01" if f.mutable else b"\x00")


def composite_type(t) -> bytes:
    if isinstance(t, FuncType):
        return b"\x60" + vec(map(valtype, t.params)) + vec(map(valtype, t.results))
    if isinstance(t, StructType):
        return b"\x5f" + vec(map(field_type, t.fields))
    if isinstance(t, ArrayType):
        return b"\x5e" + field_type(t.field)
    raise ValueError(f"not a composite type: {t!r}")


def sub_type(t: SubType) -> bytes:
    """2.0 form (just the composite type) when final without supertypes, else 0x4F / 0x50."""
    if t.final and not t.supertypes:
        return composite_type(t.composite)
    return (b"\x4f" if t.final else b"\x50") + vec(map(u32, t.supertypes)) + \
        composite_type(t.composite)


def type_section(module: Module) -> bytes:
    """Recursion groups of one type are written bare, larger ones as 0x4E vec(subtype)."""
    groups = []
    index = 0
    for size in module.type_groups():
        subtypes = [sub_type(module.subtype(x)) for x in range(index, index + size)]
        groups.append(subtypes[0] if size == 1 else b"\x4e" + vec(subtypes))
        index += size
    if index != len(module.types):
        raise ValueError("recursion groups do not cover the type section")
    return vec(groups)


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


def tag_type(t: TagType) -> bytes:
    return b"\x00" + u32(t.type_index)


def global_type(t: GlobalType) -> bytes:
    return valtype(t.content) + (b"\x01" if t.mutable else b"\x00")


# --- instructions ------------------------------------------------------------------------------

def _memarg(align: int, offset: int, memory: int) -> bytes:
    """Bit 6 of the alignment field announces an explicit memory index (multi-memory)."""
    if memory:
        return u32(align | 0x40) + u32(memory) + u32(offset)
    return u32(align) + u32(offset)


def _catch(clause) -> bytes:
    """try_table catch clause: (kind, tag or None, label); kinds 0/1 carry a tag."""
    kind, tag, label = clause
    if kind in (0, 1):
        return bytes([kind]) + u32(tag) + u32(label)
    if kind in (2, 3):
        return bytes([kind]) + u32(label)
    raise ValueError(f"bad catch kind {kind!r}")


def _ref_heap(t: ValType) -> bytes:
    """The heap type of ref.null / a cast target."""
    if isinstance(t, RefType):
        return heap_type(t.heap)
    raise ValueError(f"expected a reference type, got {t!r}")


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
    Imm.REFTYPE: lambda i: _ref_heap(i[0]),
    Imm.V128: lambda i: _bytes16(i[0]),
    Imm.SHUFFLE: lambda i: _lanes(i[0]),
    Imm.LANE: lambda i: bytes([i[0]]),
    Imm.MEMARG_LANE: lambda i: _memarg(i[0], i[1], i[2]) + bytes([i[3]]),
    # WebAssembly 3.0
    Imm.TAG: lambda i: u32(i[0]),
    Imm.TYPE: lambda i: u32(i[0]),
    Imm.TYPE_TYPE: lambda i: u32(i[0]) + u32(i[1]),
    Imm.STRUCT_FIELD: lambda i: u32(i[0]) + u32(i[1]),
    Imm.ARRAY_FIXED: lambda i: u32(i[0]) + u32(i[1]),
    Imm.TYPE_DATA: lambda i: u32(i[0]) + u32(i[1]),
    Imm.TYPE_ELEM: lambda i: u32(i[0]) + u32(i[1]),
    Imm.CAST: lambda i: _ref_heap(i[0]),          # nullability is in the opcode, see instr()
    Imm.BR_ON_CAST: lambda i: bytes([int(i[1].nullable) | int(i[2].nullable) << 1])
    + u32(i[0]) + _ref_heap(i[1]) + _ref_heap(i[2]),
    Imm.TRY_TABLE: lambda i: _block_type(i[0]) + vec(_catch(c) for c in i[1]),
}


def _opcode(op: int) -> bytes:
    if op > 0xFF:
        return bytes([op >> 16]) + u32(op & 0xFFFF)
    return bytes([op])


def instr(ins: Instr) -> bytes:
    """One instruction: opcode (prefix + LEB128 sub-opcode for 0xFC/0xFD) then its immediates."""
    info = INFO.get(ins.op)
    if info is None or info.imm not in _IMM_WRITERS:
        raise ValueError(f"unknown opcode {ins.op!r}")
    op = ins.op
    try:
        if info.imm is Imm.CAST and ins.imm[0].nullable:
            op += 1                                   # ref.test/ref.cast null: the next opcode
        return _opcode(op) + _IMM_WRITERS[info.imm](tuple(ins.imm))
    except (AttributeError, IndexError, KeyError, TypeError, ValueError, OverflowError,
            struct.error) as exc:
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
    if isinstance(desc, bool) or \
            not isinstance(desc, (int, TableType, MemoryType, GlobalType, TagType)):
        raise ValueError(f"bad import descriptor {desc!r}")
    if isinstance(desc, int):
        body = b"\x00" + u32(desc)
    elif isinstance(desc, TagType):
        body = b"\x04" + tag_type(desc)
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
    """The `name` custom section's payload (subsections 0, 1, 2, 11), or None when there is
    nothing."""
    payload = b""
    if names.module is not None:
        payload += _section(0, name(names.module))
    if names.funcs:
        payload += _section(1, _namemap(names.funcs))
    local_maps = {f: m for f, m in names.locals.items() if m}
    if local_maps:
        payload += _section(2, vec(u32(f) + _namemap(m) for f, m in sorted(local_maps.items())))
    if getattr(names, "tags", None):
        payload += _section(11, _namemap(names.tags))
    return payload or None


def uses_data_count(module: Module) -> bool:
    """memory.init, data.drop, array.new_data and array.init_data need the data count section
    (spec 5.5.13)."""
    return any(ins.op in _DATA_OPS for func in module.funcs for ins in func.body)


# Sections that are a vector and so can be written empty.
_VECTOR_SECTIONS = frozenset({1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 13})


def _sections(module: Module, keep_empty: set[int]) -> dict[int, bytes]:
    """Payload of every non-empty standard section, by id; the ids in `keep_empty` are written
    even when empty (a custom section recorded as following them)."""
    out: dict[int, bytes] = {i: b"\x00" for i in keep_empty & _VECTOR_SECTIONS}
    if 3 in out or 10 in out:                # function and code sections go together
        out[3] = out[10] = b"\x00"
    if module.types:
        out[1] = type_section(module)
    if module.imports:
        out[2] = vec(_import(imp) for imp in module.imports)
    if module.funcs:
        out[3] = vec(u32(f.type_index) for f in module.funcs)
    if module.tables:
        inits = list(module.table_inits) + [None] * (len(module.tables) - len(module.table_inits))
        out[4] = vec(table_type(t) if init is None else b"\x40\x00" + table_type(t) + expr(init)
                     for t, init in zip(module.tables, inits))
    if module.memories:
        out[5] = vec(memory_type(t) for t in module.memories)
    if module.tags:
        out[13] = vec(tag_type(t) for t in module.tags)
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
    """The module's binary encoding (2.0 forms wherever the module allows them; 3.0 forms,
    including the threads / memory64 / custom page size limits flags, where it asks for them).
    Raises ValueError, and only that, for a syntax tree that is not well formed."""
    try:
        return _encode(module)
    except (AttributeError, IndexError, KeyError, OverflowError, TypeError,
            UnicodeError, struct.error) as exc:
        raise ValueError(f"cannot encode module: {type(exc).__name__}: {exc}") from None


def _encode(module: Module) -> bytes:
    customs = list(module.customs)
    sections = _sections(module, {c.after for c in customs})
    if not any(c.name == "name" for c in customs):
        payload = name_section(module.names)
        if payload is not None:
            customs.append(Custom("name", payload, after=SECTION_ORDER[-1]))
    out = [MAGIC, VERSION]
    # stable sort: custom sections sharing a position keep their order
    pending = sorted(customs, key=_custom_position)
    pending_index = 0

    def flush(up_to: int) -> None:
        nonlocal pending_index
        while pending_index < len(pending) and _custom_position(pending[pending_index]) <= up_to:
            custom = pending[pending_index]
            out.append(_section(0, name(custom.name) + bytes(custom.data)))
            pending_index += 1

    flush(-1)
    for position, section_id in enumerate(SECTION_ORDER):
        if section_id in sections:
            out.append(_section(section_id, sections[section_id]))
        flush(position)
    return b"".join(out)
