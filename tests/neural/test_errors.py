"""Bad input gives a clear Python error and never corrupts the heap or memory."""

from __future__ import annotations

import gc
import shutil

import numpy as np
import pytest

import neural
from neural import (ActivationFunction, ChecksumMismatch, FreedObjectError, MissingExportError,
                    ModuleNotFound, RuvSwarm, WasmBindgenError, WasmPanic)
from neural.modules import default_dir, load_module_bytes


@pytest.fixture(scope="module", params=["wasmtime", "pywasm_core"])
def rs(request):
    return RuvSwarm("bg", request.param, seed=9)


def unchanged(rs, action, error, match=None):
    """`action` raises `error` and leaves heap and memory exactly as they were."""
    heap, memory = rs.heap_snapshot(), rs.memory_hash()
    with pytest.raises(error, match=match):
        action()
    assert rs.heap_snapshot() == heap
    assert rs.memory_hash() == memory


@pytest.mark.parametrize("layers,activation,match", [
    ("abc", "sigmoid", "sequence of numbers"), ([3], "sigmoid", "at least an input"),
    ([3, 0, 2], "sigmoid", "at least one neuron"), ([3, -1], "sigmoid", "out of range"),
    ([2.5, 2], "sigmoid", "integers"), ([2, 2], "softmax", "unknown activation"),
    ([2, 2], 99, "no activation function numbered"), ([2, 2], 1.5, "activation must be"),
    ([[2, 2]], "relu", "1-D")])
def test_bad_network_construction(rs, layers, activation, match):
    unchanged(rs, lambda: rs.WasmNeuralNetwork(layers, activation), WasmBindgenError, match)


def test_bad_network_calls(rs):
    net = rs.WasmNeuralNetwork([3, 2], ActivationFunction.ReLU)
    unchanged(rs, lambda: net.run([1.0, 2.0]), WasmBindgenError, "expected 3 inputs, got 2")
    unchanged(rs, lambda: net.run(["a", "b", "c"]), WasmBindgenError, "numbers")
    unchanged(rs, lambda: net.run(None), WasmBindgenError)
    unchanged(rs, lambda: net.set_weights([1.0] * 5), WasmBindgenError, "expected 6 weights")
    unchanged(rs, lambda: net.randomize_weights("low", 1.0), WasmBindgenError, "min must be")
    unchanged(rs, lambda: net.randomize_weights(True, 1.0), WasmBindgenError, "min must be")
    assert net.run([1.0, 2.0, 3.0]).shape == (2,)
    net.free()


def test_bad_arguments_elsewhere(rs):
    unchanged(rs, lambda: rs.WasmAgent(1, "coder"), WasmBindgenError, "id must be a str")
    unchanged(rs, lambda: rs.MemoryPool(-1, 2), WasmBindgenError, "block_size")
    unchanged(rs, lambda: rs.MemoryPool(2**32, 2), WasmBindgenError, "block_size")
    mat = rs.SimdMatrixOps()
    unchanged(rs, lambda: mat.matrix_vector_multiply([1.0], [1.0], "1", 1), WasmBindgenError,
              "rows")
    mat.free()
    orch = rs.WasmSwarmOrchestrator("mesh")
    unchanged(rs, lambda: orch.get_status("yes"), WasmBindgenError, "detailed must be a bool")
    orch.free()
    unchanged(rs, lambda: rs.console_log(5), WasmBindgenError, "message must be a str")
    unchanged(rs, lambda: rs.simd_performance_report(1.5, 1), WasmBindgenError, "size")


def test_freed_object_reused_is_a_clear_error(rs):
    net = rs.WasmNeuralNetwork([2, 2], "tanh")
    net.free()
    assert net.freed and "freed" in repr(net)
    unchanged(rs, lambda: net.run([0.0, 1.0]), FreedObjectError, "WasmNeuralNetwork has been freed")
    unchanged(rs, net.get_weights, FreedObjectError)
    unchanged(rs, net.free, FreedObjectError)
    with rs.WasmAgent("a", "b") as agent:
        assert agent.id == "a"
    unchanged(rs, lambda: agent.id, FreedObjectError)
    with pytest.raises(FreedObjectError):
        with agent:
            pass
    pool = rs.MemoryPool(8, 1)
    metrics = pool.get_metrics()
    metrics.free()
    unchanged(rs, lambda: setattr(metrics, "total_blocks", 3), FreedObjectError)
    pool.free()


