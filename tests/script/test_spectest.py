"""The spectest host module has the testsuite's exact shape, on both engines' APIs."""

from __future__ import annotations

import io

import pytest

import pywasm_core
from pywasm_core.numerics.floats import f32_to_bits
from pywasm_core.script.spectest import spectest_imports


def test_shape_on_pywasm_core():
    store = pywasm_core.Store(pywasm_core.Engine())
    externs = spectest_imports(store)
    assert set(externs) == {"print", "print_i32", "print_i64", "print_f32", "print_f64",
                            "print_i32_f32", "print_f64_f64", "global_i32", "global_i64",
                            "global_f32", "global_f64", "table", "memory"}
    assert externs["global_i32"].value(store) == 666
    assert externs["global_i64"].value(store) == 666
    assert f32_to_bits(externs["global_f32"].value(store)) == 0x4426A666   # 666.6 as f32
    assert externs["global_f64"].value(store) == 666.6
    assert not externs["global_i32"].type(store).mutable
    table_type = externs["table"].type(store)
    assert (str(table_type.element), table_type.limits) == ("funcref", pywasm_core.Limits(10, 20))
    assert externs["memory"].type(store).limits == pywasm_core.Limits(1, 2)
    assert externs["print_i32_f32"].type(store) == pywasm_core.FuncType(
        [pywasm_core.ValType.i32(), pywasm_core.ValType.f32()], [])


def test_prints_go_to_the_given_stream_only():
    store = pywasm_core.Store(pywasm_core.Engine())
    out = io.StringIO()
    spectest_imports(store, out=out)["print_i32"](store, 7)
    assert out.getvalue() == "print_i32: 7\n"
    spectest_imports(store)["print_i32"](store, 7)   # silent by default: nothing raised


def test_shape_on_wasmtime():
    wasmtime = pytest.importorskip("wasmtime")
    store = wasmtime.Store()
    externs = spectest_imports(store, api=wasmtime)
    assert externs["global_i64"].value(store) == 666
    assert externs["memory"].type(store).limits.max == 2
    assert externs["table"].type(store).limits.min == 10
