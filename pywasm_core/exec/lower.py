"""Lowering: a validated function body -> `Code`, the flat form the interpreter loop runs.

Done once per function (lazily at first call, or at instantiation in "eager" mode):
- every instruction becomes one `(op, imm)` pair in `Code.instrs`, indexed by pc; immediates are
  unpacked (f32/f64 constants become floats, block types become arities, numeric instructions carry
  their semantic function from `numerics.NUMERIC`);
- structured control disappears: `block`/`loop`/`end` emit nothing, `if`/`else` become jumps, and
  every branch is resolved to its target pc.  Operand-stack heights are known statically (the code
  is validated), so a branch that must discard values carries `(target, height, arity)`: keep the
  top `arity` values, truncate the stack to `height`; a branch with nothing to discard is a plain
  jump;
- dead code after `br`, `br_table`, `return` and `unreachable` is dropped;
- frequent instruction sequences are fused into superinstructions as they are emitted (never
  across a branch target): `local.get a; local.get b` -> LGET2, `local.get; i32.const; i32.add`
  -> LGET_ADDI, an i32 comparison followed by `br_if` (or `if`) -> a compare-and-branch,
  `local.set x; local.get x` -> LTEE, a constant or local right operand folded into the op...

`Code.costs[pc]` is the number of wasm instructions each lowered op stands for (fuel metering);
`Code.offsets[pc]` the byte offset of the instruction (trap backtraces).

Legend: `h` static operand-stack height, `S` operand stack, `L` locals.
"""

from __future__ import annotations

from ..errors import WasmError
from ..opcodes import INFO, Imm, Op
from ..values import default_value
from . import handlers as H
from .gc import GC_OPS

# ---- lowered opcodes: grouped by frequency (the interpreter tests them in this order) ----
_NAMES = """
LGET CONST LSET BR_IF JUMP IFZ LTEE DROP CALL RETURN NUM2 NUM1 GGET GSET LGET2 LGET_CONST
I32_ADD I32_SUB I32_ADDI LGET_ADDI I32_LOAD I32_STORE LOAD STORE LADDI_SET LCOPY LGET_LOAD
LGET_NUM2 CONST_NUM2 LGET2_ADD LCONST_SET I32_WRAP_I64
BR_LT_S BR_GE_S BR_LT_U BR_GE_U BR_EQ BR_NE BR_GT_S BR_LE_S BR_GT_U BR_LE_U
I32_LT_S I32_EQZ I32_EQ I32_NE I32_LT_U I32_GT_S I32_GT_U I32_LE_S I32_GE_S I32_LE_U I32_GE_U
I32_AND I32_OR I32_XOR I32_MUL I32_SHL
I32_SHR_U I32_SHR_S I32_ROTL I64_ADD I64_SUB I64_MUL I64_AND I64_OR I64_XOR I64_SHL I64_SHR_U
I64_EQZ I64_EQ I64_NE
F64_MUL F64_ADD F64_SUB F64_MUL_L F64_ADD_L F64_SUB_L F64_MUL_K F64_ADD_K F64_SUB_K
F64_MUL_LL F64_ADD_LL F64_SUB_LL F64_GT F64_LT F64_GE F64_LE F64_EQ F64_NE
I32_SHLI I32_SHRUI I32_ANDI I32_ROTLI I64_SHLI I64_SHRUI
SELECT BR_ADJ BR_IF_ADJ BR_TABLE CALL_INDIRECT RETURN_CALL RETURN_CALL_INDIRECT CALL_REF
RETURN_CALL_REF MISC REF_IS_NULL REF_FUNC UNREACHABLE NUM3 BR_ON_NULL BR_ON_NON_NULL
REF_AS_NON_NULL
""".split()
OPS: dict[str, int] = {name: i for i, name in enumerate(_NAMES)}
globals().update(OPS)
# compare-and-branch superinstructions: the i32 comparison they fuse with br_if, and the one
# for the opposite condition (an `if` jumps to its else arm when the comparison is false)
_CMP_BRANCH = {I32_LT_S: BR_LT_S, I32_GE_S: BR_GE_S, I32_LT_U: BR_LT_U, I32_GE_U: BR_GE_U,
               I32_EQ: BR_EQ, I32_NE: BR_NE, I32_GT_S: BR_GT_S, I32_LE_S: BR_LE_S,
               I32_GT_U: BR_GT_U, I32_LE_U: BR_LE_U}
_CMP_NEGATED = {I32_LT_S: BR_GE_S, I32_GE_S: BR_LT_S, I32_LT_U: BR_GE_U, I32_GE_U: BR_LT_U,
                I32_EQ: BR_NE, I32_NE: BR_EQ, I32_GT_S: BR_LE_S, I32_LE_S: BR_GT_S,
                I32_GT_U: BR_LE_U, I32_LE_U: BR_GT_U}