def test_private_constructors(rs):
    for name in ("PoolMetrics", "WasmTaskResult", "OptimizedAgent"):
        with pytest.raises(TypeError, match="no public constructor"):
            getattr(rs, name)()
    with pytest.raises(AttributeError):
        rs.NoSuchClass


def test_missing_exports_in_the_fann_subset():
    fann = RuvSwarm("fann", "wasmtime")
    with pytest.raises(MissingExportError,
                       match="module 'fann' does not export 'simdbenchmark_new'"):
        fann.SimdVectorOps()
    with pytest.raises(MissingExportError, match="detect_simd_capabilities"):
        fann.detect_simd_capabilities()
    with pytest.raises(MissingExportError, match="wasmagent_new"):
        fann.WasmAgent("a", "b")
    assert fann.get_version() == "0.1.0"


def test_panic_surfaces_with_the_wasm_message_and_the_module_stays_usable(rs):
    g = rs.glue
    net = rs.WasmNeuralNetwork([2, 1], "linear")
    with pytest.raises(WasmPanic, match="index out of bounds") as info:
        rs._array_call("wasmneuralnetwork_run", "f64",
                       lambda: (net._ptr(), *g.pass_array([], "f64")))
    assert info.value.message.startswith("panicked at crates/ruv-swarm-wasm/src/lib.rs")
    assert rs.get_version() == "0.1.0"
    other = rs.WasmNeuralNetwork([2, 1], "linear")
    other.set_weights([1.0, 2.0])
    assert other.run([1.0, 1.0]).tolist() == [3.0]
    other.free()


def test_js_exceptions_carry_the_thrown_value(rs):
    spawner = rs.OptimizedAgentSpawner()
    with pytest.raises(neural.JsException) as info:
        spawner.release_agent("ghost")
    assert info.value.value == "Agent not found"
    spawner.free()


def test_garbage_collection_frees_through_the_finalizer(rs, monkeypatch):
    calls = []
    real = rs.glue.call

    def spy(name, *args):
        calls.append((name, args))
        return real(name, *args)
    monkeypatch.setattr(rs.glue, "call", spy)
    agent = rs.WasmAgent("gc", "me")
    ptr = agent._ptr_value
    del agent
    gc.collect()
    assert ("__wbg_wasmagent_free", (ptr, 1)) in calls


def test_module_files_are_checked(tmp_path):
    for name in ("ruv_swarm_wasm_bg.wasm", "ruv-fann.wasm"):
        shutil.copyfile(default_dir() / name, tmp_path / name)
    assert load_module_bytes("bg", tmp_path)[:4] == b"\0asm"
    data = bytearray((tmp_path / "ruv-fann.wasm").read_bytes())
    data[-1] ^= 1
    (tmp_path / "ruv-fann.wasm").write_bytes(data)
    with pytest.raises(ChecksumMismatch, match="sha256"):
        load_module_bytes("fann", tmp_path)
    with pytest.raises(ModuleNotFound, match="RUV_SWARM_DIR"):
        load_module_bytes("simd", tmp_path)
    with pytest.raises(ValueError, match="unknown module"):
        RuvSwarm("nope")
    with pytest.raises(ValueError, match="unknown engine"):
        RuvSwarm("bg", "v8")


def test_env_var_overrides_the_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("RUV_SWARM_DIR", str(tmp_path))
    assert default_dir() == tmp_path
    with pytest.raises(ModuleNotFound):
        load_module_bytes("bg")


