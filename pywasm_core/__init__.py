"""pywasm-core: a pure-Python WebAssembly runtime with a wasmtime-py compatible embedding API."""

__version__ = "0.1.0"

from .engine import Config, Engine
from .errors import (DecodeError, ExitTrap, Exhausted, Frame, LinkError, ParseError, Trap,
                     TrapCode, ValidationError, WasmError, WasmException)
from .linker import Linker
from .module import Module
from .runtime.func import Caller, Func
from .runtime.gc import I31
from .runtime.global_ import Global
from .runtime.instance import Instance
from .runtime.memory import Memory
from .runtime.store import Store
from .runtime.table import Table
from .runtime.tag import Tag
from .types import (ExportType, FuncType, GlobalType, ImportType, Limits, MemoryType, TableType,
                    TagType, ValType)
from .values import Val

__all__ = [
    "__version__",
    "Engine", "Config", "Store", "Module", "Linker", "Instance", "Func", "Caller", "Memory",
    "Table", "Global", "Val", "FuncType", "ValType", "Limits", "TableType", "MemoryType",
    "GlobalType", "ImportType", "ExportType", "WasmError", "DecodeError", "ParseError",
    "ValidationError", "LinkError", "Trap", "TrapCode", "Exhausted", "ExitTrap", "Frame",
    "Tag", "TagType", "WasmException",
    "I31",
]
