"""WebAssembly 3.0 exception handling at run time, on both tiers: throw / throw_ref / try_table
catch clauses and their payloads, nesting across frames, the legacy try/catch/delegate/rethrow,
wasm <-> host throwing and catching, and what must NOT be caught (traps, stack exhaustion, host
Python errors)."""

import math
import struct
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pywasm_core import (Config, Engine, Exhausted, Func, FuncType, Instance, Linker, Module,
                         Store, Tag, TagType, Trap, TrapCode, ValType, WasmException)
from pywasm_core.features import WASM3, WASM3_LEGACY
from pywasm_core.numerics.floats import f32_from_bits, f32_to_bits

TIERS = ["fast", "interp"]
I32, I64 = ValType.i32(), ValType.i64()


def setup(text, tier, imports=(), legacy=False, **config):
    engine = Engine(Config(tier=tier, features=WASM3_LEGACY if legacy else WASM3, **config))
    store = Store(engine)
    module = Module(engine, text)
    instance = Instance(store, module, list(imports))
    return store, instance, instance.exports(store)


def call(text, name, *args, tier, imports=(), legacy=False):
    store, _, exports = setup(text, tier, imports, legacy)
    return exports[name](store, *args)


PAYLOADS = """
(module
  (tag $e0)
  (tag $ei (param i32))
  (tag $ef (param f32))
  (tag $emix (param i64 f64 i32))
  (func $throw-i (param i32) (throw $ei (local.get 0)))
  (func (export "catch-i") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $ei $h) (call $throw-i (local.get 0)))
      (i32.const -1)))
  (func (export "catch-f") (param f32) (result f32)
    (block $h (result f32)
      (try_table (catch $ef $h) (throw $ef (local.get 0)))
      (f32.const 0)))
  (func (export "catch-mix") (param i64 f64 i32) (result i64 f64 i32)
    (block $h (result i64 f64 i32)
      (try_table (catch $emix $h) (throw $emix (local.get 0) (local.get 1) (local.get 2)))
      (unreachable)))
  ;; the catching label's height: values below the try_table stay, the body's junk goes
  (func (export "height") (result i32)
    (i32.const 100)
    (block $h (result i32)
      (i32.const 7)
      (try_table (param i32) (catch $ei $h)
        (i32.const 1) (i32.const 2) (i32.const 3) (drop)
        (throw $ei (i32.const 5))
      )
      (unreachable))
    (i32.add))
  (func (export "catch-ref") (result i32)
    (block $h (result i32 exnref)
      (try_table (catch_ref $ei $h) (throw $ei (i32.const 9)))
      (unreachable))
    (drop))
  (func (export "catch-all") (param i32) (result i32)
    (block $h
      (try_table (catch_all $h)
        (if (local.get 0) (then (throw $e0)) (else (call $throw-i (i32.const 3)))))
      (return (i32.const -1)))
    (i32.const 77))
  (func (export "catch-all-ref-rethrow") (result i32)
    (block $outer (result i32)
      (try_table (catch $ei $outer)
        (block $h (result exnref)
          (try_table (catch_all_ref $h) (call $throw-i (i32.const 41)))
          (unreachable))
        (throw_ref))
      (unreachable))
    (i32.const 1) (i32.add))
  (func (export "first-clause-wins") (result i32)
    (block $a (result i32)
      (block $b (result i32)
        (try_table (catch $ei $a) (catch $ei $b) (throw $ei (i32.const 1)))
        (unreachable))
      (i32.const 100) (i32.add)))
  (func (export "no-throw") (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $ei $h) (i32.const 55))))
  (func (export "loop-target") (result i32)
    (local $n i32)
    (i32.const 0)
    (loop $again (param i32) (result i32)
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (if (i32.lt_u (local.get $n) (i32.const 5))
        (then (try_table (catch $ei $again) (throw $ei (local.get $n)))))
      (i32.add (local.get $n)))
    )
  (func (export "throw-null-ref") (throw_ref (ref.null exn)))
  (func (export "uncaught") (param i32) (throw $ei (local.get 0)))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_catch_payloads_and_heights(tier):
    store, _, ex = setup(PAYLOADS, tier)
    assert ex["catch-i"](store, 12) == 12
    assert ex["catch-i"](store, -5) == -5
    nan = f32_from_bits(0x7FA00001)           # a signalling f32 NaN keeps its payload
    assert f32_to_bits(ex["catch-f"](store, nan)) == 0x7FA00001
    assert ex["catch-mix"](store, -2, 2.5, 3) == [-2, 2.5, 3]
    assert ex["height"](store) == 105
    assert ex["catch-ref"](store) == 9
    assert ex["catch-all"](store, 1) == 77
    assert ex["catch-all"](store, 0) == 77
    assert ex["catch-all-ref-rethrow"](store) == 42
    assert ex["first-clause-wins"](store) == 1
    assert ex["no-throw"](store) == 55
    # caught 4 times by a handler targeting the enclosing loop (param = the payload)
    assert ex["loop-target"](store) == 4 + 5


@pytest.mark.parametrize("tier", TIERS)
def test_null_exnref_traps_and_uncaught_surfaces(tier):
    store, instance, ex = setup(PAYLOADS, tier)
    with pytest.raises(Trap) as info:
        ex["throw-null-ref"](store)
    assert info.value.message == "null exception reference"
    assert info.value.trap_code is TrapCode.NULL_REFERENCE
    with pytest.raises(WasmException) as info:
        ex["uncaught"](store, -1)
    exn = info.value
    assert not isinstance(exn, Trap)
    assert exn.payload == (-1,)               # API values: signed
    assert exn.values == [0xFFFFFFFF]         # engine values
    assert exn.tag is instance.tags[1]
    assert exn.tag.type(store).functype == FuncType([I32], [])


NESTED = """
(module
  (tag $a (param i32))
  (tag $b (param i32))
  (func $thrower (param i32 i32)
    (if (local.get 0) (then (throw $a (local.get 1))) (else (throw $b (local.get 1)))))
  (func $middle (param i32 i32) (result i32)
    ;; a handler for the other tag only: the exception passes through this frame
    (block $h (result i32)
      (try_table (catch $b $h) (call $thrower (local.get 0) (local.get 1)))
      (i32.const -1))
    (i32.const 1000) (i32.add))
  (func (export "outer") (param i32 i32) (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $a $h)
        (call $middle (local.get 0) (local.get 1)))
      (return))
    (i32.const 2000) (i32.add))
  (func (export "inner-miss-outer-hit") (result i32)
    (block $outer (result i32)
      (try_table (catch $a $outer)
        (block $inner (result i32)
          (try_table (catch $b $inner) (throw $a (i32.const 5)))
          (unreachable))
        (drop))
      (unreachable)))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_nesting_across_frames(tier):
    store, _, ex = setup(NESTED, tier)
    assert ex["outer"](store, 1, 3) == 2003      # caught two frames up
    assert ex["outer"](store, 0, 3) == 1003      # caught by the middle frame
    assert ex["inner-miss-outer-hit"](store) == 5


