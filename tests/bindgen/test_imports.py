"""The 33 "wbg" imports behave as their counterparts in ruv_swarm_wasm.js."""

from __future__ import annotations

import logging
import struct

import numpy as np
import pytest

from bindgen import Bindgen, Environment, JsError, SeededRandom, VirtualClock
from bindgen.imports import WBG_IMPORT_NAMES, debug_string
from bindgen.jsvalues import (UNDEFINED, JsArray, JsErrorObject, JsFunction, JsGlobal, JsMemory,
                              JsObject, JsTypedArray, MemoryBuffer)
from bindgen.marshal import EXN_STORE
from neural.modules import load_module_bytes

WBG = "wbg"


@pytest.fixture(scope="module", params=["wasmtime", "pywasm_core"])
def glue(request):
    return Bindgen(load_module_bytes("bg"), engine=request.param)


def imp(glue, name):
    return glue.imports[WBG][name]


@pytest.mark.parametrize("module", ["bg", "simd", "fann"])
def test_every_module_import_is_provided(module):
    from bindgen.engines import WasmtimeAdapter
    adapter = WasmtimeAdapter()
    names = adapter.import_names(adapter.compile(load_module_bytes(module)))
    assert len(names) == 33
    assert {m for m, _ in names} == {WBG}
    assert {n for _, n in names} == set(WBG_IMPORT_NAMES)


def test_import_table_has_exactly_the_33(glue):
    assert set(glue.imports[WBG]) == set(WBG_IMPORT_NAMES) and len(WBG_IMPORT_NAMES) == 33


@pytest.mark.parametrize("value,text", [
    (1.0, "1"), (1.5, "1.5"), (True, "true"), (None, "null"), (UNDEFINED, "undefined"),
    ("hi", '"hi"'), (JsArray([1.0, "a", JsArray([])]), '[1, "a", []]'),
    (JsFunction("return this", JsGlobal()), "Function(anonymous)"),
    (JsObject({"a": 1.0, "b": "x"}), 'Object({"a":1,"b":"x"})'),
    (JsErrorObject("boom", "TypeError", "TypeError: boom\n    at f"),
     "TypeError: boom\nTypeError: boom\n    at f"),
    (JsTypedArray.from_values("Float32Array", [1.0]), "Float32Array"),
    (JsGlobal(), "global")])
def test_debug_string_matches_the_glue_format(value, text):
    assert debug_string(value) == text


def test_number_get_writes_through_retptr(glue):
    with glue.retptr(16) as rp:
        idx = glue.heap.add(2.5)
        imp(glue, "__wbindgen_number_get")(rp, idx)
        flag, = struct.unpack("<i", glue.memory.read(rp, rp + 4))
        value, = struct.unpack("<d", glue.memory.read(rp + 8, rp + 16))
        assert (flag, value) == (1, 2.5)
        imp(glue, "__wbindgen_number_get")(rp, glue.heap.add("not a number"))
        flag, = struct.unpack("<i", glue.memory.read(rp, rp + 4))
        value, = struct.unpack("<d", glue.memory.read(rp + 8, rp + 16))
        assert (flag, value) == (0, 0.0)


def test_string_get_passes_strings_and_zero_for_others(glue):
    with glue.retptr(16) as rp:
        imp(glue, "__wbindgen_string_get")(rp, glue.heap.add("héllo"))
        ptr, length = glue.read_words(rp, 2)
        assert glue.take_string(ptr, length) == "héllo"
        imp(glue, "__wbindgen_string_get")(rp, glue.heap.add(3.0))
        ptr, _ = glue.read_words(rp, 2)
        assert ptr == 0


def test_debug_string_and_stack_imports_write_strings(glue):
    with glue.retptr(16) as rp:
        imp(glue, "__wbindgen_debug_string")(rp, glue.heap.add(JsArray([1.0, "x"])))
        assert glue.take_string(*glue.read_words(rp, 2)) == '[1, "x"]'
        err = JsErrorObject("m", stack="Error: m\n    at here")
        imp(glue, "__wbg_stack_0ed75d68575b0f3c")(rp, glue.heap.add(err))
        assert glue.take_string(*glue.read_words(rp, 2)) == "Error: m\n    at here"