BRANCH_OPS = {BR_IF, JUMP, IFZ, *_CMP_BRANCH.values()}   # imm is a Label
BRANCH_ADJ_OPS = {BR_ADJ, BR_IF_ADJ}                 # imm is (Label, height, arity)
# typed-reference branches (3.0): imm is (Label, height, arity), height -1 when nothing is dropped
BRANCH_ON_NULL_OPS = {BR_ON_NULL, BR_ON_NON_NULL}

# Wasm ops the loop executes inline (trivially exact: integer mask/shift, comparisons).
_INLINE = {
    Op.I32_ADD: I32_ADD, Op.I32_SUB: I32_SUB, Op.I32_MUL: I32_MUL, Op.I32_AND: I32_AND,
    Op.I32_OR: I32_OR, Op.I32_XOR: I32_XOR, Op.I32_SHL: I32_SHL, Op.I32_SHR_U: I32_SHR_U,
    Op.I32_EQZ: I32_EQZ, Op.I32_EQ: I32_EQ, Op.I32_NE: I32_NE, Op.I32_LT_S: I32_LT_S,
    Op.I32_LT_U: I32_LT_U, Op.I32_GT_S: I32_GT_S, Op.I32_GT_U: I32_GT_U, Op.I32_LE_S: I32_LE_S,
    Op.I32_LE_U: I32_LE_U, Op.I32_GE_S: I32_GE_S, Op.I32_GE_U: I32_GE_U,
    Op.I64_ADD: I64_ADD, Op.I64_SUB: I64_SUB, Op.I64_AND: I64_AND, Op.I64_OR: I64_OR,
    Op.I64_XOR: I64_XOR, Op.I64_EQZ: I64_EQZ, Op.I64_EQ: I64_EQ, Op.I64_NE: I64_NE,
    Op.I32_SHR_S: I32_SHR_S, Op.I32_ROTL: I32_ROTL, Op.I64_MUL: I64_MUL, Op.I64_SHL: I64_SHL,
    Op.I64_SHR_U: I64_SHR_U, Op.I32_WRAP_I64: I32_WRAP_I64,
    # f64 comparisons: Python's float comparisons are IEEE comparisons (false on NaN, ne true)
    Op.F64_GT: F64_GT, Op.F64_LT: F64_LT, Op.F64_GE: F64_GE, Op.F64_LE: F64_LE, Op.F64_EQ: F64_EQ,
    Op.F64_NE: F64_NE,
}
# f64 add/sub/mul run inline when the result is not a NaN (a Python float op is the IEEE double
# op); a NaN result is recomputed by the numerics function in the immediate, which owns the NaN
# rules.  Variants take the right operand from a local (_L), a constant (_K) or both from locals.
_F64_ARITH = {Op.F64_ADD: F64_ADD, Op.F64_SUB: F64_SUB, Op.F64_MUL: F64_MUL}
_F64_FORMS = {F64_ADD: (F64_ADD_L, F64_ADD_K, F64_ADD_LL),
              F64_SUB: (F64_SUB_L, F64_SUB_K, F64_SUB_LL),
              F64_MUL: (F64_MUL_L, F64_MUL_K, F64_MUL_LL)}
# Binary ops with a constant right operand: the fused op and how the constant is reduced.
_KFORM = {I32_SHL: (I32_SHLI, 31), I32_SHR_U: (I32_SHRUI, 31), I32_ROTL: (I32_ROTLI, 31),
          I64_SHL: (I64_SHLI, 63), I64_SHR_U: (I64_SHRUI, 63), I32_AND: (I32_ANDI, None)}

# 3.0 instructions, looked up softly so that the engine does not depend on the table's 3.0 rows
_RETURN_CALL = getattr(Op, "RETURN_CALL", -1)
_RETURN_CALL_INDIRECT = getattr(Op, "RETURN_CALL_INDIRECT", -1)
_CALL_REF = getattr(Op, "CALL_REF", -1)
_RETURN_CALL_REF = getattr(Op, "RETURN_CALL_REF", -1)
_REF_AS_NON_NULL = getattr(Op, "REF_AS_NON_NULL", -1)
_BR_ON_NULL = getattr(Op, "BR_ON_NULL", -1)
_BR_ON_NON_NULL = getattr(Op, "BR_ON_NON_NULL", -1)
# exception handling (3.0, and the legacy instructions): lowered by _Lowerer.exception_op
_TRY_TABLE = getattr(Op, "TRY_TABLE", -1)
_TRY = getattr(Op, "TRY", -1)
_CATCH = getattr(Op, "CATCH", -1)
_CATCH_ALL = getattr(Op, "CATCH_ALL", -1)
_DELEGATE = getattr(Op, "DELEGATE", -1)
_EXN_BLOCKS = frozenset({_TRY_TABLE, _TRY}) - {-1}          # open a block
_EXN_OPS = frozenset({getattr(Op, "THROW", -1), getattr(Op, "THROW_REF", -1),
                      getattr(Op, "RETHROW", -1), _TRY_TABLE, _TRY, _CATCH, _CATCH_ALL,
                      _DELEGATE}) - {-1}
