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

`plan_trace` covers the loops with calls, nested blocks and inner loops (`TracePlan`: ruv-fann's
forward pass reads every element through a bounds-checked accessor call and recomputes a
loop-invariant offset with an inner loop): the body is followed along the path iteration 0
takes, for all iterations at once, cutting the chunk before the first iteration that branches
elsewhere, so the same safety rules apply.  Traces also take v128 code (`_V` values, see the
section at the end): v128 loads and stores, lane-wise f32x4/f64x2/i32x4/i64x2 arithmetic, bit
operations, splats and lane accesses, and lane-wise accumulators, each lane its own sequential
sum in wasm order.

Cost control: a trace plan whose entry ran fewer than `_MIN_RUN` iterations skips the next
15, 75, 315, then 1023 entries (a failed trace costs as much as many short scalar loops), keeps
its classification of the carried locals between entries (checked exactly on every chunk), and
probes with a `_PROBE_CHUNK` first chunk until an entry has run that long.
"""

from __future__ import annotations

import os
import weakref

import numpy as np

from ..opcodes import CLOSERS, INFO, MIDDLES, OPENERS, Op

M32 = 0xFFFFFFFF
ENABLED = os.environ.get("PYWASM_CORE_NUMPY", "1") != "0"
STATS = {"recognised": 0, "runs": 0, "iterations": 0}
_PLANS: "weakref.WeakSet" = weakref.WeakSet()
_MIN_RUN = 48               # fewer safe iterations than this: numpy costs more than it saves
_FIRST_CHUNK = 1 << 12     # exits and bounds are mostly solved before any array is made
_MAX_CHUNK = 1 << 16
_PROBE_CHUNK = 128          # a trace plan's first chunk unless its last entry ran longer
_BACKOFF_FIRST = 15         # entries skipped after a first short run, then x4 + 15 each time
_BACKOFF_GROWTH = 4
_MAX_BACKOFF = 1023         # entries a trace plan skips after repeated short runs

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
_CONVERT = {"f32.demote_f64": np.float32, "f64.promote_f32": np.float64,
            "f64.convert_i32_s": np.float64, "f64.convert_i32_u": np.float64,
            "f32.convert_i32_s": np.float32, "f32.convert_i32_u": np.float32}


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
    _PLANS.add(plan)
    return plan


def reset_backoff() -> None:
    """Forget the short-loop backoff of every plan (tests: make the next call try numpy)."""
    for plan in list(_PLANS):
        plan.skip = plan.backoff = 0


def _check(body, pos, ltypes):
    """The body's (name, imm) list after checking it is straight-line and supported."""
    instrs = []
    for i in range(pos + 1, len(body)):
        ins = body[i]
        if ins.op == Op.END:
            break
        if ins.op in OPENERS or ins.op in MIDDLES:
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
        self.committing = False

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
                self.committing = False
                try:
                    n = self._chunk(M, env, size)
                except Exception:     # noqa: BLE001 - no effect yet: the scalar loop does it
                    if self.committing:
                        raise
                    n = 0
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
        ks = []                      # the iteration numbers 0..n-1, made when first needed
        mlen = len(M)
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

        def mat(x):
            """The value as a numpy array over the first n iterations (or a scalar)."""
            if type(x) is _Aff:
                if x.step == 0:
                    return np.uint64(x.base)
                if not ks:
                    ks.append(np.arange(n, dtype=np.uint64))
                return (np.uint64(x.base) + np.uint64(x.step & M32) * ks[0][:n]) & _MASK
            if type(x) is _Cmp:
                return _i32_cmp(x.name, mat(x.a), mat(x.b)).astype(np.uint64)
            return x[:n] if x.ndim else x

        def bounds(ea, step, w):
            """Iterations whose access at ea + step*k (no wrap) stays inside memory."""
            if ea + w > mlen:
                return 0
            if step <= 0:
                return n
            return (mlen - w - ea) // step + 1

        for name, imm in self.instrs[:-1]:
            if n < _MIN_RUN:          # too few iterations to pay for numpy: all scalar
                return 0
            if name == "local.get":
                j = imm[0]
                if j in cur:
                    v = cur[j]
                elif j in self.steps:
                    v = _Aff(env[j], self.steps[j])
                elif j in self.accs:
                    v = None
                elif ltypes[j] == "i32":
                    v = _Aff(env[j], 0)
                else:
                    v = np.asarray(env[j], dtype=_DTYPE[ltypes[j]])
                stack.append(v)
            elif name == "local.set" or name == "local.tee":
                v = stack.pop()
                j = imm[0]
                cur[j] = v
                if j in self.accs:
                    reds[j] = v
                elif name == "local.tee":
                    stack.append(v)
            elif name == "i32.const":
                stack.append(_Aff(imm[0], 0))
            elif name in ("f32.const", "f64.const"):
                from ..numerics.floats import f32_from_bits, f64_from_bits
                t = name[:3]
                x = f32_from_bits(imm[0]) if t == "f32" else f64_from_bits(imm[0])
                stack.append(np.asarray(x, dtype=_DTYPE[t]))
            elif name == "drop":
                stack.pop()
            elif name in _I32_BIN:
                b, a = stack.pop(), stack.pop()
                op = name[4:]
                if type(a) is _Aff and type(b) is _Aff:
                    r = _aff_bin(op, a, b)
                    if r is not None:
                        stack.append(r)
                        continue
                stack.append(_i32_bin(name, mat(a), mat(b)))
            elif name in _I32_CMP:
                b, a = stack.pop(), stack.pop()
                if type(a) is _Aff and type(b) is _Aff:
                    stack.append(_Cmp(name, a, b))
                else:
                    stack.append(_i32_cmp(name, mat(a), mat(b)).astype(np.uint64))
            elif name == "i32.eqz":
                a = stack.pop()
                if type(a) is _Aff:
                    stack.append(_Cmp("i32.eq", a, _Aff(0, 0)))
                else:
                    stack.append((mat(a) == 0).astype(np.uint64))
            elif name in _F_BIN:
                b, a = stack.pop(), stack.pop()
                op = name[4:]
                if a is None or b is None:          # accumulator update: x + acc, acc +- x
                    x = part(b if a is None else a)
                    stack.append(("red", -x if (a is None and op == "sub") else x))
                    continue
                a, b = part(a), part(b)
                stack.append(a + b if op == "add" else a - b if op == "sub" else
                             a * b if op == "mul" else a / b)
            elif name in _LOADS:
                t, dt, w = _LOADS[name]
                a = stack.pop()
                off = imm[1]
                if type(a) is _Aff and a.flat(n) and a.step >= 0:
                    ea = a.base + off
                    n = min(n, bounds(ea, a.step, w))
                    if n == 0:
                        return 0
                    if a.step == 0:
                        v = np.frombuffer(M, dtype=dt, count=1, offset=ea)[0]
                        loads.append((ea, ea + w))
                        if t == "i32":              # an invariant i32: keep it symbolic
                            stack.append(_Aff(int(v), 0))
                            continue
                    else:
                        view = np.ndarray((n,), dtype=dt, buffer=M, offset=ea,
                                          strides=(a.step,))
                        v = view.astype(np.uint64 if t == "i32" else _DTYPE[t])
                        del view
                        loads.append((ea, a.step, w))   # its span at the final n
                        stack.append(v)
                        continue
                else:
                    ea = mat(a) + np.uint64(off)
                    cut(ea + np.uint64(w) > mlen)
                    if n == 0:
                        return 0
                    ea = part(ea)
                    M8 = np.frombuffer(M, dtype=np.uint8)
                    if ea.ndim:
                        v = M8[ea[:, None].astype(np.intp) + np.arange(w)].view(dt).reshape(-1)
                        loads.append((int(ea.min()), int(ea.max()) + w))
                    else:
                        v = M8[int(ea):int(ea) + w].view(dt)[0]
                        loads.append((int(ea), int(ea) + w))
                    del M8
                stack.append(np.asarray(v).astype(np.uint64 if t == "i32" else _DTYPE[t]))
            elif name in _STORES:
                t, dt, w = _STORES[name]
                v = stack.pop()
                a = stack.pop()
                if t == "i32":
                    v = mat(v)
                else:
                    v = part(v)
                    cut(np.isnan(v))
                off = imm[1]
                if type(a) is _Aff and a.flat(n) and a.step >= w:
                    ea = a.base + off
                    n = min(n, bounds(ea, a.step, w))
                    stores.append((ea, a.step, v, dt, w))
                else:
                    ea = mat(a) + np.uint64(off)
                    cut(ea + np.uint64(w) > mlen)
                    stores.append((ea, None, v, dt, w))
            elif name == "br_if":
                c = stack.pop()
                if type(c) is _Cmp and (first := c.first_true(n)) is not None:
                    n = min(n, first)
                else:
                    cut(mat(c) != 0)
            else:
                raise AssertionError(name)
        if n == 0:
            return 0
        last, limm = self.last()
        if last == "br_if":
            c = stack.pop()
            cut(mat(c) == 0)
        partials = {}
        for j, red in reds.items():
            x = red[1]
            dt = _DTYPE[self.accs[j]]
            seq = np.empty(n + 1, dtype=dt)
            seq[0] = env[j]
            seq[1:] = x[:n] if x.ndim else x
            acc = np.add.accumulate(seq, dtype=dt)
            cut(np.isnan(acc[1:]))     # acc[i + 1]: after iteration i
            partials[j] = acc
        for j in self.outputs:
            if j not in self.accs and ltypes[j] != "i32":
                cut(np.isnan(cur[j]))
        if n == 0:
            return 0
        # stores: each strictly monotonic without self-overlap, disjoint from each other and loads
        spans = []
        for ea, step, v, dt, w in stores:
            if step is not None:
                spans.append((ea, ea + step * (n - 1) + w))
                continue
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
            for lo2, hi2 in spans[i + 1:] + [_load_span(x, n) for x in loads]:
                if lo < hi2 and lo2 < hi:
                    return 0
        self.committing = True
        _commit_stores(M, n, stores)
        for j in self.outputs:
            if j in self.steps:
                env[j] = (env[j] + self.steps[j] * n) & M32
            elif j in self.accs:
                env[j] = float(partials[j][n])
            else:
                v = cur[j]
                if type(v) is _Aff:
                    env[j] = (v.base + v.step * (n - 1)) & M32
                    continue
                v = mat(v)
                x = v[n - 1] if v.ndim else v
                env[j] = int(x) if ltypes[j] == "i32" else float(x)
        return n


