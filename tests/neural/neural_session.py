"""A scripted session over every exported class and function of a ruv-swarm module.

`run_session(rs)` drives the module through the Python API (and, for the few exports the JS glue
never calls, through the raw glue) and returns a transcript whose floats and arrays are recorded
as exact bit patterns, so two engines can be compared bit for bit.
"""

from __future__ import annotations

import numpy as np

from bindgen import JsException, WasmPanic
from bindgen.jsvalues import UNDEFINED, JsErrorObject
from neural import FreedObjectError

# Exports the glue never calls itself (aliases and a free for an object JS can never hold);
# the session calls them raw so that every export is exercised.
RAW_ONLY = {"simdvectorops_new", "simdmatrixops_new", "wasmswarmorchestrator_new",
            "wasmforecastingmodel_new", "__wbg_optimizedagent_free"}


def exact(value):
    """A comparable, bit-exact form of a result."""
    if isinstance(value, np.ndarray):
        return (str(value.dtype), value.shape, value.tobytes().hex())
    if isinstance(value, float):
        return ("f64", value.hex())
    if isinstance(value, list):
        return [exact(v) for v in value]
    return value


def run_session(rs) -> list:
    """Exercise the module; returns [(step, exact result), ...]."""
    out = []
    has = rs.glue.has_export

    def rec(step, value):
        out.append((step, exact(value)))

    def expect_error(step, fn):
        try:
            fn()
        except (JsException, FreedObjectError) as exc:
            rec(step, f"{type(exc).__name__}: {exc}")
        else:
            rec(step, "no error")

    rec("get_version", rs.get_version())
    rec("get_features", rs.get_features())
    rs.init()

    # neural network (all modules)
    net = rs.WasmNeuralNetwork([3, 4, 2], "sigmoid")
    net.randomize_weights(-1.0, 1.0)
    rec("weights", net.get_weights())
    rec("run", net.run([0.25, -0.5, 1.0]))
    net.set_weights(np.linspace(-1, 1, 20))
    rec("run after set", net.run(np.array([1.0, 2.0, 3.0])))
    net.free()
    with rs.create_neural_network([2, 2], "tanh") as net2:
        net2.randomize_weights(-0.5, 0.5)
        rec("create_neural_network.run", net2.run([0.1, 0.9]))

    # swarm orchestration
    orch = rs.WasmSwarmOrchestrator("mesh")
    orch.add_agent("worker-1")
    rec("agent_count", orch.get_agent_count())
    rec("topology", orch.get_topology())
    if has("wasmswarmorchestrator_spawn"):
        rec("spawn", orch.spawn('{"type": "researcher"}'))
        task = orch.orchestrate('{"task": "x"}')
        rec("task", [task.task_id, task.description, task.status, task.priority])
        rec("assigned", task.assigned_agents)
        task.free()
        rec("status", orch.get_status(True))
        rec("status short", orch.get_status(False))
    orch.free()
    orch2 = rs.create_swarm_orchestrator("star")
    rec("topology2", orch2.get_topology())
    orch2.free()

    # forecasting
    model = rs.WasmForecastingModel("linear")
    rec("predict linear", model.predict([1.0, 2.0, 4.0]))
    rec("model type", model.get_model_type())
    model.free()
    mean = rs.create_forecasting_model("mean")
    rec("predict mean", mean.predict(np.array([1.0, 2.0, 4.5])))
    mean.free()

    # runtime features, timers, console, js arrays, errors
    features = rs.RuntimeFeatures()
    rec("features", [features.simd_available, features.threads_available,
                     features.memory_limit, features.get_features_json()])
    features.free()
    timer = rs.PerformanceTimer("session")
    rec("elapsed", timer.elapsed())
    timer.log()
    timer.free()
    rs.console_log("log from python: ünïcödé 🚀")
    rs.console_warn("warn from python")
    rs.console_error("error from python")
    rec("js_array_to_vec_f32", rs.js_array_to_vec_f32([1.5, 2.25, -3.0]))
    expect_error("js_array_to_vec_f32 mixed", lambda: rs.js_array_to_vec_f32([1.0, "x"]))
    expect_error("js_array_to_vec_f32 string", lambda: rs.js_array_to_vec_f32("abc"))
    expect_error("js_array_to_vec_f32 undefined", lambda: rs.js_array_to_vec_f32(UNDEFINED))
    rec("js_array_to_vec_f32 number", rs.js_array_to_vec_f32(5.0))
    rec("vec_f32_to_js_array", rs.vec_f32_to_js_array(np.array([0.5, 1.5], dtype=np.float32)))
    rec("memory usage", rs.get_wasm_memory_usage())
    rec("format error", rs.format_js_error(JsErrorObject("boom", "TypeError")))
    rec("format string", rs.format_js_error("plain string"))
    rec("format number", rs.format_js_error(42.0))

    if has("wasmagent_new"):
        agent = rs.WasmAgent("agent-7", "coder")
        agent.set_status("busy")
        agent.add_capability("rust")
        rec("agent", [agent.id, agent.agent_type, agent.status, agent.has_capability("rust"),
                      agent.has_capability("go")])
        agent.free()

    if has("simdbenchmark_new"):
        vec = rs.SimdVectorOps()
        a = np.arange(1, 10, dtype=np.float32) / 4
        b = np.linspace(-2, 2, 9).astype(np.float32)
        rec("dot", vec.dot_product(a, b))
        rec("add", vec.vector_add(a, b))
        rec("scale", vec.vector_scale(a, 1.5))
        for act in ("relu", "sigmoid", "tanh", "linear", "unknown"):
            rec(f"activation {act}", vec.apply_activation(b, act))
        vec.free()
        mat = rs.SimdMatrixOps()
        rec("matvec", mat.matrix_vector_multiply([1, 2, 3, 4, 5, 6], [1, 2, 3], 2, 3))
        rec("matmul", mat.matrix_multiply([1, 2, 3, 4], [5, 6, 7, 8], 2, 2, 2))
        rec("matvec bad dims", mat.matrix_vector_multiply([1, 2, 3], [1, 2], 2, 2))
        mat.free()
        bench = rs.SimdBenchmark()
        rec("bench dot", bench.benchmark_dot_product(64, 3))
        rec("bench act", bench.benchmark_activation(64, 2, "sigmoid"))
        bench.free()
        rec("detect", rs.detect_simd_capabilities())
        rec("verify", rs.run_simd_verification_suite())
        rec("report", rs.simd_performance_report(32, 2))
        rec("validate", rs.validate_simd_implementation())

        pool = rs.MemoryPool(32, 2)
        block = pool.allocate()
        rec("block", block)
        rec("pool", [pool.available_blocks(), pool.memory_usage()])
        pool.deallocate(block)
        metrics = pool.get_metrics()
        rec("metrics", [metrics.total_blocks, metrics.free_blocks, metrics.block_size,
                        metrics.reuse_count, metrics.memory_usage_mb])
        metrics.total_blocks = 9
        metrics.free_blocks = 8
        metrics.block_size = 7
        metrics.reuse_count = 6
        metrics.memory_usage_mb = 0.5
        rec("metrics set", [metrics.total_blocks, metrics.free_blocks, metrics.block_size,
                            metrics.reuse_count, metrics.memory_usage_mb])
        metrics.free()
        pool.free()

        agents = rs.AgentMemoryPool()
        memory = agents.allocate_for_agent("simple")
        rec("agent memory", None if memory is None else memory.size)
        agents.deallocate_agent_memory(memory)
        rec("agent pool", [agents.total_memory_usage_mb(), agents.is_within_memory_target()])
        agents.free()

        spawner = rs.OptimizedAgentSpawner()
        agent_id = spawner.spawn_agent("researcher", "medium")
        rec("spawned", agent_id)
        rec("active", spawner.get_active_agent_count())
        rec("spawner target", spawner.is_within_memory_target())
        rec("spawner report", spawner.get_performance_report())
        spawner.release_agent(agent_id)
        expect_error("release unknown", lambda: spawner.release_agent("nobody"))
        spawner.free()

        monitor = rs.PerformanceMonitor()
        monitor.record_load_time(12.5)
        monitor.record_spawn_time(3.0)
        monitor.record_spawn_time(4.5)
        monitor.update_memory_usage(3 * 1024 * 1024)
        rec("monitor", [monitor.get_average_spawn_time(), monitor.get_memory_usage_mb(),
                        monitor.meets_performance_targets(), monitor.get_report()])
        monitor.free()

    # exports only reachable raw
    g = rs.glue
    for name, free in (("simdvectorops_new", "__wbg_simdvectorops_free"),
                       ("simdmatrixops_new", "__wbg_simdmatrixops_free")):
        if has(name):
            g.call(free, g.call(name), 0)
    for name, free in (("wasmswarmorchestrator_new", "__wbg_wasmswarmorchestrator_free"),
                       ("wasmforecastingmodel_new", "__wbg_wasmforecastingmodel_free")):
        if has(name):
            ptr, length = g.pass_string("raw")
            g.call(free, g.call(name, ptr, length), 0)
    if has("__wbg_optimizedagent_free"):
        expect_error("optimizedagent free(0)", lambda: g.call("__wbg_optimizedagent_free", 0, 0))

    # errors inside wasm
    try:
        g.call("wasmneuralnetwork_run", g.call(ADD_SP, -16) & 0xFFFFFFFF, 0, 0, 0)
    except JsException as exc:
        rec("null pointer", str(exc))
    finally:
        g.call(ADD_SP, 16)
    bad = rs.WasmNeuralNetwork([2, 1], "linear")
    try:
        rs._array_call("wasmneuralnetwork_run", "f64",
                       lambda: (bad._ptr(), *g.pass_array([], "f64")))
    except WasmPanic as exc:
        rec("panic", exc.message.split("\n")[0:2])
    # the panic unwound nothing: the Rust borrow flag stays set, so freeing fails (as in JS)
    expect_error("free after panic", bad.free)
    return out


ADD_SP = "__wbindgen_add_to_stack_pointer"