# GC instructions (3.0): lowered by _Lowerer.gc from exec/gc.py's descriptions
_GC_OPS = GC_OPS

_MISC_BY_OP = {
    Op.TABLE_GET: H.table_get, Op.TABLE_SET: H.table_set, Op.TABLE_SIZE: H.table_size,
    Op.TABLE_GROW: H.table_grow, Op.TABLE_FILL: H.table_fill, Op.TABLE_COPY: H.table_copy,
    Op.TABLE_INIT: H.table_init, Op.ELEM_DROP: H.elem_drop, Op.MEMORY_INIT: H.memory_init,
    Op.DATA_DROP: H.data_drop, Op.MEMORY_COPY: H.memory_copy, Op.MEMORY_FILL: H.memory_fill,
    Op.MEMORY_SIZE: H.memory_size, Op.MEMORY_GROW: H.memory_grow,
}
# stack effect (pops, pushes) of the misc instructions
_MISC_EFFECT = {
    Op.TABLE_GET: (1, 1), Op.TABLE_SET: (2, 0), Op.TABLE_SIZE: (0, 1), Op.TABLE_GROW: (2, 1),
    Op.TABLE_FILL: (3, 0), Op.TABLE_COPY: (3, 0), Op.TABLE_INIT: (3, 0), Op.ELEM_DROP: (0, 0),
    Op.MEMORY_INIT: (3, 0), Op.DATA_DROP: (0, 0), Op.MEMORY_COPY: (3, 0), Op.MEMORY_FILL: (3, 0),
    Op.MEMORY_SIZE: (0, 1), Op.MEMORY_GROW: (1, 1),
}
_MISC_ARG = {Imm.TABLE: lambda imm: imm[0], Imm.MEMORY: lambda imm: imm[0],
             Imm.ELEM: lambda imm: imm[0], Imm.DATA: lambda imm: imm[0],
             Imm.TABLE_COPY: tuple, Imm.TABLE_INIT: tuple, Imm.MEMORY_COPY: tuple,
             Imm.MEMORY_INIT: tuple}


class Code:
    """A lowered function body."""

    __slots__ = ("instrs", "costs", "offsets", "nparams", "nresults", "zeros", "func_index",
                 "handlers")

    def __init__(self, instrs, costs, offsets, nparams, nresults, zeros, func_index):
        self.instrs = instrs          # list[(op, imm)]
        self.costs = costs            # list[int]: wasm instructions per lowered op
        self.offsets = offsets        # list[int | None]: byte offset of each op
        self.nparams = nparams
        self.nresults = nresults
        self.zeros = zeros            # initial values of the declared locals
        self.func_index = func_index
        # exception handlers (3.0), None without try_table/try: see _Lowerer.exception_op
        self.handlers = None


class Label:
    __slots__ = ("pc",)

    def __init__(self):
        self.pc = None


class _Ctrl:
    __slots__ = ("kind", "height", "nparams", "nresults", "start", "end", "else_", "handler",
                 "slot")

    def __init__(self, kind, height, nparams, nresults, start=None, end=None, else_=None):
        self.handler = None           # try_table / legacy try: its index in _Lowerer.handlers
        self.slot = -1                # legacy try: the hidden local holding the caught exception
        self.kind = kind
        self.height = height          # operand height below the block's params
        self.nparams = nparams
        self.nresults = nresults
        self.start = start            # loop: its first pc
        self.end = end                # block/if/func: the pc after `end`
        self.else_ = else_            # if: the pc of the else arm (or of `end` without else)


