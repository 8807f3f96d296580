"""Binary format -> `syntax.Module` (spec chapter 5), raising only `DecodeError`.

The module reads like the grammar: one small function per section, a generic instruction decoder
driven by `opcodes.INFO` (so new table entries decode without code changes), and one end-of-module
pass for the cross-section rules (function/code and data count/data lengths).

Reads are bounded by the end of the module, not by the section, as in the reference interpreter;
each section (and each function body) is checked against its declared size afterwards.  This is
what makes the testsuite's messages come out right (a constant expression that runs into the next
section reports "illegal opcode", a body missing its `end` before the next body reports
"END opcode expected").

Feature switches come as a `features.Features` (`decode_module(data, features=WASM3)`; 2.0 by
default).  `multi_memory` changes the memarg encoding (bit 6 of the flags announces a memory index,
2.0 requires flags < 32) and turns the reserved zero bytes of memory instructions into indices;
`memory64` reads 64-bit limits and offsets; `typed_refs`/`gc`/`exceptions` add the `(ref null? ht)`
value types, recursive/sub types, tags, and the instruction rows tagged with those features.

Legend for the hot loop: `d` module bytes, `p` position, `b` current byte, `v` immediate value.
"""

from __future__ import annotations

from struct import Struct

from functools import lru_cache

from ..errors import DecodeError
from ..features import WASM2, Features
from ..opcodes import INFO, Imm, Op
from ..syntax import Custom, Data, Elem, Export, Func, Global, Import, Instr, Module, Names
from ..types import (FUNCREF, HEAP_BY_CODE, REFTYPE_BY_CODE, REFTYPE_SHORTHANDS, VALTYPE_BY_CODE,
                     ArrayType, FieldType, FuncType, GlobalType, Limits, MemoryType, RefType,
                     StructType, SubType, TableType, TagType, ValType)
from .reader import (UNEXPECTED_END, UNEXPECTED_END_SECTION, Reader, read_s32, read_s33,
                     read_s64, read_u32, read_u64)

MAGIC = b"\x00asm"
VERSION = b"\x01\x00\x00\x00"

# Implementation limit on declared locals per function (the one wasmtime/wasmparser use); the
# spec's own limit is 2**32 - 1, far more than a Python list can hold.
MAX_LOCALS = 50_000

SECTION_NAMES = {0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory",
                 6: "global", 7: "export", 8: "start", 9: "element", 10: "code", 11: "data",
                 12: "data count", 13: "tag"}
# Position of each non-custom section in the required order (data count sits before code, the
# 3.0 tag section between memory and global).
SECTION_RANK = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12,
                11: 13}

EXTERN_KINDS = ("func", "table", "memory", "global", "tag")

_F32 = Struct("<I")
_F64 = Struct("<Q")
_MASK32 = 0xFFFF_FFFF
_MASK64 = 0xFFFF_FFFF_FFFF_FFFF

# ---------------------------------------------------------------------------------------------
# Opcode tables for the instruction loop: (Op member, immediate kind code).

(K_NONE, K_INDEX, K_BLOCK, K_IF, K_ELSE, K_END, K_MEMARG, K_I32, K_I64, K_F32, K_F64, K_BR_TABLE,
 K_CALL_INDIRECT, K_MEMORY, K_MEMORY_INIT, K_DATA, K_MEMORY_COPY, K_TABLE_INIT, K_TABLE_COPY,
 K_SELECT_T, K_REFTYPE, K_V128, K_SHUFFLE, K_LANE, K_MEMARG_LANE, K_TWO, K_TWO_DATA, K_CAST,
 K_BR_ON_CAST, K_TRY_TABLE, K_TRY, K_CATCH, K_DELEGATE) = range(33)

