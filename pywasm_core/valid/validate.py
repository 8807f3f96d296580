"""Module validation: the spec's "Validation" chapter, checked with its appendix algorithm.

Function bodies are checked in one pass over the flat instruction list with an operand stack of
value types and a stack of control frames.  `None` on the operand stack is the spec's `Unknown`
(the bottom type): after `unreachable`, `br`, `br_table` or `return` the rest of the block is
stack-polymorphic, and popping below the frame's height yields `None`, which matches anything.

Errors are raised internally as `_Invalid(reason)` (cheap, no location) and turned into
`ValidationError(reason, func_index, offset)` in one place, `_located`, where the function index
and the failing instruction's byte offset are known.

Speed: every instruction with a fixed signature (all numeric and SIMD ops, loads and stores) goes
through one table prepared at import time (`_SIGS`), handled inline in the loop; the other
instructions dispatch through `_SPECIAL`, a dict of small handler functions.

WebAssembly 3.0 (with `features=WASM3`): value-type matching goes through the module's
`TypeSystem` (`ctx.sub`), which implements reference subtyping over the abstract heap types and the
declared type hierarchy, with iso-recursive canonicalisation of recursion groups for type
equivalence.  Memory and table operands use the address type of the memory/table (`is_64`).
Non-defaultable locals are tracked in `uninit` (the set of locals not yet set), saved and restored
per block.

Legend: `t` value type, `x` index, `e` an `_SIGS` entry, `imm` an instruction's immediates.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from functools import lru_cache

from .. import syntax
from ..errors import ValidationError
from ..features import WASM2, WASM3, WASM3_LEGACY, Features
from ..opcodes import INFO, Imm, Op
from ..types import (EXNREF, EXTERNREF, F32, F64, FUNCREF, I32, I64, MAX_PAGES_32,
                     MAX_TABLE_SIZE_32, V128, ArrayType, FieldType, FuncType, GlobalType,
                     MemoryType, RefType, StructType, SubType, TableType, TagType, ValType,
                     VALTYPE_BY_NAME)

__all__ = ["Features", "ValidationContext", "validate_module", "WASM2", "WASM3", "WASM3_LEGACY",
           "TypeSystem"]

UNKNOWN = None          # the bottom type of unreachable code


class _Invalid(Exception):
    """Internal: a validation failure whose location is added by the caller (see `_located`)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
        self.instr = None           # the failing instruction, set by `_CodeChecker.run`


def _located(reason: str, func_index: int | None, instr) -> ValidationError:
    """The one place that attaches function index and byte offset to a failure."""
    offset = getattr(instr, "offset", None) if instr is not None else None
    return ValidationError(reason, func_index, offset)


def matches(actual: ValType, expected: ValType) -> bool:
    """`actual <: expected` for two known value types without a module context: equality, plus
    subtyping between abstract reference types.  Code that has a module uses `TypeSystem.sub`."""
    if actual == expected:
        return True
    if isinstance(actual, RefType) and isinstance(expected, RefType) \
            and isinstance(actual.heap, str) and isinstance(expected.heap, str):
        return (expected.nullable or not actual.nullable) and \
            expected.heap in _ABSTRACT_SUPERS[actual.heap]
    return False


# Abstract heap type -> the abstract heap types it is a subtype of (itself included).
_ABSTRACT_SUPERS = {
    "any": {"any"}, "eq": {"eq", "any"}, "i31": {"i31", "eq", "any"},
    "struct": {"struct", "eq", "any"}, "array": {"array", "eq", "any"},
    "none": {"none", "i31", "struct", "array", "eq", "any"},
    "func": {"func"}, "nofunc": {"nofunc", "func"}, "extern": {"extern"},
    "noextern": {"noextern", "extern"}, "exn": {"exn"}, "noexn": {"noexn", "exn"},
}
_TOP = {"any": "any", "eq": "any", "i31": "any", "struct": "any", "array": "any", "none": "any",
        "func": "func", "nofunc": "func", "extern": "extern", "noextern": "extern",
        "exn": "exn", "noexn": "exn"}
_BOTTOM = {"any": "none", "func": "nofunc", "extern": "noextern", "exn": "noexn"}


class TypeSystem:
    """The module's defined types with their declared hierarchy: validity of type definitions,
    iso-recursive canonical identities (two indices denote the same type iff their recursion
    groups are structurally identical, with inner references relative to the group), and the
    subtype relation on value types, used by every type check of the validator."""

    def __init__(self, subtypes: list[SubType], groups: list[int]):
        self.subtypes = subtypes
        self.canon: list = []            # canonical identity of each type index
        self._groups: dict = {}
        start = 0
        for size in groups:
            self._add_group(start, size)
            start += size

    # -- canonicalisation ----------------------------------------------------------------
    def _add_group(self, start: int, size: int) -> None:
        end = start + size
        key = tuple(self._key_sub(self.subtypes[i], start, end) for i in range(start, end))
        gid = self._groups.setdefault(key, len(self._groups))
        self.canon += [(gid, i) for i in range(size)]

    def _key_heap(self, h, start: int, end: int):
        if isinstance(h, str):
            return h
        if start <= h < end:
            return ("rec", h - start)
        if not 0 <= h < start:
            raise _Invalid(f"unknown type {h}")
        return ("canon", self.canon[h])

    def _key_val(self, t, start: int, end: int):
        if isinstance(t, RefType):
            return ("ref", t.nullable, self._key_heap(t.heap, start, end))
        return t if isinstance(t, str) else t.name

    def _key_sub(self, sub: SubType, start: int, end: int):
        c = sub.composite
        if isinstance(c, FuncType):
            comp = ("func", tuple(self._key_val(t, start, end) for t in c.params),
                    tuple(self._key_val(t, start, end) for t in c.results))
        elif isinstance(c, StructType):
            comp = ("struct", tuple((self._key_val(f.storage, start, end), f.mutable)
                                    for f in c.fields))
        elif isinstance(c, ArrayType):
            comp = ("array", self._key_val(c.field.storage, start, end), c.field.mutable)
        else:
            raise _Invalid("malformed type")
        supers = tuple(self._key_heap(x, start, end) for x in sub.supertypes)
        return (sub.final, supers, comp)

    # -- subtyping -------------------------------------------------------------------------
    def kind(self, x: int) -> str:
        """"func", "struct" or "array": the abstract heap type just above defined type x."""
        c = self.subtypes[x].composite
        return "func" if isinstance(c, FuncType) else "struct" if isinstance(c, StructType) \
            else "array"

    def top(self, h) -> str:
        return _TOP[h] if isinstance(h, str) else _TOP[self.kind(h)]

    def heap_sub(self, a, b) -> bool:
        if a == b:
            return True
        if isinstance(a, str):
            if isinstance(b, str):
                return b in _ABSTRACT_SUPERS[a]
            return (a == "none" and self.kind(b) != "func") or (a == "nofunc" and
                                                               self.kind(b) == "func")
        if isinstance(b, str):
            return b in _ABSTRACT_SUPERS[self.kind(a)]
        target = self.canon[b]
        while True:            # up the declared chain (one supertype each; indices decrease)
            if self.canon[a] == target:
                return True
            supers = self.subtypes[a].supertypes
            if not supers or not supers[0] < a:
                return False
            a = supers[0]

    def sub(self, a, b) -> bool:
        """`a <: b` for value types."""
        if a is b:
            return True
        if isinstance(a, RefType) and isinstance(b, RefType):
            return (b.nullable or not a.nullable) and self.heap_sub(a.heap, b.heap)
        return False

    def same(self, a, b) -> bool:
        return self.sub(a, b) and self.sub(b, a)

    def storage_sub(self, a, b) -> bool:
        if isinstance(a, str) or isinstance(b, str):
            return a == b
        return self.sub(a, b)

    def field_sub(self, a: FieldType, b: FieldType) -> bool:
        if a.mutable != b.mutable:
            return False
        if a.mutable:
            return self.storage_sub(a.storage, b.storage) and self.storage_sub(b.storage, a.storage)
        return self.storage_sub(a.storage, b.storage)

    def composite_sub(self, a, b) -> bool:
        if isinstance(a, FuncType) and isinstance(b, FuncType):
            return len(a.params) == len(b.params) and len(a.results) == len(b.results) and \
                all(self.sub(q, p) for p, q in zip(a.params, b.params)) and \
                all(self.sub(p, q) for p, q in zip(a.results, b.results))
        if isinstance(a, StructType) and isinstance(b, StructType):
            return len(a.fields) >= len(b.fields) and \
                all(self.field_sub(f, g) for f, g in zip(a.fields, b.fields))
        if isinstance(a, ArrayType) and isinstance(b, ArrayType):
            return self.field_sub(a.field, b.field)
        return False


