"""Numpy fast path for hot counted loops of the fast tier.

`plan_loop` recognises an innermost wasm `loop` whose body is straight-line code over i32 and
f32/f64 values (locals, constants, i32 arithmetic and comparisons, f32/f64 add/sub/mul/div,
i32/f32/f64 loads and stores of memory 0, `br_if` exits) ending in `br 0` / `br_if 0`, in which
every local carried from one iteration to the next is either an i32 induction variable
(`l = l + c`) or a float accumulator (`acc = x + acc`, `acc = acc + x`, `acc = acc - x`).  Such a
loop covers element-wise maps over memory (`a[i] = f(b[i], c[i])`) and sequential reductions (dot
products, also unrolled with several accumulators).

The fast tier calls the plan once when the loop is entered; the plan runs the iterations in
chunks as numpy array code and returns the locals after the last iteration it completed, then the
ordinary Python loop continues from there.  A chunk stops before the first iteration that would
take an exit, access memory out of bounds, see or produce a NaN (numpy does not promise which
NaN operand propagates), and a chunk whose stores overlap each other or its loads is not run at
all, so every trap, exit and NaN payload happens in the scalar code at the same iteration with
the same memory, and the results are bit-identical: non-NaN IEEE operations are exact
(float64 arrays for f64, float32 arrays for f32: each product and sum rounded once as the scalar
path does) and reductions are summed strictly in wasm order with `np.add.accumulate`.
"""

from __future__ import annotations

import os

import numpy as np

from ..opcodes import INFO, Op

M32 = 0xFFFFFFFF
ENABLED = os.environ.get("PYWASM_CORE_NUMPY", "1") != "0"
STATS = {"recognised": 0, "runs": 0, "iterations": 0}
_FIRST_CHUNK = 16
_MAX_CHUNK = 1 << 16

_I32_BIN = {"i32.add", "i32.sub", "i32.mul", "i32.and", "i32.or", "i32.xor", "i32.shl",
            "i32.shr_u", "i32.shr_s"}
_I32_CMP = {"i32.eq", "i32.ne", "i32.lt_u", "i32.gt_u", "i32.le_u", "i32.ge_u", "i32.lt_s",
            "i32.gt_s", "i32.le_s", "i32.ge_s"}
_F_BIN = {f"{w}.{o}" for w in ("f32", "f64") for o in ("add", "sub", "mul", "div")}
_LOADS = {"i32.load": ("i32", "<u4", 4), "f32.load": ("f32", "<f4", 4),
          "f64.load": ("f64", "<f8", 8)}
_STORES = {"i32.store": ("i32", "<u4", 4), "f32.store": ("f32", "<f4", 4),
           "f64.store": ("f64", "<f8", 8)}
_DTYPE = {"f32": np.float32, "f64": np.float64}


class _No(Exception):
    """The loop is not of the recognised form."""


def plan_loop(syntax, ftype, func, body, pos):
    """A `LoopPlan` for the loop at `body[pos]`, or None when it is not a recognised idiom."""
    if not ENABLED or body[pos].imm[0] is not None:
        return None
    mems = syntax.all_memories()
    if not mems or mems[0].is_64:
        return None
    ltypes = [t.name for t in ftype.params] + [t.name for t in func.locals]
    try:
        plan = LoopPlan(_check(body, pos, ltypes), ltypes)
    except (_No, KeyError, IndexError, TypeError, AttributeError):
        return None
    STATS["recognised"] += 1
    return plan


def _check(body, pos, ltypes):
    """The body's (name, imm) list after checking it is straight-line and supported."""
    instrs = []
    for i in range(pos + 1, len(body)):
        ins = body[i]
        if ins.op == Op.END:
            break
        if ins.op in (Op.BLOCK, Op.LOOP, Op.IF, Op.ELSE):
            raise _No("nested control")
        info = INFO.get(ins.op)
        if info is None:
            raise _No("unknown")
        instrs.append((info.name, ins.imm))
    else:
        raise _No("no end")
    if not instrs or instrs[-1][0] not in ("br", "br_if") or instrs[-1][1][0] != 0:
        raise _No("does not end with a branch back")
    for name, imm in instrs[:-1]:
        if name == "br_if" and imm[0] == 0:
            raise _No("inner continue")
        if name in _LOADS or name in _STORES:
            if imm[2] != 0:
                raise _No("memory index")
        elif name in ("local.get", "local.set", "local.tee"):
            if ltypes[imm[0]] not in ("i32", "f32", "f64"):
                raise _No("local type")
        elif name not in _I32_BIN and name not in _I32_CMP and name not in _F_BIN \
                and name not in ("i32.const", "f32.const", "f64.const", "i32.eqz", "drop",
                                 "br_if"):
            raise _No(name)
    return instrs


