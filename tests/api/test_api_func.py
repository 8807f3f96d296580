"""Func: calling exports, host functions, types, caller access, value conversions."""

import math

import pytest
from api_util import instantiate

from pywasm_core import Engine, Func, FuncType, Store, Val, ValType
from pywasm_core.numerics.floats import f32_to_bits

I32, I64, F32, F64 = ValType.i32(), ValType.i64(), ValType.f32(), ValType.f64()

TEXT = """
(module
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (import "env" "mem_len" (func $mem_len (result i32)))
  (memory (export "memory") 2)
  (func (export "id32") (param i32) (result i32) (local.get 0))
  (func (export "id64") (param i64) (result i64) (local.get 0))
  (func (export "idf32") (param f32) (result f32) (local.get 0))
  (func (export "idf64") (param f64) (result f64) (local.get 0))
  (func (export "nothing"))
  (func (export "three") (result i32 f64 i64) (i32.const -1) (f64.const 2.5) (i64.const 3))
  (func (export "call_add") (param i32 i32) (result i32) (call $add (local.get 0) (local.get 1)))
  (func (export "call_mem_len") (result i32) (call $mem_len))
)
"""


def setup():
    store = Store(Engine())
    add = Func(store, FuncType([I32, I32], [I32]), lambda a, b: a + b)
    mem_len = Func(store, FuncType([], [I32]),
                   lambda caller: caller["memory"].data_len(store), access_caller=True)
    return instantiate(TEXT, [add, mem_len], store=store)


def test_results_shape_and_signedness():
    store, ex = setup()
    assert ex["id32"](store, 0xFFFFFFFF) == -1
    assert ex["id32"](store, -5) == -5
    assert ex["id64"](store, 2**63) == -2**63
    assert ex["nothing"](store) is None
    assert ex["three"](store) == [-1, 2.5, 3]
    assert ex["idf64"](store, 3) == 3.0


def test_f32_arguments_round_and_nan_bits_survive():
    store, ex = setup()
    assert ex["idf32"](store, 0.1) == 0.10000000149011612
    assert ex["idf32"](store, 1e40) == math.inf
    nan = ex["idf32"](store, Val.f32(math.nan))
    assert math.isnan(nan)
    assert f32_to_bits(nan) & 0x7FC00000 == 0x7FC00000


def test_val_arguments_are_type_checked():
    store, ex = setup()
    assert ex["id32"](store, Val.i32(7)) == 7
    with pytest.raises(TypeError):
        ex["id32"](store, Val.i64(7))
    with pytest.raises(TypeError):
        ex["id32"](store, "7")


def test_host_functions_through_wasm_and_directly():
    store, ex = setup()
    assert ex["call_add"](store, 2, 3) == 5
    assert ex["call_add"](store, -1, 0) == -1          # host sees signed, result wraps back
    assert ex["call_mem_len"](store) == 2 * 65536
    add = Func(store, FuncType([I32, I32], [I32]), lambda a, b: a * b)
    assert add(store, 6, 7) == 42
    assert add.type(store) == FuncType([I32, I32], [I32])


def test_host_result_errors_are_python_errors():
    store = Store(Engine())
    bad = Func(store, FuncType([], [I32, I32]), lambda: 1)
    with pytest.raises(TypeError):
        bad(store)
    with pytest.raises(TypeError):
        Func(store, FuncType([], []), "not callable")