_MASK = np.uint64(M32)


class _Aff:
    """An i32 value (base + step*k) mod 2**32 over the chunk's iterations k, kept symbolic so
    strided memory accesses and exit tests are solved with integer arithmetic."""
    __slots__ = ("base", "step")

    def __init__(self, base, step):
        self.base = base & M32
        step &= M32
        self.step = step - (1 << 32) if step >= 1 << 31 else step

    def flat(self, n) -> bool:
        """No wraparound over k < n: the value is exactly base + step*k."""
        return 0 <= self.base + self.step * (n - 1) <= M32



def _commit_stores(M, n, stores) -> None:
    """Write a chunk's n iterations of each store into memory M, in program order: `(ea, step,
    values, dtype, width)` with a constant stride (`step`) or per-iteration addresses (`ea`
    an array, step None); dtype None is a v128 store (rows of 16 bytes)."""
    for ea, step, v, dt, w in stores:
        if dt is None:
            _store_rows(M, n, ea, step, v)
            continue
        vals = np.broadcast_to(v[:n] if v.ndim else v, (n,)).astype(dt)
        if step is not None:
            view = np.ndarray((n,), dtype=dt, buffer=M, offset=ea, strides=(step,))
            view[...] = vals
            del view
        else:
            ea = (ea.reshape(-1) if ea.ndim else ea.reshape(1))[:n].astype(np.intp)
            M8 = np.frombuffer(M, dtype=np.uint8)
            M8[ea[:, None] + np.arange(w)] = vals.view(np.uint8).reshape(n, w)
            del M8

def _aff_bin(op: str, a: _Aff, b: _Aff):
    """i32 `op` of two affine values when the result stays affine (add, sub, mul or shl by a
    loop-invariant), else None."""
    if op == "add":
        return _Aff(a.base + b.base, a.step + b.step)
    if op == "sub":
        return _Aff(a.base - b.base, a.step - b.step)
    if op == "mul" and (a.step == 0 or b.step == 0):
        if a.step == 0:
            a, b = b, a
        return _Aff(a.base * b.base, a.step * b.base)
    if op == "shl" and b.step == 0:
        f = 1 << (b.base & 31)
        return _Aff(a.base * f, a.step * f)
    return None


