"""The scripted session over every export gives the same results on wasmtime and pywasm_core:
return values bit for bit, console output, heap snapshot and a hash of all linear memory."""

from __future__ import annotations

import pytest

from neural import RuvSwarm
from neural_session import RAW_ONLY, run_session

SEED = 3
_CACHE: dict = {}


def traced_session(module: str, engine: str):
    """Run (once per module/engine) and return transcript, console, heap, memory, exports hit."""
    key = (module, engine)
    if key not in _CACHE:
        rs = RuvSwarm(module, engine, seed=SEED)
        called = set()
        adapter = rs.glue.adapter
        real_call = adapter.call

        def spy(name, *args):
            called.add(name)
            return real_call(name, *args)
        adapter.call = spy
        transcript = run_session(rs)
        exports = {n for n in adapter.export_names() if n != "memory"}
        _CACHE[key] = (transcript, list(rs.glue.console_lines), rs.heap_snapshot(),
                       rs.memory_hash(), exports, called)
    return _CACHE[key]


@pytest.mark.parametrize("module", ["bg", "simd", "fann"])
def test_engines_agree_bit_for_bit(module):
    transcript, console, heap, memory, _, _ = traced_session(module, "wasmtime")
    other = traced_session(module, "pywasm_core")
    for (step, want), (step2, have) in zip(transcript, other[0]):
        assert (step, have) == (step2, want)
    assert len(transcript) == len(other[0])
    assert other[1] == console
    assert other[2] == heap
    assert other[3] == memory


@pytest.mark.parametrize("module", ["bg", "simd", "fann"])
def test_session_reaches_every_export(module):
    *_, exports, called = traced_session(module, "wasmtime")
    # __wbindgen_start runs at instantiation (before the spy); __wbindgen_export_0 is only used
    # by handleError, exercised in tests/bindgen/test_imports.py
    missing = exports - called - {"__wbindgen_start", "__wbindgen_export_0"}
    assert not missing


def test_fann_is_a_subset():
    *_, fann_exports, _ = traced_session("fann", "wasmtime")
    *_, bg_exports, _ = traced_session("bg", "wasmtime")
    assert fann_exports < bg_exports
    assert "simdbenchmark_new" not in fann_exports and "wasmneuralnetwork_run" in fann_exports
    assert RAW_ONLY <= bg_exports


def test_known_values_in_the_transcript():
    transcript = dict(traced_session("bg", "wasmtime")[0])
    assert transcript["get_version"] == "0.1.0"
    assert transcript["matvec"] == ("float32", (2,), "0000604100000042")  # [14, 32]
    assert transcript["matmul"][2] == "000098410000b04100002c4200004842"  # [19, 22, 43, 50]
    assert transcript["predict linear"] == ("float64", (1,), "0000000000001840")  # 6.0
    assert transcript["agent"] == ["agent-7", "coder", "busy", True, False]
    assert transcript["release unknown"] == "JsException: Agent not found"
    assert transcript["js_array_to_vec_f32 mixed"] == \
        "JsException: Invalid value at index 1: expected number"
    assert transcript["js_array_to_vec_f32 undefined"].startswith(
        "JsError: TypeError: undefined is not iterable")
    assert transcript["null pointer"] == "Error: null pointer passed to rust"
    assert transcript["panic"][1] == "index out of bounds: the len is 0 but the index is 0"
    assert transcript["free after panic"].startswith(
        "JsError: Error: attempted to take ownership of Rust value while it was borrowed")
    simd = dict(traced_session("simd", "wasmtime")[0])
    assert '"simd128": true' in simd["detect"] and '"simd128": false' in transcript["detect"]


def test_console_output_is_captured_in_order():
    console = traced_session("bg", "wasmtime")[1]
    assert console[:4] == [("log", "session: 2.00ms"),
                           ("log", "log from python: ünïcödé 🚀"),
                           ("warn", "warn from python"), ("error", "error from python")]
    assert console[-1][0] == "error" and console[-1][1].startswith("panicked at ")


def test_sessions_are_deterministic():
    again = RuvSwarm("bg", "wasmtime", seed=SEED)
    assert run_session(again) == traced_session("bg", "wasmtime")[0]
    assert again.memory_hash() == traced_session("bg", "wasmtime")[3]
    other_seed = RuvSwarm("bg", "wasmtime", seed=SEED + 1)
    assert run_session(other_seed) != traced_session("bg", "wasmtime")[0]
