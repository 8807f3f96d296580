"""The fast tier: each wasm function becomes a Python function (source generated, `compile`d once per
module function, bound per instance), so CPython's own bytecode loop runs the wasm code.

Translation (`_Translator`), done lazily at a function's first call:
- wasm locals are Python locals `l0, l1...`; the operand stack is resolved at translation time into
  expression strings (pure, non-trapping operations nest: `(l0 + 1) & 0xFFFFFFFF`), and any
  operation that may trap, read memory or call out is assigned to a fresh temporary `tN` on its own
  source line, so traps happen in wasm order and each line maps to one wasm instruction offset
  (trap backtraces come from the Python traceback: `co_filename == FILENAME`, line -> offset);
- structured control flow: a block, loop or if that some branch targets becomes `while True:`
  ending in `break`; a branch to the innermost such construct is `break` (or `continue` for a
  loop), a branch further out sets `_br` to the target's id and breaks, and every construct it
  crossed re-dispatches after its `while`; block results and loop parameters go through fixed
  variables `rK_i` / `pK_i`; code after an unconditional branch is dropped;
- comparisons stay Python booleans when a branch, `if` or `select` consumes them, 32/64-bit
  masking happens only after operations that can leave the range; f32/f64 arithmetic runs inline
  when the result is an ordinary number and falls back to `numerics` (which owns the NaN rules)
  otherwise; every other numeric instruction calls its `numerics.NUMERIC` function, the table and
  memory instructions call `exec.handlers`, so instructions added to `opcodes.INFO` later either
  work through those tables or make the translator raise `_Unsupported`: that function then runs
  on the interpreter (wrapped so that it can be called like a compiled one).
- wasm -> wasm calls are Python calls `F5(d1, a, b)`; `d` is the number of further frames this
  call may use before the Python recursion limit is near (or the wasm `max_call_depth`, whichever
  is closer).  A function entered with `d < 1` runs on the interpreter from that depth (explicit
  frame stack, exact `max_call_depth`), so deep recursion ends in `Exhausted("call stack
  exhausted")` and never in a RecursionError.
- Hot loops: before a `while True:` emitted for a wasm `loop`, a call to an `exec.vectorize` plan
  (`LoopPlan` for straight-line bodies, `TracePlan` for bodies with calls, blocks and inner loops)
  may run the loop's first iterations as numpy array code, bit-identical to the scalar loop, and
  hands back the locals; the scalar loop then goes on from there (`PYWASM_CORE_NUMPY=0` turns the
  plans off).
- GC and typed references (3.0): struct/array accesses, struct allocation, i31, ref.eq and casts
  are inlined with their null/bounds checks, the other GC instructions call the closures and
  handlers of exec/gc.py (the interpreter's), call_ref is a direct call; call_indirect checks the
  callee's canonical type id (runtime/rtt.py), so declared subtypes pass.
- Fuel: a store with fuel set runs on the interpreter (`interp.invoke` decides), so metered totals
  are exactly the interpreter's.
- Exceptions (3.0): `throw` is a Python `raise` of `errors.WasmException`; a `try_table` is a
  `while True:` (its block) around `try:` / `except WasmException:`, whose clauses branch to their
  labels; a legacy `try` has the same shape with its catch arms inside the `except` (`rethrow`
  re-raises the arm's `_c<id>`); a function with a legacy `delegate` runs on the interpreter.

Calling convention of compiled callables: `fn(d, *args)` with engine values, returning None (no
result), the value (one result) or a tuple (several).

Legend of the generated names: `lN` local N, `tN` temporary, `rK_i` / `pK_i` result / loop
parameter i of the construct at body position K, `_br` pending multi-level branch (K + 1),
`d`/`d1` call budget, `M` memory 0's bytearray; per instance namespace: `F<i>` callable of
function i, `FN<i>` its Func, `G<i>` global i (`GV<i>` its value when immutable), `MEM<i>`,
`TAB<i>`, `FT<i>` type i, `INST`; per function constants `K<func>_<n>`.  Measured with
tests/exec/bench/bench_fast.py: 5-12x faster than the interpreter, 75-335x faster than
pywasm 2.2.3 (CPU time).
"""

from __future__ import annotations

import os
import re
import struct
import sys
import types

from ..errors import Exhausted, Frame, Trap, TrapCode
from ..errors import WasmException as _WasmException
from ..opcodes import INFO, Imm, Op
from ..values import default_value
from . import handlers as H
from .gc import GC_OPS

FILENAME = "<pywasm_core fast>"
M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF
_F32_LIMIT = 2.0 ** 128 - 2.0 ** 103   # doubles of at least this magnitude round to f32 infinity
_MAX_PYLOOPS = 18                      # CPython allows 20 statically nested loops
# deeper targeted blocks are flag-guarded instead (the variable lets tests force the flag form)
_FLAT_AFTER = int(os.environ.get("PYWASM_CORE_FAST_FLAT_AFTER", "12"))
_MAX_INDENT = 80                       # and ~100 indentation levels
_MARGIN = 120                          # Python frames kept free for helpers and host code


class TranslationWarning(RuntimeWarning):
    """The translator failed on a function it should handle (a bug in pywasm-core): the function
    runs on the interpreter instead, so results stay right; the test suite turns this into an
    error."""


class _Unsupported(Exception):
    """The translator cannot express this function: it runs on the interpreter."""


def _numeric_table():
    from .. import numerics
    from ..numerics import simd
    table = dict(simd.SIMD_OPS)
    table.update(numerics.NUMERIC)
    return table


_NUMERIC = _numeric_table()

# ---- inline templates: A, B are operand texts (atoms or parenthesised expressions) ----
_BIN_INT = {}
for _w, _m, _sb in (("i32", M32, 0x80000000), ("i64", M64, 1 << 63)):
    _BIN_INT.update({
        f"{_w}.add": ("v", f"(({{A}} + {{B}}) & {_m})"),
        f"{_w}.sub": ("v", f"(({{A}} - {{B}}) & {_m})"),
        f"{_w}.mul": ("v", f"(({{A}} * {{B}}) & {_m})"),
        f"{_w}.and": ("v", "({A} & {B})"),
        f"{_w}.or": ("v", "({A} | {B})"),
        f"{_w}.xor": ("v", "({A} ^ {B})"),
        f"{_w}.eq": ("c", "({A} == {B})"),
        f"{_w}.ne": ("c", "({A} != {B})"),
        f"{_w}.lt_u": ("c", "({A} < {B})"),
        f"{_w}.gt_u": ("c", "({A} > {B})"),
        f"{_w}.le_u": ("c", "({A} <= {B})"),
        f"{_w}.ge_u": ("c", "({A} >= {B})"),
        f"{_w}.lt_s": ("c", f"(({{A}} ^ {_sb}) < ({{B}} ^ {_sb}))"),
        f"{_w}.gt_s": ("c", f"(({{A}} ^ {_sb}) > ({{B}} ^ {_sb}))"),
        f"{_w}.le_s": ("c", f"(({{A}} ^ {_sb}) <= ({{B}} ^ {_sb}))"),
        f"{_w}.ge_s": ("c", f"(({{A}} ^ {_sb}) >= ({{B}} ^ {_sb}))"),
    })
for _w in ("f32", "f64"):
    _BIN_INT.update({
        f"{_w}.eq": ("c", "({A} == {B})"), f"{_w}.ne": ("c", "({A} != {B})"),
        f"{_w}.lt": ("c", "({A} < {B})"), f"{_w}.gt": ("c", "({A} > {B})"),
        f"{_w}.le": ("c", "({A} <= {B})"), f"{_w}.ge": ("c", "({A} >= {B})"),
    })
_UN_INLINE = {
    "i64.extend_i32_u": "{A}",
    "i64.extend_i32_s": f"((({{A}} ^ 0x80000000) - 0x80000000) & {M64})",
    "i32.wrap_i64": f"({{A}} & {M32})",
    "f64.convert_i32_u": "float({A})",
    "f64.convert_i32_s": "float(({A} ^ 0x80000000) - 0x80000000)",
    "f64.convert_i64_u": "float({A})",
    "f64.convert_i64_s": f"float(({{A}} ^ {1 << 63}) - {1 << 63})",
    "f64.neg": "(-{A})", "f32.neg": "(-{A})",
    "f64.abs": "abs({A})", "f32.abs": "abs({A})",
}
_SHIFTS = {"i32.shl", "i32.shr_u", "i32.shr_s", "i32.rotl", "i32.rotr",
           "i64.shl", "i64.shr_u", "i64.shr_s", "i64.rotl", "i64.rotr"}
