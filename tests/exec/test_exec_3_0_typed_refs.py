"""WebAssembly 3.0 execution, part 2: typed function references (call_ref, return_call_ref,
ref.as_non_null, br_on_null, br_on_non_null), tail calls from text, and type identity across
recursion groups and modules (call_indirect, function and global imports)."""

import pytest

from pywasm_core import (Config, Engine, Func, FuncType, Instance, LinkError, Module, Store, Trap,
                         TrapCode, ValType)
from pywasm_core.features import WASM3
from pywasm_core.types import RefType

TIERS = ["fast", "interp"]
I32 = ValType.i32()


def engine(tier="fast", **kw):
    return Engine(Config(features=WASM3, tier=tier, **kw))


def run(text, tier="fast", imports=(), **kw):
    eng = engine(tier, **kw)
    store = Store(eng)
    return store, Instance(store, Module(eng, text), list(imports)).exports(store)


REFS = """
(module
  (type $ii (func (param i32) (result i32)))
  (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (elem declare func $inc $dbl)
  (func $pick (param i32) (result (ref null $ii))
    (if (result (ref null $ii)) (i32.eqz (local.get 0))
      (then (ref.null $ii))
      (else (if (result (ref null $ii)) (i32.eq (local.get 0) (i32.const 1))
        (then (ref.func $inc)) (else (ref.func $dbl))))))
  (func (export "call") (param i32 i32) (result i32)
    (call_ref $ii (local.get 1) (call $pick (local.get 0))))
  (func (export "tail") (param i32 i32) (result i32)
    (return_call_ref $ii (local.get 1) (call $pick (local.get 0))))
  (func (export "non_null") (param i32) (result i32)
    (call_ref $ii (i32.const 10) (ref.as_non_null (call $pick (local.get 0)))))
  (func (export "on_null") (param i32) (result i32)
    (block $null
      (return (call_ref $ii (i32.const 100) (br_on_null $null (call $pick (local.get 0))))))
    (i32.const -1))
  (func (export "on_non_null") (param i32) (result i32)
    (call_ref $ii (i32.const 5)
      (block $some (result (ref $ii))
        (br_on_non_null $some (call $pick (local.get 0)))
        (return (i32.const -7)))))
  (func (export "on_null_keeps") (param i32) (result i32)
    (i32.add (i32.const 1000)
      (block $null (result i32)
        (i32.const 3) (call $pick (local.get 0)) (br_on_null $null) (drop)
        (i32.const 6) (i32.add))))
  (func (export "param") (param $f (ref $ii)) (result i32) (call_ref $ii (i32.const 1) (local.get $f)))
  (func (export "get") (param i32) (result (ref null $ii)) (call $pick (local.get 0)))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_call_ref_and_null_traps(tier):
    store, ex = run(REFS, tier)
    assert ex["call"](store, 1, 41) == 42
    assert ex["call"](store, 2, 21) == 42
    assert ex["tail"](store, 2, 4) == 8
    for name in ("call", "tail"):
        with pytest.raises(Trap) as info:
            ex[name](store, 0, 1)
        assert info.value.trap_code is TrapCode.NULL_REFERENCE
        assert info.value.message == "null function reference"


@pytest.mark.parametrize("tier", TIERS)
def test_ref_as_non_null_and_null_branches(tier):
    store, ex = run(REFS, tier)
    assert ex["non_null"](store, 1) == 11
    with pytest.raises(Trap) as info:
        ex["non_null"](store, 0)
    assert info.value.trap_code is TrapCode.NULL_REFERENCE
    assert ex["on_null"](store, 0) == -1
    assert ex["on_null"](store, 2) == 200
    assert ex["on_non_null"](store, 1) == 6
    assert ex["on_non_null"](store, 0) == -7
    assert ex["on_null_keeps"](store, 0) == 1003     # branch carries the i32 below the ref
    assert ex["on_null_keeps"](store, 1) == 1009


@pytest.mark.parametrize("tier", TIERS)
def test_typed_references_at_the_api(tier):
    store, ex = run(REFS, tier)
    inc = ex["get"](store, 1)
    assert isinstance(inc, Func)
    assert ex["param"](store, inc) == 2
    assert ex["get"](store, 0) is None
    with pytest.raises(TypeError):
        ex["param"](store, None)         # (ref $ii) is not nullable
    with pytest.raises(TypeError):
        ex["param"](store, 5)
    assert isinstance(ex["param"].type(store).params[0], RefType)


TAIL = """
(module
  (type $t (func (param i64 i64) (result i64)))
  (table 1 funcref)
  (elem (i32.const 0) $sum_i)
  (func $sum (export "sum") (param i64 i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))
      (else (return_call $sum (i64.sub (local.get 0) (i64.const 1))
                               (i64.add (local.get 1) (local.get 0))))))
  (func $sum_i (export "sum_i") (param i64 i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))
      (else (return_call_indirect (type $t) (i64.sub (local.get 0) (i64.const 1))
                (i64.add (local.get 1) (local.get 0)) (i32.const 0)))))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_tail_calls_run_in_constant_depth(tier):
    store, ex = run(TAIL, tier, max_call_depth=100)
    n = 20000
    assert ex["sum"](store, n, 0) == n * (n + 1) // 2
    assert ex["sum_i"](store, n, 0) == n * (n + 1) // 2


