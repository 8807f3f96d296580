"""The interpreter: runs lowered code (exec/lower.py) in one loop with an explicit frame stack.

- A wasm -> wasm call pushes `(func, return pc, locals, operand stack, code)` on `frames` and
  switches the loop's locals; no Python recursion happens per wasm call, so the depth limit is exact:
  `Config.max_call_depth` wasm frames (counted across host -> wasm re-entry through
  `store._depth`), then `Exhausted` ("call stack exhausted").
- Host functions are plain Python calls.  A Python exception raised by one propagates unchanged,
  with a note listing the wasm frames; a `Trap` it raises gets the wasm frames appended.
- Dispatch is a two-level `if` tree over small int opcodes: a range test picks a group of at
  most ~16 ops (the groups follow `lower._NAMES`), then an `if` chain ordered by frequency.
  Trivially exact integer ops (masking adds, shifts, comparisons) run inline; f64 add/sub/mul and
  comparisons run inline too, but a NaN result is recomputed by the numerics function carried in
  the immediate (numerics owns the NaN rules); every other numeric op calls its function from
  `numerics.NUMERIC`.  Measured with tests/exec/bench/bench_engine.py: 15-30x faster than
  pywasm 2.2.3 on recursive fib, integer and float kernels (CPU time).
- Fuel: the loop exists in two variants generated from one template.  `invoke` picks the metered
  one only when the store has fuel set, so unmetered code pays nothing.  Metering charges, before
  each lowered op runs, the number of wasm instructions it stands for (`Code.costs`): one unit per
  executed wasm instruction, where structural markers (`block`, `loop`, `end`, `nop`, and the jump
  an `else` becomes) are free.  Running out raises `Exhausted` (OUT_OF_FUEL) before the instruction
  that would overdraw, and leaves the store's fuel at 0.
- Exceptions (3.0, exec/exceptions.py): a wasm exception is a Python exception; one reaching the
  loop resumes it at the wasm handler that catches it, in whichever frame (see `_catching`).
- Tier switch point: `invoke` is the single entry from the API; with `Config.tier == "fast"` and
  no fuel metering it hands the call to exec/fast.py (functions translated to Python), which in
  turn falls back to `invoke_interp` for functions it cannot translate and beyond Python's
  recursion budget.
"""

from __future__ import annotations

import re
import struct

from ..errors import Exhausted, Frame, Trap, TrapCode, WasmException
from . import exceptions as _X
from . import fast as _fast
from . import lower as _lower