_FLOAT_ARITH = {"f64.add": "+", "f64.sub": "-", "f64.mul": "*", "f64.div": "/",
                "f32.add": "+", "f32.sub": "-", "f32.mul": "*", "f32.div": "/"}

# inline loads from memory 0: name -> template over M (the bytearray) and E (effective address)
_LOADS = {
    "i32.load": "U32(M, {E})[0]", "i64.load": "U64(M, {E})[0]", "f64.load": "UD(M, {E})[0]",
    "i32.load8_u": "M[{E}]", "i64.load8_u": "M[{E}]",
    "i32.load16_u": "U16(M, {E})[0]", "i64.load16_u": "U16(M, {E})[0]",
    "i64.load32_u": "U32(M, {E})[0]",
    "i32.load8_s": f"(S8(M, {{E}})[0] & {M32})", "i64.load8_s": f"(S8(M, {{E}})[0] & {M64})",
    "i32.load16_s": f"(S16(M, {{E}})[0] & {M32})", "i64.load16_s": f"(S16(M, {{E}})[0] & {M64})",
    "i64.load32_s": f"(S32(M, {{E}})[0] & {M64})",
}
_STORES = {
    "i32.store": "P32(M, {E}, {V})", "i64.store": "P64(M, {E}, {V})",
    "f64.store": "PD(M, {E}, {V})",
    "i32.store8": "M[{E}] = {V} & 255", "i64.store8": "M[{E}] = {V} & 255",
    "i32.store16": "P16(M, {E}, {V} & 65535)", "i64.store16": "P16(M, {E}, {V} & 65535)",
    "i64.store32": f"P32(M, {{E}}, {{V}} & {M32})",
}

_FLOAT = r"-?\d+\.\d*(?:e[-+]?\d+)?|-?\d+e[-+]?\d+"
_ATOM = re.compile(rf"^(?:[A-Za-z_][A-Za-z_0-9]*|-?\d+|{_FLOAT})$")
_TEMP = re.compile(rf"^(?:t\d+|r\d+_\d+|p\d+_\d+|-?\d+|{_FLOAT}|K\w+|GV\d+|FN\d+|None)$")
_INT = re.compile(r"^-?\d+$")


class _Ctrl:
    __slots__ = ("kind", "id", "nparams", "nresults", "height", "pyloop", "rvars", "pvars",
                 "reached", "escapes", "has_else", "body_start", "ptexts", "exit_of", "flat",
                 "guards", "skips", "catches")

    def __init__(self, kind, cid, nparams, nresults, height, pyloop):
        self.kind = kind
        self.id = cid
        self.nparams = nparams
        self.nresults = nresults
        self.height = height          # stack height below the construct's params
        self.pyloop = pyloop          # emitted as `while True:`
        self.rvars = [f"r{cid}_{i}" for i in range(nresults)]
        self.pvars = [f"p{cid}_{i}" for i in range(nparams)] if kind == "loop" else []
        self.reached = False          # a branch to the construct's end was emitted
        self.escapes = set()          # ids of outer targets of branches leaving through it
        self.has_else = False
        self.body_start = 0
        self.ptexts = []              # an if's parameter atoms (for the implicit else arm)
        self.exit_of = None           # a loop: the id of the block whose exit it shares
        self.flat = False             # targeted but not a `while`: branches set `_br` and the
        self.guards = []              # code after them runs under `if not _br:` guards
        self.skips = set()            # ids of targets of branches leaving through it
        self.catches = None           # a try_table: its catch clauses (3.0 exceptions)


