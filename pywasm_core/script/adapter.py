"""Engine adapters: the one seam between the script runner and an engine.

The runner never imports an engine.  It talks to an `EngineAdapter`, which compiles bytes,
instantiates against its own registry of named instances (with `spectest` predefined), invokes
exports and reads globals.  Values cross the seam in the script's canonical form (`Const`: unsigned
ints, float bit patterns, 128-bit ints, `None` for null references, `HostRef(n)` for
`ref.extern n`), so NaN payloads stay exact whatever the engine's own representation is.
3.0 GC: `Const("anyref", n)` is `ref.host n` (host reference n, internalized by the engine when
passed for an anyref), and a result that is an i31, struct or array (as an anyref, or
externalized in an externref) comes back as `GcRef(kind)`, which `(ref.i31)`, `(ref.struct)`,
`(ref.eq)`... patterns check.

Errors cross the seam as pywasm-core's error classes (`DecodeError`, `ParseError`,
`ValidationError`, `LinkError`, `Trap`, `Exhausted`): an adapter for a foreign engine translates.
An adapter with `strict_errors = False` cannot tell those classes apart reliably or word them as
the testsuite does, so the runner then checks only that the right kind of thing failed.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Any, Protocol, Sequence

from ..errors import Exhausted, LinkError, Trap, TrapCode, ValidationError, WasmError
from .commands import Const
from .spectest import spectest_imports

MASKS = {"i32": (1 << 32) - 1, "i64": (1 << 64) - 1, "v128": (1 << 128) - 1}
NUMERIC_TYPES = ("i32", "i64", "f32", "f64", "v128")
REFERENCE_TYPES = ("funcref", "externref")


@dataclass(frozen=True)
class HostRef:
    """The host reference `ref.extern n` of the scripts: an externref that is not null."""

    n: int


# --- WebAssembly 3.0 GC references in scripts ------------------------------------------------
# Script type names of the 3.0 reference types (nulls of any of them; `anyref n` is `ref.host n`,
# the host reference n inside the `any` hierarchy) and the hierarchy each belongs to.
GC_REFERENCE_TYPES = ("anyref", "eqref", "i31ref", "structref", "arrayref", "nullref",
                      "nullfuncref", "nullexternref", "exnref", "nullexnref")
REF_HIERARCHY = {"anyref": "any", "eqref": "any", "i31ref": "any", "structref": "any",
                 "arrayref": "any", "nullref": "any", "funcref": "func", "nullfuncref": "func",
                 "externref": "extern", "nullexternref": "extern", "exnref": "exn",
                 "nullexnref": "exn"}


@dataclass(frozen=True)
class GcRef:
    """A non-null internal reference a script can only classify: kind "i31", "struct" or
    "array" (as `anyref` results, or inside an `externref` made by extern.convert_any)."""

    kind: str
# ------------------------------------------------------------------------------------------------


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


class EngineContractError(Exception):
    """The engine broke the embedding API's contract (e.g. returned None for an i32 result)."""


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
    # uncaught wasm exceptions surface as pywasm_core.WasmException (assert_exception)
    features: frozenset[str] = frozenset({"exceptions"})

    def __init__(self, config: Any = None):
        import pywasm_core
        from ..numerics import floats

        self.api = pywasm_core
        self.floats = floats
        self.config = config
        self.reset()

    def use_features(self, features: Any) -> None:
        """Run the next scripts under `features` (the runner calls this per file: 3.0 files get
        features.WASM3); takes effect at once, on a fresh store."""
        import copy
        config = copy.copy(self.config) if self.config is not None else self.api.Config()
        config.features = features
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
        if t == "anyref" and isinstance(const.value, int):
            return HostRef(const.value)      # ref.host n: the API internalizes a host object
        return const.value

    def from_engine(self, type_name: str, value: object) -> Const:
        if type_name in ("anyref", "externref") and value is not None:
            value = self._gc_out(value)
        expected = float if type_name in ("f32", "f64") else int if type_name in MASKS else None
        if expected is not None and (type(value) is not expected):
            raise EngineContractError(f"the engine returned {value!r} "
                                      f"({type(value).__name__}) for a {type_name} result")
        if type_name == "f32":
            return Const("f32", self.floats.f32_to_bits(value))
        if type_name == "f64":
            return Const("f64", self.floats.f64_to_bits(value))
        if type_name in MASKS:
            return Const(type_name, value & MASKS[type_name])
        return _reference_out(type_name, value)

    def _gc_out(self, value: object) -> object:
        """An API reference value as the scripts see it: GC objects by kind only."""
        from ..runtime.gc import Array, Externalized, I31, Struct
        if isinstance(value, Externalized):
            value = value.ref
            if type(value) is int:
                return GcRef("i31")
        kinds = {I31: "i31", Struct: "struct", Array: "array"}
        kind = kinds.get(type(value))
        return GcRef(kind) if kind is not None else value

    def invoke(self, instance: Any, field: str, args: Sequence[Const]) -> list[Const]:
        func = self._export(instance, field, self.api.Func)
        result_types = func.type(self.store).results
        result = func(self.store, *[self.to_engine(a) for a in args])
        values = _as_list(result, len(result_types))
        module = getattr(func, "module", None)
        return [self.from_engine(_script_type(t, v, module), v)
                for t, v in zip(result_types, values)]

    def get(self, instance: Any, field: str) -> Const:
        global_ = self._export(instance, field, self.api.Global)
        value = global_.value(self.store)
        module = getattr(global_, "module", None)
        return self.from_engine(_script_type(global_.type(self.store).content, value, module),
                                value)


