"""The ruv-swarm neural modules from Python: the d.ts API (api.py), module files (modules.py),
a numpy reference of the network's forward pass (reference.py) and the `neural` CLI (cli.py)."""

from bindgen import (FreedObjectError, JsError, JsException, MissingExportError, WasmBindgenError,
                     WasmPanic, WasmTrap)

from .api import (CLASSES, ActivationFunction, AgentMemoryPool, MemoryPool, OptimizedAgent,
                  OptimizedAgentSpawner, PerformanceMonitor, PerformanceTimer, PoolMetrics,
                  RuntimeFeatures, RuvSwarm, SimdBenchmark, SimdMatrixOps, SimdVectorOps,
                  WasmAgent, WasmForecastingModel, WasmNeuralNetwork, WasmObject,
                  WasmSwarmOrchestrator, WasmTaskResult, default_module, set_default_module)
from .modules import MODULE_FILES, ChecksumMismatch, ModuleNotFound, load_module_bytes

from .api import FUNCTION_NAMES as FREE_FUNCTIONS


def _free_function(name: str):
    def call(*args, **kwargs):
        return getattr(default_module(), name)(*args, **kwargs)
    call.__name__ = name
    call.__doc__ = f"`{name}` on the default module (bg on pywasm_core)."
    return call


for _name in FREE_FUNCTIONS:
    globals()[_name] = _free_function(_name)
del _name

__all__ = [
    "ActivationFunction", "AgentMemoryPool", "MemoryPool", "OptimizedAgent",
    "OptimizedAgentSpawner", "PerformanceMonitor", "PerformanceTimer", "PoolMetrics",
    "RuntimeFeatures", "RuvSwarm", "SimdBenchmark", "SimdMatrixOps", "SimdVectorOps", "WasmAgent",
    "WasmForecastingModel", "WasmNeuralNetwork", "WasmObject", "WasmSwarmOrchestrator",
    "WasmTaskResult", "CLASSES", "default_module", "set_default_module", "MODULE_FILES",
    "ChecksumMismatch", "ModuleNotFound", "load_module_bytes", "FreedObjectError", "JsError",
    "JsException", "MissingExportError", "WasmBindgenError", "WasmPanic", "WasmTrap",
    *FREE_FUNCTIONS,
]
