"""Store: user data, fuel, limits."""

import pytest
from api_util import instantiate

from pywasm_core import Engine, Limits, Memory, MemoryType, Store, Table, TableType, ValType, WasmError


def test_data_and_default_engine():
    store = Store(Engine(), data={"k": 1})
    assert store.data() == {"k": 1}
    assert Store().data() is None


def test_fuel_get_set():
    store = Store(Engine())
    with pytest.raises(WasmError):
        store.get_fuel()
    store.set_fuel(10)
    assert store.get_fuel() == 10
    with pytest.raises(WasmError):
        store.set_fuel(-1)


def test_limits_on_counts_and_sizes():
    store = Store(Engine())
    store.set_limits(memories=1, tables=1, instances=1, memory_size=65536, table_elements=5)
    Memory(store, MemoryType(Limits(1)))
    with pytest.raises(WasmError):
        Memory(store, MemoryType(Limits(0)))
    Table(store, TableType(ValType.funcref(), Limits(5)), None)
    with pytest.raises(WasmError):
        Table(store, TableType(ValType.funcref(), Limits(0)), None)
    instantiate("(module)", store=store)
    with pytest.raises(WasmError):
        instantiate("(module)", store=store)


def test_memory_size_limit_applies_at_creation():
    store = Store(Engine())
    store.set_limits(memory_size=65536)
    with pytest.raises(WasmError):
        Memory(store, MemoryType(Limits(2)))