def test_default_module_free_functions():
    previous = neural.api._DEFAULT
    try:
        neural.set_default_module(RuvSwarm("bg", "wasmtime"))
        assert neural.get_version() == "0.1.0"
        net = neural.WasmNeuralNetwork([2, 1], "linear")
        net.set_weights([0.5, 0.25])
        assert net.run(np.array([2.0, 4.0])).tolist() == [2.0]
        assert neural.create_neural_network([1, 1], "relu").run([3.0]).tolist() == [0.0]
    finally:
        neural.set_default_module(previous)


def test_available_lists_the_subset():
    bg = RuvSwarm("bg", "wasmtime").available()
    fann = RuvSwarm("fann", "wasmtime").available()
    assert len(bg["classes"]) == 16 and len(bg["functions"]) == 17
    assert set(fann["classes"]) == {"PerformanceTimer", "RuntimeFeatures", "WasmForecastingModel",
                                    "WasmNeuralNetwork", "WasmSwarmOrchestrator"}
    assert "detect_simd_capabilities" not in fann["functions"]
    assert set(fann["functions"]) < set(bg["functions"])


FREED_CALLS = [
    ("AgentMemoryPool", (), [("allocate_for_agent", ("simple",)),
                             ("deallocate_agent_memory", ([1, 2],)),
                             ("total_memory_usage_mb", ()), ("is_within_memory_target", ())]),
    ("MemoryPool", (8, 1), [("allocate", ()), ("deallocate", ([1],)), ("available_blocks", ()),
                            ("memory_usage", ()), ("get_metrics", ())]),
    ("OptimizedAgentSpawner", (), [("spawn_agent", ("a", "simple")), ("release_agent", ("a",)),
                                   ("get_performance_report", ()),
                                   ("get_active_agent_count", ()),
                                   ("is_within_memory_target", ())]),
    ("PerformanceMonitor", (), [("record_load_time", (1.0,)), ("record_spawn_time", (1.0,)),
                                ("update_memory_usage", (1,)), ("get_average_spawn_time", ()),
                                ("get_memory_usage_mb", ()), ("meets_performance_targets", ()),
                                ("get_report", ())]),
    ("PerformanceTimer", ("t",), [("elapsed", ()), ("log", ())]),
    ("RuntimeFeatures", (), [("get_features_json", ())]),
    ("SimdBenchmark", (), [("benchmark_dot_product", (4, 1)),
                           ("benchmark_activation", (4, 1, "relu"))]),
    ("SimdMatrixOps", (), [("matrix_vector_multiply", ([1.0], [1.0], 1, 1)),
                           ("matrix_multiply", ([1.0], [1.0], 1, 1, 1))]),
    ("SimdVectorOps", (), [("dot_product", ([1.0], [1.0])), ("vector_add", ([1.0], [1.0])),
                           ("vector_scale", ([1.0], 2.0)), ("apply_activation", ([1.0], "relu"))]),
    ("WasmAgent", ("a", "b"), [("set_status", ("x",)), ("add_capability", ("x",)),
                               ("has_capability", ("x",))]),
    ("WasmForecastingModel", ("linear",), [("predict", ([1.0],)), ("get_model_type", ())]),
    ("WasmNeuralNetwork", ([2, 1], "relu"), [("randomize_weights", (0.0, 1.0)),
                                             ("set_weights", ([1.0, 2.0],)), ("get_weights", ()),
                                             ("run", ([1.0, 2.0],))]),
    ("WasmSwarmOrchestrator", ("mesh",), [("spawn", ("{}",)), ("orchestrate", ("{}",)),
                                          ("add_agent", ("a",)), ("get_agent_count", ()),
                                          ("get_topology", ()), ("get_status", (True,))]),
]


@pytest.mark.parametrize("name,args,calls", FREED_CALLS, ids=[c[0] for c in FREED_CALLS])
def test_every_method_of_a_freed_object_refuses_cleanly(rs, name, args, calls):
    obj = getattr(rs, name)(*args)
    obj.free()
    for method, method_args in calls:
        unchanged(rs, lambda: getattr(obj, method)(*method_args), FreedObjectError, "freed")