class LoopPlan:
    """Static description of a recognised loop; calling it runs iterations with numpy."""

    def __init__(self, instrs, ltypes):
        self.instrs = instrs
        read_first, written = [], []
        for name, imm in instrs:
            if name == "local.get" and imm[0] not in written and imm[0] not in read_first:
                read_first.append(imm[0])
            elif name in ("local.set", "local.tee") and imm[0] not in written:
                written.append(imm[0])
        carried = [j for j in read_first if j in written]
        self.ltypes = ltypes
        self.inputs = tuple(read_first)
        self.outputs = tuple(written)
        self.steps = {}              # carried i32 local -> step per iteration
        self.accs = {}               # carried float local -> type name
        for j in carried:
            if ltypes[j] == "i32":
                self.steps[j] = None
            else:
                self.accs[j] = ltypes[j]
        self._abstract()
        self.skip = 0
        self.backoff = 0

    def _abstract(self) -> None:
        """Check the carried locals: i32 ones step by a constant, float ones only accumulate."""
        cur = {}
        stack = []
        for name, imm in self.instrs[:-1]:
            if name == "local.get":
                j = imm[0]
                if j in cur:
                    v = cur[j]
                    if v[0] in ("acc", "red", "dead"):
                        raise _No("accumulator read twice")
                    stack.append(v)
                elif j in self.steps:
                    stack.append(("lin", j, 0))
                elif j in self.accs:
                    stack.append(("acc", j))
                else:
                    stack.append(("v",))
            elif name in ("local.set", "local.tee"):
                j = imm[0]
                v = stack.pop()
                if v[0] == "acc" or (v[0] == "red" and (v[1] != j or name == "local.tee")):
                    raise _No("accumulator escapes")
                if j in self.accs and v[0] != "red":
                    raise _No("float local carried but not accumulated")
                if j in cur and cur[j][0] == "red":
                    raise _No("accumulator written twice")
                cur[j] = ("dead",) if v[0] == "red" else v
                if v[0] == "red":
                    cur[j] = ("red", j)
                if name == "local.tee":
                    stack.append(v)
            elif name == "i32.const":
                stack.append(("lin", None, imm[0]))
            elif name in ("i32.add", "i32.sub"):
                b, a = stack.pop(), stack.pop()
                self._no_acc(a, b)
                if a[0] == "lin" and b[0] == "lin" and b[1] is None:
                    c = a[2] + b[2] if name == "i32.add" else a[2] - b[2]
                    stack.append(("lin", a[1], c))
                elif a[0] == "lin" and b[0] == "lin" and a[1] is None and name == "i32.add":
                    stack.append(("lin", b[1], a[2] + b[2]))
                else:
                    stack.append(("v",))
            elif name in _F_BIN:
                b, a = stack.pop(), stack.pop()
                op = name[4:]
                if a[0] == "acc" and b[0] != "acc" and op in ("add", "sub"):
                    self._no_acc(b)
                    stack.append(("red", a[1], op))
                elif b[0] == "acc" and a[0] != "acc" and op == "add":
                    self._no_acc(a)
                    stack.append(("red", b[1], op))
                else:
                    self._no_acc(a, b)
                    stack.append(("v",))
            else:
                info = _arity(name)
                args = [stack.pop() for _ in range(info[0])]
                self._no_acc(*args)
                if info[1]:
                    stack.append(("v",))
        for j in self.steps:
            v = cur.get(j)
            if v is None or v[0] != "lin" or v[1] != j:
                raise _No("i32 local carried but not an induction variable")
            self.steps[j] = v[2] & M32
        for j in self.accs:
            if cur.get(j, ("",))[0] != "red":
                raise _No("accumulator not updated")
        if self.last()[0] == "br_if" and not stack:
            raise _No("stack")

    def last(self):
        return self.instrs[-1]

    @staticmethod
    def _no_acc(*values) -> None:
        for v in values:
            if v[0] in ("acc", "red"):
                raise _No("accumulator used otherwise")

    def __call__(self, M, *vals):
        """Run as many iterations as are safe; the outputs' values after them, or None."""
        if self.skip:
            self.skip -= 1
            return None
        env = dict(zip(self.inputs, vals))
        total = 0
        size = _FIRST_CHUNK
        with np.errstate(all="ignore"):
            while True:
                n = self._chunk(M, env, size)
                total += n
                if n < size:
                    break
                size = min(size * 4, _MAX_CHUNK)
        if total < 4:          # a short loop: numpy only costs here, try again later
            self.backoff = min(self.backoff * 2 + 1, 64)
            self.skip = self.backoff
        else:
            self.backoff = 0
        if not total:
            return None
        STATS["runs"] += 1
        STATS["iterations"] += total
        return tuple(env[j] for j in self.outputs)

    def _chunk(self, M, env, size) -> int:
        """Run up to `size` iterations from the state in `env` (updated); how many ran."""
        n = size
        k = np.arange(size, dtype=np.uint64)
        mlen = len(M)
        M8 = np.frombuffer(M, dtype=np.uint8)
        ltypes = self.ltypes
        cur = {}
        stack = []
        loads = []
        stores = []
        reds = {}

        def cut(cond):
            nonlocal n
            if cond.ndim == 0:
                if cond:
                    n = 0
                return
            hit = np.flatnonzero(cond[:n])
            if hit.size:
                n = int(hit[0])

        def part(x):
            return x[:n] if x.ndim else x

        def getlocal(j):
            if j in cur:
                return cur[j]
            if j in self.steps:
                return (np.uint64(env[j]) + np.uint64(self.steps[j]) * k) & np.uint64(M32)
            if j in self.accs:
                return None
            t = ltypes[j]
            if t == "i32":
                return np.asarray(env[j], dtype=np.uint64)
            v = np.asarray(env[j], dtype=_DTYPE[t])
            if np.isnan(v):
                n_zero()
            return v

        def n_zero():
            nonlocal n
            n = 0

        for name, imm in self.instrs[:-1]:
            if n == 0:
                return 0
            if name == "local.get":
                stack.append(getlocal(imm[0]))
            elif name == "local.set" or name == "local.tee":
                v = stack.pop()
                j = imm[0]
                if j in self.accs:
                    reds[j] = v
                    cur[j] = v
                else:
                    cur[j] = v
                    if name == "local.tee":
                        stack.append(v)
            elif name == "i32.const":
                stack.append(np.asarray(imm[0] & M32, dtype=np.uint64))
            elif name in ("f32.const", "f64.const"):
                from ..numerics.floats import f32_from_bits, f64_from_bits
                t = name[:3]
                x = f32_from_bits(imm[0]) if t == "f32" else f64_from_bits(imm[0])
                v = np.asarray(x, dtype=_DTYPE[t])
                if np.isnan(v):
                    return 0
                stack.append(v)
            elif name == "drop":
                stack.pop()
            elif name in _I32_BIN:
                b, a = part(stack.pop()), part(stack.pop())
                stack.append(_i32_bin(name, a, b))
            elif name in _I32_CMP:
                b, a = part(stack.pop()), part(stack.pop())
                stack.append(_i32_cmp(name, a, b).astype(np.uint64))
            elif name == "i32.eqz":
                stack.append((part(stack.pop()) == 0).astype(np.uint64))
            elif name in _F_BIN:
                b, a = stack.pop(), stack.pop()
                op = name[4:]
                if a is None or b is None:          # accumulator update: x + acc, acc +- x
                    x = part(b if a is None else a)
                    stack.append(("red", -x if (a is None and op == "sub") else x))
                    continue
                a, b = part(a), part(b)
                r = a + b if op == "add" else a - b if op == "sub" else \
                    a * b if op == "mul" else a / b
                cut(np.isnan(r))
                stack.append(r)
            elif name in _LOADS:
                t, dt, w = _LOADS[name]
                ea = part(stack.pop()) + np.uint64(imm[1])
                cut(ea + np.uint64(w) > mlen)
                if n == 0:
                    return 0
                ea = part(ea)
                if ea.ndim:
                    raw = M8[ea[:, None].astype(np.intp) + np.arange(w)]
                    v = raw.view(dt).reshape(-1)
                    loads.append((int(ea.min()), int(ea.max()) + w))
                else:
                    v = np.asarray(M8[int(ea):int(ea) + w].view(dt)[0])
                    loads.append((int(ea), int(ea) + w))
                if t == "i32":
                    v = v.astype(np.uint64)
                else:
                    v = v.astype(_DTYPE[t])
                    cut(np.isnan(v))
                stack.append(v)
            elif name in _STORES:
                t, dt, w = _STORES[name]
                v = part(stack.pop())
                ea = part(stack.pop()) + np.uint64(imm[1])
                cut(ea + np.uint64(w) > mlen)
                if t != "i32":
                    cut(np.isnan(v))
                stores.append((ea, v, dt, w))
            elif name == "br_if":
                cut(part(stack.pop()) != 0)
            else:
                raise AssertionError(name)
        if n == 0:
            return 0
        last, limm = self.last()
        if last == "br_if":
            cut(part(stack.pop()) == 0)
        partials = {}
        for j, red in reds.items():
            x = red[1]
            dt = _DTYPE[self.accs[j]]
            seq = np.empty(n + 1, dtype=dt)
            seq[0] = env[j]
            seq[1:] = x[:n] if x.ndim else x
            if np.isnan(seq[0]):
                return 0
            acc = np.add.accumulate(seq, dtype=dt)
            cut(np.isnan(acc[1:]))
            partials[j] = acc
        if n == 0:
            return 0
        # stores: each strictly monotonic without self-overlap, disjoint from each other and loads
        spans = []
        for ea, v, dt, w in stores:
            if not ea.ndim:
                if n > 1:
                    return 0
                ea = ea.reshape(1)
            ea = ea[:n].astype(np.int64)
            if n > 1:
                d = np.diff(ea)
                if not ((d >= w).all() or (d <= -w).all()):
                    return 0
            spans.append((int(ea.min()), int(ea.max()) + w))
        for i, (lo, hi) in enumerate(spans):
            for lo2, hi2 in spans[i + 1:] + loads:
                if lo < hi2 and lo2 < hi:
                    return 0
        for ea, v, dt, w in stores:
            ea = (ea.reshape(-1) if ea.ndim else ea.reshape(1))[:n].astype(np.intp)
            vals = np.broadcast_to(v[:n] if v.ndim else v, (n,)).astype(dt)
            M8[ea[:, None] + np.arange(w)] = vals.view(np.uint8).reshape(n, w)
        for j in self.outputs:
            if j in self.steps:
                env[j] = (env[j] + self.steps[j] * n) & M32
            elif j in self.accs:
                env[j] = float(partials[j][n])
            else:
                v = cur[j]
                x = v[n - 1] if v.ndim else v
                env[j] = int(x) if ltypes[j] == "i32" else float(x)
        return n