_KIND_OF_IMM = {
    Imm.NONE: K_NONE, Imm.BLOCK: K_BLOCK, Imm.LABEL: K_INDEX, Imm.BR_TABLE: K_BR_TABLE,
    Imm.FUNC: K_INDEX, Imm.CALL_INDIRECT: K_CALL_INDIRECT, Imm.LOCAL: K_INDEX,
    Imm.GLOBAL: K_INDEX, Imm.TABLE: K_INDEX, Imm.MEMARG: K_MEMARG, Imm.MEMORY: K_MEMORY,
    Imm.MEMORY_INIT: K_MEMORY_INIT, Imm.DATA: K_DATA, Imm.MEMORY_COPY: K_MEMORY_COPY,
    Imm.TABLE_INIT: K_TABLE_INIT, Imm.ELEM: K_INDEX, Imm.TABLE_COPY: K_TABLE_COPY,
    Imm.I32: K_I32, Imm.I64: K_I64, Imm.F32: K_F32, Imm.F64: K_F64, Imm.SELECT_T: K_SELECT_T,
    Imm.REFTYPE: K_REFTYPE, Imm.V128: K_V128, Imm.SHUFFLE: K_SHUFFLE, Imm.LANE: K_LANE,
    Imm.MEMARG_LANE: K_MEMARG_LANE,
    Imm.TAG: K_INDEX, Imm.TYPE: K_INDEX, Imm.TYPE_TYPE: K_TWO, Imm.STRUCT_FIELD: K_TWO,
    Imm.ARRAY_FIXED: K_TWO, Imm.TYPE_DATA: K_TWO_DATA, Imm.TYPE_ELEM: K_TWO, Imm.CAST: K_CAST,
    Imm.BR_ON_CAST: K_BR_ON_CAST, Imm.TRY_TABLE: K_TRY_TABLE,
}
_LEGACY_KINDS = {Op.TRY: K_TRY, Op.CATCH: K_CATCH, Op.CATCH_ALL: K_CATCH, Op.DELEGATE: K_DELEGATE}


def _kind(op: Op) -> int | None:
    if op == Op.END:
        return K_END
    if op == Op.ELSE:
        return K_ELSE
    if op == Op.IF:
        return K_IF
    if op in _LEGACY_KINDS:
        return _LEGACY_KINDS[op]
    return _KIND_OF_IMM.get(INFO[op].imm)


@lru_cache(maxsize=None)
def _build_tables(enabled: frozenset = frozenset()):
    """The opcode tables for the instructions of the enabled features.  An immediate kind added
    to the opcode table before this decoder learns it leaves its opcodes out (they decode as
    "illegal opcode") instead of breaking the import; a test checks that every table entry is
    covered."""
    single: list[tuple[Op, int] | None] = [None] * 256
    prefixed: dict[int, tuple[Op, int]] = {}
    for op, info in INFO.items():
        if info.feature is not None and info.feature not in enabled:
            continue
        kind = _kind(op)
        if kind is None:
            continue
        entry = (op, kind)
        if op > 0xFF:
            prefixed[int(op)] = entry
        else:
            single[int(op)] = entry
    if "gc" in enabled:    # the nullable forms of ref.test and ref.cast share their Op
        prefixed[0xFB << 16 | 21] = (Op.REF_TEST, K_CAST)
        prefixed[0xFB << 16 | 23] = (Op.REF_CAST, K_CAST)
    return single, prefixed, frozenset(p >> 16 for p in prefixed)


_SINGLE, _PREFIXED, _PREFIXES = _build_tables()

# Shared immediate tuples for small values: most indices and constants fit one LEB byte.
_SMALL_INDEX = tuple((i,) for i in range(128))
_SMALL_I32 = tuple(((b - 0x80) & _MASK32 if b & 0x40 else b,) for b in range(128))
_SMALL_I64 = tuple(((b - 0x80) & _MASK64 if b & 0x40 else b,) for b in range(128))
_NO_IMM = ()


