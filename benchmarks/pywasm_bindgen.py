"""A bindgen engine adapter for pywasm 2.2.3, so the peer can run the ruv-swarm modules too.

bindgen talks to engines through `bindgen.engines.EngineAdapter`; pywasm has its own API
(Runtime, ModuleDesc, host functions called as `hostcode(machine, args) -> list`), so this adapter
translates.  It lives here, not in bindgen, because only the benchmarks need the peer.
"""

from __future__ import annotations

import io
from typing import Any, Callable

from bindgen.engines import MissingExportError, _host_wrapper

VALTYPE_NAMES = {0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64", 0x7B: "v128",
                 0x70: "funcref", 0x6F: "externref"}


class PywasmAdapter:
    """pywasm 2.2.3 behind the EngineAdapter protocol (signed i32/i64 both ways, as in JS)."""

    name = "pywasm"

    def __init__(self):
        import pywasm
        self.pywasm = pywasm
        self.runtime = None
        self.instance = None
        self._exports: dict[str, Any] = {}

    def compile(self, wasm: bytes):
        self.runtime = self.pywasm.core.Runtime()
        return self.pywasm.core.ModuleDesc.from_reader(io.BytesIO(wasm))

    def import_names(self, module) -> list[tuple[str, str]]:
        return [(imp.module, imp.name) for imp in module.imps]

    def instantiate(self, module, imports: dict[str, dict[str, Callable]]) -> None:
        for imp in module.imps:
            if imp.kind != 0x00:
                raise MissingExportError(f"{imp.module}::{imp.name}: only function imports "
                                         "are supported by this adapter")
            try:
                fn = imports[imp.module][imp.name]
            except KeyError:
                raise MissingExportError(
                    f"unknown import: {imp.module}::{imp.name} has no host definition") from None
            ty = module.type[imp.desc]
            host = _host_wrapper(fn, [VALTYPE_NAMES[t.data] for t in ty.args],
                                 [VALTYPE_NAMES[t.data] for t in ty.rets])

            def hostcode(machine, args, host=host, returns=len(ty.rets)):
                value = host(*args)
                return [value] if returns else []
            hostcode.__name__ = imp.name
            extern = self.runtime.allocate_func_host(ty, hostcode)
            self.runtime.imports.setdefault(imp.module, {})[imp.name] = extern
        self.instance = self.runtime.instance(module)
        self._exports = {e.name: e for e in self.instance.exps}

    def export_names(self) -> list[str]:
        return list(self._exports)

    def has_export(self, name: str) -> bool:
        return name in self._exports

    def call(self, name: str, *args):
        if name not in self._exports:
            raise MissingExportError(f"the module has no export {name!r}")
        results = self.runtime.invocate(self.instance, name, list(args))
        return results[0] if len(results) == 1 else (None if not results else results)

    def _memory(self):
        return self.runtime.exported_memory(self.instance, "memory")

    def memory_read(self, start: int, stop: int) -> bytes:
        return bytes(self._memory().data[start:stop])

    def memory_write(self, start: int, data: bytes) -> None:
        data = bytes(data)
        self._memory().data[start:start + len(data)] = data

    def memory_size(self) -> int:
        return len(self._memory().data)

    def memory_grow(self, pages: int) -> int:
        memory = self._memory()
        old = memory.size
        try:
            memory.grow(pages)
        except AssertionError:
            return -1
        return old

    def global_get(self, name: str):
        return self.runtime.exported_global(self.instance, name).data.into_all()

    def is_trap(self, exc: BaseException) -> bool:
        """pywasm signals traps with bare Exception/AssertionError; anything else is host code's."""
        return type(exc) in (Exception, AssertionError)
