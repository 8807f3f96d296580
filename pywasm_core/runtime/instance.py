"""Module instances (the public `Instance`) and their exports mapping."""

from __future__ import annotations

from collections.abc import Mapping


class Exports(Mapping):
    """`instance.exports(store)`: name -> extern in export order, plus `.by_index`."""

    def __init__(self, names: list[str], items: list):
        self._map = dict(zip(names, items))
        self._names = names
        self.by_index = list(items)

    def __getitem__(self, name: str):
        return self._map[name]

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


class Instance:
    """`Instance(store, module, imports)`: instantiate `module` with externs in import order.
    Raises LinkError on a bad import and Trap when a segment or the start function traps."""

    def __init__(self, store, module, imports):
        from ..exec.instantiate import instantiate
        instantiate(store, module, list(imports), self)

    def _init_fields(self, store, module) -> None:
        self.store = store
        self.module = module
        self.types = module.syntax.types
        self.funcs: list = []
        self.tables: list = []
        self.memories: list = []
        self.globals: list = []
        self.tags: list = []        # tag instances (3.0 exceptions), imports first
        self.elems: list = []       # per element segment: list of references ([] once dropped)
        self.datas: list = []       # per data segment: bytes (b"" once dropped)
        self.export_names: list[str] = []
        self.export_items: list = []
        self.export_map: dict = {}
        self._exports: Exports | None = None

    def exports(self, store=None) -> Exports:
        exports = self._exports
        if exports is None:
            exports = self._exports = Exports(self.export_names, self.export_items)
        return exports

    def __repr__(self) -> str:
        name = self.module.name
        return f"<Instance of {name or 'module'}>"