_PLAIN_TYPES = TypeSystem([], [])


def _is_ref(t) -> bool:
    return t is UNKNOWN or t.is_ref


_NUMERIC = frozenset((I32, I64, F32, F64))


@dataclass
class ValidationContext:
    """The spec's context C: the types of everything an instruction can refer to."""

    types: list[FuncType]
    funcs: list[FuncType]                 # by function index, imports first
    tables: list[TableType]
    memories: list[MemoryType]
    globals: list[GlobalType]
    elems: list[ValType]                  # element type of each element segment
    datas: int                            # number of data segments
    refs: frozenset[int]                  # functions that ref.func may name inside code
    features: Features = field(default=WASM2)
    type_system: TypeSystem = field(default=_PLAIN_TYPES)
    func_type_indices: list[int] = field(default_factory=list)
    tags: list[FuncType] = field(default_factory=list)        # payload type of each tag

    def type_(self, x: int) -> FuncType:
        """Type `x`, which must be a function type."""
        if not 0 <= x < len(self.types):
            raise _Invalid(f"unknown type {x}")
        t = self.types[x]
        if not isinstance(t, FuncType):
            raise _Invalid("type mismatch")
        return t

    def struct(self, x: int) -> StructType:
        if not 0 <= x < len(self.types):
            raise _Invalid(f"unknown type {x}")
        t = self.types[x]
        if not isinstance(t, StructType):
            raise _Invalid("type mismatch")
        return t

    def array(self, x: int) -> ArrayType:
        if not 0 <= x < len(self.types):
            raise _Invalid(f"unknown type {x}")
        t = self.types[x]
        if not isinstance(t, ArrayType):
            raise _Invalid("type mismatch")
        return t

    def tag(self, x: int) -> FuncType:
        if not 0 <= x < len(self.tags):
            raise _Invalid(f"unknown tag {x}")
        return self.tags[x]

    def sub(self, a, b) -> bool:
        return a is b or self.type_system.sub(a, b)

    def valtype(self, t) -> None:
        """A value type must only name defined types."""
        if not isinstance(t, ValType):
            raise _Invalid("malformed value type")
        if isinstance(t, RefType) and isinstance(t.heap, int) and t.heap >= len(self.types):
            raise _Invalid(f"unknown type {t.heap}")

    def func(self, x: int) -> FuncType:
        if not 0 <= x < len(self.funcs):
            raise _Invalid(f"unknown function {x}")
        return self.funcs[x]

    def table(self, x: int) -> TableType:
        if not 0 <= x < len(self.tables):
            raise _Invalid(f"unknown table {x}")
        return self.tables[x]

    def memory(self, x: int) -> MemoryType:
        if not 0 <= x < len(self.memories):
            raise _Invalid(f"unknown memory {x}")
        return self.memories[x]

    def global_(self, x: int) -> GlobalType:
        if not 0 <= x < len(self.globals):
            raise _Invalid(f"unknown global {x}")
        return self.globals[x]

    def elem(self, x: int) -> ValType:
        if not 0 <= x < len(self.elems):
            raise _Invalid(f"unknown elem segment {x}")
        return self.elems[x]

    def data(self, x: int) -> None:
        if not 0 <= x < self.datas:
            raise _Invalid(f"unknown data segment {x}")


def _addr(limits_owner) -> ValType:
    """Address (index) type of a memory or table: i64 for memory64/table64, else i32."""
    return I64 if limits_owner.is_64 else I32


# ---------------------------------------------------------------------------------------------
# The instruction tables, prepared once.

# pre-checks for fixed-signature instructions, by immediate kind
_PRE_NONE, _PRE_MEMARG, _PRE_MEMARG_LANE, _PRE_LANE, _PRE_SHUFFLE, _PRE_DATA, _PRE_ELEM = range(7)
_PRE_BY_IMM = {
    Imm.NONE: _PRE_NONE, Imm.I32: _PRE_NONE, Imm.I64: _PRE_NONE, Imm.F32: _PRE_NONE,
    Imm.F64: _PRE_NONE, Imm.V128: _PRE_NONE,
    Imm.MEMARG: _PRE_MEMARG, Imm.MEMARG_LANE: _PRE_MEMARG_LANE, Imm.LANE: _PRE_LANE,
    Imm.SHUFFLE: _PRE_SHUFFLE, Imm.DATA: _PRE_DATA, Imm.ELEM: _PRE_ELEM,
}
_LANES_BY_SHAPE = {"i8x16": 16, "i16x8": 8, "i32x4": 4, "f32x4": 4, "i64x2": 2, "f64x2": 2}


def _lane_count(name: str, natural_align: int | None) -> int | None:
    """Number of lanes an instruction's lane immediate ranges over: from the shape in its name
    (`i16x8.extract_lane_s` -> 8), or from the access size (`v128.load32_lane` -> 4)."""
    if name == "i8x16.shuffle":
        return 32                       # indexes the 32 bytes of both operands
    shape = name.split(".", 1)[0]
    if shape in _LANES_BY_SHAPE:
        return _LANES_BY_SHAPE[shape]
    if natural_align is not None:
        return 16 >> natural_align
    return None


@lru_cache(maxsize=None)
def _build_sigs(enabled: frozenset = frozenset()):
    """op -> (pops, pushes, pre, natural_align, lanes, pops64): `pops` is the parameter list in
    pop order (last parameter first); `pops64` replaces the address operand for 64-bit memories.
    Only the rows of the `enabled` features (and 2.0) are included."""
    sigs = {}
    for op, info in INFO.items():
        if info.sig is None or info.imm not in _PRE_BY_IMM:
            continue
        if info.feature is not None and info.feature not in enabled:
            continue
        if any(n not in VALTYPE_BY_NAME for n in info.sig[0] + info.sig[1]):
            continue           # a type this validator does not know yet: see `missing_rules`
        params = tuple(VALTYPE_BY_NAME[n] for n in info.sig[0])
        results = tuple(VALTYPE_BY_NAME[n] for n in info.sig[1])
        pre = _PRE_BY_IMM[info.imm]
        lanes = 0
        if pre in (_PRE_LANE, _PRE_MEMARG_LANE, _PRE_SHUFFLE):
            lanes = _lane_count(info.name, info.natural_align)
            if lanes is None:
                continue
        pops = params[::-1]
        pops64 = pops
        if pre in (_PRE_MEMARG, _PRE_MEMARG_LANE):
            pops64 = ((I64,) + params[1:])[::-1]     # the address is the first parameter
        sigs[int(op)] = (pops, results, pre, info.natural_align, lanes, pops64)
    return sigs


_SIGS = _build_sigs()
_ALL_SIGS = _build_sigs(WASM3_LEGACY.names())


def _names(types) -> str:
    """Value types as the reference interpreter lists them in detailed type mismatch messages."""
    return " ".join("_" if t is UNKNOWN else str(t) for t in types)


