"""Binary format -> `syntax.Module` (spec chapter 5), raising only `DecodeError`.

The module reads like the grammar: one small function per section, a generic instruction decoder
driven by `opcodes.INFO` (so new table entries decode without code changes), and one end-of-module
pass for the cross-section rules (function/code and data count/data lengths).

Reads are bounded by the end of the module, not by the section, as in the reference interpreter;
each section (and each function body) is checked against its declared size afterwards.  This is
what makes the testsuite's messages come out right (a constant expression that runs into the next
section reports "illegal opcode", a body missing its `end` before the next body reports
"END opcode expected").

Feature switches are keyword arguments of `decode_module` so 3.0 proposals can be added one at a
time.  `multi_memory` changes the memarg encoding (bit 6 of the flags announces a memory index,
2.0 requires flags < 32) and turns the reserved zero bytes of memory instructions into indices.

Legend for the hot loop: `d` module bytes, `p` position, `b` current byte, `v` immediate value.
"""

from __future__ import annotations

from struct import Struct

from ..errors import DecodeError
from ..opcodes import INFO, Imm, Op
from ..syntax import Custom, Data, Elem, Export, Func, Global, Import, Instr, Module, Names
from ..types import (FUNCREF, REFTYPE_BY_CODE, VALTYPE_BY_CODE, FuncType, GlobalType, Limits,
                     MemoryType, TableType, ValType)
from .reader import (UNEXPECTED_END, UNEXPECTED_END_SECTION, Reader, read_s32, read_s33,
                     read_s64, read_u32)

MAGIC = b"\x00asm"
VERSION = b"\x01\x00\x00\x00"

# Implementation limit on declared locals per function (the one wasmtime/wasmparser use); the
# spec's own limit is 2**32 - 1, far more than a Python list can hold.
MAX_LOCALS = 50_000

SECTION_NAMES = {0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory",
                 6: "global", 7: "export", 8: "start", 9: "element", 10: "code", 11: "data",
                 12: "data count"}
# Position of each non-custom section in the required order (data count sits before code).
SECTION_RANK = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 9, 12: 10, 10: 11, 11: 12}

EXTERN_KINDS = ("func", "table", "memory", "global")

_F32 = Struct("<I")
_F64 = Struct("<Q")
_MASK32 = 0xFFFF_FFFF
_MASK64 = 0xFFFF_FFFF_FFFF_FFFF

# ---------------------------------------------------------------------------------------------
# Opcode tables for the instruction loop: (Op member, immediate kind code).

(K_NONE, K_INDEX, K_BLOCK, K_IF, K_ELSE, K_END, K_MEMARG, K_I32, K_I64, K_F32, K_F64, K_BR_TABLE,
 K_CALL_INDIRECT, K_MEMORY, K_MEMORY_INIT, K_DATA, K_MEMORY_COPY, K_TABLE_INIT, K_TABLE_COPY,
 K_SELECT_T, K_REFTYPE, K_V128, K_SHUFFLE, K_LANE, K_MEMARG_LANE) = range(25)

_KIND_OF_IMM = {
    Imm.NONE: K_NONE, Imm.BLOCK: K_BLOCK, Imm.LABEL: K_INDEX, Imm.BR_TABLE: K_BR_TABLE,
    Imm.FUNC: K_INDEX, Imm.CALL_INDIRECT: K_CALL_INDIRECT, Imm.LOCAL: K_INDEX,
    Imm.GLOBAL: K_INDEX, Imm.TABLE: K_INDEX, Imm.MEMARG: K_MEMARG, Imm.MEMORY: K_MEMORY,
    Imm.MEMORY_INIT: K_MEMORY_INIT, Imm.DATA: K_DATA, Imm.MEMORY_COPY: K_MEMORY_COPY,
    Imm.TABLE_INIT: K_TABLE_INIT, Imm.ELEM: K_INDEX, Imm.TABLE_COPY: K_TABLE_COPY,
    Imm.I32: K_I32, Imm.I64: K_I64, Imm.F32: K_F32, Imm.F64: K_F64, Imm.SELECT_T: K_SELECT_T,
    Imm.REFTYPE: K_REFTYPE, Imm.V128: K_V128, Imm.SHUFFLE: K_SHUFFLE, Imm.LANE: K_LANE,
    Imm.MEMARG_LANE: K_MEMARG_LANE,
}


