"""`Linker`: resolves a module's imports by (module, name) and instantiates it (wasmtime-py API)."""

from __future__ import annotations

from .engine import Engine
from .errors import LinkError, WasmError
from .runtime.func import Func
from .runtime.global_ import Global
from .runtime.instance import Instance
from .runtime.memory import Memory
from .runtime.table import Table
from .runtime.tag import Tag
from .types import FuncType

_EXTERNS = (Func, Memory, Table, Global, Tag)


class Linker:
    def __init__(self, engine: Engine):
        if not isinstance(engine, Engine):
            raise TypeError(f"expected an Engine, got {type(engine).__name__}")
        self.engine = engine
        self.allow_shadowing = False
        self._defs: dict[tuple[str, str], object] = {}

    def _insert(self, module: str, name: str, item) -> None:
        if not isinstance(item, _EXTERNS):
            raise TypeError(f"expected a Func, Memory, Table, Global or Tag, "
                            f"got {type(item).__name__}")
        key = (module, name)
        if key in self._defs and not self.allow_shadowing:
            raise WasmError(f"import of `{module}::{name}` defined twice")
        self._defs[key] = item

    def define(self, store, module: str, name: str, item) -> None:
        self._insert(module, name, item)

    def define_func(self, module: str, name: str, ty: FuncType, func,
                    access_caller: bool = False) -> None:
        self._insert(module, name, Func(None, ty, func, access_caller))

    def define_instance(self, store, name: str, instance: Instance) -> None:
        for export_name, item in instance.exports(store).items():
            self._insert(name, export_name, item)

    def define_module(self, store, name: str, module) -> None:
        self.define_instance(store, name, self.instantiate(store, module))

    def define_wasi(self) -> None:
        raise WasmError("WASI is not available in this build of pywasm-core")

    def get(self, store, module: str, name: str):
        try:
            return self._defs[(module, name)]
        except KeyError:
            raise LinkError(f"unknown import: `{module}::{name}` has not been defined",
                            module, name) from None

    def get_default(self, store, name: str):
        """The module's default export: a function exported as "" or "_start"."""
        for export in ("", "_start"):
            item = self._defs.get((name, export))
            if isinstance(item, Func):
                return item
        raise LinkError(f"unknown import: no default function for `{name}`", name, "")

    def instantiate(self, store, module) -> Instance:
        """Resolve every import by name (LinkError "unknown import" when missing), then
        instantiate (LinkError "incompatible import type" on a mismatch, Trap in segments/start)."""
        imports = []
        for imp in module.syntax.imports:
            item = self._defs.get((imp.module, imp.name))
            if item is None:
                raise LinkError(f"unknown import: `{imp.module}::{imp.name}` has not been defined",
                                imp.module, imp.name)
            imports.append(item)
        return Instance(store, module, imports)
