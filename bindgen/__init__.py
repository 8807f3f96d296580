"""Run wasm-bindgen output (the ruv-swarm modules) from Python on any engine adapter.

heap.py the glue's object heap, jsvalues.py the JS values the imports need, imports.py the "wbg"
namespace, marshal.py the glue runtime (strings, arrays, retptr), engines.py the adapters.
"""

from .engines import (ADAPTERS, EngineAdapter, MissingExportError, PywasmCoreAdapter,
                      WasmtimeAdapter, make_adapter)
from .heap import Heap, HeapSnapshot
from .jsvalues import UNDEFINED, JsError, JsException, WasmPanic
from .marshal import (Bindgen, Environment, FreedObjectError, RealClock, SeededRandom,
                      SystemRandom, VirtualClock, WasmBindgenError, WasmTrap)

__all__ = [
    "ADAPTERS", "EngineAdapter", "MissingExportError", "PywasmCoreAdapter", "WasmtimeAdapter",
    "make_adapter", "Heap", "HeapSnapshot", "UNDEFINED", "JsError", "JsException", "WasmPanic",
    "Bindgen", "Environment", "FreedObjectError", "RealClock", "SeededRandom", "SystemRandom",
    "VirtualClock", "WasmBindgenError", "WasmTrap",
]