def _arity(name):
    """(pops, pushes) of the other supported instructions."""
    if name in _I32_BIN or name in _I32_CMP:
        return (2, 1)
    if name == "i32.eqz" or name in _LOADS:
        return (1, 1)
    if name in ("f32.const", "f64.const"):
        return (0, 1)
    if name in _STORES:
        return (2, 0)
    if name in ("drop", "br_if"):
        return (1, 0)
    raise _No(name)


def _i32_bin(name, a, b):
    m = np.uint64(M32)
    op = name[4:]
    if op == "add":
        return (a + b) & m
    if op == "sub":
        return (a - b) & m
    if op == "mul":
        return (a * b) & m
    if op == "and":
        return a & b
    if op == "or":
        return a | b
    if op == "xor":
        return a ^ b
    s = b & np.uint64(31)
    if op == "shl":
        return (a << s) & m
    if op == "shr_u":
        return a >> s
    signed = (a.astype(np.int64) ^ 0x80000000) - 0x80000000
    return (signed >> s.astype(np.int64)).astype(np.uint64) & m


def _i32_cmp(name, a, b):
    op = name[4:]
    if op.endswith("_s"):
        sb = np.uint64(0x80000000)
        a, b = a ^ sb, b ^ sb
        op = op[:2]
    elif op.endswith("_u"):
        op = op[:2]
    return {"eq": np.equal, "ne": np.not_equal, "lt": np.less, "gt": np.greater,
            "le": np.less_equal, "ge": np.greater_equal}[op](a, b)
