"""`Module`: a decoded and validated module, ready to instantiate any number of times.

Decoding and validation happen eagerly in the constructor, so `Module(...)` is the single point where
bad input is rejected.  Function bodies are lowered (exec/lower.py) once per module, at first call by
default, and the lowered code is shared by every instance.
"""

from __future__ import annotations

import os

from .engine import Engine
from .errors import WasmError
from .types import ExportType, ImportType


class Module:
    def __init__(self, engine: Engine, wasm: bytes | bytearray | str):
        if not isinstance(engine, Engine):
            raise TypeError(f"expected an Engine, got {type(engine).__name__}")
        self._init(engine, _parse(wasm, engine.config.features))

    @classmethod
    def from_syntax(cls, engine: Engine, syntax, validate: bool = True) -> "Module":
        """Wrap an already decoded/parsed `syntax.Module` (validated here unless told otherwise)."""
        self = object.__new__(cls)
        if validate:
            from .valid.validate import validate_module
            validate_module(syntax, engine.config.features)
        self._init(engine, syntax)
        return self

    def _init(self, engine: Engine, syntax) -> None:
        self.engine = engine
        self.syntax = syntax
        self._codes: list = [None] * len(syntax.funcs)
        self._func_types = [syntax.types[i] for i in syntax.func_type_indices()]
        from .runtime.rtt import registry
        # canonical id per type index; both tiers check call_indirect and casts against them
        self._canon = registry(engine).module_types(syntax)

    @classmethod
    def from_file(cls, engine: Engine, path: str | os.PathLike) -> "Module":
        path = os.fspath(path)
        with open(path, "rb") as f:
            raw = f.read()
        if path.endswith((".wat", ".wast")):
            try:
                return cls(engine, raw.decode("utf-8"))
            except UnicodeDecodeError:
                from .errors import ParseError
                raise ParseError("malformed UTF-8 encoding", path) from None
        return cls(engine, raw)

    @staticmethod
    def validate(engine: Engine, wasm: bytes | bytearray | str) -> None:
        """Raise DecodeError/ParseError/ValidationError if `wasm` is not a valid module."""
        _parse(wasm, engine.config.features)

    def validate_custom_sections(self) -> None:
        """Raise ValidationError if a custom section with a defined meaning (branch hints) is
        broken; loading never checks this, as the spec wants such modules to stay usable."""
        from .valid.custom import check_custom_sections
        check_custom_sections(self.syntax)

    @property
    def name(self) -> str | None:
        return self.syntax.names.module

    @property
    def imports(self) -> list[ImportType]:
        out = []
        for imp in self.syntax.imports:
            ty = self.syntax.types[imp.desc] if imp.kind == "func" else imp.desc
            if imp.kind == "tag":       # 3.0: the API's tag type carries its function type
                ty = self._tag_type(ty)
            out.append(ImportType(imp.module, imp.name, ty))
        return out

    @property
    def exports(self) -> list[ExportType]:
        syntax = self.syntax
        spaces = {"func": self._func_types, "table": syntax.all_tables(),
                  "memory": syntax.all_memories(), "global": syntax.all_globals(),
                  "tag": [self._tag_type(t) for t in syntax.all_tags()]}
        return [ExportType(e.name, spaces[e.kind][e.index]) for e in syntax.exports]

    def _tag_type(self, ty):
        """A module's tag type (a type index) as the API shows it: its function type."""
        from .types import TagType
        return TagType(self.syntax.types[ty.type_index])

    def _lowered(self, defined_index: int):
        """The lowered code of defined function `defined_index` (lowered once, then cached)."""
        code = self._codes[defined_index]
        if code is None:
            from .exec.lower import lower_function
            from .runtime.rtt import registry
            code = lower_function(self.syntax, defined_index, self._func_types, self._canon,
                                  registry(self.engine))
            self._codes[defined_index] = code
        return code

    def serialize(self) -> bytes:
        raise WasmError("serialize is not supported by pywasm-core")

    def __repr__(self) -> str:
        return f"<Module {self.name or ''} funcs={len(self.syntax.funcs)}>"


def _parse(wasm, features):
    """bytes -> decode, str -> text parser; then validate, all under the engine's `features`.
    Returns the syntax.Module."""
    from .features import WASM2
    if isinstance(wasm, str):
        from .text import parse_module
        syntax = parse_module(wasm, wasm3=features != WASM2)
    elif isinstance(wasm, (bytes, bytearray, memoryview)):
        from .binary.decode import decode_module
        syntax = decode_module(bytes(wasm), features=features)
    else:
        raise TypeError(f"expected bytes or str, got {type(wasm).__name__}")
    from .valid.validate import validate_module
    validate_module(syntax, features)
    return syntax