def lower_function(module, defined_index: int, func_types=None, canon=None,
                   types=None) -> Code:
    """Lower defined function `defined_index` of a validated `syntax.Module`.  `canon` is the
    canonical type id of each type index (runtime/rtt.py), which indirect calls check against;
    `types` the TypeRegistry those ids come from (GC casts walk its `ancestors`)."""
    if func_types is None:
        func_types = [module.types[i] for i in module.func_type_indices()]
    if canon is None:
        from ..runtime.rtt import TypeRegistry
        types = TypeRegistry()
        canon = types.module_types(module)
    func = module.funcs[defined_index]
    ftype = module.types[func.type_index]
    index = len(func_types) - len(module.funcs) + defined_index
    lowerer = _Lowerer(module, func_types, ftype, canon)
    lowerer.types = types
    lowerer.nlocals = len(ftype.params) + len(func.locals)
    lowerer.run(func.body)
    instrs, costs, offsets = lowerer.finish()
    zeros = [default_value(t) for t in func.locals]
    zeros += [None] * lowerer.slots          # legacy try: caught exceptions, for rethrow
    code = Code(instrs, costs, offsets, len(ftype.params), len(ftype.results), zeros, index)
    if lowerer.handlers:
        code.handlers = lowerer.handler_table()
    return code


