"""The module as the spec's "Structure" chapter describes it: what the decoder and the text parser
produce, and what the validator, encoder, printer and instantiation consume.

Conventions:
- Code is a flat list of `Instr`, exactly as in the binary format: `block`/`loop`/`if` open a
  construct, `else` separates, `end` closes.  Function bodies and constant expressions both end
  with their final `end`.
- `Instr.imm` is a tuple whose shape is given by the opcode's `Imm` kind (see opcodes.Imm).
- Index spaces include imports first, as in the spec (function 0 is the first imported function).
- Element segments always hold expressions: the binary's function-index forms decode to
  `[ref.func i, end]` expressions, and `Elem.func_indices` records that they were written that way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple, Union

from .opcodes import Op
from .types import FuncType, GlobalType, MemoryType, SubType, TableType, TagType, ValType


class Instr(NamedTuple):
    op: Op
    imm: tuple = ()
    offset: int | None = None   # byte offset in the binary (None for code built from text)


Expr = list  # list[Instr], ending with Instr(Op.END)


@dataclass
class Import:
    module: str
    name: str
    # a type index (int) for functions, else the table/memory/global/tag type
    desc: Union[int, TableType, MemoryType, GlobalType, TagType]

    @property
    def kind(self) -> str:
        if isinstance(self.desc, int):
            return "func"
        if isinstance(self.desc, TableType):
            return "table"
        if isinstance(self.desc, MemoryType):
            return "memory"
        if isinstance(self.desc, TagType):
            return "tag"
        return "global"


@dataclass
class Func:
    type_index: int
    locals: list[ValType]            # declared locals only (not params), expanded
    body: Expr
    offset: int | None = None        # byte offset of the body's size field in the binary


@dataclass
class Global:
    type: GlobalType
    init: Expr


@dataclass
class Export:
    name: str
    kind: str                        # "func" | "table" | "memory" | "global" | "tag" (3.0)
    index: int


@dataclass
class Elem:
    type: ValType
    init: list[Expr]
    mode: str                        # "passive" | "active" | "declarative"
    table: int = 0
    offset: Expr | None = None       # active only
    func_indices: bool = False       # written as a vector of function indices in the binary


@dataclass
class Data:
    init: bytes
    mode: str                        # "passive" | "active"
    memory: int = 0
    offset: Expr | None = None       # active only


@dataclass
class Custom:
    name: str
    data: bytes
    after: int = 0                   # id of the last non-custom section before it (0: none)


@dataclass
class Names:
    """The `name` custom section, decoded leniently (a broken name section is ignored, as the
    spec's appendix allows)."""

    module: str | None = None
    funcs: dict[int, str] = field(default_factory=dict)
    locals: dict[int, dict[int, str]] = field(default_factory=dict)
    tags: dict[int, str] = field(default_factory=dict)      # subsection 11 (3.0 tags)


@dataclass
class Module:
    types: list[FuncType] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    funcs: list[Func] = field(default_factory=list)          # defined functions only
    tables: list[TableType] = field(default_factory=list)    # defined tables only
    memories: list[MemoryType] = field(default_factory=list)
    globals: list[Global] = field(default_factory=list)
    exports: list[Export] = field(default_factory=list)
    start: int | None = None
    elems: list[Elem] = field(default_factory=list)
    datas: list[Data] = field(default_factory=list)
    data_count: int | None = None
    # 3.0 additions.  `types` stays the list of composite types (FuncType, StructType, ArrayType)
    # indexed by type index; `subtypes[i]` adds finality and declared supertypes of type i and
    # `rec_groups` the sizes of the recursion groups in order (both may be left empty: every
    # type is then final, without supertypes, in a group of its own, as in 2.0).
    subtypes: list[SubType] = field(default_factory=list)
    rec_groups: list[int] = field(default_factory=list)
    tags: list[TagType] = field(default_factory=list)          # defined tags only
    # initialiser expression of each defined table (None: default null), parallel to `tables`
    table_inits: list = field(default_factory=list)
    customs: list[Custom] = field(default_factory=list)
    names: Names = field(default_factory=Names)

    # Convenience views over the index spaces (imports first).
    def imported(self, kind: str) -> list[Import]:
        return [imp for imp in self.imports if imp.kind == kind]

    def func_type_indices(self) -> list[int]:
        """Type index of every function in the function index space."""
        return [imp.desc for imp in self.imports if imp.kind == "func"] + \
               [f.type_index for f in self.funcs]

    def all_tables(self) -> list[TableType]:
        return [imp.desc for imp in self.imports if imp.kind == "table"] + list(self.tables)

    def all_memories(self) -> list[MemoryType]:
        return [imp.desc for imp in self.imports if imp.kind == "memory"] + list(self.memories)

    def all_tags(self) -> list[TagType]:
        return [imp.desc for imp in self.imports if imp.kind == "tag"] + list(self.tags)

    def subtype(self, x: int) -> SubType:
        """Type `x` with its finality and supertypes (2.0 modules: final, no supertypes)."""
        if x < len(self.subtypes):
            return self.subtypes[x]
        return SubType(True, (), self.types[x])

    def type_groups(self) -> list[int]:
        """Sizes of the recursion groups, covering every type (singletons by default)."""
        groups = list(self.rec_groups)
        covered = sum(groups)
        groups += [1] * (len(self.types) - covered)
        return groups

    def all_globals(self) -> list[GlobalType]:
        return [imp.desc for imp in self.imports if imp.kind == "global"] + \
               [g.type for g in self.globals]
