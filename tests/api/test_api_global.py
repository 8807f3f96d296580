"""Global: value/set_value/type."""

import pytest

from pywasm_core import Engine, Global, GlobalType, Store, ValType, WasmError


def test_globals():
    store = Store(Engine())
    g = Global(store, GlobalType(ValType.i32(), True), 7)
    assert g.value(store) == 7
    g.set_value(store, 0xFFFFFFFF)
    assert g.value(store) == -1
    assert g.type(store) == GlobalType(ValType.i32(), True)
    frozen = Global(store, GlobalType(ValType.f64(), False), 1.5)
    with pytest.raises(WasmError):
        frozen.set_value(store, 2.0)
    with pytest.raises(ValueError):
        g.set_value(store, 2**32)
    assert Global(store, GlobalType(ValType.f32(), False), 0.1).value(store) == 0.10000000149011612