class _Lowerer:
    def __init__(self, module, func_types, ftype, canon):
        from .. import numerics
        self.canon = canon
        self.numeric = numerics.NUMERIC
        self.module = module
        self.func_types = func_types
        self.ftype = ftype
        self.out: list[list] = []     # [op, imm, cost, offset]
        self.barrier = 0              # no fusion with instructions before this index
        self.h = 0
        self.ctrl: list[_Ctrl] = []
        self.handlers: list[list] = []   # exception handlers, see exception_op
        self.nlocals = 0                 # params + declared locals
        self.slots = 0                   # hidden locals after them (legacy try)

    # ---- emission ----
    def place(self, label: Label) -> None:
        label.pc = len(self.out)
        self.barrier = len(self.out)

    def emit(self, op: int, imm=None, offset=None, cost: int = 1) -> None:
        out = self.out
        prev = out[-1] if len(out) > self.barrier else None
        if prev is not None and prev[0] == LGET_CONST and (
                (op in _KFORM and type(prev[1][1]) is int) or
                (op in _F64_FORMS and type(prev[1][1]) is float)):
            # split `local.get a; const c` so the constant can fuse with `op`
            local, constant = prev[1]
            prev[0], prev[1], prev[2] = LGET, local, prev[2] - 1
            prev = [CONST, constant, 1, prev[3]]
            out.append(prev)
        if prev is not None:
            fused = _fuse(prev, op, imm)
            if fused is not None:
                prev[0], prev[1] = fused
                prev[2] += cost
                prev[3] = offset
                return
        out.append([op, imm, cost, offset])

    def finish(self):
        instrs, costs, offsets = [], [], []
        for op, imm, cost, offset in self.out:
            if op in BRANCH_OPS:
                imm = imm.pc
            elif op in BRANCH_ADJ_OPS or op in BRANCH_ON_NULL_OPS:
                imm = (imm[0].pc, imm[1], imm[2])
            elif op == BR_TABLE:
                table, default = imm
                imm = (tuple((t.pc, hh, a) for t, hh, a in table), (default[0].pc,) + default[1:])
            instrs.append((op, imm))
            costs.append(cost)
            offsets.append(offset)
        return instrs, costs, offsets

    # ---- branches ----
    def block_arity(self, blocktype) -> tuple[int, int]:
        if blocktype is None:
            return 0, 0
        if isinstance(blocktype, int):
            ft = self.module.types[blocktype]
            return len(ft.params), len(ft.results)
        return 0, 1

    def target(self, depth: int):
        """(label, height, arity, drop) of a branch to `depth` from the current height."""
        entry = self.ctrl[-1 - depth]
        if entry.kind == "loop":
            label, arity = entry.start, entry.nparams
        else:
            label, arity = entry.end, entry.nresults
        if entry.kind == "func":          # RETURN keeps the top values: nothing to discard
            return label, entry.height, arity, 0
        return label, entry.height, arity, self.h - arity - entry.height

    # ---- the walk ----
    def run(self, body) -> None:
        ft = self.ftype
        ret = Label()
        self.ctrl.append(_Ctrl("func", 0, 0, len(ft.results), end=ret))
        dead = False
        dead_depth = 0
        for ins in body:
            op = ins.op
            if dead:
                if op in (Op.BLOCK, Op.LOOP, Op.IF) or op in _EXN_BLOCKS:
                    dead_depth += 1
                elif op == Op.END or op == _DELEGATE:
                    if dead_depth:
                        dead_depth -= 1
                    elif op == _DELEGATE:
                        self.exception_op(op, ins.imm, ins.offset, reachable=False)
                        dead = False
                    else:
                        self.end_block()
                        dead = False
                elif op == Op.ELSE and not dead_depth:
                    self.else_arm(reachable=False)
                    dead = False
                elif (op == _CATCH or op == _CATCH_ALL) and not dead_depth:
                    self.exception_op(op, ins.imm, ins.offset, reachable=False)
                    dead = False
                continue
            dead = self.instr(ins)

    def end_block(self) -> None:
        entry = self.ctrl.pop()
        if entry.kind == "try_table" or entry.kind == "try":
            self.handlers[entry.handler][1] = len(self.out)    # the protected range ends
            self.barrier = len(self.out)
        if entry.kind == "if":
            self.place(entry.else_)
        if entry.kind != "loop":
            self.place(entry.end)
        self.h = entry.height + entry.nresults
        if entry.kind == "func":
            self.emit(RETURN, entry.nresults)

    def else_arm(self, reachable: bool, offset=None) -> None:
        entry = self.ctrl[-1]
        if reachable:
            self.emit(JUMP, entry.end, offset, cost=0)
        self.place(entry.else_)
        entry.else_ = Label()          # `end` places it too: harmless (same pc as `end`)
        self.h = entry.height + entry.nparams

    def branch(self, depth: int, offset) -> None:
        label, height, arity, drop = self.target(depth)
        if drop:
            self.emit(BR_ADJ, (label, height, arity), offset)
        else:
            self.emit(JUMP, label, offset)

    def instr(self, ins) -> bool:
        """Lower one reachable instruction; True when the code after it is dead."""
        op, imm, offset = ins.op, ins.imm, ins.offset
        emit = self.emit
        if op == Op.LOCAL_GET:
            emit(LGET, imm[0], offset)
            self.h += 1
        elif op == Op.LOCAL_SET:
            emit(LSET, imm[0], offset)
            self.h -= 1
        elif op == Op.LOCAL_TEE:
            emit(LTEE, imm[0], offset)
        elif op in (Op.I32_CONST, Op.I64_CONST, Op.V128_CONST):
            emit(CONST, imm[0], offset)
            self.h += 1
        elif op == Op.F32_CONST:
            from ..numerics.floats import f32_from_bits
            emit(CONST, f32_from_bits(imm[0]), offset)
            self.h += 1
        elif op == Op.F64_CONST:
            from ..numerics.floats import f64_from_bits
            emit(CONST, f64_from_bits(imm[0]), offset)
            self.h += 1
        elif op == Op.GLOBAL_GET:
            emit(GGET, imm[0], offset)
            self.h += 1
        elif op == Op.GLOBAL_SET:
            emit(GSET, imm[0], offset)
            self.h -= 1
        elif op in _INLINE:
            emit(_INLINE[op], None, offset)
            self.h += len(INFO[op].sig[1]) - len(INFO[op].sig[0])
        elif op in _F64_ARITH:
            emit(_F64_ARITH[op], self.numeric[op], offset)
            self.h += len(INFO[op].sig[1]) - len(INFO[op].sig[0])
        elif op == Op.BLOCK:
            np, nr = self.block_arity(imm[0])
            self.ctrl.append(_Ctrl("block", self.h - np, np, nr, end=Label()))
        elif op == Op.LOOP:
            np, nr = self.block_arity(imm[0])
            start = Label()
            self.place(start)
            self.ctrl.append(_Ctrl("loop", self.h - np, np, nr, start=start))
        elif op == Op.IF:
            np, nr = self.block_arity(imm[0])
            self.h -= 1
            entry = _Ctrl("if", self.h - np, np, nr, end=Label(), else_=Label())
            self.ctrl.append(entry)
            emit(IFZ, entry.else_, offset)
        elif op == Op.ELSE:
            self.else_arm(reachable=True, offset=offset)
        elif op == Op.END:
            self.end_block()
        elif op == Op.BR:
            self.branch(imm[0], offset)
            return True
        elif op == Op.BR_IF:
            self.h -= 1
            label, height, arity, drop = self.target(imm[0])
            if drop:
                emit(BR_IF_ADJ, (label, height, arity), offset)
            else:
                emit(BR_IF, label, offset)
        elif op == Op.BR_TABLE:
            self.h -= 1
            entries = []
            for depth in tuple(imm[0]) + (imm[1],):
                label, height, arity, drop = self.target(depth)
                entries.append((label, height if drop else -1, arity))
            emit(BR_TABLE, (tuple(entries[:-1]), entries[-1]), offset)
            return True
        elif op == Op.RETURN:
            emit(RETURN, len(self.ftype.results), offset)
            return True
        elif op == Op.UNREACHABLE:
            emit(UNREACHABLE, None, offset)
            return True
        elif op == Op.NOP:
            pass
        elif op == Op.CALL:
            ft = self.func_types[imm[0]]
            emit(CALL, imm[0], offset)
            self.h += len(ft.results) - len(ft.params)
        elif op == Op.CALL_INDIRECT:
            ft = self.module.types[imm[0]]
            emit(CALL_INDIRECT, (ft, imm[1], self.canon[imm[0]]), offset)
            self.h += len(ft.results) - len(ft.params) - 1
        elif op == _RETURN_CALL or op == _RETURN_CALL_INDIRECT:
            # tail calls (3.0): the callee replaces this frame; a RETURN follows for host
            # callees, whose results land on this frame's stack
            if op == _RETURN_CALL:
                emit(RETURN_CALL, imm[0], offset)
            else:
                emit(RETURN_CALL_INDIRECT, (self.module.types[imm[0]], imm[1],
                                            self.canon[imm[0]]), offset)
            emit(RETURN, len(self.ftype.results), offset, cost=0)
            return True
        elif op == _CALL_REF:
            ft = self.module.types[imm[0]]
            emit(CALL_REF, None, offset)
            self.h += len(ft.results) - len(ft.params) - 1
        elif op == _RETURN_CALL_REF:
            emit(RETURN_CALL_REF, None, offset)
            emit(RETURN, len(self.ftype.results), offset, cost=0)
            return True
        elif op == _REF_AS_NON_NULL:
            emit(REF_AS_NON_NULL, None, offset)
        elif op == _BR_ON_NULL:
            # the reference is popped for the branch and stays on the fall-through path
            self.h -= 1
            label, height, arity, drop = self.target(imm[0])
            emit(BR_ON_NULL, (label, height if drop else -1, arity), offset)
            self.h += 1
        elif op == _BR_ON_NON_NULL:
            # the (non-null) reference is the last branch operand; a null is dropped
            label, height, arity, drop = self.target(imm[0])
            emit(BR_ON_NON_NULL, (label, height if drop else -1, arity), offset)
            self.h -= 1
        elif op == Op.DROP:
            emit(DROP, None, offset)
            self.h -= 1
        elif op in (Op.SELECT, Op.SELECT_T):
            emit(SELECT, None, offset)
            self.h -= 2
        elif op == Op.REF_NULL:
            emit(CONST, None, offset)
            self.h += 1
        elif op == Op.REF_IS_NULL:
            emit(REF_IS_NULL, None, offset)
        elif op == Op.REF_FUNC:
            emit(REF_FUNC, imm[0], offset)
            self.h += 1
        elif op in _MISC_BY_OP:
            arg = _MISC_ARG[INFO[op].imm](imm)
            emit(MISC, (_MISC_BY_OP[op], arg), offset)
            pops, pushes = _MISC_EFFECT[op]
            self.h += pushes - pops
        elif op in _EXN_OPS:
            return self.exception_op(op, imm, offset)
        elif op in _GC_OPS:
            self.gc(op, imm, offset)
        else:
            self.other(op, imm, offset)
        return False

    # ---- WebAssembly 3.0 GC (semantics in exec/gc.py) ----
    def gc(self, op, imm, offset) -> None:
        """A GC instruction: a NUM op for pure operand -> result functions, MISC otherwise;
        br_on_cast(_fail) is a MISC pushing the branch condition (the reference stays) followed
        by a free br_if."""
        from . import gc
        ctx = gc.Context(self.module, self.canon, self._registry())
        kind = gc.semantics(op, imm, ctx)
        if kind[0] == "fn":
            n = kind[1]
            self.emit((NUM1, NUM2, NUM3)[n - 1], kind[2], offset)
            self.h += 1 - n
        elif kind[0] == "misc":
            _, handler, arg, pops, pushes = kind
            self.emit(MISC, (handler, arg), offset)
            self.h += pushes - pops
        else:
            _, test, on_success = kind
            self.emit(MISC, (gc_branch_condition, (test, on_success)), offset)
            label, height, arity, drop = self.target(imm[0])
            if drop:
                self.emit(BR_IF_ADJ, (label, height, arity), offset, cost=0)
            else:
                self.emit(BR_IF, label, offset, cost=0)

    def _registry(self):
        reg = getattr(self, "types", None)
        if reg is None:       # canonical ids without their registry: casts cannot be checked
            raise WasmError("lowering GC code needs the TypeRegistry of its canonical ids")
        return reg

    # ---- WebAssembly 3.0 exception handling (run-time side: exec/exceptions.py) ----
    def exception_op(self, op, imm, offset, reachable: bool = True) -> bool:
        """throw, throw_ref, try_table and the legacy try/catch/catch_all/delegate/rethrow;
        True when the code after is dead.  A try_table or legacy try body becomes a protected
        pc range (an entry of self.handlers: [start, end, outer, clauses], see
        exec/exceptions.py); its ends are fusion barriers, so each range holds whole ops."""
        from . import exceptions as X
        if op == Op.THROW:
            n = len(self.tag_params(imm[0]))
            self.emit(MISC, (X.throw, (imm[0], n)), offset)
            self.h -= n
            return True
        if op == Op.THROW_REF:
            self.emit(MISC, (X.throw_ref, None), offset)
            self.h -= 1
            return True
        if op == Op.RETHROW:           # the exception the catch at label imm[0] holds
            self.emit(LGET, self.ctrl[-1 - imm[0]].slot, offset)
            self.emit(MISC, (X.throw_ref, None), offset, cost=0)
            return True
        if op == _TRY_TABLE:
            blocktype, catches = imm
            clauses = []
            for kind, tag, depth in catches:   # labels count from outside the try_table
                label, height, _arity, _drop = self.target(depth)
                clauses.append((tag, label, height, kind < 2, kind in (1, 3), -1))
            np, nr = self.block_arity(blocktype)
            entry = _Ctrl("try_table", self.h - np, np, nr, end=Label())
            entry.handler = self.open_handler(clauses)
            self.ctrl.append(entry)
            return False
        if op == _TRY:
            np, nr = self.block_arity(imm[0])
            entry = _Ctrl("try", self.h - np, np, nr, end=Label())
            entry.slot = self.nlocals + self.slots
            self.slots += 1
            entry.handler = self.open_handler([])
            self.ctrl.append(entry)
            return False
        if op == _CATCH or op == _CATCH_ALL:
            entry = self.ctrl[-1]
            if reachable:                  # the body (or previous catch) is done: go to end
                self.emit(JUMP, entry.end, offset, cost=0)
            handler = self.handlers[entry.handler]
            if entry.kind == "try":        # the protected body ends at the first catch
                handler[1] = len(self.out)
                entry.kind = "catch"
            start = Label()
            self.place(start)
            tag = imm[0] if op == _CATCH else None
            handler[3].append((tag, start, entry.height, tag is not None, False, entry.slot))
            self.h = entry.height + (len(self.tag_params(tag)) if tag is not None else 0)
            return False
        if op == _DELEGATE:
            # unmatched exceptions go to the handler of label imm[0] (counted from outside
            # this try): the innermost protected range enclosing that label, itself included
            self.handlers[self.ctrl[-1].handler][2] = \
                self.enclosing_handler(len(self.ctrl) - 1 - imm[0])
            self.end_block()
            return False
        raise WasmError(f"cannot lower instruction {INFO[op].name}")

    def tag_params(self, index: int):
        return self.module.types[self.module.all_tags()[index].type_index].params

    def enclosing_handler(self, limit: int) -> int:
        """The handler of the innermost try_table / legacy try body among ctrl[:limit] (a
        legacy try already in its catch arms protects nothing), or -1."""
        for entry in reversed(self.ctrl[:limit]):
            if entry.kind == "try_table" or entry.kind == "try":
                return entry.handler
        return -1

    def open_handler(self, clauses: list) -> int:
        self.barrier = len(self.out)
        self.handlers.append([len(self.out), None, self.enclosing_handler(len(self.ctrl)),
                              clauses])
        return len(self.handlers) - 1

    def handler_table(self) -> tuple:
        """The handlers with labels resolved to pcs (Code.handlers)."""
        return tuple((start, end, outer, tuple((tag, label.pc, height, payload, ref, slot)
                                               for tag, label, height, payload, ref, slot
                                               in clauses))
                     for start, end, outer, clauses in self.handlers)

    def other(self, op, imm, offset) -> None:
        """Memory accesses, numeric instructions (scalar and SIMD) and SIMD lane instructions."""
        info = INFO[op]
        emit = self.emit
        name = info.name
        kind = info.imm
        if info.sig is None:
            raise WasmError(f"cannot lower instruction {name}")
        self.h += len(info.sig[1]) - len(info.sig[0])
        if kind == Imm.MEMARG:
            _align, mem_offset, memidx = imm
            if self.module.all_memories()[memidx].is_64:
                # memory64: an effective address can exceed what a bytearray index takes
                if name in H.LOADS:
                    emit(MISC, (H.load_mem64, (H.LOADS[name], mem_offset, memidx)), offset)
                else:
                    emit(MISC, (H.store_mem64, (H.STORES[name], mem_offset, memidx)), offset)
                return
            if name in H.LOADS:
                fn = H.LOADS[name]
                if memidx:
                    emit(MISC, (H.load_mem, (fn, mem_offset, memidx)), offset)
                elif name == "i32.load":
                    emit(I32_LOAD, mem_offset, offset)
                else:
                    emit(LOAD, (fn, mem_offset), offset)
            else:
                fn = H.STORES[name]
                if memidx:
                    emit(MISC, (H.store_mem, (fn, mem_offset, memidx)), offset)
                elif name == "i32.store":
                    emit(I32_STORE, mem_offset, offset)
                else:
                    emit(STORE, (fn, mem_offset), offset)
            return
        if kind == Imm.MEMARG_LANE:
            _align, mem_offset, memidx, lane = imm
            is_64 = self.module.all_memories()[memidx].is_64
            if name in H.LANE_LOADS:
                fn = H.lane_loader(H.LANE_LOADS[name])
                handler = H.load_lane64 if is_64 else H.load_lane
            else:
                fn = H.lane_storer(H.LANE_STORES[name])
                handler = H.store_lane64 if is_64 else H.store_lane
            emit(MISC, (handler, (fn, mem_offset, memidx, lane)), offset)
            return
        nparams = len(info.sig[0])
        if kind == Imm.LANE:
            fn = _simd_function(name)
            lane = imm[0]
            if nparams == 1:
                emit(NUM1, lambda v, _f=fn, _l=lane: _f(v, _l), offset)
            else:
                emit(NUM2, lambda v, x, _f=fn, _l=lane: _f(v, x, _l), offset)
            return
        if kind == Imm.SHUFFLE:
            fn = _simd_function(name)
            lanes = tuple(imm[0])
            emit(NUM2, lambda a, b, _f=fn, _l=lanes: _f(a, b, _l), offset)
            return
        fn = self.numeric.get(op)
        if fn is None:
            from ..numerics import simd
            fn = simd.SIMD_OPS.get(op)
        if fn is None or kind != Imm.NONE:
            raise WasmError(f"cannot lower instruction {name}: no semantics in numerics")
        emit((NUM1, NUM2, NUM3)[nparams - 1], fn, offset)