class _Frame:
    """A control frame: the construct that opened it, its input and output types, the operand
    stack height at entry, whether the rest is unreachable, and the types a branch to it carries."""

    __slots__ = ("op", "start", "end", "height", "unreachable", "labels", "uninit")

    def __init__(self, op: int, start: tuple, end: tuple, height: int, uninit=None):
        self.op = op
        self.start = start
        self.end = end
        self.height = height
        self.unreachable = False
        self.labels = start if op == _LOOP else end
        self.uninit = uninit        # locals still unset at entry (None: all set)


_BLOCK, _LOOP, _IF, _ELSE, _END = int(Op.BLOCK), int(Op.LOOP), int(Op.IF), int(Op.ELSE), int(Op.END)
_TRY, _CATCH, _CATCH_ALL = int(Op.TRY), int(Op.CATCH), int(Op.CATCH_ALL)
_FUNC_FRAME = -1
_LOCAL_GET, _LOCAL_SET, _LOCAL_TEE = int(Op.LOCAL_GET), int(Op.LOCAL_SET), int(Op.LOCAL_TEE)
_GLOBAL_GET = int(Op.GLOBAL_GET)


class _CodeChecker:
    """Checks one function body or constant expression (the appendix algorithm)."""

    __slots__ = ("ctx", "vals", "ctrls", "locals", "results", "sigs", "special", "sub", "uninit")

    def __init__(self, ctx: ValidationContext, locals_: list, results: tuple, nparams: int = 0):
        self.ctx = ctx
        self.vals: list = []
        self.ctrls: list[_Frame] = [_Frame(_FUNC_FRAME, (), results, 0)]
        self.locals = locals_
        self.results = results
        features = ctx.features
        if features is WASM2 or features == WASM2:
            self.sigs, self.special = _SIGS, _SPECIAL_2_0
            self.uninit = set()
        else:
            self.sigs, self.special = _tables_for(features)
            # non-defaultable declared locals start unset (parameters are always set)
            self.uninit = {i for i in range(nparams, len(locals_))
                           if isinstance(locals_[i], RefType) and not locals_[i].nullable}
        self.sub = ctx.sub

    # -- operand stack -----------------------------------------------------------------------
    def pop_any(self):
        vals, frame = self.vals, self.ctrls[-1]
        if len(vals) == frame.height:
            if frame.unreachable:
                return UNKNOWN
            raise _Invalid("type mismatch")
        return vals.pop()

    def pop(self, expect):
        vals, frame = self.vals, self.ctrls[-1]
        if len(vals) == frame.height:
            if frame.unreachable:
                return UNKNOWN
            raise _Invalid("type mismatch")
        actual = vals.pop()
        if actual is not expect and actual is not UNKNOWN and expect is not UNKNOWN \
                and not self.sub(actual, expect):
            raise _Invalid("type mismatch")
        return actual

    def pop_ref(self):
        """Pop any reference type (UNKNOWN in unreachable code)."""
        t = self.pop_any()
        if t is not UNKNOWN and not t.is_ref:
            raise _Invalid("type mismatch")
        return t

    def pop_many(self, types: tuple) -> list:
        """Pop `types` (given in stack order); return the popped types, in stack order."""
        popped = [self.pop(t) for t in reversed(types)]
        popped.reverse()
        return popped

    def mark_unreachable(self) -> None:
        frame = self.ctrls[-1]
        del self.vals[frame.height:]
        frame.unreachable = True

    # -- control stack -----------------------------------------------------------------------
    def push_ctrl(self, op: int, start: tuple, end: tuple) -> None:
        uninit = frozenset(self.uninit) if self.uninit else None
        self.ctrls.append(_Frame(op, start, end, len(self.vals), uninit))
        self.vals.extend(start)

    def pop_ctrl(self) -> _Frame:
        frame = self.ctrls[-1]
        stack = self.vals[frame.height:]
        detailed = self.ctx.features is not WASM2 and self.ctx.features != WASM2  # 3.0 wording
        try:
            self.pop_many(frame.end)
        except _Invalid:
            if not detailed:
                raise
            raise _Invalid(f"type mismatch: instruction requires [{_names(frame.end)}] but stack "
                           f"has [{_names(stack)}]") from None
        if len(self.vals) != frame.height:
            if not detailed:
                raise _Invalid("type mismatch")
            raise _Invalid(f"type mismatch: block requires [{_names(frame.end)}] but stack has "
                           f"[{_names(stack)}]")
        self.ctrls.pop()
        if frame.uninit is not None:          # initialisations inside the block end with it
            self.uninit.clear()
            self.uninit.update(frame.uninit)
        return frame

    def label(self, depth: int) -> _Frame:
        ctrls = self.ctrls
        if not 0 <= depth < len(ctrls):
            raise _Invalid(f"unknown label {depth}")
        return ctrls[-1 - depth]

    def block_type(self, bt) -> tuple[tuple, tuple]:
        if bt is None:
            return (), ()
        if isinstance(bt, ValType):
            self.ctx.valtype(bt)
            return (), (bt,)
        ft = self.ctx.type_(bt)
        return ft.params, ft.results

    # -- the loop ----------------------------------------------------------------------------
    def run(self, code) -> None:
        """Check `code` (a body or constant expression ending with its `end`).  Hot instructions
        are handled inline, with the current frame's height cached in a local."""
        vals = self.vals
        ctrls = self.ctrls
        locals_ = self.locals
        nlocals = len(locals_)
        sigs = self.sigs
        special = self.special
        sub = self.sub
        uninit = self.uninit
        frame = ctrls[-1]
        height = frame.height
        instrs = iter(code)
        ins = None
        try:
            for ins in instrs:
                op = ins[0]
                e = sigs.get(op)
                if e is not None:
                    pops = e[0]
                    if e[2]:
                        pops = self.pre_check(e, ins[1])
                    for t in pops:
                        if len(vals) > height:
                            a = vals.pop()
                            if a is not t and a is not UNKNOWN and not sub(a, t):
                                raise _Invalid("type mismatch")
                        elif not frame.unreachable:
                            raise _Invalid("type mismatch")
                    vals += e[1]
                    continue
                if op == _LOCAL_GET:
                    x = ins[1][0]
                    if not 0 <= x < nlocals:
                        raise _Invalid(f"unknown local {x}")
                    if uninit and x in uninit:
                        raise _Invalid("uninitialized local")
                    vals.append(locals_[x])
                    continue
                if op == _LOCAL_SET or op == _LOCAL_TEE:
                    x = ins[1][0]
                    if not 0 <= x < nlocals:
                        raise _Invalid(f"unknown local {x}")
                    t = locals_[x]
                    if len(vals) > height:
                        a = vals.pop()
                        if a is not t and a is not UNKNOWN and not sub(a, t):
                            raise _Invalid("type mismatch")
                    elif not frame.unreachable:
                        raise _Invalid("type mismatch")
                    if uninit:
                        uninit.discard(x)
                    if op == _LOCAL_TEE:
                        vals.append(t)
                    continue
                handler = special.get(op)
                if handler is None:
                    raise _Invalid(f"unknown instruction {op}")
                handler(self, ins[1])
                if not ctrls:
                    break
                frame = ctrls[-1]
                height = frame.height
            else:
                raise _Invalid("END opcode expected")   # the body ended with frames still open
            extra = next(instrs, None)
            if extra is not None:
                ins = extra
                raise _Invalid("instructions after the end of the function")
        except _Invalid as err:
            if err.instr is None:
                err.instr = ins
            raise

    def pre_check(self, e, imm) -> tuple:
        """Immediate checks of fixed-signature instructions; returns the types to pop."""
        pre = e[2]
        if pre == _PRE_MEMARG or pre == _PRE_MEMARG_LANE:
            memory = self.ctx.memory(imm[2])
            if imm[0] > e[3]:
                raise _Invalid("alignment must not be larger than natural")
            if imm[1] > 0xFFFF_FFFF and not memory.is_64:
                raise _Invalid("offset out of range")
            if pre == _PRE_MEMARG_LANE and imm[3] >= e[4]:
                raise _Invalid("invalid lane index")
            return e[5] if memory.is_64 else e[0]
        if pre == _PRE_LANE:
            if imm[0] >= e[4]:
                raise _Invalid("invalid lane index")
        elif pre == _PRE_SHUFFLE:
            lanes = imm[0]
            if len(lanes) != 16:
                raise _Invalid("invalid lane index")
            for lane in lanes:
                if lane >= e[4]:
                    raise _Invalid("invalid lane index")
        elif pre == _PRE_DATA:
            self.ctx.data(imm[0])
        elif pre == _PRE_ELEM:
            self.ctx.elem(imm[0])
        return e[0]