REC = """
(module
  (rec (type $a (func (result i32))) (type $b (func (result i32))))
  (type $plain (func (result i32)))
  (type $sup (sub (func (result i32))))
  (type $sub (sub $sup (func (result i32))))
  (table 4 funcref)
  (elem (i32.const 0) $fa $fb $fplain $fsub)
  (func $fa (type $a) (i32.const 1))
  (func $fb (type $b) (i32.const 2))
  (func $fplain (type $plain) (i32.const 3))
  (func $fsub (type $sub) (i32.const 4))
  (func (export "as_a") (param i32) (result i32) (call_indirect (type $a) (local.get 0)))
  (func (export "as_plain") (param i32) (result i32) (call_indirect (type $plain) (local.get 0)))
  (func (export "as_sup") (param i32) (result i32) (call_indirect (type $sup) (local.get 0)))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_call_indirect_uses_canonical_types_and_subtyping(tier):
    store, ex = run(REC, tier)
    assert ex["as_a"](store, 0) == 1
    assert ex["as_plain"](store, 2) == 3
    assert ex["as_sup"](store, 3) == 4              # $sub declares $sup as its supertype
    for name, index in (("as_a", 1), ("as_a", 2), ("as_plain", 0), ("as_plain", 3),
                        ("as_sup", 2)):
        with pytest.raises(Trap) as info:
            ex[name](store, index)
        assert info.value.trap_code is TrapCode.BAD_SIGNATURE


def test_canonical_types_across_modules_and_host_functions():
    eng = engine()
    store = Store(eng)
    exporter = Instance(store, Module(eng, """
        (module (rec (type $x (func)) (type (struct)))
          (type $p (func))
          (func (export "f") (type $x)) (func (export "g") (type $p))
          (global (export "gf") (ref func) (ref.func 0)))"""), []).exports(store)
    same_group = Module(eng, """
        (module (rec (type $y (func)) (type (struct))) (import "m" "f" (func (type $y))))""")
    plain = Module(eng, """(module (type $q (func)) (import "m" "f" (func (type $q))))""")
    Instance(store, same_group, [exporter["f"]])
    with pytest.raises(LinkError):
        Instance(store, plain, [exporter["f"]])
    Instance(store, plain, [exporter["g"]])
    host = Func(store, FuncType([], []), lambda: None)
    Instance(store, plain, [host])
    with pytest.raises(LinkError):
        Instance(store, same_group, [host])
    glob = Module(eng, """(module (import "m" "gf" (global funcref)))""")
    Instance(store, glob, [exporter["gf"]])
    glob_mut = Module(eng, """(module (import "m" "gf" (global (mut funcref))))""")
    with pytest.raises(LinkError):
        Instance(store, glob_mut, [exporter["gf"]])


def test_host_function_in_a_table_matches_by_canonical_type():
    eng = engine("interp")
    store = Store(eng)
    host = Func(store, FuncType([], [I32]), lambda: 77)
    ex = Instance(store, Module(eng, """
        (module (import "h" "f" (func $f (result i32)))
          (rec (type $r (func (result i32))) (type (struct)))
          (table 1 funcref) (elem (i32.const 0) $f)
          (func (export "plain") (result i32) (call_indirect (result i32) (i32.const 0)))
          (func (export "rec") (result i32) (call_indirect (type $r) (i32.const 0))))"""),
        [host]).exports(store)
    assert ex["plain"](store) == 77
    with pytest.raises(Trap) as info:
        ex["rec"](store)
    assert info.value.trap_code is TrapCode.BAD_SIGNATURE