_TOP_SHORTHAND = {"func": "funcref", "nofunc": "funcref", "extern": "externref",
                  "noextern": "externref", "exn": "exnref", "noexn": "exnref"}


def _script_type(valtype: Any, value: object, module: Any = None) -> str:
    """The scripts' name for a result's type: a 3.0 reference type `(ref null? heap)` is named
    by its hierarchy's shorthand (`(ref extern)` -> externref, `(ref $f)` -> funcref), as the
    scripts' result patterns do.  A type index resolves in `module` (the defining Module)."""
    heap = getattr(valtype, "heap", None)
    if heap is None:
        return valtype.name
    if isinstance(heap, int):
        from ..runtime.func import Func
        if isinstance(value, Func):
            return "funcref"
        syntax = getattr(module, "syntax", None)
        if syntax is not None and heap < len(syntax.types):
            from ..types import FuncType
            return "funcref" if isinstance(syntax.types[heap], FuncType) else "anyref"
        return "funcref" if value is None else "anyref"
    return _TOP_SHORTHAND.get(heap, "anyref")


def _as_list(result: object, count: int) -> list:
    """wasmtime-py's calling convention: None for no result, the value for one, a list for more."""
    if count == 0:
        return []
    if count == 1:
        return [result]
    return list(result)  # type: ignore[arg-type]


