"""The JS value model: JS semantics for what the wbg imports touch."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bindgen import jsvalues as js
from bindgen.jsvalues import (UNDEFINED, JsArray, JsArrayBuffer, JsError, JsErrorObject,
                              JsFunction, JsGlobal, JsMemory, JsObject, JsTypedArray)


class GrowableMemory:
    """A stand-in for the engine memory: bytes that can grow by pages."""

    def __init__(self, pages=1):
        self.data = bytearray(65536 * pages)

    def size(self):
        return len(self.data)

    def read(self, start, stop):
        return bytes(self.data[start:stop])

    def write(self, start, data):
        self.data[start:start + len(data)] = data

    def grow(self, pages):
        self.data.extend(bytes(65536 * pages))


def test_undefined_is_a_singleton_distinct_from_null():
    assert js._Undefined() is UNDEFINED
    assert UNDEFINED is not None and not UNDEFINED
    assert repr(UNDEFINED) == "undefined"
    assert js.typeof(UNDEFINED) == "undefined" and js.typeof(None) == "object"


@pytest.mark.parametrize("value,kind", [
    (True, "boolean"), (1.5, "number"), (3, "number"), ("s", "string"),
    (JsFunction("return this", JsGlobal()), "function"), (JsArray(), "object"),
    (JsErrorObject("x"), "object")])
def test_typeof(value, kind):
    assert js.typeof(value) == kind


@pytest.mark.parametrize("value,text", [
    (UNDEFINED, "undefined"), (None, "null"), (True, "true"), (False, "false"), (1.0, "1"),
    (-0.0, "0"), (1.5, "1.5"), (1e21, "1e+21"), (1e-7, "1e-7"), (123456.789, "123456.789"),
    (math.nan, "NaN"), (-math.inf, "-Infinity"), ("x", "x"), (JsArray([1.0, "a", None]), "1,a,"),
    (JsErrorObject("boom", "TypeError"), "TypeError: boom"), (JsObject(), "[object Object]")])
def test_to_string(value, text):
    assert js.to_string(value) == text


@pytest.mark.parametrize("value,number", [
    (UNDEFINED, math.nan), (None, 0.0), (True, 1.0), ("  12.5 ", 12.5), ("", 0.0),
    ("0x10", 16.0), ("abc", math.nan), ("Infinity", math.inf), (JsArray([7.0]), 7.0)])
def test_to_number(value, number):
    result = js.to_number(value)
    assert (math.isnan(result) and math.isnan(number)) or result == number


@pytest.mark.parametrize("value,expected", [
    (1.0, 1), (-1.0, -1), (2.0**32 + 5, 5), (2.0**31, -(2**31)), (math.nan, 0), (True, 1),
    (UNDEFINED, 0), (-0.5, 0)])
def test_to_int32(value, expected):
    assert js.to_int32(value) == expected


def test_function_return_this_uses_sloppy_this():
    global_object = JsGlobal()
    f = JsFunction("return this", global_object)
    assert f.call(UNDEFINED) is global_object
    assert f.call(None) is global_object
    obj = JsObject()
    assert f.call(obj) is obj
    assert f.get("name") == "anonymous"


def test_other_function_bodies_throw_a_js_error():
    f = JsFunction("return 1 + 1", JsGlobal())
    with pytest.raises(JsError) as info:
        f.call(UNDEFINED)
    assert info.value.value.name == "EvalError"


def test_reflect_get_on_objects_and_non_objects():
    g = JsGlobal({"answer": 42.0})
    assert js.get_property(g, "answer") == 42.0
    assert js.get_property(g, "missing") is UNDEFINED
    with pytest.raises(JsError, match="Reflect.get called on non-object"):
        js.get_property(1.0, "x")


def test_array_length_and_indexing():
    array = JsArray([1.0, "b"])
    assert js.get_length(array) == 2.0
    assert js.get_index(array, 1) == "b"
    assert js.get_index(array, 5) is UNDEFINED
    assert js.get_length("a🚀") == 3.0  # UTF-16 code units
    assert js.get_index("a🚀", 0) == "a"
    with pytest.raises(JsError, match="Cannot read properties of undefined"):
        js.get_length(UNDEFINED)


def test_array_from():
    assert js.array_from(JsArray([1.0])).items == [1.0]
    assert js.array_from("ab").items == ["a", "b"]
    typed = JsTypedArray.from_values("Float32Array", [0.1, 2.0])
    assert js.array_from(typed).items == [float(np.float32(0.1)), 2.0]
    with pytest.raises(JsError, match="is not iterable"):
        js.array_from(UNDEFINED)


def test_typed_array_from_values_rounds_like_js():
    f32 = JsTypedArray.from_values("Float32Array", [0.1, "2", True, UNDEFINED])
    values = f32.values()
    assert values[:3] == [float(np.float32(0.1)), 2.0, 1.0] and math.isnan(values[3])
    u8 = JsTypedArray.from_values("Uint8Array", [257.0, -1.0, 3.7])
    assert u8.values() == [1.0, 255.0, 3.0]


def test_typed_array_over_standalone_buffer_and_bounds():
    buffer = JsArrayBuffer(np.array([1, 2, 3, 4], dtype="<f4").tobytes())
    view = JsTypedArray("Float32Array", buffer, 4, 2)
    assert view.values() == [2.0, 3.0]
    assert view.get("length") == 2.0 and view.get(5) is UNDEFINED
    with pytest.raises(JsError, match="multiple of 4"):
        JsTypedArray("Float32Array", buffer, 2, 1)
    with pytest.raises(JsError, match="Invalid typed array length"):
        JsTypedArray("Float32Array", buffer, 8, 3)


def test_memory_buffer_sees_writes_and_detaches_on_growth():
    access = GrowableMemory()
    memory = JsMemory(access)
    buffer = memory.buffer
    assert memory.buffer is buffer  # same object while the memory does not grow
    view = JsTypedArray("Float32Array", buffer, 16, 2)
    access.write(16, np.array([1.5, 2.5], dtype="<f4").tobytes())
    assert view.values() == [1.5, 2.5]  # re-read from memory, never cached
    access.write(16, np.array([7.0], dtype="<f4").tobytes())
    assert view.get(0) == 7.0
    access.grow(1)
    assert buffer.detached and buffer.byte_length == 0
    assert view.length == 0 and view.values() == []
    with pytest.raises(JsError, match="detached"):
        buffer.read(0, 4)
    fresh = memory.buffer
    assert fresh is not buffer and fresh.byte_length == 2 * 65536
    assert JsTypedArray("Float32Array", fresh, 16, 1).values() == [7.0]


def test_json_stringify():
    obj = JsObject({"a": 1.0, "b": JsArray([True, None, UNDEFINED]), "c": UNDEFINED,
                    "d": 0.5})
    assert js.json_stringify(obj) == '{"a":1,"b":[true,null,null],"d":0.5}'
    assert js.json_stringify(UNDEFINED) is None


def test_from_python():
    assert js.from_python(3) == 3.0 and isinstance(js.from_python(3), float)
    assert js.from_python(None) is None and js.from_python(UNDEFINED) is UNDEFINED
    array = js.from_python(np.array([1, 2], dtype=np.float32))
    assert isinstance(array, JsTypedArray) and array.class_name == "Float32Array"
    err = js.from_python(ValueError("bad"))
    assert isinstance(err, JsErrorObject) and err.name == "ValueError"
    assert js.from_python([1, "x"]).items == [1.0, "x"]
    with pytest.raises(TypeError):
        js.from_python(object())


def test_exceptions_carry_the_js_value():
    exc = js.JsException("Agent not found")
    assert exc.value == "Agent not found" and str(exc) == "Agent not found"
    err = JsError("boom", name="TypeError")
    assert err.message == "boom" and str(err) == "TypeError: boom"
