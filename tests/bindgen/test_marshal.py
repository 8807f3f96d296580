"""Strings, arrays, the retptr protocol and determinism helpers of the glue runtime."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bindgen import (Bindgen, JsError, RealClock, SeededRandom, SystemRandom, VirtualClock,
                     WasmBindgenError)
from bindgen.marshal import ADD_TO_STACK_POINTER, MALLOC, REALLOC, to_typed_array
from neural.modules import load_module_bytes


@pytest.fixture(scope="module", params=["wasmtime", "pywasm_core"])
def glue(request):
    return Bindgen(load_module_bytes("bg"), engine=request.param)


def allocation_calls(glue, monkeypatch):
    calls = []
    real_call = glue.call

    def spy(name, *args):
        if name in (MALLOC, REALLOC):
            calls.append((name, args))
        return real_call(name, *args)
    monkeypatch.setattr(glue, "call", spy)
    return calls


def glue_model(text: str) -> list:
    """The malloc/realloc sizes passStringToWasm0 asks for (lengths in UTF-16 units)."""
    units = len(text.encode("utf-16-le")) // 2
    ascii_len = 0
    for ch in text:
        if ord(ch) > 0x7F:
            break
        ascii_len += 1
    sizes = [("malloc", units)]
    if ascii_len != units:
        rest = text[ascii_len:]
        rest_units = len(rest.encode("utf-16-le")) // 2
        grown = ascii_len + rest_units * 3
        sizes.append(("realloc", units, grown))
        sizes.append(("realloc", grown, ascii_len + len(rest.encode("utf-8"))))
    return sizes


@pytest.mark.parametrize("text", ["", "hello", "héllo", "a🚀b", "ünïcödé", "日本語テキスト"])
def test_pass_string_follows_the_glue_algorithm(glue, monkeypatch, text):
    calls = allocation_calls(glue, monkeypatch)
    ptr, length = glue.pass_string(text)
    seen = [("malloc", args[0]) if name == MALLOC else ("realloc", args[1], args[2])
            for name, args in calls]
    assert seen == glue_model(text)
    assert all(args[-1] == 1 for _, args in calls)  # byte alignment
    assert length == len(text.encode("utf-8")) and glue.vector_len == length
    assert glue.get_string(ptr, length) == text
    glue.free(ptr, length, 1)


@settings(max_examples=25, deadline=None)
@given(st.text(max_size=40))
def test_strings_round_trip(text):
    glue = _shared_wasmtime_glue()
    ptr, length = glue.pass_string(text)
    expected = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    assert glue.take_string(ptr, length) == expected


_GLUE = []


def _shared_wasmtime_glue():
    if not _GLUE:
        _GLUE.append(Bindgen(load_module_bytes("bg"), engine="wasmtime"))
    return _GLUE[0]


def test_lone_surrogates_become_replacement_characters(glue):
    ptr, length = glue.pass_string("a\ud800b")
    assert glue.memory.read(ptr, ptr + length) == b"a\xef\xbf\xbdb"


def test_invalid_utf8_from_wasm_is_a_type_error(glue):
    ptr, _ = glue.pass_array(np.array([0x61, 0xFF, 0x62], dtype=np.uint8), "u8")
    with pytest.raises(JsError) as info:
        glue.get_string(ptr, 3)
    assert info.value.value.name == "TypeError"


def test_pass_string_rejects_non_strings(glue):
    with pytest.raises(WasmBindgenError, match="expected a str"):
        glue.pass_string(b"bytes")


def test_retptr_restores_the_stack_pointer_even_on_errors(glue):
    before = glue.call(ADD_TO_STACK_POINTER, 0)
    with glue.retptr(16) as rp:
        assert rp == (before - 16) & 0xFFFFFFFF
    assert glue.call(ADD_TO_STACK_POINTER, 0) == before
    with pytest.raises(RuntimeError):
        with glue.retptr(16):
            raise RuntimeError("inside")
    assert glue.call(ADD_TO_STACK_POINTER, 0) == before


@pytest.mark.parametrize("kind,values", [
    ("u8", [0, 1, 255]), ("u32", [0, 7, 2**32 - 1]), ("i32", [-5, 0, 2**31 - 1]),
    ("f32", [0.1, -2.5, math.inf]), ("f64", [0.1, -2.5, 1e300])])
def test_arrays_round_trip(glue, kind, values):
    ptr, n = glue.pass_array(values, kind)
    assert n == len(values)
    expected = to_typed_array(values, kind)
    result = glue.take_array(ptr, n, kind)
    assert result.dtype == expected.dtype and result.tobytes() == expected.tobytes()


def test_empty_array(glue):
    ptr, n = glue.pass_array([], "f64")
    assert n == 0 and glue.get_array(ptr, 0, "f64").size == 0


@pytest.mark.parametrize("values,kind,message", [
    ("abc", "f64", "sequence of numbers"), (5, "f64", "sequence of numbers"),
    ([[1, 2], [3, 4]], "f64", "1-D"), (["a", "b"], "f64", "numbers"),
    ([1.5], "u32", "integers"), ([-1], "u32", "out of range"), ([256], "u8", "out of range"),
    ([math.nan], "u32", "integers")])
def test_bad_arrays_are_refused(values, kind, message):
    with pytest.raises(WasmBindgenError, match=message):
        to_typed_array(values, kind)


def test_arrays_survive_memory_growth(glue):
    """A large argument makes malloc grow the memory; results are re-read afterwards."""
    size_before = glue.memory.size()
    buffer_before = glue.js_memory.buffer
    big = np.arange(600_000, dtype=np.float64)
    ptr, n = glue.pass_array(big, "f64")
    assert glue.memory.size() > size_before
    assert buffer_before.detached and glue.js_memory.buffer.byte_length == glue.memory.size()
    assert np.array_equal(glue.take_array(ptr, n, "f64"), big)


def test_memory_hash_is_stable_and_changes_with_writes(glue):
    first = glue.memory_hash()
    assert glue.memory_hash() == first
    ptr, n = glue.pass_array([1, 2, 3], "u8")
    assert glue.memory_hash() != first
    glue.free(ptr, n, 1)


def test_seeded_random_is_reproducible_and_in_range():
    a, b = SeededRandom(42), SeededRandom(42)
    xs = [a.random() for _ in range(1000)]
    assert xs == [b.random() for _ in range(1000)]
    assert all(0.0 <= x < 1.0 for x in xs)
    assert len(set(xs)) == 1000
    assert 0.45 < sum(xs) / len(xs) < 0.55
    assert SeededRandom(43).random() != xs[0]


def test_clocks():
    clock = VirtualClock(start=5.0, step=2.0)
    assert [clock.now() for _ in range(3)] == [5.0, 7.0, 9.0]
    assert RealClock().now() > 1.6e12
    assert 0.0 <= SystemRandom().random() < 1.0


def test_start_runs_at_init_when_exported(monkeypatch):
    from bindgen import engines
    calls = []
    real = engines.WasmtimeAdapter.call

    def spy(self, name, *args):
        calls.append(name)
        return real(self, name, *args)
    monkeypatch.setattr(engines.WasmtimeAdapter, "call", spy)
    Bindgen(load_module_bytes("bg"), engine="wasmtime")
    assert calls[0] == "__wbindgen_start"
    calls.clear()
    Bindgen(load_module_bytes("bg"), engine="wasmtime", start=False)
    assert "__wbindgen_start" not in calls
