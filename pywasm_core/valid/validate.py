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

Room for 3.0: value-type matching goes through `matches` (equality in 2.0, subtyping later),
memory and table operands use the address type of the memory/table (`is_64`), multiple memories
and wider constant expressions are `Features` switches.

Legend: `t` value type, `x` index, `e` an `_SIGS` entry, `imm` an instruction's immediates.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .. import syntax
from ..errors import ValidationError
from ..opcodes import INFO, Imm, Op
from ..types import (F32, F64, FUNCREF, I32, I64, MAX_PAGES_32, MAX_TABLE_SIZE_32,
                     V128, FuncType, GlobalType, MemoryType, TableType, ValType, VALTYPE_BY_NAME)

__all__ = ["Features", "ValidationContext", "validate_module", "WASM2"]

UNKNOWN = None          # the bottom type of unreachable code


@dataclass(frozen=True)
class Features:
    """Switches for rules that differ between WebAssembly 2.0 (the defaults) and later versions."""

    multi_memory: bool = False          # more than one memory per module
    extended_const: bool = False        # i32/i64 add, sub, mul in constant expressions
    const_defined_globals: bool = False  # global.get of an earlier defined global in constants


WASM2 = Features()


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
    """`actual <: expected` for two known value types.  WebAssembly 2.0 has no subtyping, so this
    is equality; typed references (3.0) extend it here and only here."""
    return actual == expected


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

    def type_(self, x: int) -> FuncType:
        if not 0 <= x < len(self.types):
            raise _Invalid(f"unknown type {x}")
        return self.types[x]

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


def _build_sigs():
    """op -> (pops, pushes, pre, natural_align, lanes, pops64): `pops` is the parameter list in
    pop order (last parameter first); `pops64` replaces the address operand for 64-bit memories."""
    sigs = {}
    for op, info in INFO.items():
        if info.sig is None or info.imm not in _PRE_BY_IMM:
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


class _Frame:
    """A control frame: the construct that opened it, its input and output types, the operand
    stack height at entry, whether the rest is unreachable, and the types a branch to it carries."""

    __slots__ = ("op", "start", "end", "height", "unreachable", "labels")

    def __init__(self, op: int, start: tuple, end: tuple, height: int):
        self.op = op
        self.start = start
        self.end = end
        self.height = height
        self.unreachable = False
        self.labels = start if op == _LOOP else end


_BLOCK, _LOOP, _IF, _ELSE, _END = int(Op.BLOCK), int(Op.LOOP), int(Op.IF), int(Op.ELSE), int(Op.END)
_FUNC_FRAME = -1
_LOCAL_GET, _LOCAL_SET, _LOCAL_TEE = int(Op.LOCAL_GET), int(Op.LOCAL_SET), int(Op.LOCAL_TEE)
_GLOBAL_GET = int(Op.GLOBAL_GET)


class _CodeChecker:
    """Checks one function body or constant expression (the appendix algorithm)."""

    __slots__ = ("ctx", "vals", "ctrls", "locals", "results")

    def __init__(self, ctx: ValidationContext, locals_: list, results: tuple):
        self.ctx = ctx
        self.vals: list = []
        self.ctrls: list[_Frame] = [_Frame(_FUNC_FRAME, (), results, 0)]
        self.locals = locals_
        self.results = results

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
                and not matches(actual, expect):
            raise _Invalid("type mismatch")
        return actual

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
        self.ctrls.append(_Frame(op, start, end, len(self.vals)))
        self.vals.extend(start)

    def pop_ctrl(self) -> _Frame:
        frame = self.ctrls[-1]
        self.pop_many(frame.end)
        if len(self.vals) != frame.height:
            raise _Invalid("type mismatch")
        self.ctrls.pop()
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
        sigs = _SIGS
        special = _SPECIAL
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
                            if a is not t and a is not UNKNOWN and not matches(a, t):
                                raise _Invalid("type mismatch")
                        elif not frame.unreachable:
                            raise _Invalid("type mismatch")
                    vals += e[1]
                    continue
                if op == _LOCAL_GET:
                    x = ins[1][0]
                    if not 0 <= x < nlocals:
                        raise _Invalid(f"unknown local {x}")
                    vals.append(locals_[x])
                    continue
                if op == _LOCAL_SET or op == _LOCAL_TEE:
                    x = ins[1][0]
                    if not 0 <= x < nlocals:
                        raise _Invalid(f"unknown local {x}")
                    t = locals_[x]
                    if len(vals) > height:
                        a = vals.pop()
                        if a is not t and a is not UNKNOWN and not matches(a, t):
                            raise _Invalid("type mismatch")
                    elif not frame.unreachable:
                        raise _Invalid("type mismatch")
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
    if frame.op == _IF and not _types_match(frame.start, frame.end):
        raise _Invalid("type mismatch")   # an `if` without `else` must pass its inputs through
    c.vals.extend(frame.end)