class _Translator:
    """Turns one validated function body into the source of a Python function."""

    def __init__(self, syntax, func_types, defined_index):
        self.syntax = syntax
        self.func_types = func_types
        self.defined = defined_index
        self.func = syntax.funcs[defined_index]
        self.ftype = syntax.types[self.func.type_index]
        self.index = len(func_types) - len(syntax.funcs) + defined_index
        self.lines: list[str] = []
        self.offsets: list = []
        self.consts: dict = {}
        self.stack: list = []         # [text, is_cond]
        self.ctrl: list[_Ctrl] = []
        self.ntemp = 0
        self.uses_br = False
        self.uses_mem = False
        self.ind = 1
        self.offset = None
        self.pyloops = 0
        self._globals = None
        self._has_memory = bool(syntax.all_memories())
        self.module = None            # the compiled Module (set by _compiled): canonical types

    # ---- emission helpers ----
    def line(self, text: str, offset=None) -> None:
        self.lines.append("    " * self.ind + text)
        self.offsets.append(offset)

    def const(self, value) -> str:
        if type(value) is int:
            return str(value)
        if type(value) is float and value == value and value not in (float("inf"), float("-inf")):
            return repr(value)
        name = f"K{self.index}_{len(self.consts)}"
        self.consts[name] = value
        return name

    def temp(self) -> str:
        self.ntemp += 1
        return f"t{self.ntemp}"

    def push(self, text: str, cond: bool = False) -> None:
        self.stack.append([text, cond])

    def pop_value(self) -> str:
        text, cond = self.stack.pop()
        return f"(1 if {text} else 0)" if cond else text

    def pop_cond(self) -> str:
        """A value used as a condition: a comparison stays a Python boolean."""
        return self.stack.pop()[0]

    def pop_atom(self) -> str:
        text = self.pop_value()
        if _ATOM.match(text):
            return text
        t = self.temp()
        self.line(f"{t} = {text}", self.offset)
        return t

    def assign(self, text: str) -> str:
        """Evaluate `text` now into a fresh temporary (its own line: it may trap)."""
        t = self.temp()
        self.line(f"{t} = {text}", self.offset)
        return t

    def materialize(self, entry) -> None:
        text, cond = entry
        if cond:
            text = f"(1 if {text} else 0)"
        t = self.temp()
        self.line(f"{t} = {text}")
        entry[0], entry[1] = t, False

    def settle(self) -> None:
        """Before a construct: pending values must not depend on locals it may change."""
        for entry in self.stack:
            if entry[1] or not _TEMP.match(entry[0]):
                self.materialize(entry)

    def pushv(self, text: str) -> None:
        if len(text) > 400:
            text = self.assign(text)
        self.push(text)

    # ---- translation ----
    def run(self) -> tuple[str, list, dict]:
        body = self.func.body
        targeted = self.scan(body)
        self.targeted = targeted
        params = [f"l{i}" for i in range(len(self.ftype.params))]
        head = f"def f{self.index}(d{''.join(', ' + p for p in params)}):"
        self.line("if d < 1:")
        self.line(f"    return OVF(d, FN{self.index}, ({''.join(p + ', ' for p in params)}))")
        self.line("d1 = d - 1")
        n = len(params)
        for i, t in enumerate(self.func.locals):
            self.line(f"l{n + i} = {self.const(default_value(t))}")
        prologue = len(self.lines)
        self.ctrl.append(_Ctrl("func", -1, 0, len(self.ftype.results), 0, False))
        dead = 0
        for pos, ins in enumerate(body):
            op = ins.op
            if dead:
                if op in (Op.BLOCK, Op.LOOP, Op.IF) or op in _TRY_OPS:
                    dead += 1
                elif op == Op.END:
                    dead -= 1
                    if dead == 0:
                        dead = 0 if self.end(False) else 1
                elif op == Op.ELSE and dead == 1:
                    self.else_(False)
                    dead = 0
                elif (op == _CATCH or op == _CATCH_ALL) and dead == 1:
                    self.legacy_catch(op, ins.imm, False)
                    dead = 0
                continue
            self.offset = ins.offset
            if self.instr(pos, ins):
                dead = 1
            if not self.ctrl:
                break
        if self.uses_mem:
            self.lines.insert(prologue, "    M = MEM0.data")
            self.offsets.insert(prologue, None)
        if self.uses_br:
            self.lines.insert(prologue, "    _br = 0")
            self.offsets.insert(prologue, None)
        source = "\n".join([head] + self.lines) + "\n"
        return source, [None] + self.offsets, self.consts

    def scan(self, body) -> set:
        """Positions of the block/loop/if instructions some branch targets.  A block holding
        nothing but a loop (both without values) shares the loop's exit: its branches become
        breaks out of the loop (`self.alias[block] = loop`, the loop is in `self.exits`)."""
        self.exception_scan(body)
        ends = {}
        opened = []
        for pos, ins in enumerate(body):
            op = ins.op
            if op in (Op.BLOCK, Op.LOOP, Op.IF) or op in _TRY_OPS:
                opened.append(pos)
            elif op == Op.END and opened:
                ends[opened.pop()] = pos
        alias = {}
        for pos in sorted(ends, reverse=True):
            ins = body[pos]
            if ins.op != Op.BLOCK or ins.imm[0] is not None or pos + 1 >= len(body):
                continue
            inner = body[pos + 1]
            if inner.imm is None or inner.op not in (Op.BLOCK, Op.LOOP) \
                    or inner.imm[0] is not None or ends.get(pos + 1) != ends[pos] - 1:
                continue
            if inner.op == Op.LOOP:
                alias[pos] = pos + 1
            elif pos + 1 in alias:
                alias[pos] = alias[pos + 1]
        targeted = set()
        exits = set()
        opened = []

        def mark(depth):
            if depth < len(opened):
                t = opened[-1 - depth]
                if t in alias:
                    exits.add(alias[t])
                else:
                    targeted.add(t)
        for pos, ins in enumerate(body):
            op = ins.op
            if op in (Op.BLOCK, Op.LOOP, Op.IF):
                opened.append(pos)
            elif op in _TRY_OPS:        # catch labels count from outside; always a `while`
                if op == _TRY_TABLE:
                    for _kind, _tag, depth in ins.imm[1]:
                        mark(depth)
                targeted.add(pos)
                opened.append(pos)
            elif op == Op.END:
                if opened:
                    opened.pop()
            elif op in (Op.BR, Op.BR_IF) or op in _GC_BRANCHES:
                mark(ins.imm[0])
            elif op == Op.BR_TABLE:
                for depth in tuple(ins.imm[0]) + (ins.imm[1],):
                    mark(depth)
        self.alias = alias
        self.exits = exits
        return targeted | exits

    def block_arity(self, blocktype) -> tuple[int, int]:
        if blocktype is None:
            return 0, 0
        if isinstance(blocktype, int):
            ft = self.syntax.types[blocktype]
            return len(ft.params), len(ft.results)
        return 0, 1

    def open(self, pos, kind, blocktype) -> _Ctrl:
        np, nr = self.block_arity(blocktype)
        pyloop = pos in self.targeted
        flat = False
        if pyloop and kind != "loop" and self.pyloops >= _FLAT_AFTER:
            pyloop, flat = False, True     # CPython's nested-loop limit: a flag-guarded block
        entry = _Ctrl(kind, pos, np, nr, len(self.stack) - np, pyloop)
        entry.flat = flat
        if kind == "loop" and pos in self.exits:
            for block, loop in self.alias.items():
                if loop == pos and any(c.id == block for c in self.ctrl):
                    entry.exit_of = block
        if pyloop:
            self.pyloops += 1
            if self.pyloops > _MAX_PYLOOPS:
                raise _Unsupported("too deeply nested")
        if self.ind > _MAX_INDENT:
            raise _Unsupported("too deeply nested")
        return entry

    def start_loop_body(self, entry) -> None:
        if entry.pyloop:
            self.line("while True:")
            self.ind += 1
        entry.body_start = len(self.lines)

    def close_body(self, entry) -> None:
        if len(self.lines) == entry.body_start:
            self.line("pass")

    def guard(self) -> None:
        """Skip the rest of the current construct while a flag-guarded branch is pending."""
        self.line("if not _br:")
        self.ind += 1
        self.ctrl[-1].guards.append(len(self.lines))

    def close_guards(self, entry) -> None:
        while entry.guards:
            if len(self.lines) == entry.guards.pop():
                self.line("pass")
            self.ind -= 1

    def assign_vars(self, names, n) -> None:
        """Move the top `n` stack values into `names` (all at once)."""
        if not n:
            return
        values = [self.pop_value() for _ in range(n)][::-1]
        if names == values:
            return
        self.line(f"{', '.join(names)} = {', '.join(values)}")

    def branch(self, depth: int) -> bool:
        """Emit the statements of a branch to label `depth` (values stay on the stack).  True
        when it only set the flag of a flag-guarded block (the code after must be guarded)."""
        target = self.ctrl[-1 - depth]
        saved = list(self.stack)
        try:
            if target.kind == "func":
                n = target.nresults
                values = [self.pop_value() for _ in range(n)][::-1]
                if n == 0:
                    self.line("return", self.offset)
                elif n == 1:
                    self.line(f"return {values[0]}", self.offset)
                else:
                    self.line(f"return ({', '.join(values)})", self.offset)
                return False
            if target.kind == "loop":
                self.assign_vars(target.pvars, target.nparams)
            else:
                self.assign_vars(target.rvars, target.nresults)
                target.reached = True
            inner = None
            for entry in reversed(self.ctrl):
                if entry.pyloop:
                    inner = entry
                    break
            if inner is target:
                self.line("continue" if target.kind == "loop" else "break")
                return False
            if inner is not None and inner.exit_of == target.id:
                self.line("break")
                return False
            self.uses_br = True
            first = len(self.ctrl) - depth
            if target.id in self.alias:     # leaves through the loop sharing its exit
                while self.ctrl[first].exit_of != target.id:
                    first += 1
                first += 1
            crossed = False
            for entry in self.ctrl[first:]:
                if not crossed:           # inside a crossed `while` the break skips the rest
                    entry.skips.add(target.id)
                if entry.pyloop:
                    entry.escapes.add(target.id)
                    crossed = True
            self.line(f"_br = {target.id + 1}")
            target.skips.add(target.id)       # its `end` resets the flag
            if crossed:
                self.line("break")
                return False
            return True
        finally:
            self.stack = saved

    def end(self, reachable: bool) -> bool:
        """`end` of the innermost construct; returns whether the code after it is reachable."""
        entry = self.ctrl[-1]
        if entry.kind == "func":
            if reachable:
                self.branch(0)
            self.close_guards(entry)
            self.ctrl.pop()
            return False
        if entry.kind == "if":
            if reachable:
                self.assign_vars(entry.rvars, entry.nresults)
            self.close_guards(entry)
            self.close_body(entry)
            self.ind -= 1
            if not entry.has_else:
                # the implicit else arm passes the parameters through as results
                if entry.nresults:
                    self.line("else:")
                    self.line(f"    {', '.join(entry.rvars)} = {', '.join(entry.ptexts)}")
                reachable = True
            if entry.pyloop:
                self.line("break")
                self.ind -= 1
            after = reachable or entry.reached
            results = entry.rvars
        elif entry.pyloop or entry.flat:
            if reachable:
                self.assign_vars(entry.rvars, entry.nresults)
                if entry.pyloop:
                    self.line("break")
            self.close_guards(entry)
            self.close_body(entry)
            if entry.catches is not None:
                self.catch_clauses(entry)
            if entry.pyloop:
                self.ind -= 1
            after = reachable or entry.reached
            results = entry.rvars
        else:
            self.close_guards(entry)
            after = reachable or entry.reached
            results = None
        self.ctrl.pop()
        if entry.pyloop:
            self.pyloops -= 1
        if entry.flat and entry.id in entry.skips:
            self.line(f"if _br == {entry.id + 1}:")
            self.line("    _br = 0")
        if entry.pyloop and entry.escapes:
            self.redispatch(entry)
        elif entry.skips - {entry.id} and self.ctrl:
            self.guard()
        if results is not None:
            del self.stack[entry.height:]
            for r in results:
                self.push(r)
        elif not after:
            del self.stack[entry.height:]
        return after

    def redispatch(self, entry) -> None:
        """After a `while` that multi-level branches left: continue to their target."""
        inner = None
        depth_of = {c.id: i for i, c in enumerate(self.ctrl)}
        for outer in reversed(self.ctrl):
            if outer.pyloop:
                inner = outer
                break
        lines = []
        handled = set()
        if inner is not None and inner.id in entry.escapes:
            handled.add(inner.id)
            lines.append(f"    if _br == {inner.id + 1}:")
            lines.append("        _br = 0")
            lines.append("        continue" if inner.kind == "loop" else "        break")
        if inner is not None and inner.exit_of is not None and inner.exit_of in entry.escapes:
            handled.add(inner.exit_of)
            lines.append(f"    if _br == {inner.exit_of + 1}:")
            lines.append("        _br = 0")
            lines.append("        break")
        inner_depth = depth_of[inner.id] if inner is not None else -1
        rest = entry.escapes - handled
        # targets inside the enclosing while (flag-guarded blocks) are reached by guarding
        flat_inside = {t for t in rest if depth_of.get(t, -1) > inner_depth}
        if rest - flat_inside:
            if flat_inside:
                cond = " or ".join(f"_br == {t + 1}" for t in sorted(flat_inside))
                lines.append(f"    if not ({cond}):")
                lines.append("        break")
            else:
                lines.append("    break")
        if lines:
            self.line("if _br:")
            for text in lines:
                self.line(text)
        if flat_inside or entry.skips - entry.escapes - {entry.id}:
            self.guard()

    def else_(self, reachable: bool) -> None:
        entry = self.ctrl[-1]
        if reachable:
            self.assign_vars(entry.rvars, entry.nresults)
            entry.reached = True          # the then arm falls through to `end`
        self.close_guards(entry)
        self.close_body(entry)
        del self.stack[entry.height:]
        for t in entry.ptexts:
            self.push(t)
        self.ind -= 1
        self.line("else:")
        self.ind += 1
        entry.has_else = True
        entry.body_start = len(self.lines)

    def instr(self, pos, ins) -> bool:
        """Translate one reachable instruction; True when the code after it is dead."""
        op, imm = ins.op, ins.imm
        st = self.stack
        if op == Op.LOCAL_GET:
            self.push(f"l{imm[0]}")
        elif op == Op.LOCAL_SET or op == Op.LOCAL_TEE:
            x = imm[0]
            value = self.pop_value()
            name = f"l{x}"
            for entry in st:
                if re.search(rf"\b{name}\b", entry[0]):
                    self.materialize(entry)
            last = self.lines[-1] if self.lines else ""
            prefix = "    " * self.ind + value + " = "
            if value != name and value.startswith("t") and last.startswith(prefix) \
                    and _TEMP.match(value):
                self.lines[-1] = "    " * self.ind + f"{name} = " + last[len(prefix):]
            elif value != name:
                self.line(f"{name} = {value}", self.offset)
            if op == Op.LOCAL_TEE:
                self.push(name)
        elif op in (Op.I32_CONST, Op.I64_CONST, Op.V128_CONST):
            self.push(str(imm[0]))
        elif op == Op.F32_CONST:
            from ..numerics.floats import f32_from_bits
            self.push(self.const(f32_from_bits(imm[0])))
        elif op == Op.F64_CONST:
            from ..numerics.floats import f64_from_bits
            self.push(self.const(f64_from_bits(imm[0])))
        elif op == Op.GLOBAL_GET:
            g = imm[0]
            if self.global_mutable(g):
                self.push(self.assign(f"G{g}.val"))
            else:
                self.push(f"GV{g}")
        elif op == Op.GLOBAL_SET:
            self.line(f"G{imm[0]}.val = {self.pop_value()}", self.offset)
        elif op == Op.NOP:
            pass
        elif op == Op.DROP:
            st.pop()
        elif op in (Op.SELECT, Op.SELECT_T):
            c = self.pop_cond()
            b = self.pop_value()
            a = self.pop_value()
            self.pushv(f"({a} if {c} else {b})")
        elif op == Op.BLOCK:
            self.settle()
            entry = self.open(pos, "block", imm[0])
            self.ctrl.append(entry)
            self.start_loop_body(entry)
        elif op == Op.LOOP:
            self.settle()
            entry = self.open(pos, "loop", imm[0])
            if entry.pyloop and entry.nparams:
                self.assign_vars(entry.pvars, entry.nparams)
                for p in entry.pvars:
                    self.push(p)
            elif entry.pyloop and not entry.nresults:
                self.numpy_prefix(pos)
            self.ctrl.append(entry)
            self.start_loop_body(entry)
        elif op == Op.IF:
            c = self.pop_cond()
            self.settle()
            entry = self.open(pos, "if", imm[0])
            entry.ptexts = [e[0] for e in st[len(st) - entry.nparams:]]
            self.ctrl.append(entry)
            if entry.pyloop:
                self.line("while True:")
                self.ind += 1
            self.line(f"if {c}:", self.offset)
            self.ind += 1
            entry.body_start = len(self.lines)
        elif op == Op.ELSE:
            self.else_(True)
        elif op == Op.END:
            return not self.end(True)
        elif op == Op.BR:
            self.branch(imm[0])
            return True
        elif op == Op.BR_IF:
            c = self.pop_cond()
            self.line(f"if {c}:", self.offset)
            self.ind += 1
            flagged = self.branch(imm[0])
            self.ind -= 1
            if flagged:
                self.guard()
        elif op == Op.BR_TABLE:
            self.br_table(tuple(imm[0]), imm[1])
            return True
        elif op == Op.RETURN:
            self.branch(len(self.ctrl) - 1)
            return True
        elif op == Op.UNREACHABLE:
            self.line("raise Trap(UNREACHABLE)", self.offset)
            return True
        elif op == Op.CALL:
            self.call(f"F{imm[0]}", self.func_types[imm[0]])
        elif op == Op.CALL_INDIRECT:
            self.call_indirect(imm[0], imm[1])
        elif op == Op.REF_NULL:
            self.push("None")
        elif op == Op.REF_IS_NULL:
            v = self.pop_value()
            self.push(f"({v} is None)", True)
        elif op == Op.REF_FUNC:
            self.push(f"FN{imm[0]}")
        elif op in _GC_OPS:
            self.gc(op, imm)
        elif op in _NULL_OPS:
            self.null_test(op, imm)
        elif op in _EXN_OPS:
            return self.exception(pos, op, imm)
        else:
            self.other(op, imm)
        return False

    # ---- WebAssembly 3.0 exception handling (run-time side: exec/exceptions.py) ----
    def exception_scan(self, body) -> None:
        """A legacy `delegate` runs on the interpreter (a Python `try` cannot hand an exception
        past the handlers between it and its label); so does a function mixing try_table or
        try with tail calls (a tail call leaves the handlers behind)."""
        ops = {ins.op for ins in body}
        if _DELEGATE in ops:
            raise _Unsupported("legacy delegate")
        if ops & _TRY_OPS and ops & _TAIL_CALL_OPS:
            raise _Unsupported("try_table with tail calls")

    def exception(self, pos, op, imm) -> bool:
        """throw -> `raise`, throw_ref -> `raise` again, try_table -> a `while True:` (its
        block) around `try:` <body> `except WasmException:` <catch clauses>, each clause a
        branch to its label from the except clause (catch_clauses)."""
        if op == _TRY_TABLE or op == _TRY:
            self.settle()
            entry = self.open(pos, "try_table" if op == _TRY_TABLE else "try", imm[0])
            if not entry.pyloop:
                raise _Unsupported("try_table nested too deeply")
            entry.catches = imm[1] if op == _TRY_TABLE else []   # legacy: the arms so far
            self.ctrl.append(entry)
            self.start_loop_body(entry)
            self.line("try:")
            self.ind += 1
            entry.body_start = len(self.lines)
            self.pyloops += 1               # the `try` counts against CPython's block limit
            if self.pyloops > _MAX_PYLOOPS:
                raise _Unsupported("too deeply nested")
            return False
        if op == _CATCH or op == _CATCH_ALL:
            self.legacy_catch(op, imm, True)
            return False
        if op == _RETHROW:
            self.line(f"raise RERAISE(_c{self.ctrl[-1 - imm[0]].id})", self.offset)
            return True
        if op == _THROW:
            n = len(self.tag_params(imm[0]))
            args = [self.pop_value() for _ in range(n)][::-1]
            self.line(f"raise NEWEXN(TAG{imm[0]}, [{', '.join(args)}])", self.offset)
            return True
        # throw_ref
        self.line(f"raise RERAISE({self.pop_value()})", self.offset)
        return True

    def tag_params(self, index: int):
        return self.syntax.types[self.syntax.all_tags()[index].type_index].params

    def legacy_catch(self, op, imm, reachable: bool) -> None:
        """A legacy `catch $t` / `catch_all` arm: the body (or the previous arm) ends, and the
        arm runs inside the try's `except` clause, under the try's label, with the payload on
        the stack: what it throws is not caught by its own try, and `rethrow` re-raises the
        caught exception (kept in `_c<id>`)."""
        entry = self.ctrl[-1]
        if reachable:
            self.assign_vars(entry.rvars, entry.nresults)
            self.line("break")
            entry.reached = True
        self.close_guards(entry)
        self.close_body(entry)
        x = f"_x{entry.id}"
        first = not entry.catches
        self.ind -= 1
        if first:                           # the protected body is over
            self.line(f"except WasmException as {x}:")
            self.ind += 1
            self.pyloops += 1               # the handler counts against the block limit too
            if self.pyloops > _MAX_PYLOOPS:
                raise _Unsupported("too deeply nested")
            if self.has_memory():
                self.uses_mem = True
                self.line("M = MEM0.data")
        tag = imm[0] if op == _CATCH else None
        entry.catches.append(tag)
        if tag is not None:
            self.line(f"{'if' if first else 'elif'} {x}.tag is TAG{tag}:")
        else:
            self.line("if True:" if first else "else:")
        self.ind += 1
        self.line(f"_c{entry.id} = {x}.with_traceback(None)")
        del self.stack[entry.height:]
        if tag is not None:
            for i in range(len(self.tag_params(tag))):
                self.push(self.assign(f"{x}.values[{i}]"))
        entry.body_start = len(self.lines)

    def legacy_end(self, entry) -> None:
        """`end` of a legacy try whose last arm (or body) is closed: without a catch_all, what
        no arm matched goes on."""
        if not entry.catches:               # `try ... end`: nothing is caught
            self.ind -= 1
            self.line("except WasmException:")
            self.line("    raise")
            self.pyloops -= 1
            return
        self.ind -= 1                       # leave the arm
        if None not in entry.catches:
            self.line("else:")
            self.line("    raise")
        self.ind -= 1                       # leave the except clause
        self.pyloops -= 2

    def catch_clauses(self, entry) -> None:
        """The `except` of a try_table (its `try:` body is closed): the first clause whose tag
        is the exception's (or a catch_all) branches to its label with the payload and/or the
        exnref; with no match the exception goes on."""
        if entry.kind == "try":
            self.legacy_end(entry)
            return
        self.pyloops -= 1
        self.ind -= 1
        x = f"_x{entry.id}"
        self.line(f"except WasmException as {x}:")
        self.ind += 1
        if self.has_memory():               # a callee may have replaced memory 0's buffer
            self.uses_mem = True
            self.line("M = MEM0.data")
        saved = self.stack
        first = True
        caught_all = False
        for kind, tag, depth in entry.catches:
            if kind < 2:
                self.line(f"{'if' if first else 'elif'} {x}.tag is TAG{tag}:")
            elif not first:
                self.line("else:")
            else:
                self.line("if True:")
            first = False
            self.ind += 1
            self.stack = saved[:entry.height]
            if kind < 2:
                for i in range(len(self.tag_params(tag))):
                    self.push(f"{x}.values[{i}]")
            if kind in (1, 3):              # kept as an exnref: drop the unwound frames
                self.line(f"{x}.__traceback__ = None")
                self.push(x)
            if self.branch(depth + 1):      # leaves the try_table's `while`: never flagged
                raise _Unsupported("catch label")
            self.ind -= 1
            if kind >= 2:
                caught_all = True
                break
        if not caught_all:
            if not first:
                self.line("else:")
            self.line("    raise" if not first else "raise")
        self.stack = saved
        self.ind -= 1                   # back to the `try` statement's level

    def null_test(self, op, imm) -> None:
        """ref.as_non_null, br_on_null, br_on_non_null, call_ref (3.0 typed references)."""
        v = self.pop_atom()
        if op == Op.CALL_REF:       # the callee's type is the static one: no check but null
            code = self.const(TrapCode.NULL_REFERENCE)
            self.line(f"if {v} is None: raise Trap({code}, 'null function reference')",
                      self.offset)
            self.line(f"_c = {v}.fast or FAST({v})", self.offset)
            ft = self.syntax.types[imm[0]]
            args = [self.pop_value() for _ in ft.params][::-1]
            self.finish_call(f"_c(d1{''.join(', ' + a for a in args)})", len(ft.results))
            return
        if op == Op.REF_AS_NON_NULL:
            code = self.const(TrapCode.NULL_REFERENCE)
            self.line(f"if {v} is None: raise Trap({code})", self.offset)
            self.push(v)
            return
        if op == Op.BR_ON_NON_NULL:
            self.push(v)           # the branch carries the reference; a null is dropped
        self.line(f"if {v} is {'not ' if op == Op.BR_ON_NON_NULL else ''}None:", self.offset)
        self.ind += 1
        flagged = self.branch(imm[0])
        self.ind -= 1
        if flagged:
            self.guard()
        if op == Op.BR_ON_NON_NULL:
            self.stack.pop()
        else:
            self.push(v)           # br_on_null: the non-null reference stays

    # ---- WebAssembly 3.0 GC (semantics shared with the interpreter: exec/gc.py) ----
    def gc(self, op, imm) -> None:
        """A GC instruction: the hot ones (field and element accesses, allocation of structs,
        i31, ref.eq, casts) are inlined with their null/bounds checks; the others call the
        same closures or stack handlers the interpreter runs (exec/gc.py); br_on_cast(_fail)
        is an `if` around the branch."""
        from . import gc
        if self.module is None:
            raise _Unsupported("GC instruction without its module")
        ctx = gc.context_of(self.module)
        if self.gc_direct(op, imm, ctx):
            return
        kind = gc.semantics(op, imm, ctx)
        if kind[0] == "fn":
            n = kind[1]
            args = [self.pop_value() for _ in range(n)][::-1]
            self.push(self.assign(f"{self.const(kind[2])}({', '.join(args)})"))
        elif kind[0] == "misc":
            _, handler, arg, pops, pushes = kind
            args = [self.pop_value() for _ in range(pops)][::-1]
            self.line(f"_S = [{', '.join(args)}]", self.offset)
            self.line(f"{self.const(handler)}(_S, INST, {self.const(arg)})", self.offset)
            if pushes:
                self.push(self.assign("_S[-1]"))
        else:
            _, test, on_success = kind
            v = self.pop_atom()
            self.push(v)
            self.gc_branch(imm[0], f"{'' if on_success else 'not '}{self.const(test)}({v})")

    def gc_branch(self, depth: int, cond: str) -> None:
        self.line(f"if {cond}:", self.offset)
        self.ind += 1
        flagged = self.branch(depth)
        self.ind -= 1
        if flagged:
            self.guard()

    def gc_test(self, rt, v: str, ctx):
        """Inline condition text for `v` (an atom) being a value of reference type `rt`."""
        from ..runtime.gc import Array, Struct
        from ..types import ArrayType, StructType
        heap = rt.heap
        if isinstance(heap, int):
            composite = ctx.types[heap]
            if not isinstance(composite, (StructType, ArrayType)):
                return None                       # function types: the closure's check
            cls = self.const(Struct if isinstance(composite, StructType) else Array)
            anc = self.const(ctx.reg.ancestors)
            cond = f"(type({v}) is {cls} and {ctx.canon[heap]} in {anc}[{v}.rtt])"
        elif heap in ("any", "func", "extern", "exn"):
            return f"({v} is not None)" if not rt.nullable else "True"
        elif heap == "i31":
            cond = f"(type({v}) is int)"
        elif heap in ("struct", "array"):
            cond = f"(type({v}) is {self.const(Struct if heap == 'struct' else Array)})"
        elif heap == "eq":
            kinds = self.const(frozenset({int, Struct, Array}))
            cond = f"(type({v}) in {kinds})"
        else:                                     # the bottom types: only null
            return f"({v} is None)" if rt.nullable else "False"
        return f"({v} is None or {cond})" if rt.nullable else cond

    def gc_direct(self, op, imm, ctx) -> bool:
        """Inline translation of the hot GC instructions; False for the others."""
        if op in (Op.STRUCT_GET, Op.STRUCT_GET_U, Op.STRUCT_GET_S):
            s = self.pop_atom()
            read = f"{s}.fields[{imm[1]}]"
            if op == Op.STRUCT_GET_S:
                sb = 0x80 if ctx.types[imm[0]].fields[imm[1]].storage == "i8" else 0x8000
                read = f"((({read} ^ {sb}) - {sb}) & {M32})"
            self.push(self.assign(f"{read} if {s} is not None else GCNULL('structure')"))
        elif op == Op.STRUCT_SET:
            v = self.pop_value()
            s = self.pop_atom()
            mask = _gc_mask(ctx.types[imm[0]].fields[imm[1]].storage)
            self.line(f"if {s} is None: GCNULL('structure')", self.offset)
            self.line(f"{s}.fields[{imm[1]}] = {v}{mask}", self.offset)
        elif op in (Op.STRUCT_NEW, Op.STRUCT_NEW_DEFAULT):
            from ..runtime.gc import Struct
            fields = ctx.types[imm[0]].fields
            if op == Op.STRUCT_NEW:
                values = [self.pop_value() for _ in fields][::-1]
                values = [f"{v}{_gc_mask(f.storage)}" for v, f in zip(values, fields)]
            else:
                from .gc import _default
                values = [self.const(_default(f.storage)) for f in fields]
            self.push(self.assign(f"{self.const(Struct)}({ctx.canon[imm[0]]}, "
                                  f"[{', '.join(values)}])"))
        elif op in (Op.ARRAY_GET, Op.ARRAY_GET_U, Op.ARRAY_GET_S):
            i = self.pop_atom()
            a = self.pop_atom()
            read = f"{a}.elems[{i}]"
            if op == Op.ARRAY_GET_S:
                sb = 0x80 if ctx.types[imm[0]].field.storage == "i8" else 0x8000
                read = f"((({read} ^ {sb}) - {sb}) & {M32})"
            self.push(self.assign(f"({read} if {i} < len({a}.elems) else GCOOB()) "
                                  f"if {a} is not None else GCNULL('array')"))
        elif op == Op.ARRAY_SET:
            v = self.pop_value()
            i = self.pop_atom()
            a = self.pop_atom()
            mask = _gc_mask(ctx.types[imm[0]].field.storage)
            self.line(f"if {a} is None: GCNULL('array')", self.offset)
            self.line(f"if {i} >= len({a}.elems): GCOOB()", self.offset)
            self.line(f"{a}.elems[{i}] = {v}{mask}", self.offset)
        elif op == Op.ARRAY_LEN:
            a = self.pop_atom()
            self.push(self.assign(f"len({a}.elems) if {a} is not None else GCNULL('array')"))
        elif op == Op.REF_I31:
            self.pushv(f"({self.pop_value()} & 0x7FFFFFFF)")
        elif op == Op.I31_GET_U or op == Op.I31_GET_S:
            v = self.pop_atom()
            read = v if op == Op.I31_GET_U else f"({v} | 0x80000000 if {v} & 0x40000000 else {v})"
            self.push(self.assign(f"{read} if {v} is not None else GCNULL('i31')"))
        elif op == Op.REF_EQ:
            b = self.pop_value()
            a = self.pop_value()
            self.push(f"({a} == {b})", True)
        elif op in (Op.REF_TEST, Op.REF_CAST):
            v = self.pop_atom()
            cond = self.gc_test(imm[0], v, ctx)
            if cond is None:
                self.push(v)
                return False
            if op == Op.REF_TEST:
                self.push(cond, True)
            else:
                self.line(f"if not {cond}: GCCAST()", self.offset)
                self.push(v)
        elif op in (Op.BR_ON_CAST, Op.BR_ON_CAST_FAIL):
            v = self.pop_atom()
            self.push(v)
            cond = self.gc_test(imm[2], v, ctx)
            if cond is None:
                return False
            self.gc_branch(imm[0], cond if op == Op.BR_ON_CAST else f"not {cond}")
        else:
            return False
        return True

    def numpy_prefix(self, pos) -> None:
        """Before a loop `vectorize` recognises: run its safe iterations with numpy first."""
        from .vectorize import plan_loop, plan_trace
        plan = plan_loop(self.syntax, self.ftype, self.func, self.func.body, pos)
        extra = ""
        if plan is None:
            plan = plan_trace(self.syntax, self.ftype, self.func, self.func.body, pos,
                              self.index)
            extra = ", INST, d"
        if plan is None:
            return
        self.uses_mem = True
        args = "".join(f", l{j}" for j in plan.inputs)
        self.line(f"_v = {self.const(plan)}(M{extra}{args})", self.offset)
        if plan.outputs:
            self.line("if _v is not None:")
            self.line(f"    {', '.join(f'l{j}' for j in plan.outputs)}, = _v")

    def global_mutable(self, g: int) -> bool:
        if self._globals is None:
            self._globals = self.syntax.all_globals()
        return self._globals[g].mutable

    def br_table(self, table, default) -> None:
        i = self.pop_atom()
        groups: dict[int, list[int]] = {}
        for k, depth in enumerate(table):
            if depth != default:
                groups.setdefault(depth, []).append(k)
        first = True
        for depth, cases in groups.items():
            if len(cases) == 1:
                cond = f"{i} == {cases[0]}"
            elif cases[-1] - cases[0] == len(cases) - 1:
                cond = f"{cases[0]} <= {i} <= {cases[-1]}"
            else:
                name = self.const(frozenset(cases))
                cond = f"{i} in {name}"
            self.line(f"{'if' if first else 'elif'} {cond}:", self.offset)
            first = False
            self.ind += 1
            self.branch(depth)
            self.ind -= 1
        if first:
            self.branch(default)
        else:
            self.line("else:")
            self.ind += 1
            self.branch(default)
            self.ind -= 1

    def call(self, callee: str, ft) -> None:
        n = len(ft.params)
        args = [self.pop_value() for _ in range(n)][::-1]
        text = f"{callee}(d1{''.join(', ' + a for a in args)})"
        self.finish_call(text, len(ft.results))

    def finish_call(self, text: str, nres: int) -> None:
        if nres == 0:
            self.line(text, self.offset)
        elif nres == 1:
            self.push(self.assign(text))
        else:
            names = [self.temp() for _ in range(nres)]
            self.line(f"{', '.join(names)} = {text}", self.offset)
            for name in names:
                self.push(name)
        if self.uses_mem or self.has_memory():
            self.uses_mem = True
            self.line("M = MEM0.data")

    def has_memory(self) -> bool:
        return self._has_memory

    def call_indirect(self, typeidx: int, table: int) -> None:
        ft = self.syntax.types[typeidx]
        i = self.pop_atom()
        off = self.offset
        self.line(f"_e = TAB{table}.elements", off)
        self.line(f"if {i} >= len(_e): raise Trap(TABLE_OOB, f'undefined element {{{i}}}')", off)
        self.line(f"_f = _e[{i}]", off)
        self.line(f"if _f is None: raise Trap(NULL_CALL, f'uninitialized element {{{i}}}')", off)
        if self.module is not None:
            # canonical type identity, a subtype passes (3.0); host functions get their id late
            ce = self.module._canon[typeidx]
            ok = self.const(_signature_checker(self.module, ce))
            self.line(f"if _f.canon != {ce} and not {ok}(_f): raise Trap(BAD_SIG)", off)
        else:
            self.line(f"if _f.ftype is not FT{typeidx} and _f.ftype != FT{typeidx}: "
                      "raise Trap(BAD_SIG)", off)
        self.line("_c = _f.fast or FAST(_f)", off)
        n = len(ft.params)
        args = [self.pop_value() for _ in range(n)][::-1]
        self.finish_call(f"_c(d1{''.join(', ' + a for a in args)})", len(ft.results))

    def other(self, op, imm) -> None:
        from .lower import _MISC_ARG, _MISC_BY_OP, _MISC_EFFECT
        info = INFO.get(op)
        if info is None or (info.sig is None and op not in _MISC_BY_OP):
            raise _Unsupported(f"instruction {op:#x}")
        name = info.name
        kind = info.imm
        if kind == Imm.MEMARG:
            self.memory(name, info, imm)
            return
        if op in _MISC_BY_OP:
            pops, pushes = _MISC_EFFECT[op]
            args = [self.pop_value() for _ in range(pops)][::-1]
            handler = self.const(_MISC_BY_OP[op])
            arg = self.const(_MISC_ARG[INFO[op].imm](imm))
            self.line(f"_S = [{', '.join(args)}]", self.offset)
            self.line(f"{handler}(_S, INST, {arg})", self.offset)
            if pushes:
                self.push(self.assign("_S[-1]"))
            if self.has_memory():
                self.uses_mem = True
                self.line("M = MEM0.data")
            return
        params, results = info.sig
        if kind == Imm.MEMARG_LANE:
            _align, offset, memidx, lane = imm
            if self.syntax.all_memories()[memidx].is_64:
                raise _Unsupported("memory64")
            v = self.pop_value()
            addr = self.pop_value()
            ea = f"{addr} + {offset}" if offset else addr
            if name in H.LANE_LOADS:
                fn = self.const(H.lane_loader(H.LANE_LOADS[name]))
                self.push(self.assign(f"{fn}(MEM{memidx}.data, {ea}, {v}, {lane})"))
            elif name in H.LANE_STORES:
                fn = self.const(H.lane_storer(H.LANE_STORES[name]))
                self.line(f"{fn}(MEM{memidx}.data, {ea}, {v}, {lane})", self.offset)
            else:
                raise _Unsupported(name)
            return
        if len(results) != 1:
            raise _Unsupported(name)
        if kind in (Imm.LANE, Imm.SHUFFLE):
            from .lower import _simd_function
            fn = self.const(_simd_function(name))
            extra = imm[0] if kind == Imm.LANE else self.const(tuple(imm[0]))
            args = [self.pop_value() for _ in params][::-1]
            self.push(self.assign(f"{fn}({', '.join(args)}, {extra})"))
            return
        if kind != Imm.NONE:
            raise _Unsupported(name)
        if name in _BIN_INT:
            form, template = _BIN_INT[name]
            b = self.pop_value()
            a = self.pop_value()
            if name.endswith("_s") and name[:3] in ("i32", "i64") and _INT.match(b):
                sb = 0x80000000 if name[:3] == "i32" else 1 << 63
                template = template.replace(f"({{B}} ^ {sb})", str(int(b) ^ sb))
            text = template.format(A=a, B=b)
            if form == "c":
                if len(text) > 400:
                    text = self.assign(text)
                self.push(text, True)
            else:
                self.pushv(text)
            return
        if name in ("i32.eqz", "i64.eqz"):
            text, cond = self.stack.pop()
            self.push(f"(not {text})" if cond else f"({text} == 0)", True)
            return
        if name in _UN_INLINE:
            a = self.pop_value()
            self.pushv(_UN_INLINE[name].format(A=a))
            return
        if name in _SHIFTS and _INT.match(self.stack[-1][0]) and not self.stack[-1][1]:
            bits = 32 if name[:3] == "i32" else 64
            mask = M32 if bits == 32 else M64
            k = int(self.stack.pop()[0]) & (bits - 1)
            kind_ = name[4:]
            if kind_ == "shl":
                self.pushv(f"(({self.pop_value()} << {k}) & {mask})")
            elif kind_ == "shr_u":
                self.pushv(f"({self.pop_value()} >> {k})")
            elif kind_ == "shr_s":
                sb = 1 << (bits - 1)
                self.pushv(f"(((({self.pop_value()} ^ {sb}) - {sb}) >> {k}) & {mask})")
            else:
                a = self.pop_atom()
                if kind_ == "rotr":
                    k = (bits - k) % bits
                self.pushv(f"((({a} << {k}) | ({a} >> {bits - k})) & {mask})" if k else a)
            return
        if name in ("i32.shl", "i32.shr_u", "i64.shl", "i64.shr_u"):
            bits = 32 if name[:3] == "i32" else 64
            b = self.pop_value()
            a = self.pop_value()
            if name.endswith("shl"):
                self.pushv(f"(({a} << ({b} & {bits - 1})) & {M32 if bits == 32 else M64})")
            else:
                self.pushv(f"({a} >> ({b} & {bits - 1}))")
            return
        if name in _FLOAT_ARITH:
            fn = self.const(_NUMERIC[op])
            b = self.pop_atom()
            a = self.pop_atom()
            o = _FLOAT_ARITH[name]
            guard = f"{b} and " if o == "/" else ""
            if name[:3] == "f64":
                self.push(self.assign(f"_r if {guard}(_r := {a} {o} {b}) == _r else {fn}({a}, {b})"))
            else:
                self.push(self.assign(f"UF32(PF32(_r))[0] if {guard}-F32LIM < (_r := {a} {o} {b})"
                                      f" < F32LIM else {fn}({a}, {b})"))
            return
        fn = _NUMERIC.get(op)
        if fn is None:
            raise _Unsupported(name)
        fname = self.const(fn)
        args = [self.pop_value() for _ in params][::-1]
        self.push(self.assign(f"{fname}({', '.join(args)})"))

    def memory(self, name: str, info, imm) -> None:
        _align, offset, memidx = imm
        if self.syntax.all_memories()[memidx].is_64:
            raise _Unsupported("memory64")
        if name in H.LOADS:
            addr = self.pop_value()
            ea = f"{addr} + {offset}" if offset else addr
            if memidx == 0 and name in _LOADS:
                self.uses_mem = True
                self.push(self.assign(_LOADS[name].format(E=ea)))
            elif memidx == 0 and name == "f32.load":
                self.uses_mem = True
                self.push(self.assign(f"_r if (_r := UF(M, {ea})[0]) == _r else "
                                      f"F32LOAD(M, {ea})"))
            else:
                fn = self.const(H.LOADS[name])
                self.push(self.assign(f"{fn}(MEM{memidx}.data, {ea})"))
            return
        if name not in H.STORES:
            raise _Unsupported(name)
        v = self.pop_value()
        addr = self.pop_value()
        ea = f"{addr} + {offset}" if offset else addr
        if memidx == 0 and name in _STORES:
            self.uses_mem = True
            self.line(_STORES[name].format(E=ea, V=v), self.offset)
        else:
            fn = self.const(H.STORES[name])
            self.line(f"{fn}(MEM{memidx}.data, {ea}, {v})", self.offset)