def decode_code(d: bytes, p: int, has_data_count: bool = True, multi_memory: bool = False,
                features: Features | None = None) -> tuple[list[Instr], int]:
    """Decode instructions from `d[p:]` up to and including the `end` that closes the sequence
    (a function body or a constant expression).  Returns (instructions, position after end)."""
    if features is None or features == WASM2:
        single, prefixed, prefixes = _SINGLE, _PREFIXED, _PREFIXES
        types3 = None
        wide_offset = False
    else:
        single, prefixed, prefixes = _build_tables(features.names())
        multi_memory = multi_memory or features.multi_memory
        types3 = _TypeReader(features)
        wide_offset = features.memory64
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
            align, offset, memory, p = _memarg(d, p, multi_memory, wide_offset)
            append(new(instr, (op, (align, offset, memory), start)))
            continue
        if kind == K_END:
            append(new(instr, (op, no_imm, start)))
            if not stack:
                return out, p
            stack.pop()
            continue
        if kind == K_BLOCK or kind == K_IF or kind == K_TRY:
            bt, p = _block_type(d, p, types3, start)
            stack.append(1 if kind == K_IF else 3 if kind == K_TRY else 0)
            append(new(instr, (op, (bt,), start)))
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
                t, p = _valtype(d, p) if types3 is None else types3.valtype(d, p)
                types.append(t)
            append(new(instr, (op, (tuple(types),), start)))
            continue
        if kind == K_REFTYPE:
            if types3 is None:
                t, p = _reftype(d, p)
            else:
                heap, p = types3.heap_type(d, p)
                t = RefType(True, heap)
            append(new(instr, (op, (t,), start)))
            continue
        if kind == K_TWO or kind == K_TWO_DATA:
            if kind == K_TWO_DATA and not has_data_count:
                raise DecodeError("data count section required", start)
            v, p = read_u32(d, p)
            w, p = read_u32(d, p)
            append(new(instr, (op, (v, w), start)))
            continue
        if kind == K_CAST:
            nullable = (d[start + 1] & 1) == 1     # 0xFB 21 / 23: the nullable forms
            heap, p = types3.heap_type(d, p)
            append(new(instr, (op, (RefType(nullable, heap),), start)))
            continue
        if kind == K_BR_ON_CAST:
            flags_at = p
            flags = d[p]
            p += 1
            if flags > 3:
                raise DecodeError("malformed br_on_cast flags", flags_at)
            v, p = read_u32(d, p)
            h1, p = types3.heap_type(d, p)
            h2, p = types3.heap_type(d, p)
            imm = (v, RefType(bool(flags & 1), h1), RefType(bool(flags & 2), h2))
            append(new(instr, (op, imm, start)))
            continue
        if kind == K_TRY_TABLE:
            bt, p = _block_type(d, p, types3, start)
            count, p = read_u32(d, p)
            catches = []
            for _ in range(count):
                catch_at = p
                catch_kind = d[p]
                p += 1
                if catch_kind > 3:
                    raise DecodeError("malformed catch clause", catch_at)
                tag = None
                if catch_kind < 2:
                    tag, p = read_u32(d, p)
                v, p = read_u32(d, p)
                catches.append((catch_kind, tag, v))
            stack.append(0)
            append(new(instr, (op, (bt, tuple(catches)), start)))
            continue
        if kind == K_CATCH:
            if not stack or stack[-1] not in (3, 4):
                raise DecodeError("END opcode expected", start)
            stack[-1] = 4
            if op == Op.CATCH:
                v, p = read_u32(d, p)
                imm = (v,)
            else:
                imm = no_imm
            append(new(instr, (op, imm, start)))
            continue
        if kind == K_DELEGATE:
            if not stack or stack[-1] != 3:
                raise DecodeError("END opcode expected", start)
            stack.pop()
            v, p = read_u32(d, p)
            append(new(instr, (op, (v,), start)))
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
            align, offset, memory, p = _memarg(d, p, multi_memory, wide_offset)
            v = d[p]
            p += 1
            append(new(instr, (op, (align, offset, memory, v), start)))
            continue
        raise AssertionError(f"opcode table kind {kind} has no decoder")  # pragma: no cover


def _block_type(d: bytes, p: int, types3, start: int):
    """(blocktype, next pos): None for empty, a ValType, or a type index (s33 >= 0)."""
    v = d[p]
    if v == 0x40:
        return None, p + 1
    if types3 is None:
        t = VALTYPE_BY_CODE.get(v)
        if t is not None:
            return t, p + 1
    elif v in types3.valtype_codes:
        return types3.valtype(d, p)
    v, p = read_s33(d, p)
    if v < 0:
        raise DecodeError("malformed block type", start + 1)
    return v, p