# ---------------------------------------------------------------------------------------------
# Handlers of the instructions whose typing depends on immediates or context.
# Each takes the checker and the instruction's immediates.

def _unreachable(c: _CodeChecker, imm) -> None:
    c.mark_unreachable()


def _block(c: _CodeChecker, imm) -> None:
    start, end = c.block_type(imm[0])
    c.pop_many(start)
    c.push_ctrl(_BLOCK, start, end)


def _loop(c: _CodeChecker, imm) -> None:
    start, end = c.block_type(imm[0])
    c.pop_many(start)
    c.push_ctrl(_LOOP, start, end)


def _if(c: _CodeChecker, imm) -> None:
    start, end = c.block_type(imm[0])
    c.pop(I32)
    c.pop_many(start)
    c.push_ctrl(_IF, start, end)


def _else(c: _CodeChecker, imm) -> None:
    if c.ctrls[-1].op != _IF:
        raise _Invalid("else without matching if")
    frame = c.pop_ctrl()
    c.push_ctrl(_ELSE, frame.start, frame.end)


def _end(c: _CodeChecker, imm) -> None:
    frame = c.pop_ctrl()
    if frame.op == _IF and not _types_match(c, frame.start, frame.end):
        raise _Invalid("type mismatch")   # an `if` without `else` must pass its inputs through
    c.vals.extend(frame.end)


def _types_match(c: _CodeChecker, actual: tuple, expected: tuple) -> bool:
    return len(actual) == len(expected) and all(c.sub(a, e) for a, e in zip(actual, expected))


def _br(c: _CodeChecker, imm) -> None:
    c.pop_many(c.label(imm[0]).labels)
    c.mark_unreachable()


def _br_if(c: _CodeChecker, imm) -> None:
    labels = c.label(imm[0]).labels
    c.pop(I32)
    c.pop_many(labels)
    c.vals.extend(labels)


def _br_table(c: _CodeChecker, imm) -> None:
    targets, default = imm
    c.pop(I32)
    arity = len(c.label(default).labels)
    for depth in targets:
        labels = c.label(depth).labels
        if len(labels) != arity:
            raise _Invalid("type mismatch")
        c.vals.extend(c.pop_many(labels))
    c.pop_many(c.label(default).labels)
    c.mark_unreachable()


def _return(c: _CodeChecker, imm) -> None:
    c.pop_many(c.results)
    c.mark_unreachable()


def _call(c: _CodeChecker, imm) -> None:
    ft = c.ctx.func(imm[0])
    c.pop_many(ft.params)
    c.vals.extend(ft.results)


def _call_indirect(c: _CodeChecker, imm) -> None:
    type_index, table_index = imm
    table = c.ctx.table(table_index)
    ft = c.ctx.type_(type_index)
    if not c.sub(table.element, FUNCREF):
        raise _Invalid("type mismatch")
    c.pop(_addr(table))
    c.pop_many(ft.params)
    c.vals.extend(ft.results)


def _drop(c: _CodeChecker, imm) -> None:
    c.pop_any()


def _select(c: _CodeChecker, imm) -> None:
    c.pop(I32)
    t1 = c.pop_any()
    t2 = c.pop_any()
    numvec1 = t1 is UNKNOWN or t1 in _NUMERIC or t1 is V128
    numvec2 = t2 is UNKNOWN or t2 in _NUMERIC or t2 is V128
    if not (numvec1 and numvec2):
        raise _Invalid("type mismatch")
    if t1 is not UNKNOWN and t2 is not UNKNOWN and t1 != t2:
        raise _Invalid("type mismatch")
    c.vals.append(t2 if t1 is UNKNOWN else t1)


def _select_t(c: _CodeChecker, imm) -> None:
    types = imm[0]
    if len(types) != 1:
        raise _Invalid("invalid result arity")
    t = types[0]
    c.ctx.valtype(t)
    c.pop(I32)
    c.pop(t)
    c.pop(t)
    c.vals.append(t)


def _global_get(c: _CodeChecker, imm) -> None:
    c.vals.append(c.ctx.global_(imm[0]).content)


def _global_set(c: _CodeChecker, imm) -> None:
    g = c.ctx.global_(imm[0])
    if not g.mutable:     # the 3.0 testsuite words it differently
        raise _Invalid("global is immutable" if c.ctx.features == WASM2 else "immutable global")
    c.pop(g.content)


def _table_get(c: _CodeChecker, imm) -> None:
    table = c.ctx.table(imm[0])
    c.pop(_addr(table))
    c.vals.append(table.element)


def _table_set(c: _CodeChecker, imm) -> None:
    table = c.ctx.table(imm[0])
    c.pop(table.element)
    c.pop(_addr(table))


def _table_size(c: _CodeChecker, imm) -> None:
    c.vals.append(_addr(c.ctx.table(imm[0])))


def _table_grow(c: _CodeChecker, imm) -> None:
    table = c.ctx.table(imm[0])
    at = _addr(table)
    c.pop(at)
    c.pop(table.element)
    c.vals.append(at)


def _table_fill(c: _CodeChecker, imm) -> None:
    table = c.ctx.table(imm[0])
    at = _addr(table)
    c.pop(at)
    c.pop(table.element)
    c.pop(at)


def _table_copy(c: _CodeChecker, imm) -> None:
    dst = c.ctx.table(imm[0])
    src = c.ctx.table(imm[1])
    if not c.sub(src.element, dst.element):
        raise _Invalid("type mismatch")
    dst_at, src_at = _addr(dst), _addr(src)
    c.pop(I32 if I32 in (dst_at, src_at) else I64)
    c.pop(src_at)
    c.pop(dst_at)


def _table_init(c: _CodeChecker, imm) -> None:
    elem_index, table_index = imm
    table = c.ctx.table(table_index)
    element = c.ctx.elem(elem_index)
    if not c.sub(element, table.element):
        raise _Invalid("type mismatch")
    c.pop(I32)
    c.pop(I32)
    c.pop(_addr(table))


def _memory_size(c: _CodeChecker, imm) -> None:
    c.vals.append(_addr(c.ctx.memory(imm[0])))


def _memory_grow(c: _CodeChecker, imm) -> None:
    at = _addr(c.ctx.memory(imm[0]))
    c.pop(at)
    c.vals.append(at)


def _memory_fill(c: _CodeChecker, imm) -> None:
    at = _addr(c.ctx.memory(imm[0]))
    c.pop(at)
    c.pop(I32)
    c.pop(at)


def _memory_copy(c: _CodeChecker, imm) -> None:
    dst_at = _addr(c.ctx.memory(imm[0]))
    src_at = _addr(c.ctx.memory(imm[1]))
    c.pop(I32 if I32 in (dst_at, src_at) else I64)
    c.pop(src_at)
    c.pop(dst_at)


def _memory_init(c: _CodeChecker, imm) -> None:
    data_index, memory_index = imm
    at = _addr(c.ctx.memory(memory_index))
    c.ctx.data(data_index)
    c.pop(I32)
    c.pop(I32)
    c.pop(at)


def _ref_null(c: _CodeChecker, imm) -> None:
    t = imm[0]
    if not isinstance(t, ValType) or not t.is_ref:
        raise _Invalid("type mismatch")
    c.ctx.valtype(t)
    c.vals.append(t)