def _signature_checker(module, expected: int):
    """`f -> bool`: call_indirect's check that function `f`'s type is (a subtype of) the type
    with canonical id `expected`, in the module's engine-wide type registry."""
    from ..runtime.rtt import func_canon, registry
    reg = registry(module.engine)
    anc = reg.ancestors

    def ok(f):
        return expected in anc[func_canon(f, reg)]
    return ok


# 3.0 branches translated here (scan() must see their targets): the GC casts and the
# typed-reference null tests, which GC code uses a lot
_GC_BRANCHES = frozenset(getattr(Op, name) for name in (
    "BR_ON_CAST", "BR_ON_CAST_FAIL", "BR_ON_NULL", "BR_ON_NON_NULL") if hasattr(Op, name))
_NULL_OPS = frozenset(getattr(Op, name) for name in (
    "REF_AS_NON_NULL", "BR_ON_NULL", "BR_ON_NON_NULL", "CALL_REF") if hasattr(Op, name))


def _gc_null(what: str):
    raise Trap(TrapCode.NULL_REFERENCE, f"null {what} reference")


def _gc_oob():
    raise Trap(TrapCode.ARRAY_OUT_OF_BOUNDS)


def _gc_cast():
    raise Trap(TrapCode.CAST_FAILURE)


def _gc_mask(storage) -> str:
    """The text that wraps a value stored into a packed field."""
    return " & 255" if storage == "i8" else " & 65535" if storage == "i16" else ""