_TEMPLATE = r'''
def run(store, func, args, max_depth):
    code = func.code
    if code is None:
        code = func.lower()
    instrs = code.instrs
    L = args
    L += code.zeros
    S = []
    pc = 0
    inst = func.instance
    funcs = inst.funcs
    G = inst.globals
    mems = inst.memories
    M = mems[0].data if mems else None
    frames = []
    depth0 = store._depth
    limit = max_depth - depth0 - 1
    in_host = False
    #F fuel = store._fuel
    #F costs = code.costs
    try:
        while True:
            op, imm = instrs[pc]
            #F fuel -= costs[pc]
            pc += 1
            #F if fuel < 0:
            #F     fuel = 0
            #F     raise Exhausted(OUT_OF_FUEL)
            if op < 16:
                if op == @LGET:
                    S.append(L[imm])
                elif op == @CONST:
                    S.append(imm)
                elif op == @LSET:
                    L[imm] = S.pop()
                elif op == @BR_IF:
                    if S.pop():
                        pc = imm
                elif op == @JUMP:
                    pc = imm
                elif op == @IFZ:
                    if not S.pop():
                        pc = imm
                elif op == @LTEE:
                    L[imm] = S[-1]
                elif op == @DROP:
                    del S[-1]
                elif op == @CALL:
                    f = funcs[imm]
                    c = f.code
                    if c is None:
                        if f.host is not None:
                            n = len(f.ftype.params)
                            if n:
                                a = S[-n:]
                                del S[-n:]
                            else:
                                a = []
                            store._depth = depth0 + len(frames) + 1
                            #F store._fuel = fuel
                            in_host = True
                            S += f.call_host(a, inst)
                            in_host = False
                            #F fuel = store._fuel
                            if mems:
                                M = mems[0].data
                            continue
                        c = f.lower()
                    n = c.nparams
                    if n == 1:
                        a = [S.pop()]
                    elif n:
                        a = S[-n:]
                        del S[-n:]
                    else:
                        a = []
                    a += c.zeros
                    if len(frames) >= limit:
                        raise Exhausted(STACK_OVERFLOW)
                    frames.append((func, pc, L, S, instrs))
                    func = f
                    L = a
                    S = []
                    pc = 0
                    instrs = c.instrs
                    #F costs = c.costs
                    if f.instance is not inst:
                        inst = f.instance
                        funcs = inst.funcs
                        G = inst.globals
                        mems = inst.memories
                        M = mems[0].data if mems else None
                elif op == @RETURN:
                    if not frames:
                        return S[-imm:] if imm else []
                    if imm == 1:
                        v = S[-1]
                        func, pc, L, S, instrs = frames.pop()
                        S.append(v)
                    elif imm:
                        a = S[-imm:]
                        func, pc, L, S, instrs = frames.pop()
                        S += a
                    else:
                        func, pc, L, S, instrs = frames.pop()
                    #F costs = func.code.costs
                    if func.instance is not inst:
                        inst = func.instance
                        funcs = inst.funcs
                        G = inst.globals
                        mems = inst.memories
                    if mems:
                        M = mems[0].data
                elif op == @NUM2:
                    b = S.pop()
                    S[-1] = imm(S[-1], b)
                elif op == @NUM1:
                    S[-1] = imm(S[-1])
                elif op == @GGET:
                    S.append(G[imm].val)
                elif op == @GSET:
                    G[imm].val = S.pop()
                elif op == @LGET2:
                    S.append(L[imm[0]])
                    S.append(L[imm[1]])
                else:  # LGET_CONST
                    S.append(L[imm[0]])
                    S.append(imm[1])
            elif op < @BR_LT_S:
                if op == @I32_ADD:
                    b = S.pop()
                    S[-1] = (S[-1] + b) & 0xFFFFFFFF
                elif op == @I32_ADDI:
                    S[-1] = (S[-1] + imm) & 0xFFFFFFFF
                elif op == @LGET_ADDI:
                    S.append((L[imm[0]] + imm[1]) & 0xFFFFFFFF)
                elif op == @LADDI_SET:
                    L[imm[2]] = (L[imm[0]] + imm[1]) & 0xFFFFFFFF
                elif op == @LGET_NUM2:
                    S[-1] = imm[1](S[-1], L[imm[0]])
                elif op == @CONST_NUM2:
                    S[-1] = imm[1](S[-1], imm[0])
                elif op == @LGET_LOAD:
                    S.append(u32(M, L[imm[0]] + imm[1])[0])
                elif op == @I32_LOAD:
                    S[-1] = u32(M, S[-1] + imm)[0]
                elif op == @I32_STORE:
                    v = S.pop()
                    p32(M, S.pop() + imm, v)
                elif op == @LOAD:
                    S[-1] = imm[0](M, S[-1] + imm[1])
                elif op == @STORE:
                    v = S.pop()
                    imm[0](M, S.pop() + imm[1], v)
                elif op == @LCOPY:
                    L[imm[1]] = L[imm[0]]
                elif op == @LGET2_ADD:
                    S.append((L[imm[0]] + L[imm[1]]) & 0xFFFFFFFF)
                elif op == @LCONST_SET:
                    L[imm[1]] = imm[0]
                elif op == @I32_WRAP_I64:
                    S[-1] &= 0xFFFFFFFF
                else:
                    b = S.pop()
                    S[-1] = (S[-1] - b) & 0xFFFFFFFF
            elif op < @F64_MUL:
                b = S.pop()
                if op < @I32_LT_S:
                    a = S.pop()
                    if op == @BR_LT_S:
                        if (a ^ 0x80000000) < (b ^ 0x80000000):
                            pc = imm
                    elif op == @BR_GE_S:
                        if (a ^ 0x80000000) >= (b ^ 0x80000000):
                            pc = imm
                    elif op == @BR_LT_U:
                        if a < b:
                            pc = imm
                    elif op == @BR_GE_U:
                        if a >= b:
                            pc = imm
                    elif op == @BR_EQ:
                        if a == b:
                            pc = imm
                    elif op == @BR_NE:
                        if a != b:
                            pc = imm
                    elif op == @BR_GT_S:
                        if (a ^ 0x80000000) > (b ^ 0x80000000):
                            pc = imm
                    elif op == @BR_LE_S:
                        if (a ^ 0x80000000) <= (b ^ 0x80000000):
                            pc = imm
                    elif op == @BR_GT_U:
                        if a > b:
                            pc = imm
                    else:  # BR_LE_U
                        if a <= b:
                            pc = imm
                elif op < @I32_SHR_U:
                    if op == @I32_LT_S:
                        S[-1] = 1 if (S[-1] ^ 0x80000000) < (b ^ 0x80000000) else 0
                    elif op == @I32_EQZ:
                        S.append(0 if b else 1)
                    elif op == @I32_EQ:
                        S[-1] = 1 if S[-1] == b else 0
                    elif op == @I32_NE:
                        S[-1] = 1 if S[-1] != b else 0
                    elif op == @I32_LT_U:
                        S[-1] = 1 if S[-1] < b else 0
                    elif op == @I32_GT_S:
                        S[-1] = 1 if (S[-1] ^ 0x80000000) > (b ^ 0x80000000) else 0
                    elif op == @I32_GT_U:
                        S[-1] = 1 if S[-1] > b else 0
                    elif op == @I32_LE_S:
                        S[-1] = 1 if (S[-1] ^ 0x80000000) <= (b ^ 0x80000000) else 0
                    elif op == @I32_GE_S:
                        S[-1] = 1 if (S[-1] ^ 0x80000000) >= (b ^ 0x80000000) else 0
                    elif op == @I32_LE_U:
                        S[-1] = 1 if S[-1] <= b else 0
                    elif op == @I32_GE_U:
                        S[-1] = 1 if S[-1] >= b else 0
                    elif op == @I32_AND:
                        S[-1] &= b
                    elif op == @I32_OR:
                        S[-1] |= b
                    elif op == @I32_XOR:
                        S[-1] ^= b
                    elif op == @I32_MUL:
                        S[-1] = (S[-1] * b) & 0xFFFFFFFF
                    elif op == @I32_SHL:
                        S[-1] = (S[-1] << (b & 31)) & 0xFFFFFFFF
                else:
                    if op == @I32_SHR_U:
                        S[-1] >>= b & 31
                    elif op == @I32_SHR_S:
                        a = S[-1]
                        S[-1] = ((a - ((a & 0x80000000) << 1)) >> (b & 31)) & 0xFFFFFFFF
                    elif op == @I32_ROTL:
                        a = S[-1]
                        b &= 31
                        S[-1] = ((a << b) | (a >> (32 - b))) & 0xFFFFFFFF
                    elif op == @I64_MUL:
                        S[-1] = (S[-1] * b) & 0xFFFFFFFFFFFFFFFF
                    elif op == @I64_SHL:
                        S[-1] = (S[-1] << (b & 63)) & 0xFFFFFFFFFFFFFFFF
                    elif op == @I64_SHR_U:
                        S[-1] >>= b & 63
                    elif op == @I64_ADD:
                        S[-1] = (S[-1] + b) & 0xFFFFFFFFFFFFFFFF
                    elif op == @I64_SUB:
                        S[-1] = (S[-1] - b) & 0xFFFFFFFFFFFFFFFF
                    elif op == @I64_AND:
                        S[-1] &= b
                    elif op == @I64_OR:
                        S[-1] |= b
                    elif op == @I64_XOR:
                        S[-1] ^= b
                    elif op == @I64_EQZ:
                        S.append(0 if b else 1)
                    elif op == @I64_EQ:
                        S[-1] = 1 if S[-1] == b else 0
                    else:  # I64_NE
                        S[-1] = 1 if S[-1] != b else 0
            elif op < @F64_GT:
                if op < @F64_MUL_L:
                    b = S.pop()
                    a = S[-1]
                    if op == @F64_MUL:
                        r = a * b
                    elif op == @F64_ADD:
                        r = a + b
                    else:
                        r = a - b
                    S[-1] = r if r == r else imm(a, b)
                elif op < @F64_MUL_K:
                    a = S[-1]
                    b = L[imm[0]]
                    if op == @F64_MUL_L:
                        r = a * b
                    elif op == @F64_ADD_L:
                        r = a + b
                    else:
                        r = a - b
                    S[-1] = r if r == r else imm[1](a, b)
                elif op < @F64_MUL_LL:
                    a = S[-1]
                    b = imm[0]
                    if op == @F64_MUL_K:
                        r = a * b
                    elif op == @F64_ADD_K:
                        r = a + b
                    else:
                        r = a - b
                    S[-1] = r if r == r else imm[1](a, b)
                else:
                    a = L[imm[0]]
                    b = L[imm[1]]
                    if op == @F64_MUL_LL:
                        r = a * b
                    elif op == @F64_ADD_LL:
                        r = a + b
                    else:
                        r = a - b
                    S.append(r if r == r else imm[2](a, b))
            elif op < @I32_SHLI:
                b = S.pop()
                if op == @F64_GT:
                    S[-1] = 1 if S[-1] > b else 0
                elif op == @F64_LT:
                    S[-1] = 1 if S[-1] < b else 0
                elif op == @F64_GE:
                    S[-1] = 1 if S[-1] >= b else 0
                elif op == @F64_LE:
                    S[-1] = 1 if S[-1] <= b else 0
                elif op == @F64_EQ:
                    S[-1] = 1 if S[-1] == b else 0
                else:  # F64_NE
                    S[-1] = 1 if S[-1] != b else 0
            elif op < @SELECT:
                if op == @I64_SHLI:
                    S[-1] = (S[-1] << imm) & 0xFFFFFFFFFFFFFFFF
                elif op == @I64_SHRUI:
                    S[-1] >>= imm
                elif op == @I32_SHLI:
                    S[-1] = (S[-1] << imm) & 0xFFFFFFFF
                elif op == @I32_SHRUI:
                    S[-1] >>= imm
                elif op == @I32_ANDI:
                    S[-1] &= imm
                else:  # I32_ROTLI
                    a = S[-1]
                    S[-1] = ((a << imm) | (a >> (32 - imm))) & 0xFFFFFFFF
            elif op == @SELECT:
                c = S.pop()
                b = S.pop()
                if not c:
                    S[-1] = b
            elif op == @BR_ADJ:
                pc, h, a = imm
                if a:
                    S[h:] = S[-a:]
                else:
                    del S[h:]
            elif op == @BR_IF_ADJ:
                if S.pop():
                    pc, h, a = imm
                    if a:
                        S[h:] = S[-a:]
                    else:
                        del S[h:]
            elif op == @BR_TABLE:
                i = S.pop()
                entries = imm[0]
                pc, h, a = entries[i] if i < len(entries) else imm[1]
                if h >= 0:
                    if a:
                        S[h:] = S[-a:]
                    else:
                        del S[h:]
            elif op <= @RETURN_CALL_REF:  # CALL_INDIRECT, CALL_REF and the tail calls
                if op == @RETURN_CALL:
                    f = funcs[imm]
                    ft = f.ftype
                elif op >= @CALL_REF:
                    f = S.pop()
                    if f is None:
                        raise Trap(NULL_REFERENCE, "null function reference")
                    ft = f.ftype
                else:
                    ft, t, ce = imm
                    i = S.pop()
                    elements = inst.tables[t].elements
                    if i >= len(elements):
                        raise Trap(TABLE_OUT_OF_BOUNDS, f"undefined element {i}")
                    f = elements[i]
                    if f is None:
                        raise Trap(INDIRECT_CALL_TO_NULL, f"uninitialized element {i}")
                    if f.canon != ce and not signature_ok(f, ce, store):
                        raise Trap(BAD_SIGNATURE)
                c = f.code
                if c is None:
                    if f.host is not None:
                        n = len(ft.params)
                        if n:
                            a = S[-n:]
                            del S[-n:]
                        else:
                            a = []
                        store._depth = depth0 + len(frames) + 1
                        #F store._fuel = fuel
                        in_host = True
                        S += f.call_host(a, inst)
                        in_host = False
                        #F fuel = store._fuel
                        if mems:
                            M = mems[0].data
                        continue
                    c = f.lower()
                n = c.nparams
                if n == 1:
                    a = [S.pop()]
                elif n:
                    a = S[-n:]
                    del S[-n:]
                else:
                    a = []
                a += c.zeros
                if op == @CALL_INDIRECT or op == @CALL_REF:
                    if len(frames) >= limit:
                        raise Exhausted(STACK_OVERFLOW)
                    frames.append((func, pc, L, S, instrs))
                # a tail call (RETURN_CALL*) replaces the current frame instead; a host callee
                # was called above and the RETURN lowered after the tail call returns its results
                func = f
                L = a
                S = []
                pc = 0
                instrs = c.instrs
                #F costs = c.costs
                if f.instance is not inst:
                    inst = f.instance
                    funcs = inst.funcs
                    G = inst.globals
                    mems = inst.memories
                    M = mems[0].data if mems else None
            elif op == @MISC:
                imm[0](S, inst, imm[1])
                if mems:
                    M = mems[0].data
            elif op == @REF_IS_NULL:
                S[-1] = 1 if S[-1] is None else 0
            elif op == @REF_FUNC:
                S.append(funcs[imm])
            elif op == @UNREACHABLE:
                raise Trap(UNREACHABLE)
            elif op == @NUM3:
                c = S.pop()
                b = S.pop()
                S[-1] = imm(S[-1], b, c)
            elif op == @BR_ON_NULL:
                if S[-1] is None:
                    del S[-1]
                    pc, h, a = imm
                    if h >= 0:
                        if a:
                            S[h:] = S[-a:]
                        else:
                            del S[h:]
            elif op == @BR_ON_NON_NULL:
                if S[-1] is None:
                    del S[-1]
                else:
                    pc, h, a = imm
                    if h >= 0:
                        S[h:] = S[-a:]
            elif op == @REF_AS_NON_NULL:
                if S[-1] is None:
                    raise Trap(NULL_REFERENCE)
            else:
                raise AssertionError(f"bad lowered opcode {op}")
    except BaseException as e:
        err = on_error(e, in_host, func, pc, frames)
        if err is e:
            raise
        raise err from None
    finally:
        store._depth = depth0
        #F if not in_host:  # else a host call failed and the store holds the current fuel
        #F     store._fuel = fuel if fuel > 0 else 0
'''


