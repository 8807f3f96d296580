"""The ruv-swarm neural API in Python, class by class as `ruv_swarm_wasm.d.ts` declares it.

Every method does what the generated JS method does, in the same order (retptr reserved before
the arguments are copied in, results read, buffers freed, stack restored), so the wasm sees the
same sequence of calls from Python as from JS.  numpy arrays go in and come out.  Objects own a
pointer into the module; `free()`, a `with` block or garbage collection (weakref.finalize, the
FinalizationRegistry of the glue) releases it, and a freed object used again raises
FreedObjectError before anything reaches the wasm.
"""

from __future__ import annotations

import functools
import weakref
from enum import IntEnum
from typing import Any

import numpy as np

from bindgen import jsvalues as js
from bindgen.engines import MissingExportError
from bindgen.marshal import (ADD_TO_STACK_POINTER, Bindgen, Environment, FreedObjectError,
                             WasmBindgenError)

from .modules import load_module_bytes

M32 = 0xFFFFFFFF


class ActivationFunction(IntEnum):
    Linear = 0
    Sigmoid = 1
    SymmetricSigmoid = 2
    Tanh = 3
    ReLU = 4
    LeakyReLU = 5
    Swish = 6
    Gaussian = 7
    Elliot = 8
    SymmetricElliot = 9
    Sine = 10
    Cosine = 11
    SinSymmetric = 12
    CosSymmetric = 13
    ThresholdSymmetric = 14
    Threshold = 15
    StepSymmetric = 16
    Step = 17

    @classmethod
    def parse(cls, value: "str | int | ActivationFunction") -> "ActivationFunction":
        """By enum, number or (case-insensitive) name: 'sigmoid', 'ReLU', 'leaky_relu'."""
        if isinstance(value, cls):
            return value
        if isinstance(value, bool):
            raise WasmBindgenError("activation must be an ActivationFunction, int or name")
        if isinstance(value, (int, np.integer)):
            try:
                return cls(int(value))
            except ValueError:
                raise WasmBindgenError(f"no activation function numbered {value}") from None
        if isinstance(value, str):
            key = value.replace("_", "").replace("-", "").lower()
            for member in cls:
                if member.name.lower() == key:
                    return member
            raise WasmBindgenError(f"unknown activation function {value!r}")
        raise WasmBindgenError("activation must be an ActivationFunction, int or name")


# ------------------------------------------------------------------ argument checks

