"""Fuel metering: one unit per executed wasm instruction (structural markers are free)."""

import pytest
from exec_util import instantiate

from pywasm_core import Config, Exhausted, Func, FuncType, Store, Engine, TrapCode, WasmError

FUEL = """
(module
  (import "env" "host" (func $host))
  (func (export "three") (result i32) (i32.add (i32.const 1) (i32.const 2)))
  (func (export "spin") (loop $l (br $l)))
  (func (export "count") (param i32) (result i32)
    (local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get 0)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $i))
  (func (export "call_host") (call $host))
)
"""


def make(config=None):
    engine = Engine(config or Config())
    store = Store(engine)
    seen = []
    host = Func(store, FuncType([], []), lambda: seen.append(store.get_fuel()))
    store, ex = instantiate(FUEL, [host], store=store)
    return store, ex, seen


def test_unset_fuel_is_unmetered():
    store, ex, _ = make()
    with pytest.raises(WasmError):
        store.get_fuel()
    assert ex["count"](store, 1000) == 1000


def test_fuel_counts_instructions():
    store, ex, _ = make()
    store.set_fuel(100)
    assert ex["three"](store) == 3
    # i32.const, i32.const, i32.add, and the final return
    assert store.get_fuel() == 96


def test_fuel_runs_out_with_exhausted():
    store, ex, _ = make()
    store.set_fuel(1000)
    with pytest.raises(Exhausted) as info:
        ex["spin"](store)
    assert info.value.trap_code is TrapCode.OUT_OF_FUEL
    assert str(info.value).startswith("all fuel consumed")
    assert store.get_fuel() == 0
    store.set_fuel(10**6)
    assert ex["count"](store, 100) == 100
    used = 10**6 - store.get_fuel()
    store.set_fuel(used)                              # exactly enough
    assert ex["count"](store, 100) == 100
    assert store.get_fuel() == 0
    store.set_fuel(used - 1)
    with pytest.raises(Exhausted):
        ex["count"](store, 100)


def test_fuel_is_visible_to_host_calls_and_consume_fuel_starts_empty():
    store, ex, seen = make()
    store.set_fuel(50)
    ex["call_host"](store)
    assert seen == [49]
    store, ex, _ = make(Config(consume_fuel=True))
    assert store.get_fuel() == 0
    with pytest.raises(Exhausted):
        ex["three"](store)


def test_fused_instructions_charge_every_wasm_instruction():
    text = """
    (module (func (export "f") (param i32 i32) (result i32) (local i32)
      local.get 0
      local.get 1
      i32.add
      local.set 2
      local.get 2
      i32.const 3
      i32.shl
      return))
    """
    store, ex = instantiate(text)
    code = ex["f"].lower()
    assert len(code.instrs) < 8                       # something was fused
    store.set_fuel(100)
    assert ex["f"](store, 1, 2) == 24
    assert store.get_fuel() == 100 - 8


def test_fuel_running_out_in_a_nested_call_stays_out():
    text = """
    (module
      (import "env" "again" (func $again))
      (func (export "spin") (loop $l (br $l)))
      (func (export "outer") (call $again)))
    """
    engine = Engine()
    store = Store(engine)
    holder = {}
    again = Func(store, FuncType([], []), lambda: holder["spin"](store))
    store, ex = instantiate(text, [again], store=store)
    holder.update(ex)
    store.set_fuel(500)
    with pytest.raises(Exhausted):
        ex["outer"](store)
    assert store.get_fuel() == 0