def _build(metered: bool):
    """Instantiate the loop template (with or without fuel metering) into a function."""
    source = re.sub(r"@([A-Z0-9_]+)", lambda m: str(_lower.OPS[m.group(1)]), _TEMPLATE)
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("#F "):
            if not metered:
                continue
            indent = line[: len(line) - len(stripped)]
            line = indent + stripped[3:]
        lines.append(line)
    lines = _catching(lines, metered)
    namespace = {
        "Trap": Trap, "Exhausted": Exhausted, "on_error": _on_error,
        "signature_ok": _signature_ok,
        "u32": struct.Struct("<I").unpack_from, "p32": struct.Struct("<I").pack_into,
        "OUT_OF_FUEL": TrapCode.OUT_OF_FUEL, "STACK_OVERFLOW": TrapCode.STACK_OVERFLOW,
        "TABLE_OUT_OF_BOUNDS": TrapCode.TABLE_OUT_OF_BOUNDS,
        "INDIRECT_CALL_TO_NULL": TrapCode.INDIRECT_CALL_TO_NULL,
        "BAD_SIGNATURE": TrapCode.BAD_SIGNATURE, "UNREACHABLE": TrapCode.UNREACHABLE,
        "NULL_REFERENCE": TrapCode.NULL_REFERENCE,
    }
    namespace.update(_CATCHING_NAMES)
    name = "<pywasm_core interp (metered)>" if metered else "<pywasm_core interp>"
    exec(compile("\n".join(lines), name, "exec"), namespace)
    return namespace["run"]


