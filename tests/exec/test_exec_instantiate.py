"""Instantiation: import matching with limits subtyping, globals from constant expressions,
segments in order with partial effects kept on a trap, the start function."""

import pytest
from exec_util import instantiate, wat2wasm

from pywasm_core import (Engine, Func, FuncType, Global, GlobalType, Instance, Limits, LinkError,
                         Memory, MemoryType, Module, Store, Table, TableType, Trap, TrapCode,
                         ValType)

IMPORTS = """
(module
  (import "env" "mem" (memory 1 4))
  (import "env" "tab" (table 2 funcref))
  (import "env" "g" (global i32))
  (global $h (export "h") i32 (global.get 0))
  (global $r (export "r") funcref (ref.func $f))
  (func $f (export "f") (result i32) (global.get $h))
)
"""


def externs(store, mem_limits=Limits(1, 4), tab_limits=Limits(2, None), gtype=None):
    return [Memory(store, MemoryType(mem_limits)),
            Table(store, TableType(ValType.funcref(), tab_limits), None),
            Global(store, gtype or GlobalType(ValType.i32(), False), 42)]


def test_imports_and_constant_expressions():
    store = Store(Engine())
    store, ex = instantiate(IMPORTS, externs(store), store=store)
    assert ex["h"].value(store) == 42
    assert ex["r"].value(store) is ex["f"]
    assert ex["f"](store) == 42


@pytest.mark.parametrize("kwargs", [
    {"mem_limits": Limits(0, 4)},                   # too small
    {"mem_limits": Limits(1, None)},                # unbounded but import needs max 4
    {"mem_limits": Limits(1, 5)},                   # max too large
    {"tab_limits": Limits(1, None)},
    {"gtype": GlobalType(ValType.i32(), True)},      # mutability differs
    {"gtype": GlobalType(ValType.i64(), False)},
])
def test_incompatible_imports(kwargs):
    store = Store(Engine())
    module = Module(store.engine, wat2wasm(IMPORTS))
    with pytest.raises(LinkError) as info:
        Instance(store, module, externs(store, **kwargs))
    assert str(info.value).startswith("incompatible import type")


def test_limits_subtyping_accepts_smaller_ranges():
    store = Store(Engine())
    store, ex = instantiate(IMPORTS, externs(store, Limits(2, 3), Limits(5, 6)), store=store)
    assert ex["f"](store) == 42


def test_wrong_kind_and_count():
    store = Store(Engine())
    module = Module(store.engine, wat2wasm(IMPORTS))
    items = externs(store)
    with pytest.raises(LinkError):
        Instance(store, module, items[:2])
    with pytest.raises(LinkError):
        Instance(store, module, [items[1], items[0], items[2]])
    with pytest.raises(LinkError):
        Instance(store, module, [Func(store, FuncType([], []), lambda: None)] + items[1:])


SEGMENTS = """
(module
  (import "env" "mem" (memory 1))
  (import "env" "tab" (table 3 funcref))
  (func $f)
  (elem (i32.const 0) $f)
  (elem (i32.const 2) $f $f)
  (data (i32.const 0) "ab")
  (data (i32.const 65535) "cd")
)
"""


def test_trapping_element_segment_keeps_earlier_effects():
    store = Store(Engine())
    mem = Memory(store, MemoryType(Limits(1)))
    tab = Table(store, TableType(ValType.funcref(), Limits(3)), None)
    module = Module(store.engine, wat2wasm(SEGMENTS))
    with pytest.raises(Trap) as info:
        Instance(store, module, [mem, tab])
    assert info.value.trap_code is TrapCode.TABLE_OUT_OF_BOUNDS
    assert str(info.value).startswith("out of bounds table access")
    assert isinstance(tab.get(store, 0), Func)        # first segment applied
    assert tab.get(store, 2) is None                  # second one wrote nothing
    assert mem.read(store, 0, 2) == bytes(2)          # data segments never ran


def test_trapping_data_segment_keeps_earlier_effects():
    store = Store(Engine())
    mem = Memory(store, MemoryType(Limits(1)))
    tab = Table(store, TableType(ValType.funcref(), Limits(4)), None)
    module = Module(store.engine, wat2wasm(SEGMENTS))
    with pytest.raises(Trap) as info:
        Instance(store, module, [mem, tab])
    assert str(info.value).startswith("out of bounds memory access")
    assert mem.read(store, 0, 2) == b"ab"
    assert mem.read(store, 65535, 65536) == bytes(1)
    assert isinstance(tab.get(store, 3), Func)


def test_start_function_runs_and_can_trap():
    text = """
    (module
      (global $g (export "g") (mut i32) (i32.const 0))
      (func $start (global.set $g (i32.const 7)))
      (start $start))
    """
    store, ex = instantiate(text)
    assert ex["g"].value(store) == 7
    with pytest.raises(Trap) as info:
        instantiate("(module (func $s unreachable) (start $s))")
    assert info.value.trap_code is TrapCode.UNREACHABLE
