"""The fast tier (exec/fast.py): same behaviour as the interpreter on hand-written edge cases
(control flow shapes, traps and their frames, deep recursion, host calls, fuel) and on random
`wasm-tools smith` modules (compared with the interpreter and with wasmtime)."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import pytest
import wasmtime

from pywasm_core import (Config, Engine, Exhausted, Func, FuncType, Global, Instance, Memory,
                         Module, Store, Trap, TrapCode, ValType)
from pywasm_core.numerics.floats import f32_to_bits, f64_to_bits

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from exec_util import wat2wasm  # noqa: E402

TOOL = os.path.join(os.path.dirname(sys.executable), "wasm-tools")
TIERS = ["interp", "fast"]


def run_both(text: str, export: str, *args, imports=lambda store: [], config=None):
    """Call `export` on both tiers; returns the two outcomes (value or ('trap', code, frames))."""
    wasm = wat2wasm(text)
    out = []
    for tier in TIERS:
        engine = Engine(Config(tier=tier, **(config or {})))
        store = Store(engine)
        instance = Instance(store, Module(engine, wasm), imports(store))
        try:
            out.append(instance.exports(store)[export](store, *args))
        except Trap as trap:
            out.append(("trap", trap.trap_code,
                        [(f.func_index, f.module_offset) for f in trap.frames]))
    return out


CONTROL = """
(module
  (func (export "nested") (param i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $out
      (loop $l1
        (block $skip
          (loop $l2
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $skip (i32.eq (i32.rem_u (local.get $i) (i32.const 7)) (i32.const 0)))
            (br_if $out (i32.gt_u (local.get $i) (local.get 0)))
            (local.set $acc (i32.add (local.get $acc) (local.get $i)))
            (br $l2)))
        (local.set $acc (i32.xor (local.get $acc) (i32.const 0x55)))
        (br $l1)))
    (local.get $acc))
  (func (export "switch") (param i32) (result i32)
    (block $d (block $c (block $b (block $a
      (br_table $a $b $c $b $d (local.get 0)))
      (return (i32.const 10)))
      (return (i32.const 20)))
      (return (i32.const 30)))
    (i32.const 40))
  (func (export "multi") (param i32) (result i32 i32)
    (block (result i32 i32)
      (i32.const 1) (i32.const 2)
      (br_if 0 (local.get 0))
      (drop) (drop)
      (i32.const 3) (i32.const 4)))
  (func (export "loop-params") (param i32) (result i32)
    (i32.const 0) (local.get 0)
    (loop (param i32 i32) (result i32)
      local.set 0
      local.get 0
      i32.add
      local.get 0
      i32.const 1
      i32.sub
      local.tee 0
      local.get 0
      br_if 0
      drop))
  (func (export "if-params") (param i32) (result i32)
    (i32.const 5)
    (if (param i32) (result i32) (local.get 0)
      (then (i32.const 2) (i32.mul))))
  (func (export "tee-order") (param i32) (result i32)
    (local.get 0)
    (local.set 0 (i32.const 100))
    (local.get 0)
    (i32.sub))
  (func (export "select-cmp") (param i32 i32) (result i32)
    (select (local.get 0) (local.get 1) (i32.lt_s (local.get 0) (local.get 1))))
  (func (export "as-if-else") (param i32 i32) (result i32)
    (block (result i32)
      (if (result i32) (local.get 0)
        (then (local.get 1))
        (else (br 1 (i32.const 4))))))
)
"""


@pytest.mark.parametrize("export,args", [
    ("nested", (50,)), ("nested", (0,)), ("switch", (0,)), ("switch", (1,)), ("switch", (2,)),
    ("switch", (3,)), ("switch", (4,)), ("switch", (99,)), ("multi", (0,)), ("multi", (1,)),
    ("loop-params", (10,)), ("if-params", (0,)), ("if-params", (1,)), ("tee-order", (7,)),
    ("select-cmp", (3, -4)), ("select-cmp", (-3, 4)), ("as-if-else", (0, 6)),
    ("as-if-else", (1, 6)),
])
def test_control_flow_matches_interpreter(export, args):
    interp, fast = run_both(CONTROL, export, *args)
    assert fast == interp


@pytest.mark.parametrize("export,args", [
    ("nested", (50,)), ("switch", (0,)), ("switch", (1,)), ("switch", (2,)), ("switch", (4,)),
    ("switch", (99,)), ("multi", (0,)), ("multi", (1,)), ("loop-params", (10,)),
    ("if-params", (1,)), ("as-if-else", (0, 6)), ("as-if-else", (1, 6)),
])
def test_flag_guarded_blocks_match_interpreter(monkeypatch, export, args):
    """Blocks nested deeper than CPython's loop limit allows become flag-guarded code: force that
    form everywhere and compare."""
    from pywasm_core.exec import fast
    monkeypatch.setattr(fast, "_FLAT_AFTER", 0)
    interp, fast_result = run_both(CONTROL, export, *args)
    assert fast_result == interp


def test_very_deep_block_nesting_runs_compiled():
    depth = 60
    text = ("(module (func (export \"f\") (param i32) (result i32)"
            + "(block " * depth
            + "(br_table " + " ".join(str(i) for i in range(depth)) + " (local.get 0))"
            + "".join(f") (if (i32.eq (local.get 0) (i32.const {i})) (then (return "
                      f"(i32.const {i * 3}))))" for i in range(depth))
            + " (i32.const -1)))")
    wasm = wat2wasm(text)
    store = Store(Engine(Config(tier="fast")))
    f = Instance(store, Module(store.engine, wasm), []).exports(store)["f"]
    assert [f(store, i) for i in (0, 1, 30, 58, 59, 60, 1000)] == [0, 3, 90, 174, 177, -1, -1]
    from pywasm_core.exec.fast import _interp_wrapper
    assert f.fast.__code__ is not _interp_wrapper(f).__code__


TRAPS = """
(module
  (memory 1)
  (table 2 funcref)
  (type $t (func (result i32)))
  (func $inner (param i32) (result i32)
    (i32.div_s (i32.const 1) (local.get 0)))
  (func (export "div") (param i32) (result i32)
    (i32.add (i32.const 1) (call $inner (local.get 0))))
  (func (export "load") (param i32) (result i32) (i32.load offset=4 (local.get 0)))
  (func (export "store") (param i32) (i64.store (local.get 0) (i64.const 1)))
  (func (export "indirect") (param i32) (result i32) (call_indirect (type $t) (local.get 0)))
  (func (export "unreachable") (unreachable))
  (func (export "trunc") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
)
"""


@pytest.mark.parametrize("export,args", [
    ("div", (0,)), ("div", (1,)), ("load", (65532,)), ("load", (0xFFFFFFFF,)), ("load", (5,)),
    ("store", (65529,)), ("indirect", (1,)), ("indirect", (7,)), ("unreachable", ()),
    ("trunc", (1e10,)), ("trunc", (float("nan"),)),
])
def test_traps_and_frames_match_interpreter(export, args):
    interp, fast = run_both(TRAPS, export, *args)
    assert fast == interp


RECURSE = """
(module
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1))))))))
"""


def test_deep_recursion_exhausts_at_max_call_depth():
    store = Store(Engine(Config(tier="fast")))
    down = Instance(store, Module(store.engine, wat2wasm(RECURSE)), []).exports(store)["down"]
    with pytest.raises(Exhausted) as info:
        down(store, 100000)
    assert info.value.trap_code is TrapCode.STACK_OVERFLOW
    assert str(info.value).startswith("call stack exhausted")
    assert down(store, 5000) == 5000          # the store is still usable afterwards


@pytest.mark.parametrize("depth,limit", [(100000, 100001), (19999, 20000), (20000, 20000)])
def test_deep_recursion_exact_limit(depth, limit):
    """`down(n)` uses n + 1 frames: the fast tier switches to the interpreter's explicit stack
    when Python's budget ends, so the limit is exact and never a RecursionError."""
    store = Store(Engine(Config(tier="fast", max_call_depth=limit)))
    down = Instance(store, Module(store.engine, wat2wasm(RECURSE)), []).exports(store)["down"]
    if depth + 1 <= limit:
        assert down(store, depth) == depth
    else:
        with pytest.raises(Exhausted):
            down(store, depth)