_GC_OPS = GC_OPS


# ---- per-module compilation cache and per-instance binding ----

def _compiled(module, defined_index: int):
    """(code object, line offsets, constants) of a module function, or None if unsupported."""
    cache = module.__dict__.get("_fast_cache")
    if cache is None:
        cache = module._fast_cache = {}
    hit = cache.get(defined_index)
    if hit is None:
        syntax = module.syntax
        tr = _Translator(syntax, module._func_types, defined_index)
        tr.module = module
        try:
            source, offsets, consts = tr.run()
            unit = compile(source, FILENAME, "exec")
        except (_Unsupported, RecursionError, SyntaxError, MemoryError):
            hit = False
        except Exception as error:   # noqa: BLE001 - never let a translator bug look like a trap
            import warnings
            warnings.warn(f"fast tier: function {defined_index} runs on the interpreter after an "
                          f"internal translation error: {type(error).__name__}: {error}",
                          TranslationWarning, stacklevel=2)
            hit = False
        else:
            fcode = next(c for c in unit.co_consts if isinstance(c, types.CodeType))
            hit = (fcode, offsets, consts)
        cache[defined_index] = hit
    return hit or None


def _base_namespace() -> dict:
    return {
        "__builtins__": __builtins__,
        "Trap": Trap, "UNREACHABLE": TrapCode.UNREACHABLE,
        "TABLE_OOB": TrapCode.TABLE_OUT_OF_BOUNDS, "NULL_CALL": TrapCode.INDIRECT_CALL_TO_NULL,
        "BAD_SIG": TrapCode.BAD_SIGNATURE,
        "U32": struct.Struct("<I").unpack_from, "U64": struct.Struct("<Q").unpack_from,
        "U16": struct.Struct("<H").unpack_from, "S8": struct.Struct("<b").unpack_from,
        "S16": struct.Struct("<h").unpack_from, "S32": struct.Struct("<i").unpack_from,
        "UD": struct.Struct("<d").unpack_from, "UF": struct.Struct("<f").unpack_from,
        "P32": struct.Struct("<I").pack_into, "P64": struct.Struct("<Q").pack_into,
        "P16": struct.Struct("<H").pack_into, "PD": struct.Struct("<d").pack_into,
        "PF32": struct.Struct("<f").pack, "UF32": struct.Struct("<f").unpack,
        "F32LIM": _F32_LIMIT, "F32LOAD": H.f32_load,
        "GCNULL": _gc_null, "GCOOB": _gc_oob, "GCCAST": _gc_cast,
    }