def _ref_is_null(c: _CodeChecker, imm) -> None:
    if not _is_ref(c.pop_any()):
        raise _Invalid("type mismatch")
    c.vals.append(I32)


def _ref_func(c: _CodeChecker, imm) -> None:
    x = imm[0]
    c.ctx.func(x)
    if x not in c.ctx.refs:
        raise _Invalid(f"undeclared function reference {x}")
    if c.ctx.features.typed_refs:
        c.vals.append(RefType(False, c.ctx.func_type_indices[x]))
    else:
        c.vals.append(FUNCREF)


# -- 3.0: tail calls, typed function references ---------------------------------------------------

def _return_types(c: _CodeChecker, ft: FuncType) -> None:
    """A tail call returns the callee's results from the caller."""
    if not _types_match(c, ft.results, c.results):
        raise _Invalid("type mismatch")


def _return_call(c: _CodeChecker, imm) -> None:
    ft = c.ctx.func(imm[0])
    _return_types(c, ft)
    c.pop_many(ft.params)
    c.mark_unreachable()


def _return_call_indirect(c: _CodeChecker, imm) -> None:
    type_index, table_index = imm
    table = c.ctx.table(table_index)
    ft = c.ctx.type_(type_index)
    if not c.sub(table.element, FUNCREF):
        raise _Invalid("type mismatch")
    _return_types(c, ft)
    c.pop(_addr(table))
    c.pop_many(ft.params)
    c.mark_unreachable()


def _call_ref(c: _CodeChecker, imm) -> None:
    ft = c.ctx.type_(imm[0])
    c.pop(RefType(True, imm[0]))
    c.pop_many(ft.params)
    c.vals.extend(ft.results)


def _return_call_ref(c: _CodeChecker, imm) -> None:
    ft = c.ctx.type_(imm[0])
    _return_types(c, ft)
    c.pop(RefType(True, imm[0]))
    c.pop_many(ft.params)
    c.mark_unreachable()


def _non_null(t):
    return t if t is UNKNOWN else RefType(False, t.heap)


def _ref_as_non_null(c: _CodeChecker, imm) -> None:
    c.vals.append(_non_null(c.pop_ref()))


def _br_on_null(c: _CodeChecker, imm) -> None:
    labels = c.label(imm[0]).labels
    t = c.pop_ref()
    c.pop_many(labels)
    c.vals.extend(labels)
    c.vals.append(_non_null(t))


def _br_on_non_null(c: _CodeChecker, imm) -> None:
    labels = c.label(imm[0]).labels
    if not labels or not labels[-1].is_ref:
        raise _Invalid("type mismatch")
    t = c.pop_ref()
    if t is not UNKNOWN and not c.sub(_non_null(t), labels[-1]):
        raise _Invalid("type mismatch")
    c.pop_many(labels[:-1])
    c.vals.extend(labels[:-1])


# -- 3.0: exceptions ---------------------------------------------------------------------------

def _throw(c: _CodeChecker, imm) -> None:
    params = c.ctx.tag(imm[0]).params
    stack = c.vals[c.ctrls[-1].height:]
    try:
        c.pop_many(params)
    except _Invalid:     # the reference interpreter's detailed wording (a prefix of it is tested)
        raise _Invalid(f"type mismatch: instruction requires [{_names(params)}] but stack has "
                       f"[{_names(stack)}]") from None
    c.mark_unreachable()


def _throw_ref(c: _CodeChecker, imm) -> None:
    c.pop(EXNREF)
    c.mark_unreachable()


_EXN = RefType(False, "exn")


def _try_table(c: _CodeChecker, imm) -> None:
    bt, catches = imm
    start, end = c.block_type(bt)
    for kind, tag, depth in catches:
        labels = c.label(depth).labels
        given = c.ctx.tag(tag).params if kind < 2 else ()
        if kind in (1, 3):
            given = given + (_EXN,)
        if not _types_match(c, given, labels):
            raise _Invalid("type mismatch")
    c.pop_many(start)
    c.push_ctrl(_BLOCK, start, end)


def _try(c: _CodeChecker, imm) -> None:
    start, end = c.block_type(imm[0])
    c.pop_many(start)
    c.push_ctrl(_TRY, start, end)


def _catch(c: _CodeChecker, imm) -> None:
    if c.ctrls[-1].op not in (_TRY, _CATCH):
        raise _Invalid("catch without matching try")
    params = c.ctx.tag(imm[0]).params
    frame = c.pop_ctrl()
    c.push_ctrl(_CATCH, params, frame.end)
    c.ctrls[-1].labels = frame.end


def _catch_all(c: _CodeChecker, imm) -> None:
    if c.ctrls[-1].op not in (_TRY, _CATCH):
        raise _Invalid("catch_all without matching try")
    frame = c.pop_ctrl()
    c.push_ctrl(_CATCH_ALL, (), frame.end)


def _delegate(c: _CodeChecker, imm) -> None:
    if c.ctrls[-1].op != _TRY:
        raise _Invalid("delegate without matching try")
    frame = c.pop_ctrl()
    c.label(imm[0])
    c.vals.extend(frame.end)


def _rethrow(c: _CodeChecker, imm) -> None:
    if c.label(imm[0]).op not in (_CATCH, _CATCH_ALL):
        raise _Invalid("invalid rethrow label")
    c.mark_unreachable()


# -- 3.0: GC -----------------------------------------------------------------------------------

_EQREF = RefType(True, "eq")
_I31REF = RefType(True, "i31")
_ARRAYREF = RefType(True, "array")
_ANYREF = RefType(True, "any")


def _defaultable(t) -> bool:
    return isinstance(t, str) or not isinstance(t, RefType) or t.nullable


def _ref_eq(c: _CodeChecker, imm) -> None:
    c.pop(_EQREF)
    c.pop(_EQREF)
    c.vals.append(I32)


def _struct_new(c: _CodeChecker, imm) -> None:
    st = c.ctx.struct(imm[0])
    c.pop_many(tuple(f.unpacked for f in st.fields))
    c.vals.append(RefType(False, imm[0]))


def _struct_new_default(c: _CodeChecker, imm) -> None:
    st = c.ctx.struct(imm[0])
    if not all(_defaultable(f.storage) for f in st.fields):
        raise _Invalid("type mismatch")
    c.vals.append(RefType(False, imm[0]))


def _field(c: _CodeChecker, imm) -> FieldType:
    st = c.ctx.struct(imm[0])
    if not 0 <= imm[1] < len(st.fields):
        raise _Invalid(f"unknown field {imm[1]}")
    return st.fields[imm[1]]


def _struct_get(c: _CodeChecker, imm) -> None:
    f = _field(c, imm)
    if f.is_packed:
        raise _Invalid("type mismatch")
    c.pop(RefType(True, imm[0]))
    c.vals.append(f.unpacked)


def _struct_get_packed(c: _CodeChecker, imm) -> None:
    f = _field(c, imm)
    if not f.is_packed:
        raise _Invalid("type mismatch")
    c.pop(RefType(True, imm[0]))
    c.vals.append(I32)


def _struct_set(c: _CodeChecker, imm) -> None:
    f = _field(c, imm)
    if not f.mutable:
        raise _Invalid("immutable field")
    c.pop(f.unpacked)
    c.pop(RefType(True, imm[0]))


def _array_new(c: _CodeChecker, imm) -> None:
    at = c.ctx.array(imm[0])
    c.pop(I32)
    c.pop(at.field.unpacked)
    c.vals.append(RefType(False, imm[0]))


def _array_new_default(c: _CodeChecker, imm) -> None:
    at = c.ctx.array(imm[0])
    if not _defaultable(at.field.storage):
        raise _Invalid("type mismatch")
    c.pop(I32)
    c.vals.append(RefType(False, imm[0]))


