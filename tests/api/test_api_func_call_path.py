"""Func.__call__'s per-type converters (runtime/func.py): the quick paths for plain ints and
floats give exactly what `values.to_internal` / `values.to_api` give, and everything else (bools,
Vals, numpy scalars, out-of-range ints, wrong types) still goes through them, errors included."""

import math

import numpy as np
import pytest
from api_util import instantiate
from hypothesis import given, strategies as st

from pywasm_core import Val, ValType
from pywasm_core.runtime import func as func_mod
from pywasm_core.values import to_api, to_internal

I32, I64, F32, F64 = ValType.i32(), ValType.i64(), ValType.f32(), ValType.f64()

TEXT = """
(module
  (func (export "id32") (param i32) (result i32) (local.get 0))
  (func (export "id64") (param i64) (result i64) (local.get 0))
  (func (export "idf32") (param f32) (result f32) (local.get 0))
  (func (export "idf64") (param f64) (result f64) (local.get 0))
  (func (export "mix") (param i32 i64 f32 f64) (result f64 f32 i64 i32)
    (local.get 3) (local.get 2) (local.get 1) (local.get 0))
)
"""


def outcome(fn, *args):
    try:
        return ("ok", fn(*args))
    except Exception as exc:          # noqa: BLE001 - the error class is what is compared
        return ("error", type(exc))


def same(a, b) -> bool:
    if a[0] != b[0]:
        return False
    if a[0] == "error":
        return a[1] is b[1]
    x, y = a[1], b[1]
    if isinstance(x, float) and isinstance(y, float):
        return math.copysign(1.0, x) == math.copysign(1.0, y) and (x == y or x != x and y != y)
    return type(x) is type(y) and x == y


ODD_VALUES = [True, False, None, "1", 1.5, 2 ** 32, -2 ** 31 - 1, 2 ** 64, -2 ** 63 - 1,
              np.int32(-3), np.uint32(7), np.float64(2.5), np.float32(0.1), Val.i32(5),
              Val.i64(-9), Val.f64(1.25), Val.f32(3.0), -0.0, math.inf, math.nan, 1 << 200]


@pytest.mark.parametrize("ty", [I32, I64, F32, F64], ids=["i32", "i64", "f32", "f64"])
@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
def test_param_converters_agree_with_to_internal(ty, value):
    ins = func_mod._conversions(func_mod.FuncType([ty], []))[0]
    assert same(outcome(ins[0], value), outcome(to_internal, ty, value))


@given(st.integers(-2 ** 70, 2 ** 70))
def test_integer_converters_agree_on_any_int(v):
    for ty in (I32, I64):
        ins, outs, to_host, from_host, _ = func_mod._conversions(func_mod.FuncType([ty], [ty]))
        assert to_host[0] is outs[0] or same(("ok", to_host[0](1)), ("ok", outs[0](1)))
        assert from_host[0] is ins[0] or same(outcome(from_host[0], 1), outcome(ins[0], 1))
        got = outcome(ins[0], v)
        assert same(got, outcome(to_internal, ty, v))
        if got[0] == "ok":
            assert outs[0](got[1]) == to_api(ty, got[1])


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_float_converters_agree_on_any_float(v):
    for ty in (F32, F64):
        ins, outs, to_host, from_host, _ = func_mod._conversions(func_mod.FuncType([ty], [ty]))
        assert to_host[0] is outs[0] or same(("ok", to_host[0](1)), ("ok", outs[0](1)))
        assert from_host[0] is ins[0] or same(outcome(from_host[0], 1), outcome(ins[0], 1))
        got = outcome(ins[0], v)
        assert same(got, outcome(to_internal, ty, v))
        assert same(("ok", outs[0](got[1])), ("ok", to_api(ty, got[1])))


def test_calls_through_the_quick_paths():
    store, ex = instantiate(TEXT)
    assert ex["id32"](store, -1) == -1
    assert ex["id32"](store, 0xFFFFFFFF) == -1
    assert ex["id32"](store, 0x7FFFFFFF) == 0x7FFFFFFF
    assert ex["id64"](store, 2 ** 64 - 1) == -1
    assert ex["idf64"](store, -0.0) == 0.0 and math.copysign(1, ex["idf64"](store, -0.0)) < 0
    assert ex["idf64"](store, 7) == 7.0 and type(ex["idf64"](store, 7)) is float
    assert ex["mix"](store, -2, 3, 0.1, 2.5) == [2.5, 0.10000000149011612, 3, -2]
    for bad in (True, 2 ** 32, "x", None, 1.0):
        with pytest.raises((TypeError, ValueError)):
            ex["id32"](store, bad)
    with pytest.raises(TypeError):
        ex["id32"](store, Val.i64(1))
    with pytest.raises(TypeError):
        ex["mix"](store, 1, 2, 3.0)
    # the converters are made once per function and reused
    f = ex["mix"]
    conv = f.conv
    f(store, 1, 2, 3.0, 4.0)
    assert f.conv is conv


HOST_TEXT = """
(module
  (import "env" "h32" (func $h32 (param i32 i64 f32 f64) (result i32)))
  (import "env" "h2" (func $h2 (result i64 f64)))
  (func (export "call32") (param i32 i64 f32 f64) (result i32)
    (call $h32 (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "call2") (result i64 f64) (call $h2))
)
"""


@pytest.mark.parametrize("tier", ["fast", "interp"])
def test_host_functions_get_api_values_and_results_are_checked(tier):
    from pywasm_core import Config, Engine, Func, FuncType, Store, Trap
    store = Store(Engine(Config(tier=tier)))
    seen = []
    reply = {"h32": 0, "h2": (0, 0.0)}

    def h32(a, b, c, d):
        seen.append((a, b, c, d))
        return reply["h32"]

    def h2():
        return reply["h2"]
    imports = [Func(store, FuncType([I32, I64, F32, F64], [I32]), h32),
               Func(store, FuncType([], [I64, F64]), h2)]
    _, ex = instantiate(HOST_TEXT, imports, store=store)
    reply["h32"] = 0xFFFFFFFF
    assert ex["call32"](store, -1, 2 ** 64 - 1, 0.5, -0.0) == -1
    assert seen[-1] == (-1, -1, 0.5, -0.0) and math.copysign(1, seen[-1][3]) < 0
    for good, want in ((7, 7), ((9,), 9), ([-3], -3), (Val.i32(4), 4)):
        reply["h32"] = good
        assert ex["call32"](store, 0, 0, 0.0, 0.0) == want
    for bad in (True, 2 ** 32, 1.5, None, (1, 2), "x"):
        reply["h32"] = bad
        with pytest.raises((TypeError, ValueError, Trap)):
            ex["call32"](store, 0, 0, 0.0, 0.0)
    reply["h2"] = (2 ** 63, 3)
    assert ex["call2"](store) == [-2 ** 63, 3.0]
    for bad in (5, (1,), (1, 2.0, 3), (1.0, 2.0)):
        reply["h2"] = bad
        with pytest.raises((TypeError, ValueError, Trap)):
            ex["call2"](store)