def test_string_new_drop_and_clone(glue):
    ptr, length = glue.pass_string("abc")
    idx = imp(glue, "__wbindgen_string_new")(ptr, length)
    assert glue.heap.get(idx) == "abc"
    copy = imp(glue, "__wbindgen_object_clone_ref")(idx)
    imp(glue, "__wbindgen_object_drop_ref")(idx)
    assert glue.heap.get(copy) == "abc" and glue.heap.heap_next == idx
    imp(glue, "__wbindgen_object_drop_ref")(copy)


def test_handle_error_stores_the_exception_through_export_0(glue, monkeypatch):
    calls = []
    real_call = glue.call

    def spy(name, *args):
        calls.append((name, args))
        return real_call(name, *args)
    monkeypatch.setattr(glue, "call", spy)
    not_a_function = glue.heap.add(1.0)
    result = imp(glue, "__wbg_call_672a4d21634d4a24")(not_a_function, 128)
    assert result is UNDEFINED  # ToInt32(undefined) == 0 at the wasm boundary
    (name, (idx,)), = calls
    assert name == EXN_STORE
    stored = glue.heap.get(idx)
    assert isinstance(stored, JsErrorObject) and stored.name == "TypeError"
    assert "call is not a function" in stored.message
    calls.clear()
    imp(glue, "__wbg_get_67b2ba62fc30de12")(glue.heap.add(5.0), glue.heap.add("x"))
    (name, (idx,)), = calls
    assert name == EXN_STORE and "Reflect.get called on non-object" in glue.heap.get(idx).message


def test_function_call_and_global_accessors(glue):
    body = "return this"
    ptr, length = glue.pass_string(body)
    fn = imp(glue, "__wbg_newnoargs_105ed471475aaf50")(ptr, length)
    assert isinstance(glue.heap.get(fn), JsFunction)
    this = imp(glue, "__wbg_call_672a4d21634d4a24")(fn, 128)  # 128 is `undefined`
    assert glue.heap.get(this) is glue.global_object
    assert glue.heap.get(imp(glue, "__wbg_static_accessor_GLOBAL_THIS_56578be7e9f832b0")()) \
        is glue.global_object
    assert glue.heap.get(imp(glue, "__wbg_static_accessor_GLOBAL_88a902d13a557d07")()) \
        is glue.global_object
    assert imp(glue, "__wbg_static_accessor_SELF_37c5d418e4bf5819")() == 0
    assert imp(glue, "__wbg_static_accessor_WINDOW_5de37043a91a9c40")() == 0
    assert imp(glue, "__wbg_instanceof_Window_def73ea0955fc569")(this) is False


def test_reflect_get_reads_injected_globals():
    glue = Bindgen(load_module_bytes("bg"), engine="wasmtime",
                   env=Environment(globals={"answer": 42.0}))
    key = glue.heap.add("answer")
    got = imp(glue, "__wbg_get_67b2ba62fc30de12")(glue.heap.add(glue.global_object), key)
    assert glue.heap.get(got) == 42.0


def test_error_helpers(glue):
    err = imp(glue, "__wbg_new_8a6f238a6ece86ea")()
    assert isinstance(glue.heap.get(err), JsErrorObject)
    assert imp(glue, "__wbg_instanceof_Error_4d54113b22d20306")(err) is True
    assert imp(glue, "__wbg_instanceof_Error_4d54113b22d20306")(129) is False
    msg = imp(glue, "__wbg_message_97a2af9b89d693a3")(glue.heap.add(JsErrorObject("hey")))
    assert glue.heap.get(msg) == "hey"
    with pytest.raises(JsError, match="reading 'message'"):
        imp(glue, "__wbg_message_97a2af9b89d693a3")(128)
    assert imp(glue, "__wbindgen_is_undefined")(128) is True
    assert imp(glue, "__wbindgen_is_undefined")(129) is False