_BASE = _base_namespace()


# ---- exception handling (3.0) ----
def _exception_names() -> dict:
    from ..errors import WasmException
    from .exceptions import new_exception, reraise
    return {"WasmException": WasmException, "NEWEXN": new_exception, "RERAISE": reraise}


_BASE.update(_exception_names())
_TRY_TABLE = getattr(Op, "TRY_TABLE", -1)
_THROW = getattr(Op, "THROW", -1)
_TRY = getattr(Op, "TRY", -1)
_CATCH = getattr(Op, "CATCH", -1)
_CATCH_ALL = getattr(Op, "CATCH_ALL", -1)
_RETHROW = getattr(Op, "RETHROW", -1)
_DELEGATE = getattr(Op, "DELEGATE", -1)
_TRY_OPS = frozenset({_TRY_TABLE, _TRY}) - {-1}
_EXN_OPS = frozenset({_TRY_TABLE, _THROW, getattr(Op, "THROW_REF", -1), _TRY, _CATCH, _CATCH_ALL,
                      _RETHROW}) - {-1}
_LEGACY_EXN_OPS = frozenset(getattr(Op, name) for name in (
    "TRY", "CATCH", "CATCH_ALL", "DELEGATE", "RETHROW") if hasattr(Op, name))
_TAIL_CALL_OPS = frozenset(getattr(Op, name) for name in (
    "RETURN_CALL", "RETURN_CALL_INDIRECT", "RETURN_CALL_REF") if hasattr(Op, name))


