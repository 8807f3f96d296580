"""Both engine adapters present the same JS-style boundary through one protocol."""

from __future__ import annotations

import pytest
import wasmtime

from bindgen.engines import (ADAPTERS, EngineAdapter, MissingExportError, PywasmCoreAdapter,
                             WasmtimeAdapter, make_adapter)

WAT = """
(module
  (import "env" "host_i32" (func $host_i32 (param i32) (result i32)))
  (import "env" "host_f64" (func $host_f64 (param f64 i64) (result f64)))
  (memory (export "memory") 1 3)
  (global (export "counter") (mut i32) (i32.const 7))
  (func (export "call_i32") (param i32) (result i32) (call $host_i32 (local.get 0)))
  (func (export "call_f64") (param f64 i64) (result f64)
    (call $host_f64 (local.get 0) (local.get 1)))
  (func (export "minus_one") (result i32) (i32.const -1))
  (func (export "big_i64") (result i64) (i64.const -2))
  (func (export "trap") (unreachable))
  (data (i32.const 16) "hello"))
"""
WASM = wasmtime.wat2wasm(WAT)


@pytest.fixture(params=sorted(ADAPTERS))
def adapter(request):
    return make_adapter(request.param)


def instantiate(adapter, seen):
    def host_i32(x):
        seen.append(x)
        return {1: True, 2: 2.0**32 + 5, 3: float("nan")}.get(x, x)

    def host_f64(x, y):
        seen.append((x, y))
        return x * 2
    module = adapter.compile(WASM)
    adapter.instantiate(module, {"env": {"host_i32": host_i32, "host_f64": host_f64}})
    return module


def test_both_adapters_satisfy_the_protocol():
    assert isinstance(WasmtimeAdapter(), EngineAdapter)
    assert isinstance(PywasmCoreAdapter(), EngineAdapter)


def test_unknown_engine():
    with pytest.raises(ValueError, match="unknown engine"):
        make_adapter("v8")


def test_values_cross_as_in_js(adapter):
    seen = []
    instantiate(adapter, seen)
    assert adapter.call("call_i32", -1) == -1
    assert adapter.call("call_i32", 0xFFFFFFFF) == -1  # unsigned in, signed out
    assert seen[:2] == [-1, -1]  # host sees signed numbers, as JS does
    assert adapter.call("call_i32", 1) == 1  # true -> 1 (ToInt32)
    assert adapter.call("call_i32", 2) == 5  # 2**32 + 5 wraps
    assert adapter.call("call_i32", 3) == 0  # NaN -> 0
    assert adapter.call("call_f64", 1.25, -3) == 2.5
    assert seen[-1] == (1.25, -3)
    assert adapter.call("minus_one") == -1
    assert adapter.call("big_i64") == -2


def test_memory_and_globals(adapter):
    instantiate(adapter, [])
    assert adapter.memory_read(16, 21) == b"hello"
    adapter.memory_write(100, b"\x01\x02")
    assert adapter.memory_read(99, 102) == b"\x00\x01\x02"
    assert adapter.memory_size() == 65536
    assert adapter.memory_grow(1) == 1
    assert adapter.memory_size() == 2 * 65536
    assert adapter.global_get("counter") == 7
    assert set(adapter.export_names()) >= {"memory", "counter", "call_i32"}
    assert adapter.has_export("trap") and not adapter.has_export("nope")


def test_missing_export_and_import(adapter):
    instantiate(adapter, [])
    with pytest.raises(MissingExportError, match="no export 'nope'"):
        adapter.call("nope")
    fresh = make_adapter(adapter.name)
    module = fresh.compile(WASM)
    with pytest.raises(MissingExportError, match="env::host_f64"):
        fresh.instantiate(module, {"env": {"host_i32": lambda x: x}})


def test_traps_surface_as_engine_errors(adapter):
    instantiate(adapter, [])
    with pytest.raises(Exception) as info:
        adapter.call("trap")
    assert "unreachable" in str(info.value).lower()


def test_python_exceptions_in_host_functions_propagate(adapter):
    class Boom(Exception):
        pass

    def host_i32(x):
        raise Boom("from host")
    module = adapter.compile(WASM)
    adapter.instantiate(module, {"env": {"host_i32": host_i32, "host_f64": lambda x, y: x}})
    with pytest.raises(Boom, match="from host"):
        adapter.call("call_i32", 1)