def test_arrays_length_index_from(glue):
    arr = glue.heap.add(JsArray([1.0, 2.0, 3.0]))
    assert imp(glue, "__wbg_length_e2d2a49132c1b256")(arr) == 3.0
    assert glue.heap.get(imp(glue, "__wbg_get_b9b93047fe3cf45b")(arr, 1)) == 2.0
    assert glue.heap.get(imp(glue, "__wbg_get_b9b93047fe3cf45b")(arr, -1)) is UNDEFINED
    copy = glue.heap.get(imp(glue, "__wbg_from_2a5d3e218e67aa85")(arr))
    assert isinstance(copy, JsArray) and copy.items == [1.0, 2.0, 3.0]
    typed = glue.heap.get(imp(glue, "__wbg_new_780abee5c1739fd7")(arr))
    assert isinstance(typed, JsTypedArray) and typed.values() == [1.0, 2.0, 3.0]


def test_memory_buffer_and_float32_view_over_instance_memory(glue):
    memory = glue.heap.get(imp(glue, "__wbindgen_memory")())
    assert isinstance(memory, JsMemory) and memory is glue.js_memory
    buffer = glue.heap.get(imp(glue, "__wbg_buffer_609cc3eee51ed158")(glue.heap.add(memory)))
    assert isinstance(buffer, MemoryBuffer) and buffer.byte_length == glue.memory.size()
    ptr, n = glue.pass_array(np.array([1.25, -2.0], dtype=np.float32), "f32")
    view_idx = imp(glue, "__wbg_newwithbyteoffsetandlength_e6b7e69acd4c7354")(
        glue.heap.add(buffer), ptr, n)
    view = glue.heap.get(view_idx)
    assert view.values() == [1.25, -2.0]
    glue.memory.write(ptr, struct.pack("<f", 9.5))
    assert view.get(0) == 9.5  # a live view, re-read every time
    glue.free(ptr, n * 4, 4)


def test_throw_raises_with_the_wasm_message(glue):
    ptr, length = glue.pass_string("it broke")
    with pytest.raises(JsError, match="it broke"):
        imp(glue, "__wbindgen_throw")(ptr, length)


def test_throw_from_inside_wasm_surfaces_as_js_error(glue):
    # a null object pointer: wasm-bindgen's own check calls __wbindgen_throw
    with pytest.raises(JsError, match="null pointer passed to rust"):
        glue.call("__wbg_get_poolmetrics_total_blocks", 0)


def test_console_goes_to_logging(glue, caplog):
    caplog.set_level(logging.DEBUG, logger="bindgen.console")
    imp(glue, "__wbg_log_c222819a41e063d3")(glue.heap.add("to log"))
    imp(glue, "__wbg_warn_4ca3906c248c47c4")(glue.heap.add(1.5))
    imp(glue, "__wbg_error_524f506f44df1645")(glue.heap.add(JsErrorObject("bad")))
    records = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "bindgen.console"]
    assert records[-3:] == [(logging.INFO, "to log"), (logging.WARNING, "1.5"),
                            (logging.ERROR, "Error: bad\n    at <wasm>")]
    assert glue.console_lines[-3:] == [("log", "to log"), ("warn", "1.5"),
                                       ("error", "Error: bad\n    at <wasm>")]


def test_error_string_import_logs_frees_and_marks_a_panic(glue):
    ptr, length = glue.pass_string("panicked at x")
    imp(glue, "__wbg_error_7534b8e9a36f1ab4")(ptr, length)
    assert glue.console_lines[-1] == ("error", "panicked at x")
    assert glue.panic_message == "panicked at x"


def test_random_and_now_are_deterministic_by_default():
    def draws(env):
        glue = Bindgen(load_module_bytes("bg"), engine="wasmtime", env=env)
        return ([imp(glue, "__wbg_random_3ad904d98382defe")() for _ in range(3)],
                [imp(glue, "__wbg_now_807e54c39636c349")() for _ in range(2)])
    a, b = draws(Environment.deterministic(5)), draws(Environment.deterministic(5))
    assert a == b
    assert draws(Environment.deterministic(6))[0] != a[0]
    assert a[1] == [1_700_000_000_000.0, 1_700_000_000_001.0]
    injected = draws(Environment(random=SeededRandom(5), clock=VirtualClock(10.0, 0.5)))
    assert injected == (a[0], [10.0, 10.5])
    real = draws(Environment.real())
    assert all(0.0 <= x < 1.0 for x in real[0]) and real[1][0] > 1.6e12