def test_recursion_through_host_reentry_is_exhausted_not_recursionerror():
    text = """(module (import "env" "h" (func $h (param i32) (result i32)))
      (func (export "f") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
          (else (call $h (i32.sub (local.get 0) (i32.const 1)))))))"""
    store = Store(Engine(Config(tier="fast")))
    holder = {}
    host = Func(store, FuncType([ValType.i32()], [ValType.i32()]),
                lambda n: holder["f"](store, n) + 1)
    f = Instance(store, Module(store.engine, wat2wasm(text)), [host]).exports(store)["f"]
    holder["f"] = f
    assert f(store, 50) == 50
    with pytest.raises(Exhausted):
        f(store, 100000)


def test_host_exception_propagates_unchanged():
    text = """(module (import "env" "h" (func $h))
      (func (export "f") (call $h)))"""
    store = Store(Engine(Config(tier="fast")))

    def boom():
        raise KeyError("from host")
    host = Func(store, FuncType([], []), boom)
    f = Instance(store, Module(store.engine, wat2wasm(text)), [host]).exports(store)["f"]
    with pytest.raises(KeyError):
        f(store)


def test_fuel_runs_on_the_interpreter_with_identical_totals():
    wasm = wat2wasm(CONTROL)
    left = []
    for tier in TIERS:
        store = Store(Engine(Config(tier=tier)))
        store.set_fuel(10**6)
        nested = Instance(store, Module(store.engine, wasm), []).exports(store)["nested"]
        nested(store, 200)
        left.append(store.get_fuel())
    assert left[0] == left[1] < 10**6


