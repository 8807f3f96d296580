"""Val: typed values at the API."""

import pytest

from pywasm_core import Val, ValType


def test_constructors_and_accessors():
    assert Val.i32(0xFFFFFFFF).value == -1
    assert Val.i32(-1).as_i32() == -1
    assert Val.i64(5).type is ValType.i64()
    assert Val.f32(0.1).value == 0.10000000149011612
    assert Val.f64(1).value == 1.0
    assert Val.v128(-1).value == 2**128 - 1
    assert Val.externref("x").as_externref() == "x"
    assert Val.ref_null(ValType.funcref()).value is None
    assert Val.funcref(None).as_i32() is None
    assert Val.i32(3) == Val.i32(3)


def test_bad_values():
    with pytest.raises(ValueError):
        Val.i32(2**32)
    with pytest.raises(TypeError):
        Val.i64(1.0)
    with pytest.raises(TypeError):
        Val.funcref("f")
    with pytest.raises(TypeError):
        Val.ref_null(ValType.i32())
