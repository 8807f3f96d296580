"""The custom annotations of the WebAssembly 3.0 text format that produce custom sections.

- `(@custom "name" place? "bytes"*)` (spec appendix "Custom Annotations"): a custom section,
  placed `(before first)`, `(before sec)`, `(after sec)` or `(after last)` (the default).
- `(@name "text")` (appendix "Name Annotations"): the name-section entry of the module, a
  function, a parameter or local, or a tag, overriding its `$id`; after other definitions' ids
  it is accepted (the name section we write has no subsection for them).
- `(@metadata.code.branch_hint "\\00"|"\\01")` (branch hinting proposal): a hint on the next
  instruction of a function body, written to the `metadata.code.branch_hint` custom section with
  the instruction's byte offset in the function body.

The lexer keeps these annotations aside (`lexer.Annotation`); `ModuleAnnotations` checks their
shape before the module's fields are built (so a malformed annotation is reported before any
other error of the module, as the testsuite expects) and `finish` turns them into custom
sections once the module is complete.
"""

from __future__ import annotations

from ..errors import ParseError
from ..syntax import Custom, Module
from .lexer import ATOM, ID, LPAR, RPAR, STRING, Annotation, decode_string

BRANCH_HINT = "metadata.code.branch_hint"

# Binary section order by id (the data count section 12 sits before code 10; tags 13 after
# memories) and the text names of the sections for `(before ...)` / `(after ...)`.
SECTION_ORDER = (1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11)
_POSITION = {section_id: position for position, section_id in enumerate(SECTION_ORDER)}
# (The data count section has no name: `(before code)` follows it, as wasm-tools does.)
SECTION_BY_NAME = {"type": 1, "import": 2, "func": 3, "table": 4, "memory": 5, "tag": 13,
                   "global": 6, "export": 7, "start": 8, "elem": 9, "code": 10, "data": 11}
_LAST = 2 * len(SECTION_ORDER) + 2                 # the key of `(after last)`

# Definitions after whose keyword and `$id` a `(@name ...)` may stand without being recorded.
_OTHER_NAMED = frozenset(("type", "global", "table", "memory", "elem", "data", "field", "rec",
                          "sub"))


def placement_key(where: str, section: str) -> int:
    """Order of a placement among the sections: `(before first)` 0, `(before s)` 2p+1,
    `(after s)` 2p+2 for the section at position p, `(after last)` after everything."""
    if section == "first" and where == "before":
        return 0
    if section == "last" and where == "after":
        return _LAST
    position = _POSITION[SECTION_BY_NAME[section]]
    return 2 * position + (1 if where == "before" else 2)


def present_sections(module: Module) -> set[int]:
    """Ids of the standard sections the encoder writes for `module` (text has no empty ones)."""
    from ..binary.encode import uses_data_count
    present = {1: module.types, 2: module.imports, 3: module.funcs, 4: module.tables,
               5: module.memories, 13: module.tags, 6: module.globals, 7: module.exports,
               8: module.start is not None, 9: module.elems,
               12: module.data_count is not None or uses_data_count(module),
               10: module.funcs, 11: module.datas}
    return {section_id for section_id, there in present.items() if there}


def after_section(key: int, present: set[int]) -> int:
    """The id of the last present section that a custom section with placement `key` follows
    (0: it comes before every section)."""
    after = 0
    for position, section_id in enumerate(SECTION_ORDER):
        if 2 * position + 2 <= key and section_id in present:
            after = section_id
    return after


