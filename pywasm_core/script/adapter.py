"""Engine adapters: the one seam between the script runner and an engine.

The runner never imports an engine.  It talks to an `EngineAdapter`, which compiles bytes,
instantiates against its own registry of named instances (with `spectest` predefined), invokes
exports and reads globals.  Values cross the seam in the script's canonical form (`Const`: unsigned
ints, float bit patterns, 128-bit ints, `None` for null references, `HostRef(n)` for
`ref.extern n`), so NaN payloads stay exact whatever the engine's own representation is.

Errors cross the seam as pywasm-core's error classes (`DecodeError`, `ParseError`,
`ValidationError`, `LinkError`, `Trap`, `Exhausted`): an adapter for a foreign engine translates.
An adapter with `strict_errors = False` cannot tell those classes apart reliably or word them as
the testsuite does, so the runner then checks only that the right kind of thing failed.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any, Protocol, Sequence

from ..errors import (DecodeError, Exhausted, LinkError, Trap, TrapCode, ValidationError,
                      WasmError)
from .commands import Const
from .spectest import spectest_imports

MASKS = {"i32": (1 << 32) - 1, "i64": (1 << 64) - 1, "v128": (1 << 128) - 1}
NUMERIC_TYPES = ("i32", "i64", "f32", "f64", "v128")
REFERENCE_TYPES = ("funcref", "externref")


@dataclass(frozen=True)
class HostRef:
    """The host reference `ref.extern n` of the scripts: an externref that is not null."""

    n: int


class EngineAdapter(Protocol):
    """What the runner needs from an engine (one adapter object runs one script at a time)."""

    name: str
    strict_errors: bool          # errors are pywasm-core classes worded as the testsuite
    features: frozenset[str]     # beyond 2.0, e.g. {"exceptions"}

    def reset(self) -> None:
        """Start a fresh store whose registry holds only `spectest`."""

    def compile(self, binary: bytes) -> Any:
        """Decode and validate; raises DecodeError / ValidationError."""

    def instantiate(self, module: Any) -> Any:
        """Resolve imports from the registry and instantiate; raises LinkError / Trap."""

    def register(self, name: str, instance: Any) -> None:
        """Make every export of `instance` importable under the module name `name`."""

    def invoke(self, instance: Any, field: str, args: Sequence[Const]) -> list[Const]:
        """Call an exported function; raises Trap / Exhausted."""

    def get(self, instance: Any, field: str) -> Const:
        """Read an exported global."""


class ScriptError(Exception):
    """The script asks for something the instance does not have (a missing or mistyped export)."""


def _reference_in(const: Const) -> object:
    value = const.value
    if const.type == "externref" and isinstance(value, int):
        return HostRef(value)
    return value


def _reference_out(type_name: str, value: object) -> Const:
    if isinstance(value, HostRef):
        return Const(type_name, value.n)
    return Const(type_name, value)


class PywasmCoreAdapter:
    """pywasm-core through its public embedding API (the same calls any embedder makes)."""

    name = "pywasm-core"
    strict_errors = True
    features: frozenset[str] = frozenset()

    def __init__(self, config: Any = None):
        import pywasm_core
        from ..numerics import floats

        self.api = pywasm_core
        self.floats = floats
        self.config = config
        self.reset()

    def reset(self) -> None:
        api = self.api
        self.engine = api.Engine(self.config) if self.config is not None else api.Engine()
        self.store = api.Store(self.engine)
        self.linker = api.Linker(self.engine)
        self.linker.allow_shadowing = True
        for field, extern in spectest_imports(self.store).items():
            self.linker.define(self.store, "spectest", field, extern)

    def compile(self, binary: bytes) -> Any:
        return self.api.Module(self.engine, binary)

    def instantiate(self, module: Any) -> Any:
        return self.linker.instantiate(self.store, module)

    def register(self, name: str, instance: Any) -> None:
        self.linker.define_instance(self.store, name, instance)

    def _export(self, instance: Any, field: str, kind: type) -> Any:
        exports = instance.exports(self.store)
        if field not in exports:
            raise ScriptError(f"no export named {field!r}")
        export = exports[field]
        if not isinstance(export, kind):
            raise ScriptError(f"export {field!r} is a {type(export).__name__}, not a {kind.__name__}")
        return export

    def to_engine(self, const: Const) -> object:
        t = const.type
        if t == "f32":
            return self.floats.f32_from_bits(const.value)
        if t == "f64":
            return self.floats.f64_from_bits(const.value)
        if t in REFERENCE_TYPES:
            return _reference_in(const)
        return const.value

    def from_engine(self, type_name: str, value: object) -> Const:
        if type_name == "f32":
            return Const("f32", self.floats.f32_to_bits(value))
        if type_name == "f64":
            return Const("f64", self.floats.f64_to_bits(value))
        if type_name in MASKS:
            return Const(type_name, value & MASKS[type_name])
        return _reference_out(type_name, value)

    def invoke(self, instance: Any, field: str, args: Sequence[Const]) -> list[Const]:
        func = self._export(instance, field, self.api.Func)
        result_types = func.type(self.store).results
        result = func(self.store, *[self.to_engine(a) for a in args])
        values = _as_list(result, len(result_types))
        return [self.from_engine(t.name, v) for t, v in zip(result_types, values)]

    def get(self, instance: Any, field: str) -> Const:
        global_ = self._export(instance, field, self.api.Global)
        return self.from_engine(global_.type(self.store).content.name, global_.value(self.store))


def _as_list(result: object, count: int) -> list:
    """wasmtime-py's calling convention: None for no result, the value for one, a list for more."""
    if count == 0:
        return []
    if count == 1:
        return [result]
    return list(result)  # type: ignore[arg-type]