class WasmtimeAdapter:
    """wasmtime-py, for cross-checks.  Not strict: wasmtime words errors its own way.

    Values cross as raw bits through wasmtime's C API (so f32 signalling NaNs and v128 survive,
    which wasmtime-py's float and Val conversions do not allow), and function and global types
    come from our own decoder: wasmtime-py aborts the process when asked for a type with v128.
    """

    name = "wasmtime"
    strict_errors = False
    features: frozenset[str] = frozenset()
    RAW_BYTES = {"f32": 4, "f64": 8, "v128": 16}

    def __init__(self) -> None:
        import wasmtime
        import wasmtime._ffi as ffi
        from wasmtime._func import enter_wasm

        self.wt = wasmtime
        self.ffi = ffi
        self.enter_wasm = enter_wasm
        self.kinds = {"i32": ffi.WASMTIME_I32.value, "i64": ffi.WASMTIME_I64.value,
                      "f32": ffi.WASMTIME_F32.value, "f64": ffi.WASMTIME_F64.value,
                      "v128": ffi.WASMTIME_V128.value}
        self.reset()

    def reset(self) -> None:
        wt = self.wt
        self.engine = wt.Engine()
        self.store = wt.Store(self.engine)
        self.linker = wt.Linker(self.engine)
        self.linker.allow_shadowing = True
        self.syntax: dict[int, Any] = {}      # id(wasmtime Module or Instance) -> our syntax.Module
        self.keep: list[Any] = []             # keeps those objects alive while their ids are keys
        for field, extern in spectest_imports(self.store, api=wt).items():
            self.linker.define(self.store, "spectest", field, extern)

    def _translate(self, error: Exception, stage: str) -> WasmError:
        wt = self.wt
        if isinstance(error, wt.Trap):
            code = TrapCode.UNREACHABLE
            if error.trap_code is not None:
                code = TrapCode[error.trap_code.name]
            if code is TrapCode.STACK_OVERFLOW:
                return Exhausted(code)
            return Trap(code)
        text = str(error)
        message = text.splitlines()[0] if text else type(error).__name__
        if stage == "compile":
            return ValidationError(message)
        if "import" in text or "incompatible" in text:
            return LinkError(message)
        return Trap(TrapCode.UNREACHABLE, message)

    def compile(self, binary: bytes) -> Any:
        try:
            module = self.wt.Module(self.engine, binary)
        except self.wt.WasmtimeError as error:
            raise self._translate(error, "compile") from error
        try:
            from ..binary.decode import decode_module
            self.syntax[id(module)] = decode_module(binary)
            self.keep.append(module)
        except WasmError:
            pass                               # our decoder disagrees: fall back to wasmtime types
        return module

    def instantiate(self, module: Any) -> Any:
        try:
            instance = self.linker.instantiate(self.store, module)
        except (self.wt.WasmtimeError, self.wt.Trap) as error:
            raise self._translate(error, "instantiate") from error
        if id(module) in self.syntax:
            self.syntax[id(instance)] = self.syntax[id(module)]
            self.keep.append(instance)
        return instance

    def register(self, name: str, instance: Any) -> None:
        self.linker.define_instance(self.store, name, instance)

    def _export(self, instance: Any, field: str, kind: type) -> Any:
        export = instance.exports(self.store).get(field)
        if export is None:
            raise ScriptError(f"no export named {field!r}")
        if not isinstance(export, kind):
            raise ScriptError(f"export {field!r} is a {type(export).__name__}, "
                              f"not a {kind.__name__}")
        return export

    def _export_type(self, instance: Any, field: str) -> Any:
        """The export's FuncType or GlobalType, from our decoding of the module."""
        syntax = self.syntax.get(id(instance))
        if syntax is None:
            return None
        for export in syntax.exports:
            if export.name == field:
                if export.kind == "func":
                    return syntax.types[syntax.func_type_indices()[export.index]]
                if export.kind == "global":
                    return syntax.all_globals()[export.index]
        return None

    def _type_name(self, valtype: Any) -> str:
        for name in NUMERIC_TYPES + REFERENCE_TYPES:
            constructor = getattr(self.wt.ValType, name, None)
            if constructor is not None and valtype == constructor():
                return name
        return str(valtype)

    def _raw_param(self, const: Const, valtype: Any) -> Any:
        ffi, t = self.ffi, const.type
        if t in self.RAW_BYTES:
            raw = ffi.wasmtime_val_t(kind=self.kinds[t])
            data = const.value.to_bytes(self.RAW_BYTES[t], "little")
            ctypes.memmove(ctypes.addressof(raw.of), data, len(data))
            return raw
        if t in ("i32", "i64"):
            bits = 32 if t == "i32" else 64
            value = const.value - (1 << bits) if const.value >> (bits - 1) else const.value
            return self.wt.Val._convert_to_raw(self.store, valtype, value)
        return self.wt.Val._convert_to_raw(self.store, valtype, _reference_in(const))

    def _raw_result(self, raw: Any, type_name: str) -> Const:
        if type_name in self.RAW_BYTES:
            data = ctypes.string_at(ctypes.addressof(raw.of), self.RAW_BYTES[type_name])
            return Const(type_name, int.from_bytes(data, "little"))
        value = self.wt.Val._from_raw(self.store, raw).value
        if type_name in MASKS:
            return Const(type_name, value & MASKS[type_name])
        return _reference_out(type_name, value)

    def _wasmtime_types(self, valtypes: Sequence[Any]) -> list[Any]:
        return [getattr(self.wt.ValType, t.name)() if t.name != "v128" else None for t in valtypes]

    def invoke(self, instance: Any, field: str, args: Sequence[Const]) -> list[Const]:
        func = self._export(instance, field, self.wt.Func)
        func_type = self._export_type(instance, field)
        if func_type is not None:
            param_names = [t.name for t in func_type.params]
            result_names = [t.name for t in func_type.results]
            param_types = self._wasmtime_types(func_type.params)
        else:
            wasmtime_type = func.type(self.store)
            param_types = list(wasmtime_type.params)
            param_names = [self._type_name(t) for t in param_types]
            result_names = [self._type_name(t) for t in wasmtime_type.results]
        if len(args) != len(param_names):
            raise ScriptError(f"{field} takes {len(param_names)} arguments, got {len(args)}")
        ffi = self.ffi
        params = (ffi.wasmtime_val_t * len(args))()
        results = (ffi.wasmtime_val_t * len(result_names))()
        for i, (const, valtype) in enumerate(zip(args, param_types)):
            params[i] = self._raw_param(const, valtype)
        try:
            with self.enter_wasm(self.store) as trap:
                error = ffi.wasmtime_func_call(self.store._context(), ctypes.byref(func._func),
                                               params, len(args), results, len(result_names),
                                               trap)
                if error:
                    raise self.wt.WasmtimeError._from_ptr(error)
        except (self.wt.WasmtimeError, self.wt.Trap) as error:
            raise self._translate(error, "invoke") from error
        finally:
            for i in range(len(args)):
                ffi.wasmtime_val_unroot(ctypes.byref(params[i]))
        return [self._raw_result(results[i], name) for i, name in enumerate(result_names)]

    def get(self, instance: Any, field: str) -> Const:
        global_ = self._export(instance, field, self.wt.Global)
        global_type = self._export_type(instance, field)
        type_name = global_type.content.name if global_type is not None else \
            self._type_name(global_.type(self.store).content)
        raw = self.ffi.wasmtime_val_t()
        self.ffi.wasmtime_global_get(self.store._context(), ctypes.byref(global_._global),
                                     ctypes.byref(raw))
        return self._raw_result(raw, type_name)


ADAPTERS = {"pywasm-core": PywasmCoreAdapter, "wasmtime": WasmtimeAdapter}


def make_adapter(name: str = "pywasm-core") -> EngineAdapter:
    """The adapter registered under `name` ("pywasm-core" or "wasmtime")."""
    try:
        factory = ADAPTERS[name]
    except KeyError:
        raise ValueError(f"unknown engine {name!r}; one of {', '.join(ADAPTERS)}") from None
    return factory()