def _types_match(actual: tuple, expected: tuple) -> bool:
    return len(actual) == len(expected) and all(matches(a, e) for a, e in zip(actual, expected))


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
    if not matches(table.element, FUNCREF):
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
    c.pop(I32)
    c.pop(t)
    c.pop(t)
    c.vals.append(t)


def _global_get(c: _CodeChecker, imm) -> None:
    c.vals.append(c.ctx.global_(imm[0]).content)


def _global_set(c: _CodeChecker, imm) -> None:
    g = c.ctx.global_(imm[0])
    if not g.mutable:
        raise _Invalid("global is immutable")
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
    if not matches(src.element, dst.element):
        raise _Invalid("type mismatch")
    dst_at, src_at = _addr(dst), _addr(src)
    c.pop(I32 if I32 in (dst_at, src_at) else I64)
    c.pop(src_at)
    c.pop(dst_at)


def _table_init(c: _CodeChecker, imm) -> None:
    elem_index, table_index = imm
    table = c.ctx.table(table_index)
    element = c.ctx.elem(elem_index)
    if not matches(element, table.element):
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
    c.vals.append(FUNCREF)


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
}.items()}


def missing_rules() -> list[str]:
    """Instructions of the table that no rule here types (`_SIGS`, `_SPECIAL` or the inline local
    cases).  Empty for the 2.0 table; a row added to opcodes.py without a rule shows up here (and
    in the tests), and such an instruction is rejected as unknown rather than crashing."""
    inline = {_LOCAL_GET, _LOCAL_SET, _LOCAL_TEE}
    return [INFO[op].name for op in INFO
            if int(op) not in _SIGS and int(op) not in _SPECIAL and int(op) not in inline]


# ---------------------------------------------------------------------------------------------
# Constant expressions.

_CONST_OPS = frozenset(int(op) for op in (Op.I32_CONST, Op.I64_CONST, Op.F32_CONST, Op.F64_CONST,
                                          Op.V128_CONST, Op.REF_NULL, Op.REF_FUNC, Op.GLOBAL_GET))
_EXTENDED_CONST_OPS = frozenset(int(op) for op in (Op.I32_ADD, Op.I32_SUB, Op.I32_MUL,
                                                   Op.I64_ADD, Op.I64_SUB, Op.I64_MUL))


def _check_const_expr(ctx: ValidationContext, expr, expected: ValType) -> None:
    """A constant expression of type `expected`.  `ctx.globals` holds only the globals a constant
    may read (2.0: the imported ones)."""
    allowed = _CONST_OPS | _EXTENDED_CONST_OPS if ctx.features.extended_const else _CONST_OPS
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


def _check_table_type(t) -> None:
    if not isinstance(t, TableType) or not isinstance(t.element, ValType) or not t.element.is_ref:
        raise _Invalid("malformed table type")
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


def _check_value_type(t) -> None:
    if not isinstance(t, ValType):
        raise _Invalid("malformed value type")


def _declared_refs(module: syntax.Module) -> frozenset[int]:
    """C.refs: the functions named outside function bodies and the start section (element
    segments, global initialisers, segment offsets, exports); `ref.func` in code may only name
    these."""
    refs = set()
    ref_func = int(Op.REF_FUNC)
    exprs = [g.init for g in module.globals]
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