def test_memory_grow_is_seen_by_compiled_code():
    text = """(module (memory 1)
      (func (export "f") (result i32)
        (drop (memory.grow (i32.const 2)))
        (i32.store (i32.const 150000) (i32.const 77))
        (i32.load (i32.const 150000))))"""
    interp, fast = run_both(text, "f")
    assert interp == fast == 77


# ---- random modules: fast tier vs interpreter vs wasmtime ----

FLAGS = ["--ensure-termination", "--export-everything", "true", "--max-imports", "0",
         "--threads-enabled", "false", "--gc-enabled", "false", "--exceptions-enabled", "false",
         "--tail-call-enabled", "false", "--memory64-enabled", "false",
         "--relaxed-simd-enabled", "false", "--max-memories", "1",
         "--max-memory32-bytes", "262144", "--max-table-elements", "1000",
         "--extended-const-enabled", "false", "--custom-page-sizes-enabled", "false",
         "--wide-arithmetic-enabled", "false", "--canonicalize-nans", "true",
         "--max-tables", "3", "--allow-start-export", "true", "--min-funcs", "4",
         "--max-funcs", "12"]


def _norm(ty, value):
    if isinstance(value, float):
        if ty.name == "f32":
            return f32_to_bits(value) | (0x400000 if value != value else 0)
        return f64_to_bits(value)
    if isinstance(value, (Func, wasmtime.Func)):
        return "funcref"
    return value


def _outcome(fn, store, args, results, trap_type):
    try:
        value = fn(store, *args)
    except trap_type as trap:
        return ("trap", trap.trap_code.name if trap.trap_code is not None else None)
    values = [] if not results else [value] if len(results) == 1 else list(value)
    return [_norm(t, v) for t, v in zip(results, values)]


def _state(instance, store, module):
    out = []
    for export in module.exports:
        item = instance.exports(store)[export.name]
        if isinstance(item, Memory):
            out.append(bytes(item.read(store, 0)))
        elif isinstance(item, Global):
            out.append(_norm(item.type(store).content, item.value(store)))
    return out


def _smith(seed: int) -> bytes:
    rnd = random.Random(1000 + seed)
    data = bytes(rnd.getrandbits(8) for _ in range(4000))
    simd = "true" if seed % 3 == 0 else "false"
    return subprocess.run([TOOL, "smith", *FLAGS, "--simd-enabled", simd], input=data,
                          capture_output=True, check=True).stdout