class WasmtimeAdapter:
    """wasmtime-py, for cross-checks.  Not strict: wasmtime words errors its own way, and its
    ctypes floats quiet f32 signalling NaNs, so f32 NaN payload checks can differ."""

    name = "wasmtime"
    strict_errors = False
    features: frozenset[str] = frozenset()

    def __init__(self) -> None:
        import wasmtime

        self.wt = wasmtime
        self.reset()

    def reset(self) -> None:
        wt = self.wt
        self.engine = wt.Engine()
        self.store = wt.Store(self.engine)
        self.linker = wt.Linker(self.engine)
        self.linker.allow_shadowing = True
        for field, extern in spectest_imports(self.store, api=wt).items():
            self.linker.define(self.store, "spectest", field, extern)

    def _translate(self, error: Exception, stage: str) -> WasmError:
        wt = self.wt
        if isinstance(error, wt.Trap):
            code = TrapCode[error.trap_code.name] if error.trap_code is not None else TrapCode.UNREACHABLE
            if code is TrapCode.STACK_OVERFLOW:
                return Exhausted(code)
            return Trap(code)
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        if stage == "compile":
            return ValidationError(message)
        if "unknown import" in str(error) or "incompatible import" in str(error) \
                or "types incompatible" in str(error) or "import" in message:
            return LinkError(message)
        return Trap(TrapCode.UNREACHABLE, message)

    def compile(self, binary: bytes) -> Any:
        try:
            return self.wt.Module(self.engine, binary)
        except self.wt.WasmtimeError as error:
            raise self._translate(error, "compile") from error

    def instantiate(self, module: Any) -> Any:
        try:
            return self.linker.instantiate(self.store, module)
        except (self.wt.WasmtimeError, self.wt.Trap) as error:
            raise self._translate(error, "instantiate") from error

    def register(self, name: str, instance: Any) -> None:
        self.linker.define_instance(self.store, name, instance)

    def _export(self, instance: Any, field: str, kind: type) -> Any:
        export = instance.exports(self.store).get(field)
        if export is None:
            raise ScriptError(f"no export named {field!r}")
        if not isinstance(export, kind):
            raise ScriptError(f"export {field!r} is a {type(export).__name__}, not a {kind.__name__}")
        return export

    def to_engine(self, const: Const) -> object:
        t, v = const.type, const.value
        if t == "i32":
            return v - (1 << 32) if v >= 1 << 31 else v
        if t == "i64":
            return v - (1 << 64) if v >= 1 << 63 else v
        if t == "f32":
            return struct.unpack("<f", struct.pack("<I", v))[0]
        if t == "f64":
            return struct.unpack("<d", struct.pack("<Q", v))[0]
        if t == "v128":
            raise ScriptError("wasmtime-py cannot pass v128 values")
        return _reference_in(const)

    def from_engine(self, type_name: str, value: object) -> Const:
        if type_name == "f32":
            return Const("f32", struct.unpack("<I", struct.pack("<f", value))[0])
        if type_name == "f64":
            return Const("f64", struct.unpack("<Q", struct.pack("<d", value))[0])
        if type_name in MASKS:
            return Const(type_name, value & MASKS[type_name])
        return _reference_out(type_name, value)

    def invoke(self, instance: Any, field: str, args: Sequence[Const]) -> list[Const]:
        func = self._export(instance, field, self.wt.Func)
        result_types = func.type(self.store).results
        try:
            result = func(self.store, *[self.to_engine(a) for a in args])
        except (self.wt.WasmtimeError, self.wt.Trap) as error:
            raise self._translate(error, "invoke") from error
        values = _as_list(result, len(result_types))
        return [self.from_engine(self._type_name(t), v) for t, v in zip(result_types, values)]

    def _type_name(self, valtype: Any) -> str:
        for name in NUMERIC_TYPES + REFERENCE_TYPES:
            constructor = getattr(self.wt.ValType, name, None)
            if constructor is not None and valtype == constructor():
                return name
        return str(valtype)

    def get(self, instance: Any, field: str) -> Const:
        global_ = self._export(instance, field, self.wt.Global)
        return self.from_engine(self._type_name(global_.type(self.store).content),
                                global_.value(self.store))


ADAPTERS = {"pywasm-core": PywasmCoreAdapter, "wasmtime": WasmtimeAdapter}


def make_adapter(name: str = "pywasm-core") -> EngineAdapter:
    """The adapter registered under `name` ("pywasm-core" or "wasmtime")."""
    try:
        factory = ADAPTERS[name]
    except KeyError:
        raise ValueError(f"unknown engine {name!r}; one of {', '.join(ADAPTERS)}") from None
    return factory()