def _kind(op: Op) -> int | None:
    if op == Op.END:
        return K_END
    if op == Op.ELSE:
        return K_ELSE
    if op == Op.IF:
        return K_IF
    return _KIND_OF_IMM.get(INFO[op].imm)


def _build_tables():
    """An immediate kind added to the opcode table before this decoder learns it leaves its
    opcodes out (they decode as "illegal opcode") instead of breaking the import; a test checks
    that every table entry is covered."""
    single: list[tuple[Op, int] | None] = [None] * 256
    prefixed: dict[int, tuple[Op, int]] = {}
    for op in INFO:
        kind = _kind(op)
        if kind is None:
            continue
        entry = (op, kind)
        if op > 0xFF:
            prefixed[int(op)] = entry
        else:
            single[int(op)] = entry
    return single, prefixed


_SINGLE, _PREFIXED = _build_tables()
_PREFIXES = frozenset(p >> 16 for p in _PREFIXED)

# Shared immediate tuples for small values: most indices and constants fit one LEB byte.
_SMALL_INDEX = tuple((i,) for i in range(128))
_SMALL_I32 = tuple(((b - 0x80) & _MASK32 if b & 0x40 else b,) for b in range(128))
_SMALL_I64 = tuple(((b - 0x80) & _MASK64 if b & 0x40 else b,) for b in range(128))
_NO_IMM = ()