# ---- exception handling (3.0): the loop resumes at a wasm handler (exec/exceptions.py) -------
_RESUME = """\
except WasmException as x:
    r = find_handler(x, func, pc, frames, TAIL_CALLS)
    if r is None:
        raise
    k, pc, h, a, slot = r
    x.__traceback__ = None
    if k < len(frames):
        func, _pc, L, S, instrs = frames[k]
        del frames[k:]
    del S[h:]
    S += a
    if slot >= 0:
        L[slot] = x
    inst = func.instance
    funcs = inst.funcs
    G = inst.globals
    mems = inst.memories
    M = mems[0].data if mems else None
"""
_RESUME_METERED = """\
    costs = func.code.costs
    if in_host:
        fuel = store._fuel
"""
_CATCHING_NAMES = {
    "WasmException": WasmException, "find_handler": _X.find_handler,
    "TAIL_CALLS": frozenset(_lower.OPS[name] for name in
                            ("RETURN_CALL", "RETURN_CALL_INDIRECT", "RETURN_CALL_REF")),
}


def _catching(lines: list[str], metered: bool) -> list[str]:
    """Wrap the dispatch loop in `while True: try: <loop> except WasmException: <resume>`.

    A wasm exception that reaches the loop (a `throw`, or one raised through a host function)
    continues at the handler `find_handler` picks, in whichever of the loop's frames it is, with
    the loop's state switched to that frame; with none, it propagates.  Done on the generated
    lines so that the template stays one flat loop; a `try` costs nothing until something is
    raised, so 2.0 code runs exactly as before."""
    start = lines.index("    try:") + 1
    stop = lines.index("    except BaseException as e:")
    if lines[start] != "        while True:":
        raise AssertionError("the interpreter template's loop moved")
    body = ["        " + line if line.strip() else line for line in lines[start:stop]]
    resume = _RESUME + (_RESUME_METERED if metered else "") + "    in_host = False\n"
    handler = ["            " + line for line in resume.splitlines()]
    return lines[:start] + ["        while True:", "            try:"] + body + handler + \
        lines[stop:]


