"""bindgen follows the real glue: the same session through `ruv_swarm_wasm.js` in Node and
through bindgen (on wasmtime and on pywasm_core) gives the same results, console output, heap
(slot by slot, free list included) and linear memory, byte for byte.

Needs the `node` binary (Node >= 18); the test is skipped, saying so, where it is absent."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from bindgen import JsException
from bindgen.jsvalues import UNDEFINED, JsObject
from neural import RuvSwarm
from neural.modules import default_dir, module_path

NODE = shutil.which("node")
HERE = Path(__file__).resolve().parent
SEED = 11

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


def node_session(module: str, tmp_path: Path) -> dict:
    glue = (default_dir() / "ruv_swarm_wasm.js").read_text()
    copy = tmp_path / "glue.mjs"
    copy.write_text(glue + "\nexport function __bindgen_test_state() "
                    "{ return { heap, heap_next, stack_pointer }; }\n")
    result = subprocess.run([NODE, str(HERE / "node_glue_session.mjs"), str(copy),
                             str(module_path(module)), str(SEED)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def as_list(array) -> list:
    kind = "Float64Array" if array.dtype == np.float64 else "Float32Array"
    return [kind, [float(x) for x in array]]


def heap_view(rs) -> list:
    """The bindgen heap in the form the Node script prints."""
    out = []
    for value in rs.glue.heap.slots:
        if value is UNDEFINED:
            out.append(["undefined"])
        elif value is None:
            out.append(["null"])
        elif isinstance(value, bool):
            out.append(["bool", value])
        elif isinstance(value, (int, float)):
            out.append(["number", value])
        elif isinstance(value, str):
            out.append(["string", value])
        else:
            assert isinstance(value, JsObject)
            out.append(["object", f"[object {value.class_name}]"])
    return out


def python_session(rs) -> dict:
    out = []

    def rec(step, value):
        if isinstance(value, np.ndarray):
            value = as_list(value)
        out.append([step, value])

    rec("get_version", rs.get_version())
    rec("get_features", rs.get_features())
    net = rs.WasmNeuralNetwork(np.array([3, 4, 2], dtype=np.uint32), "Sigmoid")
    net.randomize_weights(-1.0, 1.0)
    rec("weights", net.get_weights())
    rec("run", net.run(np.array([0.25, -0.5, 1.0])))
    net.free()
    orch = rs.WasmSwarmOrchestrator("mesh")
    orch.add_agent("worker-1")
    rec("spawn", orch.spawn('{"type": "researcher"}'))
    task = orch.orchestrate("{}")
    rec("task", [task.task_id, task.status, task.assigned_agents])
    task.free()
    rec("status", orch.get_status(True))
    orch.free()
    rec("js_array_to_vec_f32", rs.js_array_to_vec_f32([1.5, 2.25, -3.0]))
    rec("vec_f32_to_js_array", rs.vec_f32_to_js_array(np.array([0.5, 1.5], dtype=np.float32)))
    rs.console_log("log: ünïcödé 🚀")
    rs.console_warn("warn")
    rs.console_error("error")
    timer = rs.PerformanceTimer("timer")
    rec("elapsed", timer.elapsed())
    timer.log()
    timer.free()
    vec = rs.SimdVectorOps()
    rec("dot", vec.dot_product(np.array([1, 2, 3, 4, 5], dtype=np.float32),
                               np.array([5, 4, 3, 2, 1], dtype=np.float32)))
    rec("sigmoid", vec.apply_activation(np.array([-2, -1, 0, 1, 2], dtype=np.float32),
                                        "sigmoid"))
    vec.free()
    pool = rs.MemoryPool(32, 2)
    block = pool.allocate()
    pool.deallocate(block)
    rec("pool", [pool.available_blocks(), pool.memory_usage()])
    pool.free()
    spawner = rs.OptimizedAgentSpawner()
    rec("spawned", spawner.spawn_agent("researcher", "medium"))
    try:
        spawner.release_agent("nobody")
        rec("release", "no error")
    except JsException as exc:
        rec("release", str(exc))
    spawner.free()
    rec("format string", rs.format_js_error("plain string"))
    heap = rs.glue.heap
    return {"out": out, "console": [list(x) for x in rs.glue.console_lines],
            "heap": heap_view(rs), "heap_next": heap.heap_next,
            "stack_pointer": heap.stack_pointer, "memory": rs.memory_hash()}


@pytest.mark.parametrize("module", ["bg", "simd"])
@pytest.mark.parametrize("engine", ["wasmtime", "pywasm_core"])
def test_session_matches_real_glue(module, engine, tmp_path):
    expected = node_session(module, tmp_path)
    got = python_session(RuvSwarm(module, engine, seed=SEED))
    for (step, want), (step2, have) in zip(expected["out"], got["out"]):
        assert step == step2
        assert have == want, step
    assert len(got["out"]) == len(expected["out"])
    assert got["console"] == expected["console"]
    assert got["heap"] == expected["heap"]
    assert (got["heap_next"], got["stack_pointer"]) == \
        (expected["heap_next"], expected["stack_pointer"])
    assert got["memory"] == expected["memory"]