class _Cmp:
    """A comparison of two affine values, solved for the first true iteration by `br_if`."""
    __slots__ = ("name", "a", "b")

    def __init__(self, name, a, b):
        self.name, self.a, self.b = name, a, b

    def first_true(self, n):
        """The first k < n where the comparison holds (n: none), or None if not solvable."""
        a, b = self.a, self.b
        op = self.name[4:]
        if op.endswith("_s"):
            a, b = _Aff(a.base + 0x80000000, a.step), _Aff(b.base + 0x80000000, b.step)
        if not (a.flat(n) and b.flat(n)):
            return None
        op = op[:2]
        d0, ds = a.base - b.base, a.step - b.step
        if op in ("gt", "ge"):                 # D > 0  <=>  -D < 0
            d0, ds, op = -d0, -ds, "lt" if op == "gt" else "le"
        if op == "eq":
            if ds == 0:
                return 0 if d0 == 0 else n
            q, r = divmod(-d0, ds)
            return q if r == 0 and 0 <= q < n else n
        if op == "ne":
            if d0 != 0:
                return 0
            return 1 if ds != 0 and n > 1 else n
        if op == "lt":
            if d0 < 0:
                return 0
            return n if ds >= 0 else min(n, d0 // -ds + 1)
        if d0 <= 0:                            # le
            return 0
        return n if ds >= 0 else min(n, (d0 - ds - 1) // -ds)


def _load_span(entry, n):
    """(lo, hi) of a recorded load: fixed, or (ea, step, w) strided over the final n
    iterations (a cut after the load shortens it)."""
    if len(entry) == 3:
        ea, step, w = entry
        return ea, ea + step * (n - 1) + w
    return entry


def _interleaved(a, b) -> bool:
    """Two strided stores with the same step whose bytes never meet (`p` and `p + 16` of a
    loop stepping by 32): every address of one lies in the gaps of the other."""
    if a is None or b is None or a[1] != b[1]:
        return False
    (e1, step, w1), (e2, _, w2) = a, b
    d = (e2 - e1) % step
    return d >= w1 and step - d >= w2


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


# ---- loops with calls, nested blocks and inner loops: run along iteration 0's path ----

class _Bail(Exception):
    """The trace met something the numpy path does not do: the scalar loop runs it all."""


_NEGATE = {"i32.eq": "i32.ne", "i32.ne": "i32.eq", "i32.lt_u": "i32.ge_u",
           "i32.ge_u": "i32.lt_u", "i32.gt_u": "i32.le_u", "i32.le_u": "i32.gt_u",
           "i32.lt_s": "i32.ge_s", "i32.ge_s": "i32.lt_s", "i32.gt_s": "i32.le_s",
           "i32.le_s": "i32.gt_s"}
_TRACE_BUDGET = 3000         # instructions per traced iteration


def _structure(body):
    """{position of a label-opening instruction: (its end, its else or None)} of a function
    body (try_table and legacy try open labels too; `delegate` closes a try)."""
    out = {}
    opened = []
    for pos, ins in enumerate(body):
        if ins.op in OPENERS:
            opened.append([pos, None])
        elif ins.op == Op.ELSE:
            opened[-1][1] = pos
        elif ins.op in CLOSERS and opened:
            start, els = opened.pop()
            out[start] = (pos, els)
    return out


def plan_trace(syntax, ftype, func, body, pos, index):
    """A `TracePlan` for a loop `plan_loop` does not take (calls, nested control), or None."""
    if not ENABLED or body[pos].imm[0] is not None:
        return None
    mems = syntax.all_memories()
    if not mems or mems[0].is_64:
        return None
    ltypes = [t.name for t in ftype.params] + [t.name for t in func.locals]
    struct_ = _structure(body)
    end = struct_[pos][0]
    refs, written, calls = set(), set(), 0
    for ins in body[pos + 1:end]:
        if ins.op in (Op.LOCAL_GET, Op.LOCAL_SET, Op.LOCAL_TEE):
            refs.add(ins.imm[0])
            if ins.op != Op.LOCAL_GET:
                written.add(ins.imm[0])
        elif ins.op == Op.CALL:
            calls += 1
        elif ins.op in (Op.CALL_INDIRECT, Op.GLOBAL_SET):
            return None
    if any(ltypes[j] not in _TRACE_TYPES for j in refs):
        return None
    plan = TracePlan(body, struct_, pos, ltypes, tuple(sorted(refs)), tuple(sorted(written)))
    STATS["recognised"] += 1
    _PLANS.add(plan)
    return plan


class TracePlan:
    """Runs a loop's iterations as numpy array code along the control path iteration 0 takes:
    every branch, `if` and call is followed for all iterations at once, and the chunk is cut
    before the first iteration whose branch goes elsewhere, so the vectorised iterations all
    execute the same instructions (callees inlined, inner loops unrolled).  The locals carried
    from one iteration to the next are classified by running iteration 0 once, then checked
    exactly: an i32 one must come out as itself plus a constant, a float one as an accumulator."""

    def __init__(self, body, struct_, pos, ltypes, inputs, outputs):
        self.body = body
        self.struct = struct_
        self.pos = pos
        self.ltypes = ltypes
        self.inputs = inputs
        self.outputs = outputs
        self.skip = 0
        self.backoff = 0
        self.dead = False
        self.committing = False
        self.hyp = None
        self.long = False
        self.depth = 0
        self._structs = {}

    def __call__(self, M, inst, d, *vals):
        """`d`: the calls the scalar loop may still nest (deeper traces leave it to them)."""
        skip = self.skip                # checked first: most entries of short loops skip
        if skip:
            self.skip = skip - 1
            return None
        if self.dead:
            return None
        self.depth = d
        env = dict(zip(self.inputs, vals))
        total = 0
        with np.errstate(all="ignore"):
            try:
                hyp = self.hyp          # the last entry's classification, checked exactly
                fresh = hyp is None
                if fresh:
                    hyp = self.hyp = self._classify(M, inst, env)
                # a plan that has not run long lately probes with a small chunk first: a path
                # that is cut late (after calls and arrays) then costs little when it is short
                size = _FIRST_CHUNK if self.long else _PROBE_CHUNK
                while True:
                    self.committing = False
                    try:
                        n = self._chunk(M, inst, env, size, *hyp)
                    except _Bail as why:
                        if fresh or total or why.args[0] != "hypothesis":
                            raise
                        hyp = self.hyp = self._classify(M, inst, env)
                        fresh = True
                        continue
                    self.hyp = hyp
                    total += n
                    if n < size:
                        break
                    size = min(size * 4, _MAX_CHUNK)
            except _Bail as why:
                if why.args and why.args[0] == "budget":
                    self.dead = True
            except Exception:      # noqa: BLE001 - no effect yet: the scalar loop does it
                if self.committing:
                    raise
        self.long = total >= _PROBE_CHUNK
        if total < _MIN_RUN:
            # a trace costs as much as many short scalar loops: back off fast and far
            self.backoff = min(self.backoff * _BACKOFF_GROWTH + _BACKOFF_FIRST, _MAX_BACKOFF)
            self.skip = self.backoff
        else:
            self.backoff = 0
        if not total:
            return None
        STATS["runs"] += 1
        STATS["iterations"] += total
        return tuple(env[j] for j in self.outputs)

    def _classify(self, M, inst, env):
        """Run iteration 0 alone: the i32 locals it carries and their steps, the float ones."""
        lanes = _Lanes(M, 1, 1)
        top = self._trace(lanes, inst, env, {}, set())
        steps, accs = {}, set()
        for j in top.read_first & set(top.cur):
            if self.ltypes[j] == "i32":
                v = top.cur[j]
                if type(v) is not _Aff or v.step:
                    raise _Bail("carried i32 not affine")
                steps[j] = (v.base - env[j]) & M32
            else:
                accs.add(j)
        return steps, accs

    def _chunk(self, M, inst, env, size, steps, accs) -> int:
        lanes = _Lanes(M, size)
        top = self._trace(lanes, inst, env, steps, accs)
        if lanes.n < _MIN_RUN:
            return 0
        for j in top.read_first:
            if j in top.cur and j not in steps and j not in accs:
                raise _Bail("hypothesis")       # carried, but read as an invariant
        for j, step in steps.items():
            v = top.cur.get(j)
            want = _Aff(env[j] + step, step)
            if type(v) is not _Aff or v.base != want.base or v.step != want.step:
                raise _Bail("hypothesis")
        partials = {}
        for j in accs:
            red = top.reds.get(j)
            if red is None or top.cur.get(j) != ("dead",):
                raise _Bail("hypothesis")
            n = lanes.n
            if self.ltypes[j] == "v128":
                partials[j] = _lane_accumulate(lanes, env[j], red, n)
                continue
            dt = _DTYPE[self.ltypes[j]]
            x = red
            seq = np.empty(n + 1, dtype=dt)
            seq[0] = env[j]
            seq[1:] = x[:n] if x.ndim else x
            acc = np.add.accumulate(seq, dtype=dt)
            lanes.cut(np.isnan(acc[1:]))
            partials[j] = acc
        for j in self.outputs:
            if j in top.cur and j not in accs and self.ltypes[j] not in ("i32", "v128"):
                lanes.cut(np.isnan(lanes.mat(top.cur[j])))
        n = lanes.n
        if n < _MIN_RUN or not lanes.check_stores():
            return 0
        self.committing = True
        lanes.commit()
        for j in self.outputs:
            if j in steps:
                env[j] = (env[j] + steps[j] * n) & M32
            elif j in accs:
                acc = partials[j][n]
                env[j] = _v128_int(acc) if self.ltypes[j] == "v128" else float(acc)
            elif j in top.cur:
                v = top.cur[j]
                if type(v) is _Aff:
                    env[j] = (v.base + v.step * (n - 1)) & M32
                    continue
                if type(v) is _V:
                    env[j] = _v128_int(v.raw[n - 1] if v.raw.ndim == 2 else v.raw)
                    continue
                v = lanes.mat(v)
                x = v[n - 1] if v.ndim else v
                env[j] = int(x) if self.ltypes[j] == "i32" else float(x)
        return n

    def _trace(self, lanes, inst, env, steps, accs):
        """Interpret one iteration over all lanes; returns the top frame."""
        top = _Frame(self.body, self.struct, self.ltypes, None, top=True)
        top.ctrl.append(("loop", self.pos, self.struct[self.pos][0], 0, 0))
        top.pos = self.pos + 1
        top.env, top.steps, top.accs = env, steps, accs
        frames = [top]
        budget = _TRACE_BUDGET
        while True:
            budget -= 1
            if budget < 0:
                raise _Bail("budget")
            if lanes.n < lanes.min_run:
                raise _Bail("short")
            fr = frames[-1]
            ins = fr.body[fr.pos]
            op = ins.op
            imm = ins.imm
            fr.pos += 1
            st = fr.stack
            if op == Op.LOCAL_GET:
                st.append(fr.get(imm[0]))
            elif op == Op.LOCAL_SET or op == Op.LOCAL_TEE:
                v = st.pop()
                fr.set(imm[0], v)
                if op == Op.LOCAL_TEE:
                    if type(v) is tuple:
                        raise _Bail("accumulator escapes")
                    st.append(v)
            elif op == Op.BR_IF or op == Op.IF:
                taken = lanes.decide(_val(st.pop()))
                if op == Op.IF:
                    end, els = fr.struct[fr.pos - 1]
                    np_, nr = _arity_of(inst, imm[0])
                    if taken:
                        fr.ctrl.append(("if", fr.pos - 1, end, len(st), nr))
                    elif els is not None:
                        fr.ctrl.append(("if", fr.pos - 1, end, len(st), nr))
                        fr.pos = els + 1
                    else:
                        fr.pos = end + 1
                elif taken:
                    r = self._branch(fr, imm[0])
                    if r == "next":
                        return top
                    if r == "return":
                        frames.pop()
                        frames[-1].stack.extend(fr.result())
            elif op == Op.BR:
                r = self._branch(fr, imm[0])
                if r == "next":
                    return top
                if r == "return":
                    frames.pop()
                    frames[-1].stack.extend(fr.result())
            elif op == Op.BLOCK or op == Op.LOOP:
                np_, nr = _arity_of(inst, imm[0])
                kind = "loop" if op == Op.LOOP else "block"
                fr.ctrl.append((kind, fr.pos - 1, fr.struct[fr.pos - 1][0], len(st), nr))
            elif op == Op.ELSE:
                fr.pos = fr.ctrl[-1][2]          # the then arm is done: go to the `end`
            elif op == Op.END:
                if not fr.ctrl:                  # end of a callee's body
                    frames.pop()
                    frames[-1].stack.extend(fr.result())
                    continue
                fr.ctrl.pop()
                if fr.top and not fr.ctrl:
                    raise _Bail("falls out of the loop")
            elif op == Op.RETURN:
                if fr.top:
                    raise _Bail("return")
                frames.pop()
                frames[-1].stack.extend(fr.result())
            elif op == Op.CALL:
                f = inst.funcs[imm[0]]
                if f.host is not None or f.instance is not inst or len(frames) > 16 \
                        or len(frames) + 1 >= self.depth:
                    raise _Bail("call")
                syntax = f.module.syntax
                func = syntax.funcs[f.defined_index]
                ft = syntax.types[func.type_index]
                types_ = [t.name for t in ft.params] + [t.name for t in func.locals]
                if any(t not in _TRACE_TYPES for t in types_) or \
                        any(t.name not in _TRACE_TYPES for t in ft.results):
                    raise _Bail("types")
                args = [st.pop() for _ in ft.params][::-1]
                if any(type(a) is tuple for a in args):
                    raise _Bail("accumulator escapes")
                key = id(func)
                s = self._structs.get(key)
                if s is None:
                    s = self._structs[key] = (func, _structure(func.body))
                callee = _Frame(func.body, s[1], types_, len(ft.results))
                for i, a in enumerate(args):
                    callee.cur[i] = a
                for i in range(len(args), len(types_)):
                    callee.cur[i] = _Aff(0, 0) if types_[i] == "i32" else \
                        _V(_v128_raw(0)) if types_[i] == "v128" else \
                        np.asarray(0.0, dtype=_DTYPE[types_[i]])
                callee.pos = 0
                frames.append(callee)
            elif op == Op.GLOBAL_GET:
                g = inst.globals[imm[0]]
                t = g.ty.content.name
                if t == "i32":
                    st.append(_Aff(g.val, 0))
                elif t in ("f32", "f64"):
                    st.append(np.asarray(g.val, dtype=_DTYPE[t]))
                elif t == "v128":
                    st.append(_V(_v128_raw(g.val)))
                else:
                    raise _Bail("global type")
            elif op == Op.SELECT or op == Op.SELECT_T:
                c = lanes.decide(_val(st.pop()))
                b, a = st.pop(), st.pop()
                if type(a) is tuple or type(b) is tuple:
                    raise _Bail("accumulator escapes")
                st.append(a if c else b)
            elif op == Op.UNREACHABLE:
                raise _Bail("unreachable")
            elif op == Op.NOP:
                pass
            else:
                info = INFO.get(op)
                name = info.name if info is not None else ""
                lanes.instr(name, imm, st)

    @staticmethod
    def _branch(fr, depth):
        """Branch to label `depth` of frame `fr`: 'next' (the vectorised loop's next iteration),
        'return' (out of a callee) or None (continue in the frame)."""
        if depth >= len(fr.ctrl):
            if fr.top:
                raise _Bail("leaves the loop")
            return "return"
        idx = len(fr.ctrl) - 1 - depth
        kind, start, end, height, nr = fr.ctrl[idx]
        if fr.top and idx == 0:
            return "next"
        st = fr.stack
        if kind == "loop":
            del st[height:]
            del fr.ctrl[idx + 1:]
            fr.pos = start + 1
        else:
            keep = st[len(st) - nr:] if nr else []
            del st[height:]
            st.extend(keep)
            del fr.ctrl[idx:]
            fr.pos = end + 1
        return None


def _val(v):
    if type(v) is tuple:
        raise _Bail("accumulator escapes")
    return v


def _arity_of(inst, blocktype):
    if blocktype is None:
        return 0, 0
    if isinstance(blocktype, int):
        ft = inst.types[blocktype]
        if ft.params:
            raise _Bail("block parameters")
        return 0, len(ft.results)
    return 0, 1


class _Frame:
    """One function activation of a trace (the loop's own function: `top`)."""
    __slots__ = ("body", "struct", "ltypes", "nres", "top", "pos", "stack", "ctrl", "cur",
                 "env", "steps", "accs", "read_first", "reds")

    def __init__(self, body, struct_, ltypes, nres, top=False):
        self.body, self.struct, self.ltypes, self.nres, self.top = body, struct_, ltypes, nres, top
        self.stack, self.ctrl, self.cur = [], [], {}
        self.read_first = set()
        self.reds = {}

    def get(self, j):
        if j in self.cur:
            v = self.cur[j]
            if type(v) is tuple:
                raise _Bail("accumulator read twice")
            return v
        # the top frame's start-of-iteration value
        self.read_first.add(j)
        if j in self.steps:
            return _Aff(self.env[j], self.steps[j])
        if j in self.accs:
            return ("acc", j)
        if self.ltypes[j] == "i32":
            return _Aff(self.env[j], 0)
        if self.ltypes[j] == "v128":
            return _V(_v128_raw(self.env[j]))
        return np.asarray(self.env[j], dtype=_DTYPE[self.ltypes[j]])

    def set(self, j, v):
        if type(v) is tuple:
            if not self.top or v[0] != "red" or v[1] != j or j in self.reds:
                raise _Bail("accumulator escapes")
            self.reds[j] = v[2]
            self.cur[j] = ("dead",)
            return
        if self.top and j in self.accs:
            raise _Bail("hypothesis")          # float local carried but not accumulated
        if j in self.cur and type(self.cur[j]) is tuple:
            raise _Bail("accumulator overwritten")
        self.cur[j] = v

    def result(self):
        st = self.stack
        vals = st[len(st) - self.nres:] if self.nres else []
        if any(type(v) is tuple for v in vals):
            raise _Bail("accumulator escapes")
        return vals


class _Lanes:
    """The iterations of one chunk: their count `n` (only ever cut down), the numpy forms of
    values, and the loads and stores done so far."""

    def __init__(self, M, size, min_run=None):
        self.M = M
        self.n = size
        self.min_run = _MIN_RUN if min_run is None else min_run
        self.mlen = len(M)
        self.ks = None
        self.loads = []
        self.stores = []

    def cut(self, cond):
        if cond.ndim == 0:
            if cond:
                self.n = 0
            return
        hit = np.flatnonzero(cond[:self.n])
        if hit.size:
            self.n = int(hit[0])

    def part(self, x):
        return x[:self.n] if x.ndim else x

    def mat(self, x):
        if type(x) is _Aff:
            if x.step == 0:
                return np.uint64(x.base)
            if self.ks is None or len(self.ks) < self.n:
                self.ks = np.arange(self.n, dtype=np.uint64)
            return (np.uint64(x.base) + np.uint64(x.step & M32) * self.ks[:self.n]) & _MASK
        if type(x) is _Cmp:
            return _i32_cmp(x.name, self.mat(x.a), self.mat(x.b)).astype(np.uint64)
        if type(x) is tuple:
            raise _Bail("accumulator escapes")
        return x[:self.n] if x.ndim else x

    def decide(self, c) -> bool:
        """Iteration 0's direction at a branch; cuts before the first iteration going the
        other way."""
        if type(c) is _Cmp:
            first = c.first_true(self.n)
            if first is not None:
                if first > 0:
                    self.n = min(self.n, first)
                    return False
                other = _Cmp(_NEGATE[c.name], c.a, c.b).first_true(self.n)
                if other is not None:
                    self.n = min(self.n, other)
                    return True
        v = self.mat(c)
        if not v.ndim:
            return bool(v != 0)
        t = v[:self.n] != 0
        d = bool(t[0])
        hit = np.flatnonzero(t != d)
        if hit.size:
            self.n = int(hit[0])
        return d

    def instr(self, name, imm, st):
        """The value instructions (as in `LoopPlan`) on the operand stack `st`."""
        if name == "i32.const":
            st.append(_Aff(imm[0], 0))
        elif name in ("f32.const", "f64.const"):
            from ..numerics.floats import f32_from_bits, f64_from_bits
            t = name[:3]
            x = f32_from_bits(imm[0]) if t == "f32" else f64_from_bits(imm[0])
            st.append(np.asarray(x, dtype=_DTYPE[t]))
        elif name == "drop":
            _val(st.pop())
        elif name in _I32_BIN:
            b, a = _val(st.pop()), _val(st.pop())
            op = name[4:]
            if type(a) is _Aff and type(b) is _Aff:
                r = _aff_bin(op, a, b)
                if r is not None:
                    st.append(r)
                    return
                if a.step == 0 and b.step == 0:
                    v = int(_i32_bin(name, np.uint64(a.base), np.uint64(b.base)))
                    st.append(_Aff(v, 0))
                    return
            st.append(_i32_bin(name, self.mat(a), self.mat(b)))
        elif name in _I32_CMP:
            b, a = _val(st.pop()), _val(st.pop())
            if type(a) is _Aff and type(b) is _Aff:
                st.append(_Cmp(name, a, b))
            else:
                st.append(_i32_cmp(name, self.mat(a), self.mat(b)).astype(np.uint64))
        elif name == "i32.eqz":
            a = _val(st.pop())
            if type(a) is _Aff:
                st.append(_Cmp("i32.eq", a, _Aff(0, 0)))
            else:
                st.append((self.mat(a) == 0).astype(np.uint64))
        elif name in _F_BIN:
            b, a = st.pop(), st.pop()
            op = name[4:]
            ta, tb = type(a) is tuple, type(b) is tuple
            if ta or tb:
                if ta and tb:
                    raise _Bail("accumulator escapes")
                acc, x = (a, b) if ta else (b, a)
                if acc[0] != "acc" or (tb and op != "add") or op not in ("add", "sub"):
                    raise _Bail("accumulator escapes")
                x = self.part(x)
                st.append(("red", acc[1], -x if op == "sub" else x))
                return
            a, b = self.part(a), self.part(b)
            st.append(a + b if op == "add" else a - b if op == "sub" else
                      a * b if op == "mul" else a / b)
        elif name in _LOADS:
            self.load(name, imm, st)
        elif name in _STORES:
            self.store(name, imm, st)
        elif name in _V_OPS:
            _V_OPS[name](self, name, imm, st)
        elif name in _CONVERT:
            self.convert(name, st)
        else:
            raise _Bail(name or "instruction")

    def convert(self, name, st):
        """f32.demote_f64 / f64.promote_f32 (one rounding, as the scalar path; a NaN operand cuts:
        its quieted payload is made by numerics) and the i32 -> float conversions (exact for f64,
        rounded once for f32)."""
        a = _val(st.pop())
        out = _CONVERT[name]
        if name[4:8] in ("demo", "prom"):
            x = self.part(a)
            self.cut(np.isnan(x))
            st.append(x.astype(out))
            return
        x = np.asarray(self.mat(a)).astype(np.int64)
        if name.endswith("_s"):
            x = (x ^ 0x80000000) - 0x80000000
        st.append(x.astype(out))

    def bounds(self, ea, step, w):
        if ea + w > self.mlen:
            return 0
        if step <= 0:
            return self.n
        return (self.mlen - w - ea) // step + 1

    def load(self, name, imm, st):
        t, dt, w = _LOADS[name]
        if imm[2] != 0:
            raise _Bail("memory index")
        a = _val(st.pop())
        off = imm[1]
        M = self.M
        if type(a) is _Aff and a.flat(self.n) and a.step >= 0:
            ea = a.base + off
            self.n = min(self.n, self.bounds(ea, a.step, w))
            if self.n < self.min_run:
                raise _Bail("short")
            if a.step == 0:
                v = np.frombuffer(M, dtype=dt, count=1, offset=ea)[0]
                self.loads.append((ea, ea + w))
                st.append(_Aff(int(v), 0) if t == "i32" else np.asarray(v, dtype=_DTYPE[t]))
                return
            view = np.ndarray((self.n,), dtype=dt, buffer=M, offset=ea, strides=(a.step,))
            v = view.astype(np.uint64 if t == "i32" else _DTYPE[t])
            del view
            self.loads.append((ea, a.step, w))      # strided: its span at the final n
            st.append(v)
            return
        ea = self.mat(a) + np.uint64(off)
        self.cut(ea + np.uint64(w) > self.mlen)
        if self.n < self.min_run:
            raise _Bail("short")
        ea = self.part(ea)
        M8 = np.frombuffer(M, dtype=np.uint8)
        if ea.ndim:
            v = M8[ea[:, None].astype(np.intp) + np.arange(w)].view(dt).reshape(-1)
            self.loads.append((int(ea.min()), int(ea.max()) + w))
        else:
            v = M8[int(ea):int(ea) + w].view(dt)[0]
            self.loads.append((int(ea), int(ea) + w))
        del M8
        st.append(np.asarray(v).astype(np.uint64 if t == "i32" else _DTYPE[t]))

    def store(self, name, imm, st):
        t, dt, w = _STORES[name]
        if imm[2] != 0:
            raise _Bail("memory index")
        v = _val(st.pop())
        a = _val(st.pop())
        if t == "i32":
            v = self.mat(v)
        else:
            v = self.part(v)
            self.cut(np.isnan(v))
        off = imm[1]
        if type(a) is _Aff and a.flat(self.n) and a.step >= w:
            ea = a.base + off
            self.n = min(self.n, self.bounds(ea, a.step, w))
            self.stores.append((ea, a.step, v, dt, w))
        else:
            ea = self.mat(a) + np.uint64(off)
            self.cut(ea + np.uint64(w) > self.mlen)
            self.stores.append((ea, None, v, dt, w))

    def check_stores(self) -> bool:
        """Each store strictly monotonic without self-overlap, disjoint from the others and
        from every load."""
        n = self.n
        spans = []
        strided = []                     # (ea, step, w) of each store, or None
        for ea, step, v, dt, w in self.stores:
            if step is not None:
                spans.append((ea, ea + step * (n - 1) + w))
                strided.append((ea, step, w))
                continue
            if not ea.ndim:
                if n > 1:
                    return False
                ea = ea.reshape(1)
            ea = ea[:n].astype(np.int64)
            if n > 1:
                d = np.diff(ea)
                if not ((d >= w).all() or (d <= -w).all()):
                    return False
            spans.append((int(ea.min()), int(ea.max()) + w))
            strided.append(None)
        loads, load_strides = [], []
        for entry in self.loads:
            if len(entry) == 3:                  # (ea, step, w) of a strided load
                ea, step, w = entry
                loads.append((ea, ea + step * (n - 1) + w))
                load_strides.append(entry)
            else:                                # a fixed (lo, hi) span
                loads.append(entry)
                load_strides.append(None)
        for i, (lo, hi) in enumerate(spans):
            others = spans[i + 1:] + loads
            other_strides = strided[i + 1:] + load_strides
            for (lo2, hi2), other in zip(others, other_strides):
                if lo < hi2 and lo2 < hi and not _interleaved(strided[i], other):
                    return False
        return True

    def commit(self):
        n = self.n
        M = self.M
        _commit_stores(M, n, self.stores)


# ---- v128 (SIMD) values in traces ----
#
# A v128 value is `_V(raw)`: its bytes as a uint8 array, shape (16,) when it is the same in every
# iteration, (n, 16) otherwise; lane views (`raw.view('<f4')`: shape (..., 4)) are free.  Loads,
# stores, constants, bitwise and integer lane operations move exact bits.  Float lane arithmetic
# runs in float32 / float64 (each lane rounded once, as the scalar path does); an iteration in
# which any lane of a float result is NaN cuts the chunk, so NaN payloads are always made by the
# scalar code (numerics.simd), and a splat of a NaN cuts too (numpy would quiet a signalling one).
# Lane-wise accumulators (`acc = f32x4.add(acc, x)`) are summed per lane in wasm order with
# `np.add.accumulate` along the iterations.

_TRACE_TYPES = ("i32", "f32", "f64", "v128")
_U8 = np.dtype(np.uint8)
_ROW = np.arange(16)
_LANE_DT = {"f32x4": np.dtype("<f4"), "f64x2": np.dtype("<f8"), "i32x4": np.dtype("<u4"),
            "i64x2": np.dtype("<u8"), "i16x8": np.dtype("<u2"), "i8x16": np.dtype("u1")}
_SIGNED_DT = {"i32x4": np.dtype("<i4"), "i64x2": np.dtype("<i8"), "i16x8": np.dtype("<i2"),
              "i8x16": np.dtype("i1")}


class _V:
    """A v128 value over the chunk's iterations (see above)."""
    __slots__ = ("raw",)

    def __init__(self, raw):
        self.raw = raw


def _v128_raw(x: int):
    return np.frombuffer(x.to_bytes(16, "little"), dtype=_U8).copy()


def _v128_int(row) -> int:
    return int.from_bytes(np.ascontiguousarray(row).view(_U8).tobytes(), "little")


def _vpop(lanes, st):
    """The v128 on top of the stack, limited to the chunk's iterations."""
    v = st.pop()
    if type(v) is not _V:
        raise _Bail("accumulator escapes" if type(v) is tuple else "v128 operand")
    raw = v.raw
    return raw[:lanes.n] if raw.ndim == 2 else raw


def _push_lanes(st, lanes_array):
    """Push lane values (..., L) as a v128 (their bytes, contiguous)."""
    a = np.ascontiguousarray(lanes_array)
    st.append(_V(a.view(_U8).reshape(a.shape[:-1] + (16,))))


def _cut_nan(lanes, r):
    """Cut before the first iteration with a NaN in any lane of `r` (..., L)."""
    nan = np.isnan(r)
    if nan.any():                        # rare: the per-row test only then
        lanes.cut(nan.any(axis=-1))


def _store_rows(M, n, ea, step, raw):
    vals = np.broadcast_to(raw[:n] if raw.ndim == 2 else raw, (n, 16))
    if step is not None:
        view = np.ndarray((n, 16), dtype=_U8, buffer=M, offset=ea, strides=(step, 1))
        view[...] = vals
        del view
    else:
        ea = (ea.reshape(-1) if ea.ndim else ea.reshape(1))[:n].astype(np.intp)
        M8 = np.frombuffer(M, dtype=_U8)
        M8[ea[:, None] + _ROW] = vals
        del M8


def _op_v128_load(lanes, name, imm, st):
    if imm[2] != 0:
        raise _Bail("memory index")
    a = _val(st.pop())
    ea0 = imm[1]
    M = lanes.M
    if type(a) is _Aff and a.flat(lanes.n) and a.step >= 0:
        ea = a.base + ea0
        lanes.n = min(lanes.n, lanes.bounds(ea, a.step, 16))
        if lanes.n < lanes.min_run:
            raise _Bail("short")
        if a.step == 0:
            st.append(_V(np.frombuffer(M, dtype=_U8, count=16, offset=ea).copy()))
            lanes.loads.append((ea, ea + 16))
            return
        n = lanes.n
        view = np.ndarray((n, 16), dtype=_U8, buffer=M, offset=ea, strides=(a.step, 1))
        st.append(_V(view.copy()))
        del view
        lanes.loads.append((ea, a.step, 16))
        return
    ea = lanes.mat(a) + np.uint64(ea0)
    lanes.cut(ea + np.uint64(16) > lanes.mlen)
    if lanes.n < lanes.min_run:
        raise _Bail("short")
    ea = lanes.part(ea)
    M8 = np.frombuffer(M, dtype=_U8)
    if ea.ndim:
        st.append(_V(M8[ea[:, None].astype(np.intp) + _ROW]))
        lanes.loads.append((int(ea.min()), int(ea.max()) + 16))
    else:
        st.append(_V(M8[int(ea):int(ea) + 16].copy()))
        lanes.loads.append((int(ea), int(ea) + 16))
    del M8


def _op_v128_store(lanes, name, imm, st):
    if imm[2] != 0:
        raise _Bail("memory index")
    raw = _vpop(lanes, st)
    a = _val(st.pop())
    off = imm[1]
    if type(a) is _Aff and a.flat(lanes.n) and a.step >= 16:
        ea = a.base + off
        lanes.n = min(lanes.n, lanes.bounds(ea, a.step, 16))
        lanes.stores.append((ea, a.step, raw, None, 16))
    else:
        ea = lanes.mat(a) + np.uint64(off)
        lanes.cut(ea + np.uint64(16) > lanes.mlen)
        lanes.stores.append((ea, None, raw, None, 16))


def _op_v128_const(lanes, name, imm, st):
    st.append(_V(_v128_raw(imm[0])))


def _op_bitwise(lanes, name, imm, st):
    op = name[5:]
    if op == "not":
        st.append(_V(np.invert(_vpop(lanes, st))))
        return
    if op == "bitselect":
        c = _vpop(lanes, st)
        b = _vpop(lanes, st)
        a = _vpop(lanes, st)
        st.append(_V((a & c) | (b & ~c)))
        return
    b = _vpop(lanes, st)
    a = _vpop(lanes, st)
    st.append(_V(a & b if op == "and" else a | b if op == "or" else a ^ b if op == "xor"
                 else a & ~b))


def _acc_operands(lanes, st, op):
    """(a, b) raw operands, or ("red", j, lanes) pushed for an accumulator update."""
    b, a = st.pop(), st.pop()
    ta, tb = type(a) is tuple, type(b) is tuple
    if not (ta or tb):
        if type(a) is not _V or type(b) is not _V:
            raise _Bail("v128 operand")
        n = lanes.n
        return (a.raw[:n] if a.raw.ndim == 2 else a.raw,
                b.raw[:n] if b.raw.ndim == 2 else b.raw), None
    if ta and tb:
        raise _Bail("accumulator escapes")
    acc, x = (a, b) if ta else (b, a)
    if acc[0] != "acc" or (tb and op != "add") or op not in ("add", "sub") or type(x) is not _V:
        raise _Bail("accumulator escapes")
    raw = x.raw[:lanes.n] if x.raw.ndim == 2 else x.raw
    return raw, acc[1]


def _op_lane_arith(lanes, name, imm, st):
    shape, op = name.split(".")
    dt = _LANE_DT[shape]
    operands, acc = _acc_operands(lanes, st, op)
    if acc is not None:                   # acc + x, x + acc, acc - x: one step of a reduction
        x = operands.view(dt)
        if op == "sub":
            x = -x
        if dt.kind == "f":
            _cut_nan(lanes, x)
        st.append(("red", acc, x))
        return
    a, b = operands[0].view(dt), operands[1].view(dt)
    if op == "add":
        r = a + b
    elif op == "sub":
        r = a - b
    elif op == "mul":
        r = a * b
    else:
        r = a / b
    if dt.kind == "f":
        _cut_nan(lanes, r)
    _push_lanes(st, r.astype(dt, copy=False))


def _op_float_unary(lanes, name, imm, st):
    shape, op = name.split(".")
    dt = _LANE_DT[shape]
    raw = _vpop(lanes, st)
    if op in ("neg", "abs"):              # sign-bit operations: exact on NaNs too
        bits = _LANE_DT["i32x4" if shape == "f32x4" else "i64x2"]
        sign = bits.type(1 << (bits.itemsize * 8 - 1))
        u = raw.view(bits)
        _push_lanes(st, u ^ sign if op == "neg" else u & ~sign)
        return
    r = np.sqrt(raw.view(dt))
    _cut_nan(lanes, r)
    _push_lanes(st, r)


def _op_pminmax(lanes, name, imm, st):
    """pmin: b < a ? b : a; pmax: a < b ? b : a (the bits of the chosen operand)."""
    shape, op = name.split(".")
    dt = _LANE_DT[shape]
    b = _vpop(lanes, st)
    a = _vpop(lanes, st)
    fa, fb = a.view(dt), b.view(dt)
    pick_b = fb < fa if op == "pmin" else fa < fb
    bits = _LANE_DT["i32x4" if shape == "f32x4" else "i64x2"]
    _push_lanes(st, np.where(pick_b, b.view(bits), a.view(bits)))


def _op_compare(lanes, name, imm, st):
    shape, op = name.split(".")
    b = _vpop(lanes, st)
    a = _vpop(lanes, st)
    if op.endswith("_s"):
        dt = _SIGNED_DT[shape]
        op = op[:2]
    else:
        dt = _LANE_DT[shape]
        op = op[:2]
    r = {"eq": np.equal, "ne": np.not_equal, "lt": np.less, "gt": np.greater,
         "le": np.less_equal, "ge": np.greater_equal}[op](a.view(dt), b.view(dt))
    out = _LANE_DT["i32x4" if dt.itemsize == 4 else "i64x2" if dt.itemsize == 8
                   else "i16x8" if dt.itemsize == 2 else "i8x16"]
    _push_lanes(st, np.where(r, out.type(-1 & ((1 << (8 * out.itemsize)) - 1)), out.type(0)))


def _op_int_lanes(lanes, name, imm, st):
    shape, op = name.split(".")
    dt = _LANE_DT[shape]
    if op == "neg":
        _push_lanes(st, np.negative(_vpop(lanes, st).view(dt)))
        return
    b = _vpop(lanes, st)
    a = _vpop(lanes, st)
    if op in ("min_s", "max_s", "min_u", "max_u"):
        t = _SIGNED_DT[shape] if op.endswith("_s") else dt
        f = np.minimum if op.startswith("min") else np.maximum
        _push_lanes(st, f(a.view(t), b.view(t)).view(dt))
        return
    _push_lanes(st, np.multiply(a.view(dt), b.view(dt)))


def _op_int_addsub(lanes, name, imm, st):
    shape, op = name.split(".")
    dt = _LANE_DT[shape]
    operands, acc = _acc_operands(lanes, st, op)
    if acc is not None:                   # integer lanes wrap: any order gives the same sums
        x = operands.view(dt)
        st.append(("red", acc, np.negative(x) if op == "sub" else x))
        return
    a, b = operands[0].view(dt), operands[1].view(dt)
    _push_lanes(st, np.add(a, b) if op == "add" else np.subtract(a, b))


def _scalar_lanes(lanes, x, t):
    """An i32 / f32 / f64 stack value as an array over the iterations (or a 0-d one)."""
    if t == "i32":
        return np.asarray(lanes.mat(_val(x))).astype(np.uint32)
    x = np.asarray(lanes.part(_val(x)), dtype=_DTYPE[t])
    lanes.cut(np.isnan(x))               # numpy would quiet a signalling NaN
    return x


def _op_splat(lanes, name, imm, st):
    shape = name.split(".")[0]
    t = {"f32x4": "f32", "f64x2": "f64", "i32x4": "i32"}[shape]
    x = _scalar_lanes(lanes, st.pop(), t)
    count = 16 // _LANE_DT[shape].itemsize
    r = np.broadcast_to(x[..., None], x.shape + (count,)).astype(_LANE_DT[shape])
    _push_lanes(st, r)


def _op_extract(lanes, name, imm, st):
    shape = name.split(".")[0]
    raw = _vpop(lanes, st)
    x = raw.view(_LANE_DT[shape])[..., imm[0]].copy()     # 0-d stays 0-d
    if shape == "i32x4":
        st.append(_Aff(int(x), 0) if x.ndim == 0 else x.astype(np.uint64))
    else:
        st.append(x)


def _op_replace(lanes, name, imm, st):
    shape = name.split(".")[0]
    t = {"f32x4": "f32", "f64x2": "f64", "i32x4": "i32"}[shape]
    x = _scalar_lanes(lanes, st.pop(), t)
    raw = _vpop(lanes, st)
    x = x[:lanes.n] if x.ndim else x
    dt = _LANE_DT[shape]
    v = raw.view(dt)
    out = np.array(np.broadcast_to(v, np.broadcast_shapes(v.shape[:-1], x.shape) + v.shape[-1:]),
                   dtype=dt)
    out[..., imm[0]] = x.astype(dt)
    _push_lanes(st, out)


def _op_convert(lanes, name, imm, st):
    raw = _vpop(lanes, st)
    if name == "f32x4.convert_i32x4_s":
        _push_lanes(st, raw.view(np.dtype("<i4")).astype(np.float32))
    elif name == "f32x4.convert_i32x4_u":
        _push_lanes(st, raw.view(np.dtype("<u4")).astype(np.float32))
    else:                                 # f64x2.promote_low_f32x4: exact but for NaN
        low = raw.view(np.dtype("<f4"))[..., :2]
        _cut_nan(lanes, low)
        _push_lanes(st, low.astype(np.float64))


def _lane_accumulate(lanes, init: int, x, n):
    """The accumulator after each iteration, per lane, summed in wasm order: row i + 1 is the
    value after iteration i.  Cuts before an iteration whose float sum is NaN."""
    dt = x.dtype
    count = 16 // dt.itemsize
    seq = np.empty((n + 1, count), dtype=dt)
    seq[0] = np.frombuffer(init.to_bytes(16, "little"), dtype=dt)
    seq[1:] = x[:n] if x.ndim == 2 else x
    if dt.kind != "f":                   # wrapping integer lanes
        return np.add.accumulate(seq, axis=0, dtype=dt)
    # Two float lanes as one complex number: complex addition adds the real parts and the
    # imaginary parts separately, each rounded in the lanes' own precision, so each lane is
    # still its own sequential sum, and the inner loop runs over contiguous 1-D arrays (an
    # accumulate along axis 0 of an (n, 4) array makes one inner-loop call per row).
    ct = np.dtype(np.complex64 if dt.itemsize == 4 else np.complex128)
    pairs = seq.view(ct)                 # (n + 1, count // 2)
    acc = np.empty_like(pairs)
    for k in range(pairs.shape[1]):
        acc[:, k] = np.add.accumulate(np.ascontiguousarray(pairs[:, k]), dtype=ct)
    acc = acc.view(dt)
    _cut_nan(lanes, acc[1:])
    return acc


_V_OPS = {"v128.load": _op_v128_load, "v128.store": _op_v128_store,
          "v128.const": _op_v128_const}
for _n in ("not", "and", "or", "xor", "andnot", "bitselect"):
    _V_OPS[f"v128.{_n}"] = _op_bitwise
for _s in ("f32x4", "f64x2"):
    for _o in ("add", "sub", "mul", "div"):
        _V_OPS[f"{_s}.{_o}"] = _op_lane_arith
    for _o in ("neg", "abs", "sqrt"):
        _V_OPS[f"{_s}.{_o}"] = _op_float_unary
    for _o in ("pmin", "pmax"):
        _V_OPS[f"{_s}.{_o}"] = _op_pminmax
    for _o in ("eq", "ne", "lt", "gt", "le", "ge"):
        _V_OPS[f"{_s}.{_o}"] = _op_compare
    _V_OPS[f"{_s}.splat"] = _op_splat
    _V_OPS[f"{_s}.extract_lane"] = _op_extract
    _V_OPS[f"{_s}.replace_lane"] = _op_replace
for _s in ("i32x4", "i64x2"):
    _V_OPS[f"{_s}.add"] = _op_int_addsub
    _V_OPS[f"{_s}.sub"] = _op_int_addsub
for _o in ("mul", "neg", "min_s", "min_u", "max_s", "max_u"):
    _V_OPS[f"i32x4.{_o}"] = _op_int_lanes
for _o in ("eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"):
    _V_OPS[f"i32x4.{_o}"] = _op_compare
_V_OPS["i32x4.splat"] = _op_splat
_V_OPS["i32x4.extract_lane"] = _op_extract
_V_OPS["i32x4.replace_lane"] = _op_replace
for _n in ("f32x4.convert_i32x4_s", "f32x4.convert_i32x4_u", "f64x2.promote_low_f32x4"):
    _V_OPS[_n] = _op_convert