class _TypeReader:
    """Value, reference and heap types as the enabled 3.0 features encode them."""

    def __init__(self, features: Features):
        heaps = {"func", "extern"}
        if features.gc:
            heaps |= {"any", "eq", "i31", "struct", "array", "none", "nofunc", "noextern"}
        if features.exceptions:
            heaps |= {"exn", "noexn"}
        if features.typed_refs and not features.gc:
            heaps |= {"nofunc", "noextern"}
        self.heap_codes = {code: name for code, name in HEAP_BY_CODE.items() if name in heaps}
        self.shorthands = {code: REFTYPE_SHORTHANDS[code] for code in self.heap_codes}
        self.typed = features.typed_refs or features.gc
        self.valtype_codes = set(VALTYPE_BY_CODE) | set(self.shorthands)
        if self.typed:
            self.valtype_codes |= {0x63, 0x64}

    def heap_type(self, d: bytes, p: int):
        at = p
        b = d[p]
        if b in self.heap_codes:
            return self.heap_codes[b], p + 1
        v, p = read_s33(d, p)
        if v < 0 or not self.typed:
            raise DecodeError("malformed heap type", at)
        return v, p

    def reftype(self, d: bytes, p: int) -> tuple[ValType, int]:
        b = d[p]
        t = self.shorthands.get(b)
        if t is not None:
            return t, p + 1
        if self.typed and (b == 0x63 or b == 0x64):
            heap, p = self.heap_type(d, p + 1)
            return RefType(b == 0x63, heap), p
        if b & 0x80:
            raise DecodeError("integer representation too long", p)
        raise DecodeError("malformed reference type", p)

    def valtype(self, d: bytes, p: int) -> tuple[ValType, int]:
        b = d[p]
        t = VALTYPE_BY_CODE.get(b)
        if t is not None:
            return t, p + 1
        if b in self.shorthands or (self.typed and (b == 0x63 or b == 0x64)):
            return self.reftype(d, p)
        if b & 0x80:
            raise DecodeError("integer representation too long", p)
        raise DecodeError("malformed value type", p)

    def storage_type(self, d: bytes, p: int):
        b = d[p]
        if b == 0x78:
            return "i8", p + 1
        if b == 0x77:
            return "i16", p + 1
        return self.valtype(d, p)