def _signature_ok(f, expected: int, store) -> bool:
    """call_indirect's type check beyond identical ids: a host function's id is computed on
    first use; a function whose type declares `expected` as a supertype matches (3.0)."""
    from ..runtime.rtt import func_canon, registry
    reg = registry(store.engine)
    return reg.is_sub(func_canon(f, reg), expected)


def _backtrace(func, pc: int, frames: list) -> list[Frame]:
    """Wasm frames innermost first; `pc` is the pc after the current op (the op that failed)."""
    out = [_frame(func, pc - 1)]
    for f, p, _L, _S, _instrs in reversed(frames):
        out.append(_frame(f, p - 1))
    return out


def _frame(func, pc: int) -> Frame:
    offset = None
    func_offset = None
    code = func.code
    if code is not None and 0 <= pc < len(code.offsets):
        offset = code.offsets[pc]
        start = func.defn.offset if func.defn is not None else None
        if offset is not None and start is not None:
            func_offset = offset - start
    return Frame(func.index, func.name, func.module.name if func.module else None,
                 func_offset, offset)


def _on_error(e: BaseException, in_host: bool, func, pc: int, frames: list) -> BaseException:
    """Turn what escaped the loop into what the caller must see (see the module docstring)."""
    if isinstance(e, WasmException):     # an uncaught wasm exception goes on unchanged
        return e
    if isinstance(e, Trap):
        e.frames.extend(_backtrace(func, pc, frames))
        return e
    if isinstance(e, RecursionError):     # Python's own stack, e.g. deep host <-> wasm nesting
        return Exhausted(TrapCode.STACK_OVERFLOW, frames=_backtrace(func, pc, frames))
    if in_host:
        if isinstance(e, Exception):
            trace = "; ".join(str(f) for f in _backtrace(func, pc, frames))
            e.add_note(f"wasm backtrace: {trace}")
        return e
    if isinstance(e, struct.error):
        return Trap(TrapCode.MEMORY_OUT_OF_BOUNDS, frames=_backtrace(func, pc, frames))
    if isinstance(e, MemoryError):
        return Exhausted(TrapCode.RESOURCE_LIMIT, "out of memory", _backtrace(func, pc, frames))
    code = getattr(e, "trap_code", None)
    if code is None:
        code = getattr(e, "code", None)
    if isinstance(code, TrapCode):       # numerics.NumericTrap
        message = getattr(e, "message", None)
        return Trap(code, message if isinstance(message, str) else None,
                    _backtrace(func, pc, frames))
    return e


_run_plain = _build(False)
_run_metered = _build(True)


def invoke(store, func, args: list) -> list:
    """Run wasm function `func` with engine-representation `args`; returns its results.
    The fast tier (exec/fast.py) runs it when the engine asks for it and no fuel is metered."""
    if store._fuel is None and store.engine.config.tier == "fast":
        return _fast.invoke(store, func, args)
    return invoke_interp(store, func, args)


def invoke_interp(store, func, args: list) -> list:
    """Run `func` on the interpreter (also the fast tier's fallback)."""
    max_depth = store.engine.config.max_call_depth
    if store._depth >= max_depth:
        raise Exhausted(TrapCode.STACK_OVERFLOW)
    if store._fuel is None:
        run = _run_plain
    else:
        run = _run_metered
    return run(store, func, list(args), max_depth)
