"""Exception handling at run time (WebAssembly 3.0, and the legacy try/catch/delegate/rethrow).

A thrown wasm exception is a Python exception, `errors.WasmException`, carrying its tag instance
and payload; the same object is the `exnref` value.  So it unwinds through anything Python
unwinds through: interpreter loops, fast-tier functions, host functions.  Traps, `Exhausted` and
host Python errors are other classes, so no wasm handler ever sees them.

Interpreter: exec/lower.py turns every `try_table` body and legacy `try` body into a protected
pc range, `Code.handlers[k] = (start, end, outer, clauses)`: `outer` is the handler consulted
when no clause matches (the enclosing protected range, or for `delegate l` the range enclosing
label l; -1: the caller), and each clause is `(tag index | None, target pc, height, payload?,
exnref?, slot)`.  A catch truncates the operand stack to the static `height` of the target
label, pushes the payload and/or the exnref and jumps, in whichever frame of the loop the handler
lives (frames above it are dropped).  A legacy catch body starts at its target pc; `slot` is the
hidden local where the caught exception waits for `rethrow`.  The loop's own wrapper (see
`interp._build`) calls `find_handler` only when an exception arrives: 2.0 code pays nothing.

Fast tier: exec/fast.py makes a `try_table` (and a legacy `try`, its catch arms inside the
`except`) a Python `try:`/`except WasmException` and `throw` a `raise`; a function with a legacy
`delegate` runs on the interpreter.
"""

from __future__ import annotations

from ..errors import Trap, TrapCode, WasmException

_NULL = TrapCode.NULL_REFERENCE


# ---- instruction semantics (interpreter MISC handlers: (S, inst, arg)) ----

def throw(S, inst, arg) -> None:
    """`throw x`: a new exception of tag x with the top n values as payload."""
    tag, n = arg
    if n:
        values = S[-n:]
        del S[-n:]
    else:
        values = []
    raise WasmException._new(inst.tags[tag], values)


def throw_ref(S, inst, arg) -> None:
    """`throw_ref` (and legacy `rethrow`, whose exnref a local supplies): raise it again."""
    exn = S.pop()
    if exn is None:
        raise Trap(_NULL, "null exception reference")
    raise exn.with_traceback(None)      # a fresh traceback: rethrowing must not accumulate one


def new_exception(tag, values) -> WasmException:
    """The fast tier's `throw`."""
    return WasmException._new(tag, values)


def reraise(exn) -> WasmException:
    """The fast tier's `throw_ref`: the exception to raise (traps on null)."""
    if exn is None:
        raise Trap(_NULL, "null exception reference")
    return exn.with_traceback(None)


# ---- the interpreter's handler search ----

def find_handler(exn, func, pc: int, frames: list, tail_calls: frozenset):
    """Where the interpreter catches `exn`, raised by the op before `pc` in `func` with the
    interpreter `frames` below it: (frame index, target pc, stack height, values to push, slot),
    the frame index being len(frames) for the current frame; None when nothing here catches it.
    A frame's op is the call it is waiting on; a tail call to a host function that threw has
    already left its frame (its handlers do not apply)."""
    k = len(frames)
    f, p = func, pc
    while True:
        code = f.code
        handlers = code.handlers if code is not None else None
        if handlers is not None and code.instrs[p - 1][0] not in tail_calls:
            hit = _match(handlers, p - 1, exn, f.instance)
            if hit is not None:
                return (k,) + hit
        if k == 0:
            return None
        k -= 1
        f, p = frames[k][0], frames[k][1]


def _match(handlers, p: int, exn, inst):
    """The clause of this function that catches `exn` raised at pc `p`, as (target, height,
    values, slot), or None."""
    k = len(handlers) - 1
    while k >= 0:                       # the innermost protected range holding p
        start, end, _outer, _clauses = handlers[k]
        if start <= p < end:
            break
        k -= 1
    tags = inst.tags
    while k >= 0:
        _start, _end, outer, clauses = handlers[k]
        for tag, target, height, payload, ref, slot in clauses:
            if tag is None or tags[tag] is exn.tag:
                values = list(exn.values) if payload else []
                if ref:
                    values.append(exn)
                return target, height, values, slot
        k = outer
    return None