def decode_code(d: bytes, p: int, has_data_count: bool = True, multi_memory: bool = False,
                ) -> tuple[list[Instr], int]:
    """Decode instructions from `d[p:]` up to and including the `end` that closes the sequence
    (a function body or a constant expression).  Returns (instructions, position after end)."""
    single = _SINGLE
    prefixed = _PREFIXED
    prefixes = _PREFIXES
    small_index = _SMALL_INDEX
    new = tuple.__new__
    instr = Instr
    no_imm = _NO_IMM
    out: list[Instr] = []
    append = out.append
    # One entry per open construct: 0 block/loop, 1 if (else allowed), 2 if after its else.
    stack: list[int] = []
    n = len(d)
    while True:
        start = p
        b = d[p]
        p += 1
        entry = single[b]
        if entry is None:
            if b not in prefixes:
                raise DecodeError(f"illegal opcode {b:x}", start)
            v = d[p]
            if v < 0x80:
                p += 1
            else:
                v, p = read_u32(d, p)
            entry = prefixed.get(b << 16 | v)
            if entry is None:
                raise DecodeError(f"illegal opcode {b:x} {v:x}", start)
        op, kind = entry
        # Kinds by frequency in real code: indices, operand-less, i32.const, memargs, end, blocks.
        if kind == K_INDEX:
            v = d[p]
            if v < 0x80:
                p += 1
                imm = small_index[v]
            else:
                v, p = read_u32(d, p)
                imm = (v,)
            append(new(instr, (op, imm, start)))
            continue
        if kind == K_NONE:
            append(new(instr, (op, no_imm, start)))
            continue
        if kind == K_I32:
            v = d[p]
            if v < 0x80:
                p += 1
                imm = _SMALL_I32[v]
            else:
                v, p = read_s32(d, p)
                imm = (v & _MASK32,)
            append(new(instr, (op, imm, start)))
            continue
        if kind == K_MEMARG:
            align, offset, memory, p = _memarg(d, p, multi_memory)
            append(new(instr, (op, (align, offset, memory), start)))
            continue
        if kind == K_END:
            append(new(instr, (op, no_imm, start)))
            if not stack:
                return out, p
            stack.pop()
            continue
        if kind == K_BLOCK or kind == K_IF:
            v = d[p]
            if v == 0x40:
                p += 1
                imm = (None,)
            else:
                t = VALTYPE_BY_CODE.get(v)
                if t is not None:
                    p += 1
                    imm = (t,)
                else:
                    v, p = read_s33(d, p)
                    if v < 0:
                        raise DecodeError("malformed block type", start + 1)
                    imm = (v,)
            stack.append(1 if kind == K_IF else 0)
            append(new(instr, (op, imm, start)))
            continue
        if kind == K_ELSE:
            if not stack or stack[-1] != 1:
                raise DecodeError("END opcode expected", start)
            stack[-1] = 2
            append(new(instr, (op, no_imm, start)))
            continue
        if kind == K_I64:
            v = d[p]
            if v < 0x80:
                p += 1
                imm = _SMALL_I64[v]
            else:
                v, p = read_s64(d, p)
                imm = (v & _MASK64,)
            append(new(instr, (op, imm, start)))
            continue
        if kind == K_F32:
            if p + 4 > n:
                raise DecodeError(UNEXPECTED_END_SECTION, n)
            imm = _F32.unpack_from(d, p)
            p += 4
            append(new(instr, (op, imm, start)))
            continue
        if kind == K_F64:
            if p + 8 > n:
                raise DecodeError(UNEXPECTED_END_SECTION, n)
            imm = _F64.unpack_from(d, p)
            p += 8
            append(new(instr, (op, imm, start)))
            continue
        if kind == K_BR_TABLE:
            count, p = read_u32(d, p)
            labels = []
            for _ in range(count):
                v, p = read_u32(d, p)
                labels.append(v)
            v, p = read_u32(d, p)
            append(new(instr, (op, (tuple(labels), v), start)))
            continue
        if kind == K_CALL_INDIRECT or kind == K_TABLE_INIT or kind == K_TABLE_COPY:
            v, p = read_u32(d, p)
            w, p = read_u32(d, p)
            append(new(instr, (op, (v, w), start)))
            continue
        if kind == K_MEMORY:
            v, p = _memory_index(d, p, multi_memory)
            append(new(instr, (op, (v,), start)))
            continue
        if kind == K_MEMORY_INIT:
            if not has_data_count:
                raise DecodeError("data count section required", start)
            v, p = read_u32(d, p)
            w, p = _memory_index(d, p, multi_memory)
            append(new(instr, (op, (v, w), start)))
            continue
        if kind == K_DATA:
            if not has_data_count:
                raise DecodeError("data count section required", start)
            v, p = read_u32(d, p)
            append(new(instr, (op, (v,), start)))
            continue
        if kind == K_MEMORY_COPY:
            v, p = _memory_index(d, p, multi_memory)
            w, p = _memory_index(d, p, multi_memory)
            append(new(instr, (op, (v, w), start)))
            continue
        if kind == K_SELECT_T:
            count, p = read_u32(d, p)
            types = []
            for _ in range(count):
                t, p = _valtype(d, p)
                types.append(t)
            append(new(instr, (op, (tuple(types),), start)))
            continue
        if kind == K_REFTYPE:
            t, p = _reftype(d, p)
            append(new(instr, (op, (t,), start)))
            continue
        if kind == K_V128:
            if p + 16 > n:
                raise DecodeError(UNEXPECTED_END_SECTION, n)
            v = int.from_bytes(d[p:p + 16], "little")
            p += 16
            append(new(instr, (op, (v,), start)))
            continue
        if kind == K_SHUFFLE:
            if p + 16 > n:
                raise DecodeError(UNEXPECTED_END_SECTION, n)
            lanes = tuple(d[p:p + 16])
            p += 16
            append(new(instr, (op, (lanes,), start)))
            continue
        if kind == K_LANE:
            v = d[p]
            p += 1
            append(new(instr, (op, (v,), start)))
            continue
        if kind == K_MEMARG_LANE:
            align, offset, memory, p = _memarg(d, p, multi_memory)
            v = d[p]
            p += 1
            append(new(instr, (op, (align, offset, memory, v), start)))
            continue
        raise AssertionError(f"opcode table kind {kind} has no decoder")  # pragma: no cover