def _array_new_fixed(c: _CodeChecker, imm) -> None:
    at = c.ctx.array(imm[0])
    t = at.field.unpacked
    for _ in range(imm[1]):
        c.pop(t)
    c.vals.append(RefType(False, imm[0]))


def _numeric_field(at: ArrayType) -> None:
    s = at.field.storage
    if not (isinstance(s, str) or s in _NUMERIC or s is V128):
        raise _Invalid("array type is not numeric or vector")


def _elem_field(c: _CodeChecker, at: ArrayType, elem_index: int) -> None:
    if not c.sub(c.ctx.elem(elem_index), at.field.unpacked) or at.field.is_packed:
        raise _Invalid("type mismatch")


def _array_new_data(c: _CodeChecker, imm) -> None:
    at = c.ctx.array(imm[0])
    _numeric_field(at)
    c.ctx.data(imm[1])
    c.pop(I32)
    c.pop(I32)
    c.vals.append(RefType(False, imm[0]))


def _array_new_elem(c: _CodeChecker, imm) -> None:
    at = c.ctx.array(imm[0])
    _elem_field(c, at, imm[1])
    c.pop(I32)
    c.pop(I32)
    c.vals.append(RefType(False, imm[0]))


def _array_get(c: _CodeChecker, imm) -> None:
    at = c.ctx.array(imm[0])
    if at.field.is_packed:
        raise _Invalid("type mismatch")
    c.pop(I32)
    c.pop(RefType(True, imm[0]))
    c.vals.append(at.field.unpacked)


def _array_get_packed(c: _CodeChecker, imm) -> None:
    at = c.ctx.array(imm[0])
    if not at.field.is_packed:
        raise _Invalid("type mismatch")
    c.pop(I32)
    c.pop(RefType(True, imm[0]))
    c.vals.append(I32)


def _mutable_array(c: _CodeChecker, x: int) -> ArrayType:
    at = c.ctx.array(x)
    if not at.field.mutable:
        raise _Invalid("immutable array")
    return at


def _array_set(c: _CodeChecker, imm) -> None:
    at = _mutable_array(c, imm[0])
    c.pop(at.field.unpacked)
    c.pop(I32)
    c.pop(RefType(True, imm[0]))


def _array_len(c: _CodeChecker, imm) -> None:
    c.pop(_ARRAYREF)
    c.vals.append(I32)


def _array_fill(c: _CodeChecker, imm) -> None:
    at = _mutable_array(c, imm[0])
    c.pop(I32)
    c.pop(at.field.unpacked)
    c.pop(I32)
    c.pop(RefType(True, imm[0]))


def _array_copy(c: _CodeChecker, imm) -> None:
    dst = _mutable_array(c, imm[0])
    src = c.ctx.array(imm[1])
    if not c.ctx.type_system.storage_sub(src.field.storage, dst.field.storage):
        raise _Invalid("array types do not match")
    c.pop(I32)
    c.pop(I32)
    c.pop(RefType(True, imm[1]))
    c.pop(I32)
    c.pop(RefType(True, imm[0]))


def _array_init_data(c: _CodeChecker, imm) -> None:
    at = _mutable_array(c, imm[0])
    _numeric_field(at)
    c.ctx.data(imm[1])
    c.pop(I32)
    c.pop(I32)
    c.pop(I32)
    c.pop(RefType(True, imm[0]))


def _array_init_elem(c: _CodeChecker, imm) -> None:
    at = _mutable_array(c, imm[0])
    _elem_field(c, at, imm[1])
    c.pop(I32)
    c.pop(I32)
    c.pop(I32)
    c.pop(RefType(True, imm[0]))


def _cast_operand(c: _CodeChecker, rt: RefType) -> None:
    """ref.test/ref.cast take any reference of the same hierarchy as the target type."""
    c.ctx.valtype(rt)
    c.pop(RefType(True, c.ctx.type_system.top(rt.heap)))


def _ref_test(c: _CodeChecker, imm) -> None:
    _cast_operand(c, imm[0])
    c.vals.append(I32)


def _ref_cast(c: _CodeChecker, imm) -> None:
    _cast_operand(c, imm[0])
    c.vals.append(imm[0])


def _cast_branch(c: _CodeChecker, imm, on_fail: bool) -> None:
    depth, rt1, rt2 = imm
    c.ctx.valtype(rt1)
    c.ctx.valtype(rt2)
    if not c.sub(rt2, rt1):
        raise _Invalid("type mismatch")
    labels = c.label(depth).labels
    diff = RefType(rt1.nullable and not rt2.nullable, rt1.heap)
    taken, stays = (diff, rt2) if on_fail else (rt2, diff)
    if not labels or not c.sub(taken, labels[-1]):
        raise _Invalid("type mismatch")
    c.pop(rt1)
    c.pop_many(labels[:-1])
    c.vals.extend(labels[:-1])
    c.vals.append(stays)


def _br_on_cast(c: _CodeChecker, imm) -> None:
    _cast_branch(c, imm, False)


def _br_on_cast_fail(c: _CodeChecker, imm) -> None:
    _cast_branch(c, imm, True)


def _any_convert_extern(c: _CodeChecker, imm) -> None:
    t = c.pop(EXTERNREF)
    c.vals.append(UNKNOWN if t is UNKNOWN else RefType(t.nullable, "any"))


def _extern_convert_any(c: _CodeChecker, imm) -> None:
    t = c.pop(_ANYREF)
    c.vals.append(UNKNOWN if t is UNKNOWN else RefType(t.nullable, "extern"))


def _ref_i31(c: _CodeChecker, imm) -> None:
    c.pop(I32)
    c.vals.append(RefType(False, "i31"))


def _i31_get(c: _CodeChecker, imm) -> None:
    c.pop(_I31REF)
    c.vals.append(I32)


_SPECIAL = {int(op): handler for op, handler in {
    Op.UNREACHABLE: _unreachable, Op.BLOCK: _block, Op.LOOP: _loop, Op.IF: _if, Op.ELSE: _else,
    Op.END: _end, Op.BR: _br, Op.BR_IF: _br_if, Op.BR_TABLE: _br_table, Op.RETURN: _return,
    Op.CALL: _call, Op.CALL_INDIRECT: _call_indirect, Op.DROP: _drop, Op.SELECT: _select,
    Op.SELECT_T: _select_t, Op.GLOBAL_GET: _global_get, Op.GLOBAL_SET: _global_set,
    Op.TABLE_GET: _table_get, Op.TABLE_SET: _table_set, Op.TABLE_SIZE: _table_size,
    Op.TABLE_GROW: _table_grow, Op.TABLE_FILL: _table_fill, Op.TABLE_COPY: _table_copy,
    Op.TABLE_INIT: _table_init, Op.MEMORY_SIZE: _memory_size, Op.MEMORY_GROW: _memory_grow,
    Op.MEMORY_FILL: _memory_fill, Op.MEMORY_COPY: _memory_copy, Op.MEMORY_INIT: _memory_init,
    Op.REF_NULL: _ref_null, Op.REF_IS_NULL: _ref_is_null, Op.REF_FUNC: _ref_func,
    # 3.0
    Op.RETURN_CALL: _return_call, Op.RETURN_CALL_INDIRECT: _return_call_indirect,
    Op.CALL_REF: _call_ref, Op.RETURN_CALL_REF: _return_call_ref,
    Op.REF_AS_NON_NULL: _ref_as_non_null, Op.BR_ON_NULL: _br_on_null,
    Op.BR_ON_NON_NULL: _br_on_non_null, Op.THROW: _throw, Op.THROW_REF: _throw_ref,
    Op.TRY_TABLE: _try_table, Op.TRY: _try, Op.CATCH: _catch, Op.CATCH_ALL: _catch_all,
    Op.DELEGATE: _delegate, Op.RETHROW: _rethrow, Op.REF_EQ: _ref_eq,
    Op.STRUCT_NEW: _struct_new, Op.STRUCT_NEW_DEFAULT: _struct_new_default,
    Op.STRUCT_GET: _struct_get, Op.STRUCT_GET_S: _struct_get_packed,
    Op.STRUCT_GET_U: _struct_get_packed, Op.STRUCT_SET: _struct_set, Op.ARRAY_NEW: _array_new,
    Op.ARRAY_NEW_DEFAULT: _array_new_default, Op.ARRAY_NEW_FIXED: _array_new_fixed,
    Op.ARRAY_NEW_DATA: _array_new_data, Op.ARRAY_NEW_ELEM: _array_new_elem,
    Op.ARRAY_GET: _array_get, Op.ARRAY_GET_S: _array_get_packed,
    Op.ARRAY_GET_U: _array_get_packed, Op.ARRAY_SET: _array_set, Op.ARRAY_LEN: _array_len,
    Op.ARRAY_FILL: _array_fill, Op.ARRAY_COPY: _array_copy, Op.ARRAY_INIT_DATA: _array_init_data,
    Op.ARRAY_INIT_ELEM: _array_init_elem, Op.REF_TEST: _ref_test, Op.REF_CAST: _ref_cast,
    Op.BR_ON_CAST: _br_on_cast, Op.BR_ON_CAST_FAIL: _br_on_cast_fail,
    Op.ANY_CONVERT_EXTERN: _any_convert_extern, Op.EXTERN_CONVERT_ANY: _extern_convert_any,
    Op.REF_I31: _ref_i31, Op.I31_GET_S: _i31_get, Op.I31_GET_U: _i31_get,
}.items()}
_SPECIAL_2_0 = {op: h for op, h in _SPECIAL.items() if INFO[Op(op)].feature is None}