def _run_tiers(wasm: bytes, seed: int) -> list:
    runs = []
    for tier in TIERS:
        store = Store(Engine(Config(tier=tier)))
        module = Module(store.engine, wasm)
        try:
            instance = Instance(store, module, [])
        except Trap as trap:
            runs.append(("init trap", trap.trap_code))
            continue
        calls = []
        arg_rnd = random.Random(seed)
        for export in module.exports:
            item = instance.exports(store)[export.name]
            if not isinstance(item, Func):
                continue
            ty = item.type(store)
            args = [arg_rnd.choice([0, 1, -1, 7, 0x7FFFFFFF]) if t.name in ("i32", "i64") else
                    arg_rnd.choice([0.0, 1.5, -2.0, float("inf")]) if t.name in ("f32", "f64")
                    else 0 if t.name == "v128" else None for t in ty.params]
            calls.append((export.name, _outcome(item, store, args, ty.results, Trap)))
        runs.append((calls, _state(instance, store, module)))
    return runs


@pytest.mark.parametrize("seed", range(40, 60))
def test_smith_flag_guarded_form_matches_interpreter(monkeypatch, seed):
    from pywasm_core.exec import fast
    monkeypatch.setattr(fast, "_FLAT_AFTER", 0)
    runs = _run_tiers(_smith(seed), seed)
    assert runs[1] == runs[0]


@pytest.mark.parametrize("seed", range(40))
def test_smith_fast_matches_interpreter_and_wasmtime(seed):
    wasm = _smith(seed)
    runs = _run_tiers(wasm, seed)
    assert runs[1] == runs[0]
    # and wasmtime agrees with the fast tier on everything it can express
    if isinstance(runs[1][0], str):
        return
    wstore = wasmtime.Store()
    try:
        winstance = wasmtime.Instance(wstore, wasmtime.Module(wstore.engine, wasm), [])
    except wasmtime.Trap:
        pytest.fail("wasmtime trapped at instantiation, pywasm-core did not")
    store = Store(Engine(Config(tier="fast")))
    module = Module(store.engine, wasm)
    instance = Instance(store, module, [])
    arg_rnd = random.Random(seed)
    for export in module.exports:
        item = instance.exports(store)[export.name]
        if not isinstance(item, Func):
            continue
        ty = item.type(store)
        args = [arg_rnd.choice([0, 1, -1, 7, 0x7FFFFFFF]) if t.name in ("i32", "i64") else
                arg_rnd.choice([0.0, 1.5, -2.0, float("inf")]) if t.name in ("f32", "f64")
                else 0 if t.name == "v128" else None for t in ty.params]
        if any(t.name == "v128" for t in ty.params + ty.results):
            continue
        expected = _outcome(winstance.exports(wstore)[export.name], wstore, args, ty.results,
                            wasmtime.Trap)
        assert _outcome(item, store, args, ty.results, Trap) == expected, export.name


# ---- the whole exec / api test suites on the other tier ----

REPO = os.path.dirname(os.path.dirname(HERE))


@pytest.mark.parametrize("tier", TIERS)
def test_exec_and_api_suites_pass_on_tier(tier):
    """The default run covers the configured tier (PYWASM_CORE_TIER, default "fast"); this one
    reruns tests/exec and tests/api on the other tier in a subprocess."""
    from pywasm_core.engine import _default_tier
    if tier == _default_tier():
        assert Config().tier == tier          # the in-process run already covers this tier
        return
    env = dict(os.environ, PYWASM_CORE_TIER=tier, PYTHONPATH=REPO)
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/exec", "tests/api", "--ignore", "tests/exec/test_fast_tier.py"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_a_translator_crash_falls_back_to_the_interpreter_with_a_warning(monkeypatch):
    """An internal error while translating must not surface as a wasm trap (an IndexError in the
    translator once read as 'out of bounds memory access'): the function runs on the interpreter
    and a TranslationWarning says so (the test suite makes that warning an error)."""
    from pywasm_core.exec import fast

    def broken(self):
        raise IndexError("list index out of range")
    monkeypatch.setattr(fast._Translator, "run", broken)
    engine = Engine(Config(tier="fast"))
    store = Store(engine)
    module = Module(engine, '(module (func (export "f") (param i32) (result i32) '
                            '(i32.add (local.get 0) (i32.const 1))))')
    f = Instance(store, module, []).exports(store)["f"]
    with pytest.warns(fast.TranslationWarning, match="IndexError"):
        assert f(store, 41) == 42
