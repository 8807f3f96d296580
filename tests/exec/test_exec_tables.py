"""Reference types and table instructions: multiple tables, get/set/grow/size/fill/copy/init,
elem.drop, ref.null/is_null/func, typed select."""

import pytest
from exec_util import instantiate

from pywasm_core import Func, Trap, TrapCode

TABLES = """
(module
  (table $t0 2 funcref)
  (table $t1 (export "t1") 3 10 externref)
  (elem $e funcref (ref.func $f) (ref.null func) (ref.func $g))
  (elem declare func $f)
  (func $f (result i32) (i32.const 1))
  (func $g (result i32) (i32.const 2))
  (func (export "get0") (param i32) (result funcref) (table.get $t0 (local.get 0)))
  (func (export "set1") (param i32 externref) (table.set $t1 (local.get 0) (local.get 1)))
  (func (export "get1") (param i32) (result externref) (table.get $t1 (local.get 0)))
  (func (export "size1") (result i32) (table.size $t1))
  (func (export "grow1") (param externref i32) (result i32) (table.grow $t1 (local.get 0) (local.get 1)))
  (func (export "fill1") (param i32 externref i32) (table.fill $t1 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy1") (param i32 i32 i32) (table.copy $t1 $t1 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init0") (param i32 i32 i32) (table.init $t0 $e (local.get 0) (local.get 1) (local.get 2)))
  (func (export "drop") (elem.drop $e))
  (func (export "is_null") (param externref) (result i32) (ref.is_null (local.get 0)))
  (func (export "ref_f") (result funcref) (ref.func $f))
  (func (export "select_ref") (param externref externref i32) (result externref)
    (select (result externref) (local.get 0) (local.get 1) (local.get 2)))
  (func (export "call0") (param i32) (result i32) (call_indirect $t0 (result i32) (local.get 0)))
)
"""


def expect_table_trap(fn, *args):
    with pytest.raises(Trap) as info:
        fn(*args)
    assert info.value.trap_code is TrapCode.TABLE_OUT_OF_BOUNDS
    assert str(info.value).startswith("out of bounds table access")


def test_table_get_set_size_grow():
    store, ex = instantiate(TABLES)
    marker = object()
    assert ex["size1"](store) == 3
    ex["set1"](store, 2, marker)
    assert ex["get1"](store, 2) is marker
    assert ex["get1"](store, 0) is None
    expect_table_trap(ex["get1"], store, 3)
    expect_table_trap(ex["set1"], store, 3, None)
    assert ex["grow1"](store, "x", 2) == 3
    assert ex["get1"](store, 4) == "x"
    assert ex["grow1"](store, None, 6) == -1          # max 10
    assert ex["size1"](store) == 5
    assert ex["t1"].size(store) == 5


def test_table_fill_copy_bounds():
    store, ex = instantiate(TABLES)
    ex["fill1"](store, 0, "a", 3)
    assert [ex["get1"](store, i) for i in range(3)] == ["a"] * 3
    ex["fill1"](store, 3, "b", 0)
    expect_table_trap(ex["fill1"], store, 2, "c", 2)
    assert ex["get1"](store, 2) == "a"                # nothing written
    ex["set1"](store, 0, "z")
    ex["copy1"](store, 1, 0, 2)
    assert [ex["get1"](store, i) for i in range(3)] == ["z", "z", "a"]
    expect_table_trap(ex["copy1"], store, 2, 0, 2)


def test_table_init_elem_drop_and_call():
    store, ex = instantiate(TABLES)
    ex["init0"](store, 0, 1, 2)                       # null, $g
    assert ex["get0"](store, 0) is None
    assert isinstance(ex["get0"](store, 1), Func)
    assert ex["call0"](store, 1) == 2
    with pytest.raises(Trap) as info:
        ex["call0"](store, 0)
    assert info.value.trap_code is TrapCode.INDIRECT_CALL_TO_NULL
    expect_table_trap(ex["init0"], store, 0, 2, 2)
    ex["drop"](store)
    ex["init0"](store, 0, 0, 0)
    expect_table_trap(ex["init0"], store, 0, 0, 1)


def test_refs_and_typed_select():
    store, ex = instantiate(TABLES)
    assert ex["is_null"](store, None) == 1
    assert ex["is_null"](store, 0) == 0
    f = ex["ref_f"](store)
    assert isinstance(f, Func) and f(store) == 1
    assert ex["ref_f"](store) is f                    # one function instance
    assert ex["select_ref"](store, "a", "b", 1) == "a"
    assert ex["select_ref"](store, "a", "b", 0) == "b"


def test_table_growth_limits():
    from pywasm_core import Engine, Store
    from pywasm_core.runtime.table import DEFAULT_MAX_ELEMENTS
    text = """
    (module (table $t 1 externref)
      (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null extern) (local.get 0))))
    """
    store, ex = instantiate(text)
    assert ex["grow"](store, DEFAULT_MAX_ELEMENTS) == -1          # would need gigabytes
    assert ex["grow"](store, -16) == -1                           # past 2**32 - 1 elements
    assert ex["grow"](store, 10) == 1
    limited = Store(Engine())
    limited.set_limits(table_elements=5)
    limited, ex = instantiate(text, store=limited)
    assert ex["grow"](limited, 4) == 1
    assert ex["grow"](limited, 1) == -1