@lru_cache(maxsize=None)
def _tables_for(features: Features):
    """(fixed signatures, special handlers) of the instructions the features enable."""
    enabled = features.names()
    special = {op: h for op, h in _SPECIAL.items()
               if INFO[Op(op)].feature is None or INFO[Op(op)].feature in enabled}
    return _build_sigs(enabled), special


def missing_rules() -> list[str]:
    """Instructions of the table that no rule here types (`_SIGS`, `_SPECIAL` or the inline local
    cases).  Empty for the 2.0 table; a row added to opcodes.py without a rule shows up here (and
    in the tests), and such an instruction is rejected as unknown rather than crashing."""
    inline = {_LOCAL_GET, _LOCAL_SET, _LOCAL_TEE}
    return [INFO[op].name for op in INFO
            if int(op) not in _ALL_SIGS and int(op) not in _SPECIAL and int(op) not in inline]


# ---------------------------------------------------------------------------------------------
# Constant expressions.

_CONST_OPS = frozenset(int(op) for op in (Op.I32_CONST, Op.I64_CONST, Op.F32_CONST, Op.F64_CONST,
                                          Op.V128_CONST, Op.REF_NULL, Op.REF_FUNC, Op.GLOBAL_GET))
_EXTENDED_CONST_OPS = frozenset(int(op) for op in (Op.I32_ADD, Op.I32_SUB, Op.I32_MUL,
                                                   Op.I64_ADD, Op.I64_SUB, Op.I64_MUL))
_GC_CONST_OPS = frozenset(int(op) for op in (
    Op.STRUCT_NEW, Op.STRUCT_NEW_DEFAULT, Op.ARRAY_NEW, Op.ARRAY_NEW_DEFAULT, Op.ARRAY_NEW_FIXED,
    Op.REF_I31, Op.ANY_CONVERT_EXTERN, Op.EXTERN_CONVERT_ANY))


def _check_const_expr(ctx: ValidationContext, expr, expected: ValType) -> None:
    """A constant expression of type `expected`.  `ctx.globals` holds only the globals a constant
    may read (2.0: the imported ones)."""
    allowed = _CONST_OPS
    if ctx.features.extended_const:
        allowed = allowed | _EXTENDED_CONST_OPS
    if ctx.features.gc:
        allowed = allowed | _GC_CONST_OPS
    if not isinstance(expr, list) or not expr:
        raise _Invalid("type mismatch")
    ins = None
    try:
        for ins in expr[:-1]:
            op = int(ins[0])
            if op not in allowed:
                raise _Invalid("constant expression required")
            if op == _GLOBAL_GET and ctx.global_(ins[1][0]).mutable:
                raise _Invalid("constant expression required")
        ins = expr[-1]
        if int(ins[0]) != _END:
            raise _Invalid("constant expression required")
    except _Invalid as err:
        err.instr = ins
        raise
    _CodeChecker(ctx, [], (expected,)).run(expr)


# ---------------------------------------------------------------------------------------------
# Module-level rules.

def _check_limits(limits, bound: int, what: str) -> None:
    if not 0 <= limits.min <= bound:
        raise _Invalid(what)
    if limits.max is not None:
        if not 0 <= limits.max <= bound:
            raise _Invalid(what)
        if limits.min > limits.max:
            raise _Invalid("size minimum must not be greater than maximum")


def _check_table_type(t, ctx: ValidationContext | None = None) -> None:
    if not isinstance(t, TableType) or not isinstance(t.element, ValType) or not t.element.is_ref:
        raise _Invalid("malformed table type")
    if ctx is not None:
        ctx.valtype(t.element)
    bound = 2**64 - 1 if t.is_64 else MAX_TABLE_SIZE_32
    _check_limits(t.limits, bound, "table size must be at most 2^32-1" if not t.is_64
                  else "table size must be at most 2^64-1")


def _check_memory_type(t) -> None:
    if not isinstance(t, MemoryType):
        raise _Invalid("malformed memory type")
    if t.is_64:
        _check_limits(t.limits, 2**48, "memory size must be at most 2^48 pages")
    else:
        _check_limits(t.limits, MAX_PAGES_32, "memory size must be at most 65536 pages (4GiB)")


def _check_value_type(t, ntypes: int | None = None) -> None:
    if not isinstance(t, ValType):
        raise _Invalid("malformed value type")
    if ntypes is not None and isinstance(t, RefType) and isinstance(t.heap, int) \
            and t.heap >= ntypes:
        raise _Invalid(f"unknown type {t.heap}")


def _declared_refs(module: syntax.Module) -> frozenset[int]:
    """C.refs: the functions named outside function bodies and the start section (element
    segments, global and table initialisers, segment offsets, exports); `ref.func` in code may
    only name these."""
    refs = set()
    ref_func = int(Op.REF_FUNC)
    exprs = [g.init for g in module.globals]
    exprs.extend(init for init in module.table_inits if init is not None)
    for elem in module.elems:
        exprs.extend(elem.init)
        exprs.append(elem.offset)
    exprs.extend(data.offset for data in module.datas)
    for expr in exprs:
        for ins in expr or ():
            if int(ins[0]) == ref_func and ins[1]:
                refs.add(ins[1][0])
    refs.update(e.index for e in module.exports if e.kind == "func")
    return frozenset(refs)


def _type_system(module: syntax.Module, features: Features) -> TypeSystem:
    """Check the type section (3.0: recursion groups and declared subtypes) and build the
    module's type system."""
    types = list(module.types)
    for ft in types:
        if not isinstance(ft, (FuncType, StructType, ArrayType)) or \
                (not features.gc and not isinstance(ft, FuncType)):
            raise _Invalid("malformed type")
    subtypes = [module.subtype(i) for i in range(len(types))]
    groups = module.type_groups()
    if sum(groups) != len(types) or any(size < 0 for size in groups):
        raise _Invalid("malformed recursion group")
    ts = TypeSystem(subtypes, [])
    start = 0
    for size in groups:
        end = start + size
        for i in range(start, end):
            sub = subtypes[i]
            for t in _composite_types(sub.composite):
                if isinstance(t, str):
                    continue
                _check_value_type(t, end)
            if len(sub.supertypes) > 1:
                raise _Invalid("multiple supertypes")
            ts.subtypes = subtypes
        ts._add_group(start, size)
        for i in range(start, end):
            for y in subtypes[i].supertypes:
                if not 0 <= y < i:
                    raise _Invalid(f"unknown type {y}")
                parent = subtypes[y]
                if parent.final or not ts.composite_sub(subtypes[i].composite, parent.composite):
                    raise _Invalid("sub type")
        start = end
    return ts


