"""Which engine runs the module: one small protocol, one thin adapter per engine.

Nothing else in bindgen imports an engine.  Values at this boundary follow the JS embedding:
i32 arguments reach host functions as *signed* ints (as JS numbers do), i32 results of host
functions are wrapped with ToInt32 (booleans become 1/0), exports return signed i32, i64 as
signed ints, floats as Python floats.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol, runtime_checkable

from .jsvalues import to_int32


class MissingExportError(AttributeError):
    """The module does not export what was asked for (e.g. `fann` lacks the SIMD classes)."""


@runtime_checkable
class EngineAdapter(Protocol):
    name: str

    def compile(self, wasm: bytes) -> Any: ...
    def import_names(self, module: Any) -> list[tuple[str, str]]: ...
    def instantiate(self, module: Any, imports: dict[str, dict[str, Callable]]) -> None: ...
    def export_names(self) -> list[str]: ...
    def has_export(self, name: str) -> bool: ...
    def call(self, name: str, *args) -> Any: ...
    def memory_read(self, start: int, stop: int) -> bytes: ...
    def memory_write(self, start: int, data: bytes) -> None: ...
    def memory_size(self) -> int: ...
    def memory_grow(self, pages: int) -> int: ...
    def global_get(self, name: str) -> Any: ...
    def is_trap(self, exc: BaseException) -> bool: ...


def _signed32(v: int) -> int:
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v & 0x80000000 else v


def _signed64(v: int) -> int:
    v &= 0xFFFFFFFFFFFFFFFF
    return v - (1 << 64) if v & (1 << 63) else v


def _result_i32(value) -> int:
    if type(value) is int and -0x80000000 <= value <= 0x7FFFFFFF:
        return value                     # ToInt32 of an int32 is itself
    return to_int32(value)


def _host_wrapper(fn: Callable, params: list[str], results: list[str],
                  js_args: bool = False) -> Callable:
    """Adapt a JS-style import to engine values (signed i32 in, ToInt32 out).  `js_args`: the
    engine already passes signed ints and floats (the wasmtime-style APIs do), so the arguments
    go through unchanged."""
    conv_in = [_signed32 if p == "i32" else _signed64 if p == "i64" else float for p in params]
    kind = results[0] if results else None
    if kind == "i32":
        conv_out = _result_i32
    elif kind == "i64":
        def conv_out(value):
            return _signed64(int(value))
    else:
        conv_out = float

    if js_args:
        if kind is None:
            def host(*args):
                fn(*args)
        else:
            def host(*args):
                return conv_out(fn(*args))
    else:
        def host(*args):
            value = fn(*[c(a) for c, a in zip(conv_in, args)])
            return None if kind is None else conv_out(value)
    host.__name__ = getattr(fn, "__name__", "host")
    return host


class _ApiAdapter:
    """Shared body of both adapters: the two APIs have the same shape (wasmtime-py's)."""

    name = "abstract"
    memory_export = "memory"

    def __init__(self):
        self.store = None
        self.instance = None
        self._exports = None
        self._funcs: dict[str, Any] = {}
        self._memory = None

    # -- subclasses provide the engine module and the type-name helper
    api: Any = None

    def _valtype_name(self, t) -> str:
        raise NotImplementedError

    def compile(self, wasm: bytes):
        self.store = self.api.Store(self._engine)
        return self.api.Module(self._engine, wasm)

    def import_names(self, module) -> list[tuple[str, str]]:
        return [(imp.module, imp.name) for imp in module.imports]

    def instantiate(self, module, imports: dict[str, dict[str, Callable]]) -> None:
        externs = []
        for imp in module.imports:
            try:
                fn = imports[imp.module][imp.name]
            except KeyError:
                raise MissingExportError(
                    f"unknown import: {imp.module}::{imp.name} has no host definition") from None
            ty = imp.type
            params = [self._valtype_name(p) for p in ty.params]
            results = [self._valtype_name(r) for r in ty.results]
            externs.append(self.api.Func(self.store, ty,
                                         _host_wrapper(fn, params, results, js_args=True)))
        self.instance = self.api.Instance(self.store, module, externs)
        self._exports = self.instance.exports(self.store)
        self._funcs = {}
        self._memory = self._exports[self.memory_export] \
            if self.memory_export in self.export_names() else None

    def export_names(self) -> list[str]:
        return list(self._exports) if self._exports is not None else []

    def has_export(self, name: str) -> bool:
        return name in self._export_set()

    def _export_set(self) -> set[str]:
        cached = getattr(self, "_names_cache", None)
        if cached is None or cached[0] is not self._exports:
            cached = (self._exports, set(self.export_names()))
            self._names_cache = cached
        return cached[1]

    def call(self, name: str, *args):
        func = self._funcs.get(name)
        if func is None:
            if not self.has_export(name):
                raise MissingExportError(f"the module has no export {name!r}")
            func = self._exports[name]
            self._funcs[name] = func
        return func(self.store, *args)

    def memory_read(self, start: int, stop: int) -> bytes:
        return bytes(self._memory.read(self.store, start, stop))

    def memory_write(self, start: int, data: bytes) -> None:
        self._memory.write(self.store, bytes(data), start)

    def memory_size(self) -> int:
        return self._memory.data_len(self.store)

    def memory_grow(self, pages: int) -> int:
        return self._memory.grow(self.store, pages)

    def global_get(self, name: str):
        return self._exports[name].value(self.store)

    def is_trap(self, exc: BaseException) -> bool:
        """Whether `exc` is this engine's wasm trap (not a Python error from a host function)."""
        return isinstance(exc, self.api.Trap)


class WasmtimeAdapter(_ApiAdapter):
    """wasmtime-py (optional dependency)."""

    name = "wasmtime"

    def __init__(self):
        super().__init__()
        import wasmtime
        self.api = wasmtime
        config = wasmtime.Config()
        config.wasm_simd = True
        self._engine = wasmtime.Engine(config)

    def _valtype_name(self, t) -> str:
        return str(t)


class PywasmCoreAdapter(_ApiAdapter):
    """pywasm_core, the pure-Python engine (the default)."""

    name = "pywasm_core"

    def __init__(self):
        super().__init__()
        import pywasm_core
        self.api = pywasm_core
        self._engine = pywasm_core.Engine()

    def _valtype_name(self, t) -> str:
        return t.name



ADAPTERS: dict[str, Callable[[], EngineAdapter]] = {
    "pywasm_core": PywasmCoreAdapter,
    "wasmtime": WasmtimeAdapter,
}


def make_adapter(engine: str | EngineAdapter) -> EngineAdapter:
    """An adapter by name ('pywasm_core', 'wasmtime'), or the adapter given."""
    if not isinstance(engine, str):
        return engine
    try:
        factory = ADAPTERS[engine]
    except KeyError:
        raise ValueError(f"unknown engine {engine!r}; choose one of {sorted(ADAPTERS)}") from None
    return factory()