class ModuleAnnotations:
    """The known annotations of one module, checked; see the module docstring."""

    def __init__(self, parser, start: int, end: int, fields: list[tuple[str, int]],
                 allow_name: bool):
        self.parser = parser
        tokens = parser.tokens
        k, t, close = tokens.kinds, tokens.texts, tokens.close
        self.source = tokens.source
        outer = None                      # the `(` of `(module ...)`, None for bare fields
        for p in range(start - 1, max(start - 4, -1), -1):
            if k[p] == LPAR and close.get(p) == end:
                outer = p
                break
        low = start if outer is None else outer + 2
        mine = [a for a in tokens.annotations if low <= a.at <= end and
                (outer is None or a.offset > tokens.starts[outer])]
        self.customs: list[tuple[int, Custom]] = []
        self.module_name: str | None = None
        self.names: dict[int, str] = {}           # field/desc `(` index -> @name
        self.hints: dict[int, int] = {}           # token index of the hinted instr -> hint
        self.func_hints: dict[int, list[tuple[int, int]]] = {}   # func index -> (offset, hint)
        func_fields = [(i, close[i]) for word, i in fields if word == "func"]
        named_parens = {i: word for word, i in fields}
        for word, i in fields:
            if word == "import" and k[i + 4] == LPAR and k[i + 5] == ATOM:
                named_parens[i + 4] = t[i + 5]
        module_name_at = start + (1 if allow_name and k[start] == ID else 0)
        for annotation in mine:
            if annotation.id == "custom":
                if annotation.parent != outer:
                    raise self.error("misplaced @custom annotation", annotation)
                self.customs.append(self.custom(annotation))
            elif annotation.id == "name":
                self.name(annotation, outer, module_name_at, named_parens, k, t)
            else:
                if not any(i < annotation.at <= stop for i, stop in func_fields):
                    raise self.error(f"@{BRANCH_HINT} annotation: not in a function",
                                     annotation)
                if annotation.at in self.hints:
                    raise self.error(f"@{BRANCH_HINT} annotation: duplicate annotation",
                                     annotation)
                self.hints[annotation.at] = self.hint(annotation)

    def error(self, reason: str, annotation: Annotation, offset: int | None = None) -> ParseError:
        return self.source.error(reason, annotation.offset if offset is None else offset)

    def string(self, annotation: Annotation, item, what: str) -> str:
        data = decode_string(self.source, item[1], item[2])
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise self.error(f"@{what} annotation: malformed UTF-8 encoding", annotation,
                             item[2]) from None

    def custom(self, annotation: Annotation) -> tuple[int, Custom]:
        """`"name" place? "bytes"*` -> (placement key, section)."""
        items = annotation.items
        if not items or items[0][0] != STRING:
            raise self.error("@custom annotation: missing section name", annotation,
                             items[0][2] if items else None)
        name = self.string(annotation, items[0], "custom")
        key = _LAST
        i = 1
        if i < len(items) and items[i][0] == LPAR:
            where = items[i + 1] if i + 1 < len(items) else None
            if where is None or where[0] != ATOM or where[1] not in ("before", "after"):
                raise self.error("@custom annotation: malformed placement", annotation,
                                 items[i][2])
            section = items[i + 2] if i + 2 < len(items) else None
            if section is None or section[0] != ATOM or not (
                    section[1] in SECTION_BY_NAME or
                    (section[1], where[1]) in (("first", "before"), ("last", "after"))):
                raise self.error("@custom annotation: malformed section kind", annotation,
                                 (section or where)[2])
            if i + 3 >= len(items) or items[i + 3][0] != RPAR:
                raise self.error("@custom annotation: malformed placement", annotation,
                                 items[min(i + 3, len(items) - 1)][2])
            key = placement_key(where[1], section[1])
            i += 4
        data = bytearray()
        for item in items[i:]:
            if item[0] != STRING:
                raise self.error("@custom annotation: unexpected token", annotation, item[2])
            data += decode_string(self.source, item[1], item[2])
        return key, Custom(name, bytes(data))

    def name(self, annotation: Annotation, outer, module_name_at: int, named_parens, k, t):
        items = annotation.items
        if len(items) != 1 or items[0][0] != STRING:
            raise self.error("@name annotation: unexpected token", annotation,
                             items[0][2] if items else None)
        text = self.string(annotation, items[0], "name")
        parent = annotation.parent
        if parent == outer:
            if annotation.at != module_name_at:
                raise self.error("misplaced @name annotation", annotation)
            if self.module_name is not None:
                raise self.error("@name annotation: multiple module", annotation)
            self.module_name = text
            return
        if parent is None or k[parent + 1] != ATOM:
            raise self.error("misplaced @name annotation", annotation)
        word = t[parent + 1]
        expected = parent + 2 + (1 if k[parent + 2] == ID else 0)
        if annotation.at != expected:
            raise self.error("misplaced @name annotation", annotation)
        if named_parens.get(parent) in ("func", "tag") or word in ("param", "local"):
            if parent in self.names:
                raise self.error(f"@name annotation: multiple {named_parens.get(parent, word)}",
                                 annotation)
            self.names[parent] = text
        elif word not in _OTHER_NAMED:
            raise self.error("misplaced @name annotation", annotation)

    def hint(self, annotation: Annotation) -> int:
        items = annotation.items
        if len(items) != 1 or items[0][0] != STRING:
            raise self.error(f"@{BRANCH_HINT} annotation: unexpected token", annotation,
                             items[0][2] if items else None)
        data = decode_string(self.source, items[0][1], items[0][2])
        if len(data) != 1 or data[0] > 1:
            raise self.error(f"@{BRANCH_HINT} annotation: invalid hint", annotation,
                             items[0][2])
        return data[0]

    def function_hints(self, func_index: int, func, hinted: list[tuple[int, int]]) -> None:
        """Record the hints of a finished function body: (instruction index, hint) pairs."""
        from ..binary.encode import instr, local_runs, u32, valtype, vec
        if not hinted:
            return
        offsets = []
        position = len(vec(u32(n) + valtype(t) for n, t in local_runs(func.locals)))
        wanted = dict(hinted)
        for index, ins in enumerate(func.body):
            if index in wanted:
                offsets.append((position, wanted[index]))
            position += len(instr(ins))
        self.func_hints[func_index] = offsets

    def finish(self, module: Module) -> None:
        """Apply the names and add the custom sections, each after the right section."""
        if self.module_name is not None:
            module.names.module = self.module_name
        customs = list(self.customs)
        if self.func_hints:
            customs.append((placement_key("before", "code"),
                            Custom(BRANCH_HINT, encode_branch_hints(self.func_hints))))
        if not customs:
            return
        present = present_sections(module)
        customs.sort(key=lambda pair: pair[0])          # stable: same place keeps text order
        module.customs.extend(Custom(c.name, c.data, after_section(key, present))
                              for key, c in customs)


def encode_branch_hints(hints: dict[int, list[tuple[int, int]]]) -> bytes:
    """The `metadata.code.branch_hint` payload: per function (ascending index) its hints as
    (offset, size 1, value), in ascending offset order."""
    from ..binary.encode import u32, vec
    return vec(u32(func) + vec(u32(offset) + b"\x01" + bytes([value])
                               for offset, value in sorted(hints[func]))
               for func in sorted(hints))