def gc_branch_condition(S, inst, arg) -> None:
    """br_on_cast / br_on_cast_fail: push whether to branch, keeping the reference."""
    test, on_success = arg
    S.append(1 if test(S[-1]) is on_success else 0)


def _simd_function(name: str):
    """The function `numerics.simd.<name>` of a lane-immediate SIMD instruction."""
    from ..numerics import simd
    fn = getattr(simd, name.replace(".", "_"), None)
    if fn is None:
        raise WasmError(f"cannot lower instruction {name}: no semantics in numerics.simd")
    return fn


def _fuse(prev: list, op: int, imm):
    """The superinstruction for `prev` followed by `op`, or None.  Every fused op does exactly
    what its parts did in order, so stack heights and trap behaviour are unchanged."""
    p = prev[0]
    pimm = prev[1]
    if op == LGET:
        if p == LGET:
            return LGET2, (pimm, imm)
        if p == LSET and pimm == imm:
            return LTEE, imm
    elif op == CONST:
        if p == LGET:
            return LGET_CONST, (pimm, imm)
    elif op == LSET:
        if p == LGET_ADDI:
            return LADDI_SET, (pimm[0], pimm[1], imm)
        if p == LGET:
            return LCOPY, (pimm, imm)
        if p == CONST:
            return LCONST_SET, (pimm, imm)
    elif op in _F64_FORMS:
        local_form, const_form, locals_form = _F64_FORMS[op]
        if p == LGET:
            return local_form, (pimm, imm)
        if p == CONST and type(pimm) is float:
            return const_form, (pimm, imm)
        if p == LGET2:
            return locals_form, (pimm[0], pimm[1], imm)
    elif op in _KFORM:
        if p == CONST and type(pimm) is int:
            fused, mask = _KFORM[op]
            return fused, pimm if mask is None else pimm & mask
    if op == I32_ADD or op == I32_SUB:
        if p == LGET_CONST and type(pimm[1]) is int:
            return LGET_ADDI, (pimm[0], pimm[1] if op == I32_ADD else -pimm[1])
        if p == CONST and type(pimm) is int:
            return I32_ADDI, pimm if op == I32_ADD else -pimm
        if p == LGET2 and op == I32_ADD:
            return LGET2_ADD, pimm
    elif op == I32_LOAD:
        if p == LGET:
            return LGET_LOAD, (pimm, imm)
    elif op == NUM2:
        if p == LGET:
            return LGET_NUM2, (pimm, imm)
        if p == CONST:
            return CONST_NUM2, (pimm, imm)
    elif op == BR_IF:
        if p == I32_EQZ:
            return IFZ, imm
        if p in _CMP_BRANCH:
            return _CMP_BRANCH[p], imm
    elif op == IFZ:
        if p == I32_EQZ:
            return BR_IF, imm
        if p in _CMP_NEGATED:
            return _CMP_NEGATED[p], imm
    return None
