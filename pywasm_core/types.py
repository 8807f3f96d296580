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

# Abstract heap types (3.0) and their one-byte binary codes, also the codes of the nullable
# shorthand reference types (`funcref` = `(ref null func)` is 0x70).
HEAP_CODES: dict[str, int] = {
    "func": 0x70, "extern": 0x6F, "any": 0x6E, "eq": 0x6D, "i31": 0x6C, "struct": 0x6B,
    "array": 0x6A, "exn": 0x69, "none": 0x71, "noextern": 0x72, "nofunc": 0x73, "noexn": 0x74,
}
HEAP_BY_CODE: dict[int, str] = {code: name for name, code in HEAP_CODES.items()}
# Text shorthands for nullable abstract reference types.
_SHORTHAND = {"func": "funcref", "extern": "externref", "any": "anyref", "eq": "eqref",
              "i31": "i31ref", "struct": "structref", "array": "arrayref", "exn": "exnref",
              "none": "nullref", "nofunc": "nullfuncref", "noextern": "nullexternref",
              "noexn": "nullexnref"}


class RefType(ValType):
    """A reference type `(ref null? heap)` (typed references, GC, exceptions).

    `heap` is an abstract heap type name (`"func"`, `"any"`, ...; see HEAP_CODES) or a type index
    (int) of the module that uses it.  Interned like every ValType: `RefType(True, "func") is
    FUNCREF`.  Nullable abstract types print as their shorthand (`funcref`); `code` is the
    shorthand byte for those, else 0x63 (`ref null`) / 0x64 (`ref`).
    """

    __slots__ = ("nullable", "heap")

    def __new__(cls, nullable: bool, heap: "str | int"):
        if isinstance(heap, str):
            if heap not in HEAP_CODES:
                raise ValueError(f"unknown heap type {heap!r}")
        elif not isinstance(heap, int) or isinstance(heap, bool) or heap < 0:
            raise TypeError(f"heap type must be an abstract name or a type index, got {heap!r}")
        nullable = bool(nullable)
        if nullable and isinstance(heap, str):
            name = _SHORTHAND[heap]
            code = HEAP_CODES[heap]
        else:
            name = f"(ref {'null ' if nullable else ''}{heap})"
            code = 0x63 if nullable else 0x64
        existing = ValType._interned.get(name)
        if existing is not None:
            return existing
        self = object.__new__(cls)
        self.name = name
        self.code = code
        self.nullable = nullable
        self.heap = heap
        ValType._interned[name] = self
        return self

    @property
    def is_num(self) -> bool:
        return False

    @property
    def is_vec(self) -> bool:
        return False

    @property
    def is_ref(self) -> bool:
        return True

    def with_nullable(self, nullable: bool) -> "RefType":
        return RefType(nullable, self.heap)

    def __repr__(self) -> str:
        if self.name in ("funcref", "externref"):
            return f"ValType.{self.name}()"       # the 2.0 spelling, unchanged
        return f"RefType({self.nullable}, {self.heap!r})"

    def __reduce__(self):
        return (RefType, (self.nullable, self.heap))


FUNCREF = RefType(True, "func")
EXTERNREF = RefType(True, "extern")
EXNREF = RefType(True, "exn")

# Binary encodings of value types (spec 5.3.3 / 5.3.4).  These are the WebAssembly 2.0 tables;
# 3.0 adds REFTYPE_SHORTHANDS and the `(ref null? ht)` forms (0x63 / 0x64), decoded by the
# decoder when its features ask for them.
VALTYPE_BY_CODE: dict[int, ValType] = {t.code: t for t in (I32, I64, F32, F64, V128, FUNCREF, EXTERNREF)}
REFTYPE_BY_CODE: dict[int, ValType] = {FUNCREF.code: FUNCREF, EXTERNREF.code: EXTERNREF}
VALTYPE_BY_NAME: dict[str, ValType] = {t.name: t for t in VALTYPE_BY_CODE.values()}
REFTYPE_SHORTHANDS: dict[int, RefType] = {code: RefType(True, name) for name, code in HEAP_CODES.items()}


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


@dataclass(frozen=True)
class FieldType:
    """A struct field or array element: `storage` is a ValType or a packed type ("i8", "i16")."""

    storage: "ValType | str"
    mutable: bool = False

    @property
    def unpacked(self) -> ValType:
        """The value type a read produces (packed fields read as i32)."""
        return I32 if isinstance(self.storage, str) else self.storage

    @property
    def is_packed(self) -> bool:
        return isinstance(self.storage, str)


@dataclass(frozen=True)
class StructType:
    fields: tuple[FieldType, ...] = ()

    def __init__(self, fields: Iterable[FieldType] = ()):
        object.__setattr__(self, "fields", tuple(fields))


@dataclass(frozen=True)
class ArrayType:
    field: FieldType


CompositeType = Union[FuncType, StructType, ArrayType]


@dataclass(frozen=True)
class SubType:
    """A type definition with its place in the declared subtype hierarchy (3.0 GC).  A plain
    2.0 type definition is `SubType(final=True, supertypes=(), composite)`."""

    final: bool
    supertypes: tuple[int, ...]
    composite: CompositeType


@dataclass(frozen=True)
class TagType:
    """An exception tag: the index of a function type whose params are the payload (and whose
    results must be empty).

    Inside a module (decoder, validator, text) a tag type names its function type by
    `type_index`.  At the embedding API it carries the function type itself, as wasmtime-py's
    `TagType(functype)`: `TagType(FuncType([ValType.i32()], []))`, read back as `.functype`
    (also filled in by `Module.imports` / `Module.exports` and `Tag.type`)."""

    type_index: int | None = None
    functype: FuncType | None = None

    def __init__(self, type_index: "int | FuncType | None" = None,
                 functype: FuncType | None = None):
        if isinstance(type_index, FuncType):
            type_index, functype = None, type_index
        object.__setattr__(self, "type_index", type_index)
        object.__setattr__(self, "functype", functype)

    def __str__(self) -> str:
        if self.functype is not None:
            return f"tag {self.functype}"
        return f"tag (type {self.type_index})"


ExternType = Union[FuncType, TableType, MemoryType, GlobalType, TagType]


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
