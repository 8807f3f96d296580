"""Static types: value, function, limits, table, memory and global types, import/export types.

Names and shapes follow wasmtime-py (`ValType.i32()`, `FuncType(params, results)`, `Limits(min, max)`,
`TableType(valtype, limits)`, `MemoryType(limits)`, `GlobalType(valtype, mutable)`), so embedding code
written for wasmtime-py works unchanged.  All types are immutable and compare by value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Union


class ValType:
    """A value type.  Instances are interned: `ValType.i32() is ValType.i32()`.

    `str()` gives the text-format name (`i32`, `i64`, `f32`, `f64`, `v128`, `funcref`, `externref`).
    """

    __slots__ = ("name", "code")
    _interned: dict[str, "ValType"] = {}

    def __new__(cls, name: str, code: int):
        existing = cls._interned.get(name)
        if existing is not None:
            return existing
        self = super().__new__(cls)
        self.name = name
        self.code = code
        cls._interned[name] = self
        return self

    # wasmtime-py constructors
    @staticmethod
    def i32() -> "ValType":
        return I32

    @staticmethod
    def i64() -> "ValType":
        return I64

    @staticmethod
    def f32() -> "ValType":
        return F32

    @staticmethod
    def f64() -> "ValType":
        return F64

    @staticmethod
    def v128() -> "ValType":
        return V128

    @staticmethod
    def funcref() -> "ValType":
        return FUNCREF

    @staticmethod
    def externref() -> "ValType":
        return EXTERNREF

    @property
    def is_num(self) -> bool:
        return self.name in ("i32", "i64", "f32", "f64")

    @property
    def is_vec(self) -> bool:
        return self.name == "v128"

    @property
    def is_ref(self) -> bool:
        return not (self.is_num or self.is_vec)

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"ValType.{self.name}()"

    def __reduce__(self):
        return (ValType, (self.name, self.code))


I32 = ValType("i32", 0x7F)
I64 = ValType("i64", 0x7E)
F32 = ValType("f32", 0x7D)
F64 = ValType("f64", 0x7C)
V128 = ValType("v128", 0x7B)
FUNCREF = ValType("funcref", 0x70)
EXTERNREF = ValType("externref", 0x6F)

# Binary encodings of value types (spec 5.3.3 / 5.3.4).
VALTYPE_BY_CODE: dict[int, ValType] = {t.code: t for t in (I32, I64, F32, F64, V128, FUNCREF, EXTERNREF)}
REFTYPE_BY_CODE: dict[int, ValType] = {FUNCREF.code: FUNCREF, EXTERNREF.code: EXTERNREF}
VALTYPE_BY_NAME: dict[str, ValType] = {t.name: t for t in VALTYPE_BY_CODE.values()}


def _tuple_of_types(types: Iterable[ValType]) -> tuple[ValType, ...]:
    result = tuple(types)
    for t in result:
        if not isinstance(t, ValType):
            raise TypeError(f"expected a ValType, got {t!r}")
    return result


@dataclass(frozen=True)
class FuncType:
    """`[params] -> [results]`."""

    params: tuple[ValType, ...]
    results: tuple[ValType, ...]

    def __init__(self, params: Iterable[ValType], results: Iterable[ValType]):
        object.__setattr__(self, "params", _tuple_of_types(params))
        object.__setattr__(self, "results", _tuple_of_types(results))

    def __str__(self) -> str:
        p = " ".join(map(str, self.params))
        r = " ".join(map(str, self.results))
        return f"[{p}] -> [{r}]"


@dataclass(frozen=True)
class Limits:
    """Size limits in pages (memories) or elements (tables); `max` is None when unbounded."""

    min: int
    max: int | None = None

    def __str__(self) -> str:
        return f"{self.min}" + (f" {self.max}" if self.max is not None else "")


@dataclass(frozen=True)
class TableType:
    element: ValType
    limits: Limits
    is_64: bool = False

    def __str__(self) -> str:
        return f"table {self.limits} {self.element}"


@dataclass(frozen=True)
class MemoryType:
    limits: Limits
    is_64: bool = False
    shared: bool = False
    page_size_log2: int = 16

    def __str__(self) -> str:
        return f"memory {self.limits}"


@dataclass(frozen=True)
class GlobalType:
    content: ValType
    mutable: bool = False

    def __str__(self) -> str:
        return f"global {'mut ' if self.mutable else ''}{self.content}"


ExternType = Union[FuncType, TableType, MemoryType, GlobalType]


@dataclass(frozen=True)
class ImportType:
    module: str
    name: str
    type: ExternType


@dataclass(frozen=True)
class ExportType:
    name: str
    type: ExternType


PAGE_SIZE = 65536
MAX_PAGES_32 = 65536          # 4 GiB of 64 KiB pages
MAX_TABLE_SIZE_32 = 2**32 - 1
