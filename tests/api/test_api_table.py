"""Table: get/set/grow/size/type."""

import pytest

from pywasm_core import Engine, Func, FuncType, Limits, Store, Table, TableType, ValType, WasmError


def test_table_basics():
    store = Store(Engine())
    table = Table(store, TableType(ValType.funcref(), Limits(1, 3)), None)
    f = Func(store, FuncType([], []), lambda: None)
    assert table.size(store) == 1
    assert table.get(store, 0) is None
    table.set(store, 0, f)
    assert table.get(store, 0) is f
    assert table.grow(store, 2, f) == 1
    assert table.get(store, 2) is f
    with pytest.raises(WasmError):
        table.grow(store, 1, None)
    with pytest.raises(WasmError):
        table.set(store, 5, None)
    with pytest.raises(TypeError):
        table.set(store, 0, "not a func")
    assert table.type(store) == TableType(ValType.funcref(), Limits(3, 3))


def test_externref_table_holds_anything():
    store = Store(Engine())
    table = Table(store, TableType(ValType.externref(), Limits(2)), "x")
    assert table.get(store, 1) == "x"
    table.set(store, 0, {"a": 1})
    assert table.get(store, 0) == {"a": 1}