def _namespace(inst) -> dict:
    ns = inst.__dict__.get("_fast_ns")
    if ns is not None:
        return ns
    ns = dict(_BASE)
    store = inst.store
    ns["INST"] = inst
    ns["OVF"] = _overflow_entry(store)
    ns["FAST"] = lambda f: _callable(f, inst)
    for i, m in enumerate(inst.memories):
        ns[f"MEM{i}"] = m
    for i, t in enumerate(inst.tables):
        ns[f"TAB{i}"] = t
    for i, g in enumerate(inst.globals):
        ns[f"G{i}"] = g
        ns[f"GV{i}"] = g.val
    for i, ft in enumerate(inst.types):
        ns[f"FT{i}"] = ft
    for i, f in enumerate(inst.funcs):
        ns[f"FN{i}"] = f
        ns[f"F{i}"] = _stub(ns, i, f, inst)
    for i, t in enumerate(getattr(inst, "tags", ())):
        ns[f"TAG{i}"] = t             # tag instances (3.0 exceptions)
    inst._fast_ns = ns
    return ns


def _stub(ns, i, f, inst):
    """Callable bound to `F<i>` until the first call resolves (and translates) function i."""
    def first_call(d, *args):
        fn = _callable(f, inst)
        ns[f"F{i}"] = fn
        return fn(d, *args)
    return first_call