def _composite_types(c):
    if isinstance(c, FuncType):
        return c.params + c.results
    if isinstance(c, StructType):
        return tuple(f.storage for f in c.fields)
    return (c.field.storage,)


def _module_context(module: syntax.Module, features: Features) -> ValidationContext:
    """Build C from the module's index spaces, checking the type of every import and definition
    on the way (a type index must exist before it can be used to type a function)."""
    plain = features is WASM2 or features == WASM2
    ts = _PLAIN_TYPES if plain else _type_system(module, features)
    types = list(module.types)
    if plain:
        for ft in types:
            if not isinstance(ft, FuncType):
                raise _Invalid("malformed type")
            for t in ft.params + ft.results:
                _check_value_type(t)
    ntypes = len(types)

    def func_type_at(x) -> FuncType:
        if not isinstance(x, int) or not 0 <= x < ntypes:
            raise _Invalid(f"unknown type {x}")
        if not isinstance(types[x], FuncType):
            raise _Invalid("type mismatch")
        return types[x]

    def tag_at(tag) -> FuncType:
        ft = func_type_at(tag.type_index)
        if ft.results:
            raise _Invalid("non-empty tag result type")
        return ft

    funcs, func_indices, tables, memories, globals_, tags = [], [], [], [], [], []
    for imp in module.imports:
        desc = imp.desc
        if isinstance(desc, int):
            funcs.append(func_type_at(desc))
            func_indices.append(desc)
        elif isinstance(desc, TableType):
            _check_table_type(desc)
            _check_value_type(desc.element, ntypes)
            tables.append(desc)
        elif isinstance(desc, MemoryType):
            _check_memory_type(desc)
            memories.append(desc)
        elif isinstance(desc, GlobalType):
            _check_value_type(desc.content, ntypes)
            globals_.append(desc)
        elif isinstance(desc, TagType) and (features.exceptions or features.legacy_exceptions):
            tags.append(tag_at(desc))
        else:
            raise _Invalid("malformed import kind")
    for func in module.funcs:
        funcs.append(func_type_at(func.type_index))
        func_indices.append(func.type_index)
    for table in module.tables:
        _check_table_type(table)
        _check_value_type(table.element, ntypes)
        tables.append(table)
    for memory in module.memories:
        _check_memory_type(memory)
        memories.append(memory)
    if len(memories) > 1 and not features.multi_memory:
        raise _Invalid("multiple memories")
    if not features.memory64 and any(t.is_64 for t in (*tables, *memories)):
        # only the text format can express this without the feature (the decoder rejects it)
        raise _Invalid("memory64 is not enabled: i64 addresses need the memory64 feature")
    for tag in module.tags:
        tags.append(tag_at(tag))
    for g in module.globals:
        if not isinstance(g.type, GlobalType):
            raise _Invalid("malformed global type")
        _check_value_type(g.type.content, ntypes)
        globals_.append(g.type)
    elems = []
    for elem in module.elems:
        _check_value_type(elem.type, ntypes)
        if not elem.type.is_ref:
            raise _Invalid("malformed reference type")
        if features.typed_refs and elem.func_indices:
            # 3.0: a vector of function indices is a segment of non-null function references
            elems.append(RefType(False, "func") if elem.type is FUNCREF else elem.type)
        else:
            elems.append(elem.type)
    return ValidationContext(types=types, funcs=funcs, tables=tables, memories=memories,
                             globals=globals_, elems=elems, datas=len(module.datas),
                             refs=_declared_refs(module), features=features, type_system=ts,
                             func_type_indices=func_indices, tags=tags)


def _const_context(ctx: ValidationContext, module: syntax.Module, upto: int | None) -> \
        ValidationContext:
    """The context C' of constant expressions: in 2.0 only imported globals are visible; with
    `const_defined_globals` also the defined globals before index `upto`."""
    nimported = sum(1 for imp in module.imports if isinstance(imp.desc, GlobalType))
    visible = nimported
    if ctx.features.const_defined_globals:
        visible = len(ctx.globals) if upto is None else nimported + upto
    return replace(ctx, globals=ctx.globals[:visible])


def _check_components(module: syntax.Module, ctx: ValidationContext) -> None:
    """Tables, globals, element and data segments, and the start function."""
    const_ctx = _const_context(ctx, module, None)
    for i, table in enumerate(module.tables):
        init = module.table_inits[i] if i < len(module.table_inits) else None
        if init is not None:      # tables come before globals: only imported ones are visible
            _check_const_expr(_const_context(ctx, module, 0), init, table.element)
        elif isinstance(table.element, RefType) and not table.element.nullable:
            raise _Invalid("type mismatch")     # a non-nullable table needs an initialiser
    for i, g in enumerate(module.globals):
        cctx = _const_context(ctx, module, i) if ctx.features.const_defined_globals else const_ctx
        _check_const_expr(cctx, g.init, g.type.content)
    for elem, elem_type in zip(module.elems, ctx.elems):
        for expr in elem.init:
            _check_const_expr(const_ctx, expr, elem.type)
        if elem.mode == "active":
            table = ctx.table(elem.table)
            if not ctx.sub(elem_type, table.element):
                raise _Invalid("type mismatch")
            _check_const_expr(const_ctx, elem.offset, _addr(table))
        elif elem.mode not in ("passive", "declarative"):
            raise _Invalid("malformed element segment mode")
    for data in module.datas:
        if data.mode == "active":
            memory = ctx.memory(data.memory)
            _check_const_expr(const_ctx, data.offset, _addr(memory))
        elif data.mode != "passive":
            raise _Invalid("malformed data segment mode")
    if module.start is not None:
        ft = ctx.func(module.start)
        if ft.params or ft.results:
            raise _Invalid("start function must have type [] -> []")


_EXPORT_SPACES = {"func": ValidationContext.func, "table": ValidationContext.table,
                  "memory": ValidationContext.memory, "global": ValidationContext.global_,
                  "tag": ValidationContext.tag}


def _check_exports(module: syntax.Module, ctx: ValidationContext) -> None:
    names = set()
    for export in module.exports:
        lookup = _EXPORT_SPACES.get(export.kind)
        if lookup is None or (export.kind == "tag" and not (ctx.features.exceptions or
                                                            ctx.features.legacy_exceptions)):
            raise _Invalid(f"malformed export kind {export.kind!r}")
        lookup(ctx, export.index)
        if export.name in names:
            raise _Invalid(f"duplicate export name {export.name!r}")
        names.add(export.name)


def validate_module(module: syntax.Module, features: Features = WASM2) -> None:
    """Raise `ValidationError` unless `module` is valid under `features` (WebAssembly 2.0 by
    default; `WASM3` for 3.0).

    Order: types and imports, definitions, constant expressions and segments, start, function
    bodies, exports.  The error names the function index and the instruction's byte offset when
    it comes from code."""
    func_index = None
    try:
        ctx = _module_context(module, features)
        _check_components(module, ctx)
        nimported = len(ctx.funcs) - len(module.funcs)
        ntypes = len(ctx.types)
        for i, func in enumerate(module.funcs):
            func_index = nimported + i
            ft = ctx.funcs[func_index]
            for t in func.locals:
                _check_value_type(t, ntypes)
            _CodeChecker(ctx, list(ft.params) + list(func.locals), ft.results,
                         len(ft.params)).run(func.body)
        func_index = None
        _check_exports(module, ctx)
    except _Invalid as err:
        raise _located(err.reason, func_index, err.instr) from None