def _memarg(d: bytes, p: int, multi_memory: bool) -> tuple[int, int, int, int]:
    """(align, offset, memory index, next pos).  The alignment is kept as parsed (the validator
    compares it with the natural alignment); only the encoding limits are checked here."""
    flags_at = p
    flags, p = read_u32(d, p)
    memory = 0
    if multi_memory:
        if flags >= 0x80:
            raise DecodeError("malformed memop flags", flags_at)
        if flags & 0x40:
            flags &= ~0x40
            memory, p = read_u32(d, p)
    elif flags >= 32:
        raise DecodeError("malformed memop flags", flags_at)
    offset, p = read_u32(d, p)
    return flags, offset, memory, p


def _memory_index(d: bytes, p: int, multi_memory: bool) -> tuple[int, int]:
    """The memory operand of memory.size/grow/fill/init/copy: a reserved zero byte in 2.0."""
    if multi_memory:
        return read_u32(d, p)
    if d[p] != 0:
        raise DecodeError("zero byte expected", p)
    return 0, p + 1


def _valtype(d: bytes, p: int) -> tuple[ValType, int]:
    b = d[p]
    t = VALTYPE_BY_CODE.get(b)
    if t is None:
        if b & 0x80:        # a one-byte signed LEB128 (s7) in the grammar
            raise DecodeError("integer representation too long", p)
        raise DecodeError("malformed value type", p)
    return t, p + 1


def _reftype(d: bytes, p: int) -> tuple[ValType, int]:
    b = d[p]
    t = REFTYPE_BY_CODE.get(b)
    if t is None:
        if b & 0x80:        # a one-byte signed LEB128 (s7) in the grammar
            raise DecodeError("integer representation too long", p)
        raise DecodeError("malformed reference type", p)
    return t, p + 1


# ---------------------------------------------------------------------------------------------
# Sections.