def _callable(f, caller_inst):
    """The fast-tier callable of function instance `f` called from `caller_inst`."""
    if f.host is not None:
        return _host_wrapper(f, caller_inst)
    fast = f.fast
    if fast is None:
        ns = _namespace(f.instance)
        hit = _compiled(f.module, f.defined_index)
        if hit is None:
            fast = _interp_wrapper(f)
        else:
            fcode, offsets, consts = hit
            ns.update(consts)
            ns.setdefault("__offsets__", {})[f.index] = offsets
            fast = types.FunctionType(fcode, ns, fcode.co_name)
        f.fast = fast
    return fast


def _host_wrapper(f, inst):
    store = f.store if f.store is not None else inst.store
    nres = len(f.ftype.results)
    call_host = f.call_host

    def host(d, *args):
        store._depth = store._fast_top - d
        results = call_host(list(args), inst)
        if nres == 1:
            return results[0]
        return tuple(results) if nres else None
    _BOUNDARY.add(host.__code__)
    return host


def _interp_wrapper(f):
    store = f.store
    nres = len(f.ftype.results)

    def interp(d, *args):
        from .interp import invoke_interp
        store._depth = store._fast_top - d
        results = invoke_interp(store, f, list(args))
        if nres == 1:
            return results[0]
        return tuple(results) if nres else None
    _BOUNDARY.add(interp.__code__)
    return interp


def _overflow_entry(store):
    """`OVF(d, func, args)`: a function entered with no Python budget left runs on the
    interpreter, which raises Exhausted at exactly max_call_depth."""
    def overflow(d, f, args):
        from .interp import invoke_interp
        store._depth = store._fast_top - d
        results = invoke_interp(store, f, list(args))
        n = len(results)
        if n == 1:
            return results[0]
        return tuple(results) if n else None
    _BOUNDARY.add(overflow.__code__)
    return overflow


_BOUNDARY: set = set()       # frames where an exception has been handled or came from the host


def _py_depth() -> int:
    f = sys._getframe(1)
    n = 0
    while f is not None:
        n += 1
        f = f.f_back
    return n


def invoke(store, func, args: list) -> list:
    """Run wasm function `func` on the fast tier; returns its results as a list."""
    max_depth = store.engine.config.max_call_depth
    base = store._depth
    if base >= max_depth:
        raise Exhausted(TrapCode.STACK_OVERFLOW)
    fn = func.fast
    if fn is None:
        fn = _callable(func, func.instance)
    budget = min(max_depth - base, sys.getrecursionlimit() - _py_depth() - _MARGIN)
    if budget < 0:
        budget = 0
    saved = store._fast_top
    store._fast_top = base + budget
    try:
        result = fn(budget, *args)
    except BaseException as e:
        err = _on_error(e)
        if err is e:
            raise
        raise err from None
    finally:
        store._fast_top = saved
        store._depth = base
    if result is None:
        return []
    if type(result) is tuple:
        return list(result)
    return [result]


def _on_error(e: BaseException) -> BaseException:
    """Attach the compiled frames to a trap / map Python errors of compiled code to traps."""
    if isinstance(e, _WasmException):     # an uncaught wasm exception goes on unchanged
        return e
    frames = []
    in_host = False
    tb = e.__traceback__
    tb = tb.tb_next if tb is not None else None     # skip `invoke` itself
    while tb is not None:
        frame = tb.tb_frame
        code = frame.f_code
        if code in _BOUNDARY:
            in_host = True
            break
        if code.co_filename == FILENAME:
            frames.append((frame, tb.tb_lineno))
        tb = tb.tb_next
    trace = [_frame(frame, lineno) for frame, lineno in reversed(frames)]
    if isinstance(e, Trap):
        e.frames.extend(trace)
        return e
    if isinstance(e, RecursionError):
        return Exhausted(TrapCode.STACK_OVERFLOW, frames=trace)
    if in_host:
        if isinstance(e, Exception):
            e.add_note("wasm backtrace: " + "; ".join(str(f) for f in trace))
        return e
    if isinstance(e, (struct.error, IndexError)):
        return Trap(TrapCode.MEMORY_OUT_OF_BOUNDS, frames=trace)
    if isinstance(e, MemoryError):
        return Exhausted(TrapCode.RESOURCE_LIMIT, "out of memory", trace)
    code = getattr(e, "trap_code", None)
    if code is None:
        code = getattr(e, "code", None)
    if isinstance(code, TrapCode):
        message = getattr(e, "message", None)
        return Trap(code, message if isinstance(message, str) else None, trace)
    return e


def _frame(frame, lineno: int) -> Frame:
    ns = frame.f_globals
    index = int(frame.f_code.co_name[1:])
    func = ns[f"FN{index}"]
    offsets = ns.get("__offsets__", {}).get(index)
    offset = None
    if offsets is not None and 0 <= lineno - 1 < len(offsets):
        offset = offsets[lineno - 1]
    func_offset = None
    start = func.defn.offset if func.defn is not None else None
    if offset is not None and start is not None:
        func_offset = offset - start
    return Frame(func.index, func.name, func.module.name if func.module else None,
                 func_offset, offset)