def _u32(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise WasmBindgenError(f"{what} must be an int, got {type(value).__name__}")
    if not 0 <= int(value) <= M32:
        raise WasmBindgenError(f"{what} must be in 0..2**32-1, got {value}")
    return int(value)


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise WasmBindgenError(f"{what} must be a number, got {type(value).__name__}")
    return float(value)


def _str(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise WasmBindgenError(f"{what} must be a str, got {type(value).__name__}")
    return value


def _bool(value: Any, what: str) -> int:
    if not isinstance(value, (bool, np.bool_)):
        raise WasmBindgenError(f"{what} must be a bool, got {type(value).__name__}")
    return 1 if value else 0


# ------------------------------------------------------------------ the loaded module

class RuvSwarm:
    """One instantiated ruv-swarm module (`bg`, `simd` or `fann`) on one engine.

    Classes are reachable bound to this module (`rs.WasmNeuralNetwork([2, 3, 1], 'sigmoid')`),
    free functions are methods (`rs.get_version()`).  Determinism: Math.random is seeded with
    `seed`, Date.now is a virtual clock, unless `env=Environment.real()` is passed."""

    def __init__(self, module: str = "bg", engine: str = "pywasm_core", *, seed: int = 0,
                 clock=None, env: Environment | None = None, directory=None,
                 wasm: bytes | None = None):
        self.name = module
        self.engine = engine if isinstance(engine, str) else getattr(engine, "name", "custom")
        data = wasm if wasm is not None else load_module_bytes(module, directory)
        self.glue = Bindgen(data, engine=engine, env=env or Environment.deterministic(seed, clock))

    def __repr__(self) -> str:
        return f"<RuvSwarm module={self.name!r} engine={self.engine!r}>"

    def __getattr__(self, name: str):
        cls = CLASSES.get(name)
        if cls is None:
            raise AttributeError(name)
        return functools.partial(cls, module=self)

    def available(self) -> dict[str, list[str]]:
        """The classes and free functions this module really exports (`fann` has a subset)."""
        has = self.glue.has_export
        classes = [name for name, export in CLASS_EXPORTS.items() if has(export)]
        functions = [name for name in FUNCTION_NAMES if has(name)]
        return {"classes": classes, "functions": functions}

    # -- helpers shared by classes and free functions
    def _require(self, export: str) -> None:
        if not self.glue.has_export(export):
            raise MissingExportError(f"module {self.name!r} does not export {export!r}")

    def _call(self, export: str, *args):
        self._require(export)
        return self.glue.call(export, *args)

    def _reserve(self) -> int:
        return self.glue.call(ADD_TO_STACK_POINTER, -16) & M32

    def _release(self) -> None:
        self.glue.call(ADD_TO_STACK_POINTER, 16)

    def _string_call(self, export: str, *args, strings: tuple = ()) -> str:
        """retptr -> (ptr, len) String result with the glue's deferred free."""
        self._require(export)
        g = self.glue
        deferred = (0, 0)
        rp = self._reserve()
        try:
            passed = [x for s in strings for x in g.pass_string(s)]
            g.call(export, rp, *args, *passed)
            r0, r1 = g.read_words(rp, 2)
            deferred = (r0, r1)
            return g.get_string(r0, r1)
        finally:
            self._release()
            g.free(deferred[0], deferred[1], 1)

    def _array_call(self, export: str, kind: str, make_args) -> np.ndarray:
        """retptr -> (ptr, len) Vec result: copied out, then freed (size*len, align)."""
        self._require(export)
        g = self.glue
        rp = self._reserve()
        try:
            g.call(export, rp, *make_args())
            r0, r1 = g.read_words(rp, 2)
            return g.take_array(r0, r1, kind)
        finally:
            self._release()

    def _option_bytes_call(self, export: str, make_args) -> np.ndarray | None:
        self._require(export)
        g = self.glue
        rp = self._reserve()
        try:
            g.call(export, rp, *make_args())
            r0, r1 = g.read_words(rp, 2)
            if r0 == 0:
                return None
            return g.take_array(r0, r1, "u8")
        finally:
            self._release()

    # -- free functions (module level in the d.ts)
    def js_array_to_vec_f32(self, array) -> np.ndarray:
        """`array` is any JS value (a Python list/array becomes a JS Array of numbers)."""
        export = "js_array_to_vec_f32"
        self._require(export)
        g = self.glue
        value = _to_js_array(array)
        rp = self._reserve()
        try:
            g.call(export, rp, g.heap.add_borrowed(value))
            r0, r1, r2, r3 = g.read_words(rp, 4)
            if r3:
                raise js.JsException(g.heap.take(r2))
            return g.take_array(r0, r1, "f32")
        finally:
            self._release()
            g.heap.pop_borrowed()

    def vec_f32_to_js_array(self, vec) -> np.ndarray:
        """Returns the Float32Array the module builds (as a numpy float32 copy)."""
        self._require("vec_f32_to_js_array")
        g = self.glue
        ptr, length = g.pass_array(vec, "f32")
        idx = g.call("vec_f32_to_js_array", ptr, length)
        value = g.heap.take(idx)
        if isinstance(value, js.JsTypedArray):
            return value.to_numpy()
        raise WasmBindgenError(f"vec_f32_to_js_array returned {js.to_display(value)}")

    def get_wasm_memory_usage(self) -> int:
        return self._call("get_wasm_memory_usage") & 0xFFFFFFFFFFFFFFFF

    def console_log(self, message: str) -> None:
        self._console("console_log", message)

    def console_error(self, message: str) -> None:
        self._console("console_error", message)

    def console_warn(self, message: str) -> None:
        self._console("console_warn", message)

    def _console(self, export: str, message: str) -> None:
        self._require(export)
        ptr, length = self.glue.pass_string(_str(message, "message"))
        self.glue.call(export, ptr, length)

    def format_js_error(self, error) -> str:
        """`error` is a JS value: a JsErrorObject, an exception (becomes an Error) or a plain
        value."""
        self._require("format_js_error")
        g = self.glue
        value = js.from_python(error)
        deferred = (0, 0)
        rp = self._reserve()
        try:
            g.call("format_js_error", rp, g.heap.add(value))
            r0, r1 = g.read_words(rp, 2)
            deferred = (r0, r1)
            return g.get_string(r0, r1)
        finally:
            self._release()
            g.free(deferred[0], deferred[1], 1)

    def detect_simd_capabilities(self) -> str:
        return self._string_call("detect_simd_capabilities")

    def run_simd_verification_suite(self) -> str:
        return self._string_call("run_simd_verification_suite")

    def simd_performance_report(self, size: int, iterations: int) -> str:
        return self._string_call("simd_performance_report", _u32(size, "size"),
                                 _u32(iterations, "iterations"))

    def validate_simd_implementation(self) -> bool:
        return self._call("validate_simd_implementation") != 0

    def init(self) -> None:
        self._call("init")

    def create_neural_network(self, layers, activation) -> "WasmNeuralNetwork":
        return WasmNeuralNetwork(layers, activation, module=self, _export="create_neural_network")

    def create_swarm_orchestrator(self, topology: str) -> "WasmSwarmOrchestrator":
        return WasmSwarmOrchestrator(topology, module=self)

    def create_forecasting_model(self, model_type: str) -> "WasmForecastingModel":
        return WasmForecastingModel(model_type, module=self)

    def get_version(self) -> str:
        return self._string_call("get_version")

    def get_features(self) -> str:
        return self._string_call("get_features")

    # -- inspection
    def heap_snapshot(self):
        return self.glue.heap.snapshot(debug_repr)

    def memory_hash(self) -> str:
        return self.glue.memory_hash()

    def memory_bytes(self) -> int:
        return self.glue.memory_bytes()


def debug_repr(value: Any) -> str:
    """Engine-independent description of a heap value (for snapshots)."""
    from bindgen.imports import debug_string
    if isinstance(value, int) and not isinstance(value, bool):
        return f"int {value}"
    return debug_string(value)


def _to_js_array(value):
    """A Python argument as the JS value a caller means: sequences become JS Arrays."""
    if isinstance(value, np.ndarray):
        return js.JsArray(js.from_python(v.item()) for v in value.ravel())
    if isinstance(value, (list, tuple)):
        return js.JsArray(js.from_python(v) for v in value)
    return js.from_python(value)


_DEFAULT: RuvSwarm | None = None


def default_module() -> RuvSwarm:
    """The module classes use when none is given: `bg` on pywasm_core, loaded once."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = RuvSwarm()
    return _DEFAULT


def set_default_module(module: RuvSwarm | None) -> None:
    global _DEFAULT
    _DEFAULT = module


# ------------------------------------------------------------------ wrapped objects

def _finalize(glue: Bindgen, export: str, ptr: int) -> None:
    """What the glue's FinalizationRegistry does: free(ptr, 1)."""
    try:
        glue.call(export, ptr, 1)
    except Exception:  # a finalizer must never raise (interpreter shutdown, broken instance)
        pass


class WasmObject:
    """A Rust value owned through a pointer into the module's memory."""

    _free_export = ""
    __slots__ = ("_module", "_ptr_value", "_finalizer", "__weakref__")

    def _attach(self, module: RuvSwarm, ptr: int) -> None:
        self._module = module
        self._ptr_value = ptr & M32
        self._finalizer = weakref.finalize(self, _finalize, module.glue, self._free_export,
                                           self._ptr_value)
        self._finalizer.atexit = False  # no calls into an engine during interpreter shutdown

    @classmethod
    def _wrap(cls, module: RuvSwarm, ptr: int):
        obj = object.__new__(cls)
        obj._attach(module, ptr)
        return obj

    def _ptr(self) -> int:
        ptr = getattr(self, "_ptr_value", 0)
        if not ptr:
            raise FreedObjectError(f"{type(self).__name__} has been freed (or was never "
                                   "created); it cannot be used again")
        return ptr

    @property
    def _glue(self) -> Bindgen:
        return self._module.glue

    def free(self) -> None:
        """Release the Rust value now (the glue's free(): __destroy_into_raw, then free(ptr, 0))."""
        ptr = self._ptr()
        self._ptr_value = 0
        self._finalizer.detach()
        self._module._call(self._free_export, ptr, 0)

    @property
    def freed(self) -> bool:
        return not getattr(self, "_ptr_value", 0)

    def __enter__(self):
        self._ptr()
        return self

    def __exit__(self, *exc) -> None:
        if not self.freed:
            self.free()

    def __repr__(self) -> str:
        state = "freed" if self.freed else f"ptr=0x{self._ptr_value:x}"
        return f"<{type(self).__name__} {state}>"


def _module(module: RuvSwarm | None) -> RuvSwarm:
    return module if module is not None else default_module()


class AgentMemoryPool(WasmObject):
    """Agent memory pool specifically optimized for neural network agents."""

    _free_export = "__wbg_agentmemorypool_free"

    def __init__(self, *, module: RuvSwarm | None = None):
        m = _module(module)
        self._attach(m, m._call("agentmemorypool_new"))

    def allocate_for_agent(self, complexity: str) -> np.ndarray | None:
        complexity = _str(complexity, "complexity")
        g, ptr = self._glue, self._ptr()
        return self._module._option_bytes_call(
            "agentmemorypool_allocate_for_agent", lambda: (ptr, *g.pass_string(complexity)))

    def deallocate_agent_memory(self, memory) -> None:
        ptr = self._ptr()
        p, n = self._glue.pass_array(memory, "u8")
        self._module._call("agentmemorypool_deallocate_agent_memory", ptr, p, n)

    def total_memory_usage_mb(self) -> float:
        return self._module._call("agentmemorypool_total_memory_usage_mb", self._ptr())

    def is_within_memory_target(self) -> bool:
        return self._module._call("agentmemorypool_is_within_memory_target", self._ptr()) != 0


class MemoryPool(WasmObject):
    """Memory pool for efficient memory management."""

    _free_export = "__wbg_memorypool_free"

    def __init__(self, block_size: int, max_blocks: int, *, module: RuvSwarm | None = None):
        m = _module(module)
        self._attach(m, m._call("memorypool_new", _u32(block_size, "block_size"),
                                _u32(max_blocks, "max_blocks")))

    def allocate(self) -> np.ndarray | None:
        ptr = self._ptr()
        return self._module._option_bytes_call("memorypool_allocate", lambda: (ptr,))

    def deallocate(self, block) -> None:
        ptr = self._ptr()
        p, n = self._glue.pass_array(block, "u8")
        self._module._call("memorypool_deallocate", ptr, p, n)

    def available_blocks(self) -> int:
        return self._module._call("memorypool_available_blocks", self._ptr()) & M32

    def memory_usage(self) -> int:
        return self._module._call("memorypool_memory_usage", self._ptr()) & M32

    def get_metrics(self) -> "PoolMetrics":
        return PoolMetrics._wrap(self._module,
                                 self._module._call("memorypool_get_metrics", self._ptr()))


class OptimizedAgent(WasmObject):
    """Only ever created inside the module (private constructor in the d.ts)."""

    _free_export = "__wbg_optimizedagent_free"

    def __init__(self, *_, **__):
        raise TypeError("OptimizedAgent has no public constructor")


class OptimizedAgentSpawner(WasmObject):
    _free_export = "__wbg_optimizedagentspawner_free"

    def __init__(self, *, module: RuvSwarm | None = None):
        m = _module(module)
        self._attach(m, m._call("optimizedagentspawner_new"))

    def spawn_agent(self, agent_type: str, complexity: str) -> str:
        agent_type = _str(agent_type, "agent_type")
        complexity = _str(complexity, "complexity")
        m, g, ptr = self._module, self._glue, self._ptr()
        export = "optimizedagentspawner_spawn_agent"
        m._require(export)
        deferred = (0, 0)
        rp = m._reserve()
        try:
            p0, n0 = g.pass_string(agent_type)
            p1, n1 = g.pass_string(complexity)
            g.call(export, rp, ptr, p0, n0, p1, n1)
            r0, r1, r2, r3 = g.read_words(rp, 4)
            if r3:
                raise js.JsException(g.heap.take(r2))
            deferred = (r0, r1)
            return g.get_string(r0, r1)
        finally:
            m._release()
            g.free(deferred[0], deferred[1], 1)

    def release_agent(self, agent_id: str) -> None:
        agent_id = _str(agent_id, "agent_id")
        m, g, ptr = self._module, self._glue, self._ptr()
        export = "optimizedagentspawner_release_agent"
        m._require(export)
        rp = m._reserve()
        try:
            p0, n0 = g.pass_string(agent_id)
            g.call(export, rp, ptr, p0, n0)
            r0, r1 = g.read_words(rp, 2)
            if r1:
                raise js.JsException(g.heap.take(r0))
        finally:
            m._release()

    def get_performance_report(self) -> str:
        return self._module._string_call("optimizedagentspawner_get_performance_report",
                                         self._ptr())

    def get_active_agent_count(self) -> int:
        return self._module._call("optimizedagentspawner_get_active_agent_count",
                                  self._ptr()) & M32

    def is_within_memory_target(self) -> bool:
        return self._module._call("optimizedagentspawner_is_within_memory_target",
                                  self._ptr()) != 0


class PerformanceMonitor(WasmObject):
    _free_export = "__wbg_performancemonitor_free"

    def __init__(self, *, module: RuvSwarm | None = None):
        m = _module(module)
        self._attach(m, m._call("performancemonitor_new"))

    def record_load_time(self, time: float) -> None:
        self._module._call("performancemonitor_record_load_time", self._ptr(),
                           _number(time, "time"))

    def record_spawn_time(self, time: float) -> None:
        self._module._call("performancemonitor_record_spawn_time", self._ptr(),
                           _number(time, "time"))

    def update_memory_usage(self, bytes: int) -> None:
        self._module._call("performancemonitor_update_memory_usage", self._ptr(),
                           _u32(bytes, "bytes"))

    def get_average_spawn_time(self) -> float:
        return self._module._call("performancemonitor_get_average_spawn_time", self._ptr())

    def get_memory_usage_mb(self) -> float:
        return self._module._call("performancemonitor_get_memory_usage_mb", self._ptr())

    def meets_performance_targets(self) -> bool:
        return self._module._call("performancemonitor_meets_performance_targets",
                                  self._ptr()) != 0

    def get_report(self) -> str:
        return self._module._string_call("performancemonitor_get_report", self._ptr())


class PerformanceTimer(WasmObject):
    _free_export = "__wbg_performancetimer_free"

    def __init__(self, name: str, *, module: RuvSwarm | None = None):
        m = _module(module)
        m._require("performancetimer_new")
        p, n = m.glue.pass_string(_str(name, "name"))
        self._attach(m, m._call("performancetimer_new", p, n))

    def elapsed(self) -> float:
        return self._module._call("performancetimer_elapsed", self._ptr())

    def log(self) -> None:
        self._module._call("performancetimer_log", self._ptr())


def _field(getter: str, setter: str, kind: str):
    def get(self):
        value = self._module._call(getter, self._ptr())
        return value & M32 if kind == "u32" else value

    def set(self, value):
        value = _u32(value, setter) if kind == "u32" else _number(value, setter)
        self._module._call(setter, self._ptr(), value)
    return property(get, set)


class PoolMetrics(WasmObject):
    """Pool metrics for monitoring (fields readable and writable, as in the d.ts)."""

    _free_export = "__wbg_poolmetrics_free"

    def __init__(self, *_, **__):
        raise TypeError("PoolMetrics has no public constructor; use MemoryPool.get_metrics()")

    total_blocks = _field("__wbg_get_poolmetrics_total_blocks",
                          "__wbg_set_poolmetrics_total_blocks", "u32")
    free_blocks = _field("__wbg_get_poolmetrics_free_blocks",
                         "__wbg_set_poolmetrics_free_blocks", "u32")
    block_size = _field("__wbg_get_poolmetrics_block_size",
                        "__wbg_set_poolmetrics_block_size", "u32")
    reuse_count = _field("__wbg_get_poolmetrics_reuse_count",
                         "__wbg_set_poolmetrics_reuse_count", "u32")
    memory_usage_mb = _field("__wbg_get_poolmetrics_memory_usage_mb",
                             "__wbg_set_poolmetrics_memory_usage_mb", "f64")


class RuntimeFeatures(WasmObject):
    _free_export = "__wbg_runtimefeatures_free"

    def __init__(self, *, module: RuvSwarm | None = None):
        m = _module(module)
        self._attach(m, m._call("runtimefeatures_new"))

    @property
    def simd_available(self) -> bool:
        return self._module._call("runtimefeatures_simd_available", self._ptr()) != 0

    @property
    def threads_available(self) -> bool:
        return self._module._call("runtimefeatures_threads_available", self._ptr()) != 0

    @property
    def memory_limit(self) -> int:
        return self._module._call("runtimefeatures_memory_limit", self._ptr()) \
            & 0xFFFFFFFFFFFFFFFF

    def get_features_json(self) -> str:
        return self._module._string_call("runtimefeatures_get_features_json", self._ptr())


class SimdBenchmark(WasmObject):
    _free_export = "__wbg_simdbenchmark_free"

    def __init__(self, *, module: RuvSwarm | None = None):
        m = _module(module)
        self._attach(m, m._call("simdbenchmark_new"))

    def benchmark_dot_product(self, size: int, iterations: int) -> str:
        return self._module._string_call("simdbenchmark_benchmark_dot_product", self._ptr(),
                                         _u32(size, "size"), _u32(iterations, "iterations"))

    def benchmark_activation(self, size: int, iterations: int, activation: str) -> str:
        return self._module._string_call(
            "simdbenchmark_benchmark_activation", self._ptr(), _u32(size, "size"),
            _u32(iterations, "iterations"), strings=(_str(activation, "activation"),))


class SimdMatrixOps(WasmObject):
    _free_export = "__wbg_simdmatrixops_free"

    def __init__(self, *, module: RuvSwarm | None = None):
        m = _module(module)
        self._attach(m, m._call("simdbenchmark_new"))  # the glue's constructor calls this one

    def matrix_vector_multiply(self, matrix, vector, rows: int, cols: int) -> np.ndarray:
        g = self._glue
        rows, cols = _u32(rows, "rows"), _u32(cols, "cols")
        ptr = self._ptr()
        return self._module._array_call(
            "simdmatrixops_matrix_vector_multiply", "f32",
            lambda: (ptr, *g.pass_array(matrix, "f32"), *g.pass_array(vector, "f32"), rows,
                     cols))

    def matrix_multiply(self, a, b, a_rows: int, a_cols: int, b_cols: int) -> np.ndarray:
        g = self._glue
        dims = (_u32(a_rows, "a_rows"), _u32(a_cols, "a_cols"), _u32(b_cols, "b_cols"))
        ptr = self._ptr()
        return self._module._array_call(
            "simdmatrixops_matrix_multiply", "f32",
            lambda: (ptr, *g.pass_array(a, "f32"), *g.pass_array(b, "f32"), *dims))


class SimdVectorOps(WasmObject):
    _free_export = "__wbg_simdvectorops_free"

    def __init__(self, *, module: RuvSwarm | None = None):
        m = _module(module)
        self._attach(m, m._call("simdbenchmark_new"))  # the glue's constructor calls this one

    def dot_product(self, a, b) -> float:
        ptr = self._ptr()
        g = self._glue
        self._module._require("simdvectorops_dot_product")
        pa, na = g.pass_array(a, "f32")
        pb, nb = g.pass_array(b, "f32")
        return self._module._call("simdvectorops_dot_product", ptr, pa, na, pb, nb)

    def vector_add(self, a, b) -> np.ndarray:
        g, ptr = self._glue, self._ptr()
        return self._module._array_call(
            "simdvectorops_vector_add", "f32",
            lambda: (ptr, *g.pass_array(a, "f32"), *g.pass_array(b, "f32")))

    def vector_scale(self, vec, scalar: float) -> np.ndarray:
        g, ptr = self._glue, self._ptr()
        scalar = _number(scalar, "scalar")
        return self._module._array_call(
            "simdvectorops_vector_scale", "f32",
            lambda: (ptr, *g.pass_array(vec, "f32"), scalar))

    def apply_activation(self, vec, activation: str) -> np.ndarray:
        g, ptr = self._glue, self._ptr()
        activation = _str(activation, "activation")
        return self._module._array_call(
            "simdvectorops_apply_activation", "f32",
            lambda: (ptr, *g.pass_array(vec, "f32"), *g.pass_string(activation)))


class WasmAgent(WasmObject):
    _free_export = "__wbg_wasmagent_free"

    def __init__(self, id: str, agent_type: str, *, module: RuvSwarm | None = None):
        m = _module(module)
        m._require("wasmagent_new")
        p0, n0 = m.glue.pass_string(_str(id, "id"))
        p1, n1 = m.glue.pass_string(_str(agent_type, "agent_type"))
        self._attach(m, m._call("wasmagent_new", p0, n0, p1, n1))

    @property
    def id(self) -> str:
        return self._module._string_call("wasmagent_id", self._ptr())

    @property
    def agent_type(self) -> str:
        return self._module._string_call("wasmagent_agent_type", self._ptr())

    @property
    def status(self) -> str:
        return self._module._string_call("wasmagent_status", self._ptr())

    def set_status(self, status: str) -> None:
        ptr = self._ptr()
        p, n = self._glue.pass_string(_str(status, "status"))
        self._module._call("wasmagent_set_status", ptr, p, n)

    def add_capability(self, capability: str) -> None:
        ptr = self._ptr()
        p, n = self._glue.pass_string(_str(capability, "capability"))
        self._module._call("wasmagent_add_capability", ptr, p, n)

    def has_capability(self, capability: str) -> bool:
        ptr = self._ptr()
        p, n = self._glue.pass_string(_str(capability, "capability"))
        return self._module._call("wasmagent_has_capability", ptr, p, n) != 0


class WasmForecastingModel(WasmObject):
    _free_export = "__wbg_wasmforecastingmodel_free"

    def __init__(self, model_type: str, *, module: RuvSwarm | None = None):
        m = _module(module)
        m._require("create_forecasting_model")
        p, n = m.glue.pass_string(_str(model_type, "model_type"))
        self._attach(m, m._call("create_forecasting_model", p, n))

    def predict(self, input) -> np.ndarray:
        g, ptr = self._glue, self._ptr()
        return self._module._array_call("wasmforecastingmodel_predict", "f64",
                                        lambda: (ptr, *g.pass_array(input, "f64")))

    def get_model_type(self) -> str:
        return self._module._string_call("wasmforecastingmodel_get_model_type", self._ptr())


class WasmNeuralNetwork(WasmObject):
    """A feed-forward network: `layers` sizes (input first), one activation for every layer.

    `run` checks the input length first: the module would panic (index out of bounds)."""

    _free_export = "__wbg_wasmneuralnetwork_free"
    __slots__ = ("layers", "activation")

    def __init__(self, layers, activation, *, module: RuvSwarm | None = None,
                 _export: str = "wasmneuralnetwork_new"):
        m = _module(module)
        act = ActivationFunction.parse(activation)
        sizes = _layer_sizes(layers)
        m._require(_export)
        p, n = m.glue.pass_array(sizes, "u32")
        self._attach(m, m._call(_export, p, n, int(act)))
        self.layers = tuple(int(x) for x in sizes)
        self.activation = act

    @property
    def weight_count(self) -> int:
        return sum(a * b for a, b in zip(self.layers, self.layers[1:]))

    def randomize_weights(self, min: float, max: float) -> None:
        self._module._call("wasmneuralnetwork_randomize_weights", self._ptr(),
                           _number(min, "min"), _number(max, "max"))

    def set_weights(self, weights) -> None:
        """The module ignores a weights array of the wrong length; we refuse it instead."""
        ptr = self._ptr()
        array = np.asarray(weights) if not isinstance(weights, (str, bytes)) else weights
        if getattr(array, "ndim", None) == 1 and array.size != self.weight_count:
            raise WasmBindgenError(f"set_weights: expected {self.weight_count} weights for "
                                   f"layers {list(self.layers)}, got {array.size}")
        p, n = self._glue.pass_array(weights, "f64")
        self._module._call("wasmneuralnetwork_set_weights", ptr, p, n)

    def get_weights(self) -> np.ndarray:
        ptr = self._ptr()
        return self._module._array_call("wasmneuralnetwork_get_weights", "f64", lambda: (ptr,))

    def run(self, inputs) -> np.ndarray:
        ptr = self._ptr()
        g = self._glue
        array = _checked_f64(inputs, "inputs")
        if array.size != self.layers[0]:
            raise WasmBindgenError(f"run: expected {self.layers[0]} inputs, got {array.size}")
        return self._module._array_call("wasmneuralnetwork_run", "f64",
                                        lambda: (ptr, *g.pass_array(array, "f64")))


def _checked_f64(values, what: str) -> np.ndarray:
    from bindgen.marshal import to_typed_array
    return to_typed_array(values, "f64")


def _layer_sizes(layers) -> np.ndarray:
    from bindgen.marshal import to_typed_array
    sizes = to_typed_array(layers, "u32")
    if sizes.size < 2:
        raise WasmBindgenError(f"layers: need at least an input and an output layer, got "
                               f"{sizes.tolist()}")
    if np.any(sizes == 0):
        raise WasmBindgenError(f"layers: every layer needs at least one neuron, got "
                               f"{sizes.tolist()}")
    return sizes


class WasmSwarmOrchestrator(WasmObject):
    _free_export = "__wbg_wasmswarmorchestrator_free"

    def __init__(self, topology: str, *, module: RuvSwarm | None = None):
        m = _module(module)
        m._require("create_swarm_orchestrator")
        p, n = m.glue.pass_string(_str(topology, "topology"))
        self._attach(m, m._call("create_swarm_orchestrator", p, n))

    def spawn(self, config: str) -> str:
        return self._module._string_call("wasmswarmorchestrator_spawn", self._ptr(),
                                         strings=(_str(config, "config"),))

    def orchestrate(self, config: str) -> "WasmTaskResult":
        ptr = self._ptr()
        self._module._require("wasmswarmorchestrator_orchestrate")
        p, n = self._glue.pass_string(_str(config, "config"))
        return WasmTaskResult._wrap(self._module,
                                    self._module._call("wasmswarmorchestrator_orchestrate",
                                                       ptr, p, n))

    def add_agent(self, agent_id: str) -> None:
        ptr = self._ptr()
        p, n = self._glue.pass_string(_str(agent_id, "agent_id"))
        self._module._call("wasmswarmorchestrator_add_agent", ptr, p, n)

    def get_agent_count(self) -> int:
        return self._module._call("wasmswarmorchestrator_get_agent_count", self._ptr()) & M32

    def get_topology(self) -> str:
        return self._module._string_call("wasmswarmorchestrator_get_topology", self._ptr())

    def get_status(self, detailed: bool) -> str:
        return self._module._string_call("wasmswarmorchestrator_get_status", self._ptr(),
                                         _bool(detailed, "detailed"))


class WasmTaskResult(WasmObject):
    _free_export = "__wbg_wasmtaskresult_free"

    def __init__(self, *_, **__):
        raise TypeError("WasmTaskResult has no public constructor; use "
                        "WasmSwarmOrchestrator.orchestrate()")

    @property
    def task_id(self) -> str:
        return self._module._string_call("wasmtaskresult_task_id", self._ptr())

    @property
    def description(self) -> str:
        return self._module._string_call("wasmtaskresult_description", self._ptr())

    @property
    def status(self) -> str:
        return self._module._string_call("wasmtaskresult_status", self._ptr())

    @property
    def assigned_agents(self) -> list:
        m, g, ptr = self._module, self._glue, self._ptr()
        m._require("wasmtaskresult_assigned_agents")
        rp = m._reserve()
        try:
            g.call("wasmtaskresult_assigned_agents", rp, ptr)
            r0, r1 = g.read_words(rp, 2)
            return g.take_js_array(r0, r1)
        finally:
            m._release()

    @property
    def priority(self) -> str:
        return self._module._string_call("wasmtaskresult_priority", self._ptr())


CLASSES = {cls.__name__: cls for cls in (
    AgentMemoryPool, MemoryPool, OptimizedAgent, OptimizedAgentSpawner, PerformanceMonitor,
    PerformanceTimer, PoolMetrics, RuntimeFeatures, SimdBenchmark, SimdMatrixOps, SimdVectorOps,
    WasmAgent, WasmForecastingModel, WasmNeuralNetwork, WasmSwarmOrchestrator, WasmTaskResult)}

# the export each class needs to exist (its constructor, or its free for private ones)
CLASS_EXPORTS = {
    "AgentMemoryPool": "agentmemorypool_new", "MemoryPool": "memorypool_new",
    "OptimizedAgent": "__wbg_optimizedagent_free",
    "OptimizedAgentSpawner": "optimizedagentspawner_new",
    "PerformanceMonitor": "performancemonitor_new", "PerformanceTimer": "performancetimer_new",
    "PoolMetrics": "__wbg_poolmetrics_free", "RuntimeFeatures": "runtimefeatures_new",
    "SimdBenchmark": "simdbenchmark_new", "SimdMatrixOps": "simdbenchmark_new",
    "SimdVectorOps": "simdbenchmark_new", "WasmAgent": "wasmagent_new",
    "WasmForecastingModel": "create_forecasting_model",
    "WasmNeuralNetwork": "wasmneuralnetwork_new",
    "WasmSwarmOrchestrator": "create_swarm_orchestrator",
    "WasmTaskResult": "__wbg_wasmtaskresult_free",
}

FUNCTION_NAMES = (
    "js_array_to_vec_f32", "vec_f32_to_js_array", "get_wasm_memory_usage", "console_log",
    "console_error", "console_warn", "format_js_error", "detect_simd_capabilities",
    "run_simd_verification_suite", "simd_performance_report", "validate_simd_implementation",
    "init", "create_neural_network", "create_swarm_orchestrator", "create_forecasting_model",
    "get_version", "get_features",
)