class _Decoder:
    """State shared by the section functions: the cursor, the module being built, the feature
    switches, and what the cross-section checks need (declared function types, body count)."""

    def __init__(self, data: bytes, multi_memory: bool):
        self.r = Reader(data)
        self.module = Module()
        self.multi_memory = multi_memory
        self.func_types: list[int] = []       # function section
        self.bodies: list[Func] = []          # code section (type_index filled in at the end)
        self.handlers = {
            1: self.type_section, 2: self.import_section, 3: self.function_section,
            4: self.table_section, 5: self.memory_section, 6: self.global_section,
            7: self.export_section, 8: self.start_section, 9: self.element_section,
            10: self.code_section, 11: self.data_section, 12: self.data_count_section,
        }

    # -- helpers --------------------------------------------------------------------------
    def vec(self, item) -> list:
        r = self.r
        return [item() for _ in range(r.count())]

    def valtype(self) -> ValType:
        r = self.r
        t, r.pos = _valtype(r.data, r.pos)
        return t

    def reftype(self) -> ValType:
        r = self.r
        t, r.pos = _reftype(r.data, r.pos)
        return t

    def limits(self) -> Limits:
        """2.0 limits: a flag that is a one-bit LEB128 (0: min only, 1: min and max)."""
        r = self.r
        flags_at = r.pos
        flags = r.byte()
        if flags & 0x80:
            raise DecodeError("integer representation too long", flags_at)
        if flags > 1:
            raise DecodeError("integer too large", flags_at)
        minimum = r.u32()
        maximum = r.u32() if flags else None
        return Limits(minimum, maximum)

    def table_type(self) -> TableType:
        element = self.reftype()
        return TableType(element, self.limits())

    def memory_type(self) -> MemoryType:
        return MemoryType(self.limits())

    def global_type(self) -> GlobalType:
        content = self.valtype()
        r = self.r
        mutable = r.byte()
        if mutable > 1:
            raise DecodeError("malformed mutability", r.pos - 1)
        return GlobalType(content, bool(mutable))

    def expr(self) -> list[Instr]:
        r = self.r
        body, r.pos = decode_code(r.data, r.pos, True, self.multi_memory)
        return body

    # -- the module -----------------------------------------------------------------------
    def decode(self) -> Module:
        r = self.r
        data = r.data
        n = len(data)
        if n < 4:
            raise DecodeError(UNEXPECTED_END, n)
        if data[:4] != MAGIC:
            raise DecodeError("magic header not detected", 0)
        if n < 8:
            raise DecodeError(UNEXPECTED_END, n)
        if data[4:8] != VERSION:
            raise DecodeError("unknown binary version", 4)
        r.pos = 8
        last_rank = 0
        last_id = 0
        module = self.module
        while r.pos < n:
            id_at = r.pos
            section_id = data[id_at]
            if section_id not in SECTION_NAMES:
                raise DecodeError("malformed section id", id_at)
            r.pos += 1
            try:
                size = r.length()
            except IndexError:
                raise DecodeError(UNEXPECTED_END, n) from None
            start = r.pos
            end = start + size
            try:
                if section_id == 0:
                    self.custom_section(end, last_id)
                else:
                    rank = SECTION_RANK[section_id]
                    if rank <= last_rank:
                        raise DecodeError("unexpected content after last section", id_at)
                    last_rank = rank
                    last_id = section_id
                    self.handlers[section_id]()
            except IndexError:
                raise DecodeError(UNEXPECTED_END_SECTION, n) from None
            if r.pos != end:
                raise DecodeError("section size mismatch", start)
        self.finish()
        return module

    def finish(self) -> None:
        """Cross-section rules, checked once every section has been read."""
        module = self.module
        if len(self.func_types) != len(self.bodies):
            raise DecodeError("function and code section have inconsistent lengths")
        for func, type_index in zip(self.bodies, self.func_types):
            func.type_index = type_index
        module.funcs = self.bodies
        if module.data_count is not None and module.data_count != len(module.datas):
            raise DecodeError("data count and data section have inconsistent lengths")
        for custom in module.customs:
            if custom.name == "name":
                module.names = decode_names(custom.data)
                break

    def custom_section(self, end: int, after: int) -> None:
        r = self.r
        name = r.name()
        if r.pos > end:
            raise DecodeError(UNEXPECTED_END, end)
        payload = r.data[r.pos:end]
        r.pos = end
        self.module.customs.append(Custom(name, payload, after))

    def type_section(self) -> None:
        r = self.r

        def func_type() -> FuncType:
            form_at = r.pos
            form = r.byte()
            if form != 0x60:
                if form & 0x80:
                    raise DecodeError("integer representation too long", form_at)
                raise DecodeError("malformed function type", form_at)
            params = self.vec(self.valtype)
            results = self.vec(self.valtype)
            return FuncType(params, results)

        self.module.types = self.vec(func_type)

    def import_section(self) -> None:
        r = self.r

        def import_() -> Import:
            module_name = r.name()
            name = r.name()
            kind_at = r.pos
            kind = r.byte()
            if kind == 0:
                desc = r.u32()
            elif kind == 1:
                desc = self.table_type()
            elif kind == 2:
                desc = self.memory_type()
            elif kind == 3:
                desc = self.global_type()
            else:
                raise DecodeError("malformed import kind", kind_at)
            return Import(module_name, name, desc)

        self.module.imports = self.vec(import_)

    def function_section(self) -> None:
        self.func_types = self.vec(self.r.u32)

    def table_section(self) -> None:
        self.module.tables = self.vec(self.table_type)

    def memory_section(self) -> None:
        self.module.memories = self.vec(self.memory_type)

    def global_section(self) -> None:
        def global_() -> Global:
            type_ = self.global_type()
            return Global(type_, self.expr())

        self.module.globals = self.vec(global_)

    def export_section(self) -> None:
        r = self.r

        def export() -> Export:
            name = r.name()
            kind_at = r.pos
            kind = r.byte()
            if kind > 3:
                raise DecodeError("malformed export kind", kind_at)
            return Export(name, EXTERN_KINDS[kind], r.u32())

        self.module.exports = self.vec(export)

    def start_section(self) -> None:
        self.module.start = self.r.u32()

    def element_section(self) -> None:
        r = self.r

        def func_index_expr() -> list[Instr]:
            at = r.pos
            return [Instr(Op.REF_FUNC, (r.u32(),), at), Instr(Op.END, (), None)]

        def elem_kind() -> ValType:
            at = r.pos
            if r.byte() != 0x00:
                raise DecodeError("malformed element kind", at)
            return FUNCREF

        def elem() -> Elem:
            flags_at = r.pos
            flags = r.u32()
            if flags > 7:
                raise DecodeError("malformed elements segment kind", flags_at)
            # bit 0: passive/declarative (else active); bit 1: explicit table index (active) or
            # declarative (non-active); bit 2: expressions instead of function indices.
            active = not flags & 1
            table = 0
            offset = None
            if active:
                if flags & 2:
                    table = r.u32()
                offset = self.expr()
                mode = "active"
            else:
                mode = "declarative" if flags & 2 else "passive"
            uses_exprs = bool(flags & 4)
            if active and not flags & 2:
                type_ = FUNCREF
            elif uses_exprs:
                type_ = self.reftype()
            else:
                type_ = elem_kind()
            if uses_exprs:
                init = self.vec(self.expr)
            else:
                init = self.vec(func_index_expr)
            return Elem(type_, init, mode, table, offset, func_indices=not uses_exprs)

        self.module.elems = self.vec(elem)

    def code_section(self) -> None:
        r = self.r
        data = r.data
        has_data_count = self.module.data_count is not None
        multi_memory = self.multi_memory

        def code() -> Func:
            offset = r.pos
            size = r.length()
            start = r.pos
            locals_: list[ValType] = []
            total = 0
            for _ in range(r.count()):
                count_at = r.pos
                count = r.u32()
                total += count
                if total > MAX_LOCALS:
                    raise DecodeError("too many locals", count_at)
                locals_ += [self.valtype()] * count
            body, r.pos = decode_code(data, r.pos, has_data_count, multi_memory)
            if r.pos != start + size:
                raise DecodeError("section size mismatch", offset)
            return Func(-1, locals_, body, offset)

        self.bodies = self.vec(code)

    def data_section(self) -> None:
        r = self.r

        def data() -> Data:
            flags_at = r.pos
            flags = r.u32()
            if flags == 0:
                offset = self.expr()
                return Data(r.byte_vec(), "active", 0, offset)
            if flags == 1:
                return Data(r.byte_vec(), "passive")
            if flags == 2:
                memory = r.u32()
                offset = self.expr()
                return Data(r.byte_vec(), "active", memory, offset)
            raise DecodeError("malformed data segment kind", flags_at)

        self.module.datas = self.vec(data)

    def data_count_section(self) -> None:
        self.module.data_count = self.r.u32()