LEGACY = """
(module
  (tag $e (param i32))
  (tag $f)
  (func $throw (param i32) (throw $e (local.get 0)))
  (func (export "catch") (param i32) (result i32)
    (try (result i32)
      (do (call $throw (local.get 0)) (i32.const 0))
      (catch $f (i32.const -1))
      (catch $e (i32.const 10) (i32.add))))
  (func (export "catch-all") (result i32)
    (try (result i32) (do (throw $f)) (catch_all (i32.const 3))))
  (func (export "rethrow-outer") (result i32)
    ;; rethrow 1 from a nested catch re-raises the outer catch's exception
    (try (result i32)
      (do
        (try (do (throw $e (i32.const 1)))
          (catch $e
            (drop)
            (try (do (throw $e (i32.const 2)))
              (catch $e (drop) (rethrow 1)))))
        (i32.const 0))
      (catch $e)))
  (func (export "delegate-outer") (result i32)
    (try (result i32)
      (do
        (try (result i32)
          (do
            (try (result i32) (do (call $throw (i32.const 4)) (i32.const 0)) (delegate 1)))
          (catch_all (i32.const -1))))
      (catch $e)))
  (func $delegate-to-caller
    (try (do (try (do (throw $f)) (delegate 1))) (catch_all)))
  (func (export "delegate-caller") (result i32)
    (try (result i32) (do (call $delegate-to-caller) (i32.const 0)) (catch $f (i32.const 8))))
  (func (export "catch-all-pushes-nothing") (result i32)
    ;; catch_all of an exception with a payload: the catch body starts at the try's height
    (i32.const 10)
    (try (result i32)
      (do (call $throw (i32.const 99)) (i32.const 0))
      (catch_all (i32.const 5)))
    (i32.sub))
  (func (export "heights") (result i32)
    (i32.const 1000)
    (try (result i32)
      (do (i32.const 7) (call $throw (i32.const 5)) (drop) (i32.const 0))
      (catch $e (i32.const 20) (i32.add)))
    (i32.add))
  (func (export "delegate-heights") (result i32)
    (i32.const 100)
    (try (result i32)
      (do (i32.const 1) (i32.const 2)
        (try (result i32) (do (call $throw (i32.const 3)) (i32.const 0)) (delegate 0))
        (drop) (drop))
      (catch $e))
    (i32.sub))
  (func (export "rethrow-heights") (result i32)
    (i32.const 50)
    (try (result i32)
      (do (i32.const 9)
        (try (do (call $throw (i32.const 4))) (catch $e (drop) (i32.const 8) (rethrow 0)))
        (drop) (i32.const 0))
      (catch $e))
    (i32.sub))
  (func (export "delegate-to-block") (result i32)
    (try (result i32)
      (do (block $b (try (do (call $throw (i32.const 12))) (delegate $b))) (i32.const 0))
      (catch $e)))
  (func (export "delegate-from-catch") (result i32)
    ;; the delegate's label is a try in its catch arm: that try protects nothing any more
    (try (result i32)
      (do
        (try $mid (result i32)
          (do (throw $f))
          (catch_all
            (try (result i32) (do (call $throw (i32.const 13)) (i32.const 0)) (delegate $mid)))))
      (catch $e)))
  (func (export "in-catch-not-caught-by-same-try") (result i32)
    (try (result i32)
      (do
        (try (result i32)
          (do (throw $f))
          (catch_all (throw $e (i32.const 6)))))
      (catch $e)))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_legacy_try_catch_rethrow_delegate(tier):
    store, _, ex = setup(LEGACY, tier, legacy=True)
    assert ex["catch"](store, 5) == 15
    assert ex["catch-all"](store) == 3
    assert ex["rethrow-outer"](store) == 1
    assert ex["delegate-outer"](store) == 4
    assert ex["delegate-caller"](store) == 8
    assert ex["in-catch-not-caught-by-same-try"](store) == 6
    assert ex["catch-all-pushes-nothing"](store) == 5
    assert ex["heights"](store) == 1025
    assert ex["delegate-heights"](store) == 97
    assert ex["rethrow-heights"](store) == 46
    assert ex["delegate-to-block"](store) == 12
    assert ex["delegate-from-catch"](store) == 13


HOST = """
(module
  (import "env" "tag" (tag $t (param i32 i64)))
  (import "env" "host" (func $host (param i32)))
  (func (export "catch-host") (param i32) (result i32 i64)
    (block $h (result i32 i64)
      (try_table (catch $t $h) (call $host (local.get 0)))
      (return (i32.const -1) (i64.const 0)))
  )
  (func (export "all-host") (param i32) (result i32)
    (block $h
      (try_table (catch_all $h) (call $host (local.get 0)))
      (return (i32.const 0)))
    (i32.const 1))
  (func (export "throw") (param i32) (throw $t (local.get 0) (i64.const -7)))
)
"""


def host_env(store, behaviour):
    tag = Tag(store, TagType(FuncType([I32, I64], [])))

    def host(x):
        return behaviour(tag, x)
    return tag, [tag, Func(store, FuncType([I32], []), host)]


@pytest.mark.parametrize("tier", TIERS)
def test_host_throws_wasm_catches(tier):
    engine = Engine(Config(tier=tier, features=WASM3))
    store = Store(engine)

    def behaviour(tag, x):
        if x == 1:
            raise WasmException(tag, [x * 10, -1])
        if x == 2:
            raise ValueError("a host error")
    tag, imports = host_env(store, behaviour)
    ex = Instance(store, Module(engine, HOST), imports).exports(store)
    assert ex["catch-host"](store, 1) == [10, -1]
    assert ex["all-host"](store, 1) == 1
    assert ex["all-host"](store, 0) == 0
    with pytest.raises(ValueError, match="a host error"):   # not caught by catch_all
        ex["all-host"](store, 2)
    with pytest.raises(WasmException) as info:               # wasm -> Python
        ex["throw"](store, 3)
    assert info.value.tag is tag and info.value.payload == (3, -7)


@pytest.mark.parametrize("tier", TIERS)
def test_wasm_host_wasm_chain(tier):
    """An exception thrown by wasm unwinds through a host function into the wasm frame that
    called the host function."""
    engine = Engine(Config(tier=tier, features=WASM3))
    store = Store(engine)
    holder = {}

    def behaviour(tag, x):
        holder["exports"]["throw"](store, x)     # re-enters wasm, which throws
    tag, imports = host_env(store, behaviour)
    ex = Instance(store, Module(engine, HOST), imports).exports(store)
    holder["exports"] = ex
    assert ex["catch-host"](store, 21) == [21, -7]
    assert ex["all-host"](store, 5) == 1


TRAPS = """
(module
  (import "env" "host" (func $host))
  (tag $e)
  (func $rec (call $rec))
  (func $div (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  (func (export "unreachable") (result i32)
    (block $h (try_table (catch_all $h) (unreachable))) (i32.const 1))
  (func (export "div") (param i32) (result i32)
    (block $h (result exnref)
      (return (try_table (result i32) (catch_all_ref $h) (call $div (local.get 0)))))
    (drop) (i32.const -1))
  (func (export "exhaust") (result i32)
    (block $h (try_table (catch_all $h) (call $rec))) (i32.const 1))
  (func (export "host") (result i32)
    (block $h (try_table (catch_all $h) (call $host))) (i32.const 1))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_traps_and_host_errors_are_not_caught(tier):
    engine = Engine(Config(tier=tier, features=WASM3, max_call_depth=2000))
    store = Store(engine)

    def host():
        raise KeyError("host")
    ex = Instance(store, Module(engine, TRAPS),
                  [Func(store, FuncType([], []), host)]).exports(store)
    with pytest.raises(Trap) as info:
        ex["unreachable"](store)
    assert info.value.trap_code is TrapCode.UNREACHABLE
    assert ex["div"](store, 2) == 0
    with pytest.raises(Trap) as info:
        ex["div"](store, 0)
    assert info.value.trap_code is TrapCode.INTEGER_DIVISION_BY_ZERO
    # the backtrace names the trapping callee first, then the function with the handler
    assert [f.func_index for f in info.value.frames][:2] == [2, 4]
    with pytest.raises(Exhausted):
        ex["exhaust"](store)
    with pytest.raises(KeyError):
        ex["host"](store)


DEEP = """
(module
  (tag $e (param i32))
  (func $down (param i32) (result i32)
    (if (i32.eqz (local.get 0)) (then (throw $e (i32.const 99))))
    (i32.add (call $down (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))
  (func (export "deep") (param i32) (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $e $h) (call $down (local.get 0)))))
  (func (export "many") (param i32) (result i32)
    (local $sum i32)
    (loop $l
      (block $h (result i32)
        (try_table (catch $e $h) (throw $e (local.get 0)))
        (unreachable))
      (local.set $sum (i32.add (local.get $sum)))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get $sum))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_deep_unwinding_has_no_recursion_error(tier):
    store, _, ex = setup(DEEP, tier, max_call_depth=50_000)
    depth = max(3 * sys.getrecursionlimit(), 5000)       # beyond Python's own stack
    assert ex["deep"](store, depth) == 99
    assert ex["many"](store, 3000) == 3000 * 3001 // 2


def test_fuel_metering_with_exceptions():
    engine = Engine(Config(tier="interp", features=WASM3, consume_fuel=True))
    store = Store(engine)
    ex = Instance(store, Module(engine, DEEP), []).exports(store)
    store.set_fuel(10_000)
    assert ex["deep"](store, 10) == 99
    used = 10_000 - store.get_fuel()
    store.set_fuel(10_000)
    assert ex["deep"](store, 10) == 99
    assert 10_000 - store.get_fuel() == used > 0            # deterministic
    store.set_fuel(used - 1)
    with pytest.raises(Exhausted) as info:                   # runs out exactly
        ex["deep"](store, 10)
    assert info.value.trap_code is TrapCode.OUT_OF_FUEL


def test_fuel_is_read_back_after_a_host_exception():
    """Fuel the nested call used before its exception reached the catching frame is charged."""
    engine = Engine(Config(tier="interp", features=WASM3, consume_fuel=True))
    store = Store(engine)
    holder = {}

    def behaviour(tag, x):
        holder["exports"]["throw"](store, x)
    tag, imports = host_env(store, behaviour)
    ex = Instance(store, Module(engine, HOST), imports).exports(store)
    holder["exports"] = ex
    store.set_fuel(1000)
    with pytest.raises(WasmException):
        ex["throw"](store, 1)
    alone = 1000 - store.get_fuel()
    store.set_fuel(1000)
    assert ex["all-host"](store, 1) == 1
    chained = 1000 - store.get_fuel()
    assert chained > alone > 0


IDENTITY2 = """
(module
  (import "a" "throw" (func $throw-a))
  (import "b" "throw" (func $throw-b))
  (import "a" "t" (tag $ta))
  (import "a" "t" (tag $ta2))
  (func (export "who") (param i32) (result i32)
    (block $mine
      (block $other
        (try_table (catch $ta2 $mine) (catch_all $other)
          (if (local.get 0) (then (call $throw-a)) (else (call $throw-b))))
        (return (i32.const 0)))
      (return (i32.const 2)))
    (i32.const 1))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_tag_identity_is_per_instance_and_imports_alias(tier):
    engine = Engine(Config(tier=tier, features=WASM3))
    store = Store(engine)
    exporter = Module(engine, '(module (tag $t (export "t")) '
                              '(func (export "throw") (throw $t)))')
    a = Instance(store, exporter, [])
    b = Instance(store, exporter, [])
    assert a.exports(store)["t"] is not b.exports(store)["t"]
    linker = Linker(engine)
    linker.define_instance(store, "a", a)
    linker.define_instance(store, "b", b)
    ex = linker.instantiate(store, Module(engine, IDENTITY2)).exports(store)
    assert ex["who"](store, 1) == 1        # a's tag, imported twice: one tag
    assert ex["who"](store, 0) == 2        # b's tag: same type, another tag


@pytest.mark.parametrize("tier", ["fast"])
def test_cross_tier_catching(tier):
    """Fast-tier code catches an exception thrown by a function that runs on the interpreter
    (`delegate` is not translated) and the interpreter catches one thrown by
    fast-tier code reached through a host function."""
    text = """
    (module
      (import "env" "reenter" (func $reenter (param i32)))
      (tag $e (param i32))
      (func $interp-thrower (param i32)                  ;; delegate: runs on the interpreter
        (try (do (throw $e (local.get 0))) (delegate 0)))
      (func (export "fast-catches") (param i32) (result i32)
        (block $h (result i32)
          (try_table (catch $e $h) (call $interp-thrower (local.get 0)))
          (i32.const -1)))
      (func (export "fast-throws") (param i32) (throw $e (i32.add (local.get 0) (i32.const 1))))
      (func (export "interp-catches") (param i32) (result i32)   ;; delegate: interpreter
        (try (result i32)
          (do (try (result i32) (do (call $reenter (local.get 0)) (i32.const -1)) (delegate 0)))
          (catch $e)))
    )"""
    engine = Engine(Config(tier=tier, features=WASM3_LEGACY))
    store = Store(engine)
    holder = {}
    reenter = Func(store, FuncType([I32], []), lambda x: holder["ex"]["fast-throws"](store, x))
    module = Module(engine, text)
    ex = Instance(store, module, [reenter]).exports(store)
    holder["ex"] = ex
    assert ex["fast-catches"](store, 31) == 31
    assert ex["interp-catches"](store, 41) == 42
    cache = module._fast_cache
    assert cache[0] is False and cache[3] is False        # interpreted (delegate)
    assert cache[1] and cache[2]                          # translated


def test_fast_tier_translates_try_table():
    engine = Engine(Config(tier="fast", features=WASM3))
    module = Module(engine, PAYLOADS)
    store = Store(engine)
    ex = Instance(store, module, []).exports(store)
    for name in ("catch-i", "height", "catch-all-ref-rethrow", "loop-target", "first-clause-wins"):
        ex[name](store, *([1] if name == "catch-i" else []))
    translated = [i for i, hit in module._fast_cache.items() if hit]
    assert len(translated) >= 6


@pytest.mark.parametrize("tier", TIERS)
def test_rethrown_exception_keeps_a_short_traceback(tier):
    text = """
    (module
      (tag $e)
      (func (export "loop") (param i32)
        (local $x exnref)
        (local.set $x
          (block $h (result exnref) (try_table (catch_ref $e $h) (throw $e)) (unreachable)))
        (loop $l
          (local.set $x
            (block $h (result exnref)
              (try_table (catch_all_ref $h) (throw_ref (local.get $x)))
              (unreachable)))
          (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
        (throw_ref (local.get $x))))"""
    store, _, ex = setup(text, tier)
    with pytest.raises(WasmException) as info:
        ex["loop"](store, 2000)
    depth = 0
    tb = info.value.__traceback__
    while tb is not None:
        depth += 1
        tb = tb.tb_next
    assert depth < 50


@pytest.mark.parametrize("tier", TIERS)
@settings(max_examples=25, deadline=None)
@given(i=st.integers(0, 2**32 - 1), j=st.integers(0, 2**64 - 1),
       f=st.integers(0, 2**32 - 1), d=st.integers(0, 2**64 - 1))
def test_payload_roundtrip_property(tier, i, j, f, d):
    """Whatever is thrown comes back bit for bit, through a catch_ref and a throw_ref."""
    text = """
    (module
      (tag $e (param i32 i64 f32 f64))
      (func (export "rt") (param i32 i64 f32 f64) (result i32 i64 f32 f64)
        (block $outer (result i32 i64 f32 f64)
          (try_table (catch $e $outer)
            (block $h (result i32 i64 f32 f64 exnref)
              (try_table (catch_ref $e $h)
                (throw $e (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
              (unreachable))
            (throw_ref) (unreachable))
          (unreachable))))"""
    store, _, ex = setup(text, tier)
    fv = f32_from_bits(f)
    dv = struct.unpack("<d", struct.pack("<Q", d))[0]
    ri, rj, rf, rd = ex["rt"](store, i, j, fv, dv)
    assert ri & 0xFFFFFFFF == i and rj & (2**64 - 1) == j
    assert f32_to_bits(rf) == f
    assert struct.pack("<d", rd) == struct.pack("<d", dv) or (math.isnan(rd) and math.isnan(dv))


@pytest.mark.parametrize("tier", TIERS)
def test_tail_call_leaves_the_handlers_behind(tier):
    """`return_call` replaces the frame: an exception from the callee (a host function here)
    is not caught by the try_table around the tail call, but by the caller's."""
    text = """
    (module
      (import "env" "host" (func $host (result i32)))
      (import "env" "t" (tag $t))
      (func $tail (result i32)
        (block $h
          (try_table (catch_all $h) (return_call $host)))
        (i32.const 1))
      (func $tail-wasm (result i32)
        (block $h
          (try_table (catch_all $h) (return_call $throws)))
        (i32.const 1))
      (func $throws (result i32) (throw $t))
      (func (export "caller") (param i32) (result i32)
        (block $h
          (try_table (catch_all $h)
            (return (if (result i32) (local.get 0) (then (call $tail)) (else (call $tail-wasm))))))
        (i32.const 2)))"""
    engine = Engine(Config(tier=tier, features=WASM3))
    store = Store(engine)
    tag = Tag(store, TagType(FuncType([], [])))

    def host():
        raise WasmException(tag, [])
    ex = Instance(store, Module(engine, text),
                  [Func(store, FuncType([], [I32]), host), tag]).exports(store)
    assert ex["caller"](store, 1) == 2
    assert ex["caller"](store, 0) == 2


@pytest.mark.parametrize("tier", TIERS)
def test_trap_after_a_catch_has_the_current_backtrace(tier):
    """The frames the exception unwound are gone from the backtrace of a later trap."""
    text = """
    (module
      (tag $e)
      (func $deep2 (throw $e))
      (func $deep1 (call $deep2))
      (func $trapper (unreachable))
      (func $catcher
        (block $h (try_table (catch $e $h) (call $deep1)))
        (call $trapper))
      (func (export "top") (call $catcher)))"""
    store, _, ex = setup(text, tier)
    with pytest.raises(Trap) as info:
        ex["top"](store)
    assert [(f.func_index, f.func_name) for f in info.value.frames] == \
        [(2, "trapper"), (3, "catcher"), (4, None)]


@pytest.mark.parametrize("tier", TIERS)
def test_trap_inside_a_legacy_catch_arm(tier):
    """A trap in a catch arm is a trap (not caught by an enclosing catch_all either), with the
    frames of the arm's function."""
    text = """
    (module
      (tag $e)
      (func $thrower (throw $e))
      (func $arm (param i32) (result i32)
        (try (result i32)
          (do (call $thrower) (i32.const 0))
          (catch $e (i32.div_u (i32.const 1) (local.get 0)))))
      (func (export "outer") (param i32) (result i32)
        (try (result i32) (do (call $arm (local.get 0))) (catch_all (i32.const -1)))))"""
    store, _, ex = setup(text, tier, legacy=True)
    assert ex["outer"](store, 1) == 1
    with pytest.raises(Trap) as info:
        ex["outer"](store, 0)
    assert info.value.trap_code is TrapCode.INTEGER_DIVISION_BY_ZERO
    assert [f.func_index for f in info.value.frames] == [1, 2]