def _memarg(d: bytes, p: int, multi_memory: bool, wide_offset: bool = False,
            ) -> tuple[int, int, int, int]:
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
    if wide_offset:
        offset, p = read_u64(d, p)   # the validator bounds it by the memory's address type
    else:
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

    def __init__(self, data: bytes, multi_memory: bool, features: Features = WASM2):
        self.r = Reader(data)
        self.module = Module()
        self.multi_memory = multi_memory or features.multi_memory
        self.features = features
        self.types3 = None if features == WASM2 else _TypeReader(features)
        self.func_types: list[int] = []       # function section
        self.bodies: list[Func] = []          # code section (type_index filled in at the end)
        self.handlers = {
            1: self.type_section, 2: self.import_section, 3: self.function_section,
            4: self.table_section, 5: self.memory_section, 6: self.global_section,
            7: self.export_section, 8: self.start_section, 9: self.element_section,
            10: self.code_section, 11: self.data_section, 12: self.data_count_section,
        }
        if features.exceptions or features.legacy_exceptions:
            self.handlers[13] = self.tag_section

    # -- helpers --------------------------------------------------------------------------
    def vec(self, item) -> list:
        r = self.r
        return [item() for _ in range(r.count())]

    def valtype(self) -> ValType:
        r = self.r
        if self.types3 is None:
            t, r.pos = _valtype(r.data, r.pos)
        else:
            t, r.pos = self.types3.valtype(r.data, r.pos)
        return t

    def reftype(self) -> ValType:
        r = self.r
        if self.types3 is None:
            t, r.pos = _reftype(r.data, r.pos)
        else:
            t, r.pos = self.types3.reftype(r.data, r.pos)
        return t

    def limits(self) -> tuple[Limits, bool]:
        """(limits, is_64).  2.0: a flag that is a one-bit LEB128 (0: min only, 1: min and max);
        with memory64 bit 2 announces 64-bit limits and any other flag is malformed."""
        r = self.r
        flags_at = r.pos
        flags = r.byte()
        if self.features.memory64:
            if flags not in (0, 1, 4, 5):
                raise DecodeError("malformed limits flags", flags_at)
        elif flags & 0x80:
            raise DecodeError("integer representation too long", flags_at)
        elif flags > 1:
            raise DecodeError("integer too large", flags_at)
        is_64 = bool(flags & 4)
        read = r.u64 if self.features.memory64 else r.u32   # 3.0 limits are u64 for both
        minimum = read()
        maximum = read() if flags & 1 else None
        return Limits(minimum, maximum), is_64

    def table_type(self) -> TableType:
        element = self.reftype()
        limits, is_64 = self.limits()
        return TableType(element, limits, is_64)

    def memory_type(self) -> MemoryType:
        limits, is_64 = self.limits()
        return MemoryType(limits, is_64)

    def tag_type(self) -> TagType:
        r = self.r
        at = r.pos
        if r.byte() != 0:
            raise DecodeError("malformed tag attribute", at)
        return TagType(r.u32())

    def global_type(self) -> GlobalType:
        content = self.valtype()
        r = self.r
        mutable = r.byte()
        if mutable > 1:
            raise DecodeError("malformed mutability", r.pos - 1)
        return GlobalType(content, bool(mutable))

    def expr(self) -> list[Instr]:
        r = self.r
        body, r.pos = decode_code(r.data, r.pos, True, self.multi_memory, self.features)
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
            if section_id not in SECTION_NAMES or (section_id and section_id not in self.handlers):
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

        if self.types3 is None or not self.features.gc:
            self.module.types = self.vec(func_type)
            return
        types3 = self.types3
        module = self.module

        def field_type() -> FieldType:
            storage, r.pos = types3.storage_type(r.data, r.pos)
            mutable_at = r.pos
            mutable = r.byte()
            if mutable > 1:
                raise DecodeError("malformed mutability", mutable_at)
            return FieldType(storage, bool(mutable))

        def sub_type() -> SubType:
            form_at = r.pos
            form = r.byte()
            final = True
            supertypes: tuple[int, ...] = ()
            if form in (0x50, 0x4F):
                final = form == 0x4F
                supertypes = tuple(self.vec(r.u32))
                form_at = r.pos
                form = r.byte()
            if form == 0x60:
                params = self.vec(self.valtype)
                composite = FuncType(params, self.vec(self.valtype))
            elif form == 0x5F:
                composite = StructType(self.vec(field_type))
            elif form == 0x5E:
                composite = ArrayType(field_type())
            elif form & 0x80:
                raise DecodeError("integer representation too long", form_at)
            else:
                raise DecodeError("malformed composite type", form_at)
            return SubType(final, supertypes, composite)

        for _ in range(r.count()):
            if r.peek() == 0x4E:
                r.pos += 1
                group = self.vec(sub_type)
            else:
                group = [sub_type()]
            module.subtypes += group
            module.rec_groups.append(len(group))
        module.types = [sub.composite for sub in module.subtypes]

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
            elif kind == 4 and 13 in self.handlers:
                desc = self.tag_type()
            else:
                raise DecodeError("malformed import kind", kind_at)
            return Import(module_name, name, desc)

        self.module.imports = self.vec(import_)

    def function_section(self) -> None:
        self.func_types = self.vec(self.r.u32)

    def table_section(self) -> None:
        r = self.r
        typed = self.types3 is not None and self.types3.typed
        module = self.module
        for _ in range(r.count()):
            init = None
            if typed and r.peek() == 0x40:
                r.pos += 1
                at = r.pos
                if r.byte() != 0x00:
                    raise DecodeError("malformed table", at)
                table = self.table_type()
                init = self.expr()
            else:
                table = self.table_type()
            module.tables.append(table)
            module.table_inits.append(init)

    def tag_section(self) -> None:
        self.module.tags = self.vec(self.tag_type)

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
            if kind > 3 and not (kind == 4 and 13 in self.handlers):
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
        features = self.features

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
            body, r.pos = decode_code(data, r.pos, has_data_count, multi_memory, features)
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


def decode_module(data: bytes, *, multi_memory: bool = False,
                  features: Features | None = None) -> Module:
    """Decode a binary module.  Raises DecodeError (message = the testsuite's wording, `offset`
    = byte offset of the problem) for any malformed input, and nothing else.  `features`
    (default WebAssembly 2.0) selects the encodings accepted; `multi_memory=True` is the older
    spelling of turning on that one feature."""
    data = bytes(data)
    return _Decoder(data, multi_memory, features or WASM2).decode()


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