def decode_module(data: bytes, *, multi_memory: bool = False) -> Module:
    """Decode a binary module.  Raises DecodeError (message = the testsuite's wording, `offset`
    = byte offset of the problem) for any malformed input, and nothing else."""
    data = bytes(data)
    return _Decoder(data, multi_memory).decode()


# ---------------------------------------------------------------------------------------------
# The name section (spec appendix 7.4): lenient, a broken subsection is skipped.

def decode_names(payload: bytes) -> Names:
    """Module, function and local names from a `name` section payload.  Errors never escape:
    the appendix says a malformed name section is to be ignored, so each subsection either
    decodes completely or leaves its part of `Names` empty."""
    names = Names()
    r = Reader(payload)
    while r.pos < r.end:
        try:
            sub_id = r.byte()
            size = r.u32()
        except (DecodeError, IndexError):
            break
        start = r.pos
        end = start + size
        if end > r.end:
            break
        sub = Reader(payload[:end], start)
        try:
            if sub_id == 0:
                module_name = sub.name()
                if sub.pos == end:
                    names.module = module_name
            elif sub_id == 1:
                funcs = _name_map(sub)
                if sub.pos == end:
                    names.funcs = funcs
            elif sub_id == 2:
                locals_ = {}
                for _ in range(sub.count()):
                    func_index = sub.u32()
                    locals_[func_index] = _name_map(sub)
                if sub.pos == end:
                    names.locals = locals_
        except (DecodeError, IndexError):
            pass
        r.pos = end
    return names


def _name_map(r: Reader) -> dict[int, str]:
    result = {}
    for _ in range(r.count()):
        index = r.u32()
        result[index] = r.name()
    return result