def _module_context(module: syntax.Module, features: Features) -> ValidationContext:
    """Build C from the module's index spaces, checking the type of every import and definition
    on the way (a type index must exist before it can be used to type a function)."""
    types = list(module.types)
    for ft in types:
        if not isinstance(ft, FuncType):
            raise _Invalid("malformed type")
        for t in ft.params + ft.results:
            _check_value_type(t)

    def type_at(x) -> FuncType:
        if not isinstance(x, int) or not 0 <= x < len(types):
            raise _Invalid(f"unknown type {x}")
        return types[x]

    funcs, tables, memories, globals_ = [], [], [], []
    for imp in module.imports:
        desc = imp.desc
        if isinstance(desc, int):
            funcs.append(type_at(desc))
        elif isinstance(desc, TableType):
            _check_table_type(desc)
            tables.append(desc)
        elif isinstance(desc, MemoryType):
            _check_memory_type(desc)
            memories.append(desc)
        elif isinstance(desc, GlobalType):
            _check_value_type(desc.content)
            globals_.append(desc)
        else:
            raise _Invalid("malformed import kind")
    for func in module.funcs:
        funcs.append(type_at(func.type_index))
    for table in module.tables:
        _check_table_type(table)
        tables.append(table)
    for memory in module.memories:
        _check_memory_type(memory)
        memories.append(memory)
    if len(memories) > 1 and not features.multi_memory:
        raise _Invalid("multiple memories")
    for g in module.globals:
        if not isinstance(g.type, GlobalType):
            raise _Invalid("malformed global type")
        _check_value_type(g.type.content)
        globals_.append(g.type)
    elems = []
    for elem in module.elems:
        _check_value_type(elem.type)
        if not elem.type.is_ref:
            raise _Invalid("malformed reference type")
        elems.append(elem.type)
    return ValidationContext(types=types, funcs=funcs, tables=tables, memories=memories,
                             globals=globals_, elems=elems, datas=len(module.datas),
                             refs=_declared_refs(module), features=features)


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
    """Globals, element and data segments, and the start function."""
    const_ctx = _const_context(ctx, module, None)
    for i, g in enumerate(module.globals):
        cctx = _const_context(ctx, module, i) if ctx.features.const_defined_globals else const_ctx
        _check_const_expr(cctx, g.init, g.type.content)
    for elem in module.elems:
        for expr in elem.init:
            _check_const_expr(const_ctx, expr, elem.type)
        if elem.mode == "active":
            table = ctx.table(elem.table)
            if not matches(elem.type, table.element):
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
                  "memory": ValidationContext.memory, "global": ValidationContext.global_}


def _check_exports(module: syntax.Module, ctx: ValidationContext) -> None:
    names = set()
    for export in module.exports:
        lookup = _EXPORT_SPACES.get(export.kind)
        if lookup is None:
            raise _Invalid(f"malformed export kind {export.kind!r}")
        lookup(ctx, export.index)
        if export.name in names:
            raise _Invalid(f"duplicate export name {export.name!r}")
        names.add(export.name)


def validate_module(module: syntax.Module, features: Features = WASM2) -> None:
    """Raise `ValidationError` unless `module` is valid.

    Order: types and imports, definitions, constant expressions and segments, start, function
    bodies, exports.  The error names the function index and the instruction's byte offset when
    it comes from code."""
    func_index = None
    try:
        ctx = _module_context(module, features)
        _check_components(module, ctx)
        nimported = len(ctx.funcs) - len(module.funcs)
        for i, func in enumerate(module.funcs):
            func_index = nimported + i
            ft = ctx.funcs[func_index]
            for t in func.locals:
                _check_value_type(t)
            _CodeChecker(ctx, list(ft.params) + list(func.locals), ft.results).run(func.body)
        func_index = None
        _check_exports(module, ctx)
    except _Invalid as err:
        raise _located(err.reason, func_index, err.instr) from None
