"""Module parser of the text format (spec 6.4 - 6.6): tokens -> `syntax.Module`.

Two passes over the module's fields:
1. `_scan` walks the fields once (skipping each by its matching paren) to number every index
   space, bind identifiers, parse the explicit type definitions and enforce the field-order rules
   ("import after function").  Identifiers can therefore be used before their definition.
2. `_build` parses each field in order.  Type uses without a matching type append an implicit type
   at the end of the type section, in order of appearance, as the spec prescribes.

Instructions are parsed generically from `opcodes.INFO[op].imm`: every immediate kind has one
reader in `_IMM_READERS`, so new instructions (3.0) only need table entries, and new immediate
kinds one reader.  Folded instructions are unfolded into the flat `Instr` list as they are read.

Legend: `i` token index, `k` token kinds, `t` token texts.
"""

from __future__ import annotations

from ..errors import ParseError
from ..opcodes import BY_NAME, INFO, Imm, Op
from ..syntax import Data, Elem, Export, Func, Global, Import, Instr, Module
from ..types import (EXTERNREF, F32, F64, FUNCREF, HEAP_CODES, I32, I64, REFTYPE_SHORTHANDS, V128,
                     ArrayType, FieldType, FuncType, GlobalType, Limits, MemoryType, RefType,
                     StructType, SubType, TableType, TagType, ValType)
from .custom import ModuleAnnotations
from .lexer import (ATOM, EOF, ID, LPAR, RPAR, STRING, OutOfRange, Tokens, decode_string,
                    parse_float, parse_int, parse_unsigned, tokenize)

# 3.0 adds the other shorthand reference types (anyref, eqref, ..., nullref, exnref).
REFTYPES: dict[str, ValType] = {t.name: t for t in REFTYPE_SHORTHANDS.values()}
VALTYPES: dict[str, ValType] = {"i32": I32, "i64": I64, "f32": F32, "f64": F64, "v128": V128,
                                **REFTYPES}
HEAPTYPES: dict[str, ValType] = {name: RefType(True, name) for name in HEAP_CODES}
_CATCH_KINDS = {"catch": 0, "catch_ref": 1, "catch_all": 2, "catch_all_ref": 3}

# Text keyword -> instruction; `select_t` is not a text keyword (it is `select (result t)`).
INSTRUCTIONS: dict[str, Op] = {name: op for name, op in BY_NAME.items() if name != "select_t"}
_BLOCK_OPS = {"block": Op.BLOCK, "loop": Op.LOOP, "if": Op.IF, "try_table": Op.TRY_TABLE,
              "try": Op.TRY}
_SPACES = ("type", "func", "table", "memory", "global", "elem", "data", "tag")
# Shapes of v128 literals: (lane count, lane bits, float?)
V128_SHAPES = {"i8x16": (16, 8, False), "i16x8": (8, 16, False), "i32x4": (4, 32, False),
               "i64x2": (2, 64, False), "f32x4": (4, 32, True), "f64x2": (2, 64, True)}
_DEFINITION_WORDS = {"func": "function", "table": "table", "memory": "memory", "global": "global",
                     "tag": "tag"}
_NOT_INSTRUCTIONS = frozenset(("param", "result", "local", "type", "export", "import", "then",
                               "item", "offset", "do", "catch_ref", "catch_all_ref"))

_END = Instr(Op.END)


def _zero_offset(is_64: bool) -> list[Instr]:
    """The offset of an inline segment: 0 in the address type of its table or memory."""
    return [Instr(Op.I64_CONST, (0,)) if is_64 else Instr(Op.I32_CONST, (0,)), _END]


def parse_module(text: str, file: str | None = None, wasm3: bool = False) -> Module:
    """Parse a whole `.wat` source: `(module $id? field*)` or just `field*`.  `wasm3` applies the
    WebAssembly 3.0 rules where the two versions differ (64-bit limits and memarg offsets are
    range-checked by the validator, not rejected while parsing)."""
    try:
        return _parse_module(text, file, wasm3)
    except RecursionError:
        raise ParseError("nesting too deep", file) from None


def _parse_module(text: str, file: str | None, wasm3: bool = False) -> Module:
    tokens = tokenize(text, file)
    parser = ModuleParser(tokens, wasm3)
    k, t = tokens.kinds, tokens.texts
    if k[0] == LPAR and k[1] == ATOM and t[1] == "module":
        end = tokens.close[0]
        module = parser.parse(2, end, allow_name=True)
        parser.i = end
        parser.rpar()
        if k[parser.i] != EOF:
            raise parser.error("unexpected token after module", parser.i)
    else:
        module = parser.parse(0, tokens.eof, allow_name=False)
    tokens.check_balanced()
    return module


class ModuleParser:
    """Parses the fields of one module between token indices [start, end)."""

    def __init__(self, tokens: Tokens, wasm3: bool = False):
        self.wasm3 = wasm3
        self.tokens = tokens
        self.k = tokens.kinds
        self.t = tokens.texts
        self.close = tokens.close
        self.i = 0
        self.annotations: ModuleAnnotations | None = None
        self.annotated_params: dict[int, str] = {}   # param position -> its (@name ...)
        self.hint_at: dict[int, int] = {}      # token index -> branch hint of that instruction
        self.hinted: list[tuple[int, int]] = []  # (index in body, hint) of the current function

    # ------------------------------------------------------------------ helpers
    def error(self, reason: str, i: int | None = None) -> ParseError:
        i = self.i if i is None else i
        return self.tokens.source.error(reason, self.tokens.starts[min(i, len(self.k) - 1)])

    def unexpected(self, what: str) -> ParseError:
        return self.error(f"unexpected token {self._describe(self.i)}, expected {what}")

    def _describe(self, i: int) -> str:
        kind = self.k[i]
        if kind == EOF:
            return "end of input"
        text = self.t[i]
        return repr(text if len(text) <= 30 else text[:27] + "...")

    def at_group(self, keyword: str) -> bool:
        i = self.i
        return self.k[i] == LPAR and self.k[i + 1] == ATOM and self.t[i + 1] == keyword

    def rpar(self) -> None:
        if self.k[self.i] != RPAR:
            raise self.unexpected("')'")
        self.i += 1

    def id_name(self, i: int) -> str:
        """The identifier's name; `$x` and `$"x"` are the same identifier."""
        text = self.t[i]
        if text[1] == '"':
            return decode_string(self.tokens.source, text[1:], self.tokens.starts[i] + 1) \
                .decode("utf-8")
        return text[1:]

    def opt_id(self) -> str | None:
        if self.k[self.i] == ID:
            self.i += 1
            return self.id_name(self.i - 1)
        return None

    def string(self) -> bytes:
        if self.k[self.i] != STRING:
            raise self.unexpected("a string")
        i = self.i
        self.i += 1
        return decode_string(self.tokens.source, self.t[i], self.tokens.starts[i])

    def name(self) -> str:
        i = self.i
        data = self.string()
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise self.error("malformed UTF-8 encoding", i) from None

    def literal_error(self, what: str, i: int) -> ParseError:
        """An atom where a literal was expected: a number of another shape is an unexpected token,
        anything else an unknown operator (as the reference lexer classifies them)."""
        text = self.t[i]
        if self.k[i] != ATOM:
            return self.error(f"unexpected token {self._describe(i)}, expected {what}", i)
        try:
            numeric = parse_float(text, 64) is not None
        except OutOfRange:
            numeric = True
        if numeric or text in ("nan:canonical", "nan:arithmetic"):
            return self.error(f"unexpected token {self._describe(i)}, expected {what}", i)
        return self.error(f"unknown operator {text}, expected {what}", i)

    def u32(self, what: str = "a natural number") -> int:
        i = self.i
        if self.k[i] != ATOM:
            raise self.unexpected(what)
        try:
            value = parse_unsigned(self.t[i], 32)
        except OutOfRange:
            raise self.error("i32 constant out of range", i) from None
        if value is None:
            raise self.literal_error(what, i)
        self.i += 1
        return value

    def number(self, bits: int, is_float: bool) -> int:
        """An iN / fN literal as its canonical unsigned value / bit pattern."""
        i = self.i
        if self.k[i] != ATOM:
            raise self.unexpected(f"{'f' if is_float else 'i'}{bits} literal")
        try:
            value = (parse_float if is_float else parse_int)(self.t[i], bits)
        except OutOfRange:
            raise self.error("constant out of range", i) from None
        if value is None:
            raise self.literal_error(f"{'f' if is_float else 'i'}{bits} literal", i)
        self.i += 1
        return value

    # ------------------------------------------------------------------ types
    def valtype(self) -> ValType:
        i = self.i
        if self.k[i] == ATOM:
            vt = VALTYPES.get(self.t[i])
            if vt is not None:
                self.i += 1
                return vt
            raise self.error(f"unknown operator {self.t[i]}, expected a value type", i)
        if self.k[i] == LPAR and self.k[i + 1] == ATOM and self.t[i + 1] == "ref":
            return self.ref_type_long()
        raise self.unexpected("a value type")

    def ref_type_long(self) -> ValType:
        """`(ref null? heaptype)`: heaptype is an abstract name or a type index/identifier."""
        self.i += 2
        nullable = self.k[self.i] == ATOM and self.t[self.i] == "null"
        if nullable:
            self.i += 1
        heap = self.heap()
        self.rpar()
        return RefType(nullable, heap)

    def heap(self):
        """An abstract heap type name (str) or a type index (int)."""
        i = self.i
        if self.k[i] == ATOM and self.t[i] in HEAP_CODES:
            self.i += 1
            return self.t[i]
        if self.k[i] == ID or (self.k[i] == ATOM and self.t[i][:1].isdigit()):
            return self.index("type")
        raise self.unexpected("a heap type")

    def reftype(self) -> ValType:
        i = self.i
        if self.k[i] == ATOM and self.t[i] in REFTYPES:
            self.i += 1
            return REFTYPES[self.t[i]]
        if self.k[i] == LPAR and self.k[i + 1] == ATOM and self.t[i + 1] == "ref":
            return self.ref_type_long()
        if self.k[i] == ATOM:
            raise self.error(f"unknown operator {self.t[i]}, expected a reference type", i)
        raise self.unexpected("a reference type")

    def heaptype(self) -> ValType:
        """The heap type of `ref.null`, as the nullable reference type it produces."""
        return RefType(True, self.heap())

    def storage_type(self):
        if self.k[self.i] == ATOM and self.t[self.i] in ("i8", "i16"):
            self.i += 1
            return self.t[self.i - 1]
        return self.valtype()

    def field_type(self) -> FieldType:
        if self.at_group("mut"):
            self.i += 2
            storage = self.storage_type()
            self.rpar()
            return FieldType(storage, True)
        return FieldType(self.storage_type(), False)

    def composite_type(self, type_index: int):
        """`(func ...)`, `(struct (field ...)*)` or `(array fieldtype)`."""
        if self.at_group("func"):
            return self.functype()
        if self.at_group("struct"):
            self.i += 2
            fields: list[FieldType] = []
            names: dict[str, int] = {}
            while self.at_group("field"):
                self.i += 2
                if self.k[self.i] == ID:
                    name_token = self.i
                    name = self.opt_id()
                    if name in names:
                        raise self.error(f"duplicate field ${name}", name_token)
                    names[name] = len(fields)
                    fields.append(self.field_type())
                else:
                    while self.k[self.i] != RPAR:
                        fields.append(self.field_type())
                self.rpar()
            self.rpar()
            self.field_names[type_index] = names
            return StructType(fields)
        if self.at_group("array"):
            self.i += 2
            field = self.field_type()
            self.rpar()
            return ArrayType(field)
        raise self.unexpected("(func ...), (struct ...) or (array ...)")

    def type_definition(self) -> SubType:
        """`(type $id? comptype)` or `(type $id? (sub final? typeidx* comptype))`."""
        self.i += 2
        self.opt_id()
        type_index = len(self.module.subtypes)
        if self.at_group("sub"):
            self.i += 2
            final = self.k[self.i] == ATOM and self.t[self.i] == "final"
            if final:
                self.i += 1
            supertypes = []
            while self.k[self.i] == ID or (self.k[self.i] == ATOM and self.t[self.i][:1].isdigit()):
                supertypes.append(self.index("type"))
            composite = self.composite_type(type_index)
            self.rpar()
            sub = SubType(final, tuple(supertypes), composite)
        else:
            sub = SubType(True, (), self.composite_type(type_index))
        self.rpar()
        return sub

    def params_results(self, allow_names: bool):
        """`(param ...)* (result ...)*` -> (params, param names, results, anything written)."""
        params: list[ValType] = []
        names: list[str | None] = []
        results: list[ValType] = []
        written = False
        if allow_names:
            self.annotated_params = {}
        while self.at_group("param"):
            written = True
            paren = self.i
            self.i += 2
            if self.k[self.i] == ID:
                if not allow_names:
                    raise self.unexpected("a value type (no identifiers here)")
                names.append(self.opt_id())
                params.append(self.valtype())
            else:
                while self.k[self.i] != RPAR:
                    params.append(self.valtype())
                    names.append(None)
            self.rpar()
            if allow_names and self.annotations is not None and \
                    paren in self.annotations.names and params:
                self.annotated_params[len(params) - 1] = self.annotations.names[paren]
        while self.at_group("result"):
            written = True
            self.i += 2
            while self.k[self.i] != RPAR:
                results.append(self.valtype())
            self.rpar()
        if self.at_group("param") or self.at_group("type"):
            raise self.unexpected("no (param ...) or (type ...) after (result ...)")
        return params, names, results, written

    def functype(self) -> FuncType:
        """`(func (param ...)* (result ...)*)` of a type definition."""
        if not self.at_group("func"):
            raise self.unexpected("(func ...)")
        self.i += 2
        params, _, results, _ = self.params_results(allow_names=True)
        self.rpar()
        return FuncType(params, results)

    def limits(self, is_64: bool = False) -> Limits:
        read = self.u64 if is_64 or self.wasm3 else self.u32   # 3.0: the validator bounds it
        minimum = read("a limit")
        maximum = None
        if self.k[self.i] == ATOM and self.t[self.i][:1].isdigit():
            maximum = read("a limit")
        return Limits(minimum, maximum)

    def u64(self, what: str) -> int:
        i = self.i
        if self.k[i] != ATOM:
            raise self.unexpected(what)
        try:
            value = parse_unsigned(self.t[i], 64)
        except OutOfRange:
            raise self.error("i64 constant out of range", i) from None
        if value is None:
            raise self.literal_error(what, i)
        self.i += 1
        return value

    def address_type(self) -> bool:
        """3.0 memory64/table64: an optional `i32`/`i64` before limits; True for i64."""
        if self.k[self.i] == ATOM and self.t[self.i] in ("i32", "i64"):
            self.i += 1
            return self.t[self.i - 1] == "i64"
        return False

    def memorytype(self) -> MemoryType:
        """`addrtype? limits shared? (pagesize n)?` (the address type and page size are 3.0)."""
        is_64 = self.address_type()
        limits = self.limits(is_64)
        shared = False
        if self.k[self.i] == ATOM and self.t[self.i] == "shared":
            self.i += 1
            shared = True
        page_size_log2 = 16
        if self.at_group("pagesize"):
            start = self.i
            self.i += 2
            size = self.u32("a page size")
            if size == 0 or size & (size - 1) or size > 65536:
                raise self.error("invalid custom page size", start)
            page_size_log2 = size.bit_length() - 1
            self.rpar()
        return MemoryType(limits, is_64, shared, page_size_log2)

    def globaltype(self) -> GlobalType:
        if self.at_group("mut"):
            self.i += 2
            vt = self.valtype()
            self.rpar()
            return GlobalType(vt, True)
        return GlobalType(self.valtype(), False)

    # ------------------------------------------------------------------ pass 1
    def parse(self, start: int, end: int, allow_name: bool) -> Module:
        self.i = start
        self.module = Module()
        module_name = self.opt_id() if allow_name else None
        if module_name is not None:
            self.module.names.module = module_name
        self.names: dict[str, dict[str, int]] = {space: {} for space in _SPACES}
        self.counts: dict[str, int] = {space: 0 for space in _SPACES}
        self.uses_data_index = False
        self.memory64: list[bool] = []      # per memory index: declared with address type i64
        self.field_names: dict[int, dict[str, int]] = {}
        fields = self._scan(self.i, end)
        annotations = None
        if self.tokens.annotations:
            annotations = ModuleAnnotations(self, start, end, fields, allow_name)
            self.hint_at = annotations.hints
        self.annotations = annotations
        self._type_definitions(fields)
        # An implicit type use names the first type whose definition is `(rec (sub final (func
        # ...)))`, as the spec says (singleton `rec` and `sub final` forms included; wasm-tools
        # differs on both, picking or skipping such types, see tests/text/test_parser_3_0.py).
        self.type_index: dict[FuncType, int] = {}
        index = 0
        for size in self.module.rec_groups:
            sub = self.module.subtypes[index]
            if size == 1 and sub.final and not sub.supertypes and \
                    isinstance(sub.composite, FuncType):
                self.type_index.setdefault(sub.composite, index)
            index += size
        self._build(fields)
        if annotations is not None:
            annotations.finish(self.module)
        self.i = end
        return self.module

    def _bind(self, space: str, i: int) -> None:
        """Give the next index of `space` to the identifier at token i (if there is one)."""
        index = self.counts[space]
        self.counts[space] = index + 1
        if self.k[i] == ID:
            name = self.id_name(i)
            if name in self.names[space]:
                raise self.error(f"duplicate {space} ${name}", i)
            self.names[space][name] = index

    def _scan(self, start: int, end: int) -> list[tuple[str, int]]:
        k, t = self.k, self.t
        fields: list[tuple[str, int]] = []
        first_definition: str | None = None
        i = start
        while i < end:
            if k[i] != LPAR:
                self.i = i
                raise self.unexpected("a module field '('")
            if k[i + 1] != ATOM:
                self.i = i + 1
                raise self.unexpected("a module field keyword")
            word = t[i + 1]
            fields.append((word, i))
            j = i + 2
            if word == "type":
                self._bind("type", j)
            elif word == "rec":
                m = j
                while k[m] == LPAR and k[m + 1] == ATOM and t[m + 1] == "type":
                    self._bind("type", m + 2)
                    m = self.close[m] + 1
                if k[m] != RPAR:
                    self.i = m
                    raise self.unexpected("(type ...) in (rec ...)")
            elif word == "import":
                self.i = j
                self.string()
                self.string()
                if k[self.i] != LPAR or k[self.i + 1] != ATOM or \
                        t[self.i + 1] not in _DEFINITION_WORDS:
                    raise self.unexpected("an import description")
                if first_definition is not None:
                    raise self.error(f"import after {first_definition}", i)
                if t[self.i + 1] == "memory":
                    m = self.i + 3 if k[self.i + 2] == ID else self.i + 2
                    self.memory64.append(k[m] == ATOM and t[m] == "i64")
                self._bind(t[self.i + 1], self.i + 2)
            elif word in _DEFINITION_WORDS:
                self._bind(word, j)
                m = j + 1 if k[j] == ID else j
                while k[m] == LPAR and k[m + 1] == ATOM and t[m + 1] == "export":
                    m = self.close[m] + 1
                is_import = k[m] == LPAR and k[m + 1] == ATOM and t[m + 1] == "import"
                if word == "memory":
                    a = self.close[m] + 1 if is_import else m
                    self.memory64.append(k[a] == ATOM and t[a] == "i64")
                if is_import:
                    if first_definition is not None:
                        raise self.error(f"import after {first_definition}", i)
                else:
                    if first_definition is None:
                        first_definition = _DEFINITION_WORDS[word]
                    # inline segments occupy an index of their own
                    if word == "table" and self._has_inline_segment(m, "elem"):
                        self.counts["elem"] += 1
                    elif word == "memory" and self._has_inline_segment(m, "data"):
                        self.counts["data"] += 1
            elif word == "elem" or word == "data":
                self._bind(word, j)
            elif word not in ("export", "start"):
                self.i = i + 1
                raise self.error(f"unknown operator {word}, expected a module field", i + 1)
            i = self.close[i] + 1
        return fields

    def _type_definitions(self, fields: list[tuple[str, int]]) -> None:
        """Parse every `type` and `rec` field once all type identifiers are bound (type
        definitions may refer to later types)."""
        module = self.module
        for word, i in fields:
            if word == "type":
                self.i = i
                module.subtypes.append(self.type_definition())
                module.rec_groups.append(1)
            elif word == "rec":
                self.i = i + 2
                size = 0
                while self.at_group("type"):
                    module.subtypes.append(self.type_definition())
                    size += 1
                module.rec_groups.append(size)
        module.types = [sub.composite for sub in module.subtypes]

    def _has_inline_segment(self, m: int, word: str) -> bool:
        k, t = self.k, self.t
        while k[m] != RPAR and k[m] != EOF:
            if k[m] == LPAR:
                if k[m + 1] == ATOM and t[m + 1] == word:
                    return True
                m = self.close[m]
            m += 1
        return False

    # ------------------------------------------------------------------ pass 2
    def _build(self, fields: list[tuple[str, int]]) -> None:
        module = self.module
        for word, i in fields:
            self.i = i + 2
            if word == "type" or word == "rec":
                pass                      # parsed in the first pass
            elif word == "func":
                self.func_field()
            elif word == "import":
                self.import_field()
            elif word == "table":
                self.table_field()
            elif word == "memory":
                self.memory_field()
            elif word == "global":
                self.global_field()
            elif word == "tag":
                self.tag_field()
            elif word == "export":
                name = self.name()
                kind, index = self.export_desc()
                module.exports.append(Export(name, kind, index))
            elif word == "start":
                if module.start is not None:
                    raise self.error("multiple start sections", i)
                module.start = self.index("func")
            elif word == "elem":
                self.elem_field()
            elif word == "data":
                self.data_field()
            if word != "type" and word != "rec":
                self.rpar()
        if self.uses_data_index:
            module.data_count = len(module.datas)

    def export_desc(self) -> tuple[str, int]:
        i = self.i
        if self.k[i] == LPAR and self.k[i + 1] == ATOM and self.t[i + 1] in _DEFINITION_WORDS:
            kind = self.t[i + 1]
            self.i += 2
            index = self.index(kind)
            self.rpar()
            return kind, index
        raise self.unexpected("an export description")

    def inline_exports(self, kind: str, index: int) -> None:
        while self.at_group("export"):
            self.i += 2
            self.module.exports.append(Export(self.name(), kind, index))
            self.rpar()

    def inline_import(self) -> tuple[str, str] | None:
        if not self.at_group("import"):
            return None
        self.i += 2
        module_name = self.name()
        field_name = self.name()
        self.rpar()
        return module_name, field_name

    def index(self, space: str) -> int:
        """A `$id` or a number naming an entry of `space`."""
        i = self.i
        kind = self.k[i]
        if kind == ID:
            index = self.names[space].get(self.id_name(i))
            if index is None:
                raise self.error(f"unknown {space} {self.t[i]}", i)
            self.i += 1
            return index
        if kind == ATOM:
            return self.u32(f"a {space} index")
        raise self.unexpected(f"a {space} index")

    def opt_index(self, space: str) -> int | None:
        kind = self.k[self.i]
        if kind == ID or (kind == ATOM and self.t[self.i][:1].isdigit()):
            return self.index(space)
        return None

    def implicit_type(self, functype: FuncType) -> int:
        """Index of the first type equal to `functype`, appending one if none exists."""
        index = self.type_index.get(functype)
        if index is None:
            module = self.module
            index = self.type_index[functype] = len(module.types)
            module.types.append(functype)
            module.subtypes.append(SubType(True, (), functype))
            module.rec_groups.append(1)
        return index

    def type_use(self, allow_names: bool) -> tuple[int, list[str | None], FuncType | None]:
        """`(type x)? (param ...)* (result ...)*` -> (type index, parameter names, its type)."""
        explicit = None
        start = self.i
        if self.at_group("type"):
            self.i += 2
            explicit = self.index("type")
            self.rpar()
        params, names, results, written = self.params_results(allow_names)
        types = self.module.types
        if explicit is not None:
            known = types[explicit] if explicit < len(types) else None
            if known is not None and not isinstance(known, FuncType):
                if written:
                    raise self.error("inline function type does not match (type ...)", start)
                return explicit, [], None
            if written and known is None:
                raise self.error(f"unknown type {explicit}", start)
            if written:
                if known is not None and known != FuncType(params, results):
                    raise self.error("inline function type does not match (type ...)", start)
            elif known is not None:
                names = [None] * len(known.params)
            return explicit, names, known
        functype = FuncType(params, results)
        return self.implicit_type(functype), names, functype

    # ------------------------------------------------------------------ fields
    def func_field(self) -> None:
        module = self.module
        id_token = self.i
        self.opt_id()
        index = len(module.imported("func")) + len(module.funcs)
        self.inline_exports("func", index)
        imported = self.inline_import()
        if self.k[id_token] == ID:
            module.names.funcs[index] = self.id_name(id_token)
        self.annotated_name(id_token - 2, module.names.funcs, index)
        self.annotated_params = {}
        type_index, param_names, _ = self.type_use(allow_names=True)
        annotated = dict(self.annotated_params)
        if imported is not None:
            module.imports.append(Import(imported[0], imported[1], type_index))
            self.param_names(index, param_names)
            self.annotated_locals(index, annotated)
            return
        local_names: dict[str, int] = {}
        for position, name in enumerate(param_names):
            if name is not None:
                if name in local_names:
                    raise self.error(f"duplicate local ${name}")
                local_names[name] = position
        locals_: list[ValType] = []
        count = len(param_names)
        while self.at_group("local"):
            paren = self.i
            self.i += 2
            if self.annotations is not None and paren in self.annotations.names:
                annotated[count + len(locals_)] = self.annotations.names[paren]
            if self.k[self.i] == ID:
                name_token = self.i
                name = self.opt_id()
                if name in local_names:
                    raise self.error(f"duplicate local ${name}", name_token)
                local_names[name] = count + len(locals_)
                locals_.append(self.valtype())
            else:
                while self.k[self.i] != RPAR:
                    locals_.append(self.valtype())
            self.rpar()
        if local_names:
            module.names.locals[index] = {v: n for n, v in local_names.items()}
        self.annotated_locals(index, annotated)
        self.locals = local_names
        self.labels: list[str | None] = []
        body: list[Instr] = []
        self.hinted = []
        self.instrs(body)
        body.append(_END)
        module.funcs.append(Func(type_index, locals_, body))
        if self.hinted:
            self.annotations.function_hints(index, module.funcs[-1], self.hinted)

    def annotated_name(self, paren: int, names: dict[int, str], index: int) -> None:
        """Apply a `(@name "...")` written after the keyword (and id) of the definition whose
        `(` is at token `paren`."""
        if self.annotations is not None and paren in self.annotations.names:
            names[index] = self.annotations.names[paren]

    def annotated_locals(self, func_index: int, annotated: dict[int, str]) -> None:
        """Apply the `(@name ...)` of parameters and locals (they override their `$ids`)."""
        if annotated:
            self.module.names.locals.setdefault(func_index, {}).update(annotated)

    def note_hint(self, at: int, code: list[Instr]) -> None:
        """The instruction just appended to `code` started at token `at`: keep its hint."""
        hint = self.hint_at.get(at)
        if hint is not None:
            self.hinted.append((len(code) - 1, hint))

    def param_names(self, func_index: int, names: list[str | None]) -> None:
        """Record the parameter identifiers of an imported function for the name section."""
        named: dict[int, str] = {}
        for position, name in enumerate(names):
            if name is not None:
                if name in named.values():
                    raise self.error(f"duplicate local ${name}")
                named[position] = name
        if named:
            self.module.names.locals[func_index] = named

    def import_field(self) -> None:
        module_name = self.name()
        field_name = self.name()
        kind = self.t[self.i + 1]
        self.i += 2
        id_token = self.i
        self.opt_id()
        if kind == "func":
            index = len(self.module.imported("func"))
            if self.k[id_token] == ID:
                self.module.names.funcs[index] = self.id_name(id_token)
            self.annotated_name(id_token - 2, self.module.names.funcs, index)
            self.annotated_params = {}
            desc, param_names, _ = self.type_use(allow_names=True)
            self.param_names(index, param_names)
            self.annotated_locals(index, self.annotated_params)
        elif kind == "table":
            desc = self.tabletype()
        elif kind == "memory":
            desc = self.memorytype()
        elif kind == "tag":
            self.annotated_name(id_token - 2, self.module.names.tags,
                                len(self.module.imported("tag")))
            desc = TagType(self.type_use(allow_names=False)[0])
        else:
            desc = self.globaltype()
        self.rpar()
        self.module.imports.append(Import(module_name, field_name, desc))

    def tag_field(self) -> None:
        module = self.module
        paren = self.i - 2
        self.opt_id()
        index = len(module.imported("tag")) + len(module.tags)
        self.annotated_name(paren, module.names.tags, index)
        self.inline_exports("tag", index)
        imported = self.inline_import()
        tag = TagType(self.type_use(allow_names=False)[0])
        if imported is not None:
            module.imports.append(Import(imported[0], imported[1], tag))
        else:
            module.tags.append(tag)

    def tabletype(self) -> TableType:
        is_64 = self.address_type()
        limits = self.limits(is_64)
        return TableType(self.reftype(), limits, is_64)

    def table_field(self) -> None:
        module = self.module
        self.opt_id()
        index = len(module.imported("table")) + len(module.tables)
        self.inline_exports("table", index)
        imported = self.inline_import()
        if imported is not None:
            module.imports.append(Import(imported[0], imported[1], self.tabletype()))
            return
        start = self.i
        is_64 = self.address_type()
        if self.k[self.i] == ATOM and self.t[self.i][:1].isdigit():
            self.i = start
            module.tables.append(self.tabletype())
            init = self.const_expr() if self.k[self.i] == LPAR or \
                (self.k[self.i] == ATOM and self.wasm3) else None
            module.table_inits.append(init)
            return
        element = self.reftype()
        if not self.at_group("elem"):
            raise self.unexpected("table limits or (elem ...)")
        self.i += 2
        if self.k[self.i] == LPAR:
            init = []
            while self.k[self.i] == LPAR:
                init.append(self.elem_item())
            func_indices = False
        else:
            init = []
            while self.k[self.i] != RPAR:
                init.append([Instr(Op.REF_FUNC, (self.index("func"),)), _END])
            func_indices = True
        self.rpar()
        count = len(init)
        module.tables.append(TableType(element, Limits(count, count), is_64))
        module.table_inits.append(None)
        module.elems.append(Elem(element, init, "active", index, _zero_offset(is_64),
                                 func_indices))

    def memory_field(self) -> None:
        module = self.module
        self.opt_id()
        index = len(module.imported("memory")) + len(module.memories)
        self.inline_exports("memory", index)
        imported = self.inline_import()
        if imported is not None:
            module.imports.append(Import(imported[0], imported[1], self.memorytype()))
            return
        start = self.i
        is_64 = self.address_type()
        if self.at_group("data"):
            self.i += 2
            data = bytearray()
            while self.k[self.i] == STRING:
                data += self.string()
            self.rpar()
            pages = -(-len(data) // 65536)
            module.memories.append(MemoryType(Limits(pages, pages), is_64))
            module.datas.append(Data(bytes(data), "active", index, _zero_offset(is_64)))
            return
        self.i = start
        module.memories.append(self.memorytype())

    def global_field(self) -> None:
        module = self.module
        self.opt_id()
        index = len(module.imported("global")) + len(module.globals)
        self.inline_exports("global", index)
        imported = self.inline_import()
        globaltype = self.globaltype()
        if imported is not None:
            module.imports.append(Import(imported[0], imported[1], globaltype))
            return
        module.globals.append(Global(globaltype, self.const_expr()))

    def const_expr(self) -> list[Instr]:
        """An expression up to the closing paren of the enclosing form."""
        self.locals = {}
        self.labels = []
        code: list[Instr] = []
        self.instrs(code)
        code.append(_END)
        return code

    def offset_expr(self) -> list[Instr]:
        """`(offset instr*)` or a single folded instruction."""
        return self.abbreviated_expr("offset")

    def elem_item(self) -> list[Instr]:
        """`(item instr*)` or a single folded instruction."""
        return self.abbreviated_expr("item", "an element expression")

    def abbreviated_expr(self, keyword: str, expected: str | None = None) -> list[Instr]:
        """`(keyword instr*)`, or the abbreviation: one folded instruction (which must start
        with `(` when `expected` names what was wanted)."""
        if self.at_group(keyword):
            self.i += 2
            code = self.const_expr()
            self.rpar()
            return code
        if expected is not None and self.k[self.i] != LPAR:
            raise self.unexpected(expected)
        self.locals = {}
        self.labels = []
        code: list[Instr] = []
        self.folded(code)
        code.append(_END)
        return code

    def elem_field(self) -> None:
        self.opt_id()
        mode = "passive"
        table = 0
        offset = None
        table_use = False
        if self.k[self.i] == ATOM and self.t[self.i] == "declare":
            self.i += 1
            mode = "declarative"
        else:
            if self.at_group("table"):
                self.i += 2
                table = self.index("table")
                self.rpar()
                mode = "active"
                table_use = True
            elif self.k[self.i] == ID or (self.k[self.i] == ATOM and
                                          self.t[self.i][:1].isdigit() and
                                          self.k[self.i + 1] == LPAR):
                table = self.index("table")      # legacy `(elem 0 (offset ...) ...)`
                mode = "active"
            if self.k[self.i] == LPAR and not self.at_group("item") and not self.at_group("ref"):
                offset = self.offset_expr()
                mode = "active"
            elif mode == "active":
                raise self.unexpected("an offset expression")
        init: list[list[Instr]] = []
        func_indices = False
        if self.k[self.i] == ATOM and self.t[self.i] == "func":
            self.i += 1
            elem_type = FUNCREF
            func_indices = True
        elif self.k[self.i] == ATOM and self.t[self.i] in REFTYPES or self.at_group("ref"):
            elem_type = self.reftype()
        elif mode == "active" and not table_use and self.k[self.i] in (ID, ATOM, RPAR):
            elem_type = FUNCREF                   # abbreviation: bare function indices
            func_indices = True
        else:
            raise self.unexpected("'func' or a reference type")
        if func_indices:
            while self.k[self.i] != RPAR:
                init.append([Instr(Op.REF_FUNC, (self.index("func"),)), _END])
        else:
            while self.k[self.i] == LPAR:
                init.append(self.elem_item())
        self.module.elems.append(Elem(elem_type, init, mode, table, offset, func_indices))

    def data_field(self) -> None:
        self.opt_id()
        memory = 0
        offset = None
        mode = "passive"
        if self.at_group("memory"):
            self.i += 2
            memory = self.index("memory")
            self.rpar()
            mode = "active"
        elif self.k[self.i] == ATOM and self.t[self.i][:1].isdigit():
            memory = self.index("memory")
            mode = "active"
        if self.k[self.i] == LPAR:
            offset = self.offset_expr()
            mode = "active"
        elif mode == "active":
            raise self.unexpected("an offset expression")
        data = bytearray()
        while self.k[self.i] == STRING:
            data += self.string()
        self.module.datas.append(Data(bytes(data), mode, memory, offset))

    # ------------------------------------------------------------------ instructions
    def instrs(self, code: list[Instr]) -> None:
        """instr* up to `)` or the end of input.

        Unfolded blocks are tracked on an explicit stack rather than by recursion, so deeply
        nested `block ... end` code (compilers emit it for large switches) has no depth limit.
        An `end`/`else` that closes nothing here is left for the caller to reject."""
        k, t = self.k, self.t
        open_blocks: list[list] = []          # [keyword, label, else seen] per open block
        while True:
            kind = k[self.i]
            if kind == LPAR:
                self.folded(code)
            elif kind == ATOM:
                word = t[self.i]
                block_op = _BLOCK_OPS.get(word)
                if block_op is not None:
                    at = self.i
                    self.i += 1
                    label = self.opt_id()
                    code.append(self.block_instr(block_op))
                    if self.hint_at:
                        self.note_hint(at, code)
                    self.labels.append(label)
                    open_blocks.append([word, label, False])
                elif (word == "catch" or word == "catch_all") and open_blocks and \
                        open_blocks[-1][0] == "try":
                    block = open_blocks[-1]
                    if block[2] == "all":
                        raise self.unexpected("'end' after catch_all")
                    block[2] = "all" if word == "catch_all" else True
                    self.i += 1
                    if word == "catch_all":
                        self.end_label(block[1])
                    if word == "catch":
                        code.append(Instr(Op.CATCH, (self.index("tag"),)))
                    else:
                        code.append(Instr(Op.CATCH_ALL))
                elif word == "delegate" and open_blocks and open_blocks[-1][0] == "try" \
                        and not open_blocks[-1][2]:
                    self.i += 1
                    open_blocks.pop()
                    self.labels.pop()
                    code.append(Instr(Op.DELEGATE, (self.label(),)))
                elif word == "else":
                    if not open_blocks:
                        return
                    block = open_blocks[-1]
                    if block[0] != "if" or block[2]:
                        raise self.unexpected("'end'")
                    block[2] = True
                    self.i += 1
                    self.end_label(block[1])
                    code.append(Instr(Op.ELSE))
                elif word == "end":
                    if not open_blocks:
                        return
                    self.i += 1
                    self.end_label(open_blocks.pop()[1])
                    self.labels.pop()
                    code.append(_END)
                else:
                    self.plain(code)
            elif kind == RPAR or kind == EOF:
                if open_blocks:
                    raise self.unexpected("'end'")
                return
            else:
                raise self.unexpected("an instruction")

    def plain(self, code: list[Instr]) -> None:
        """One unfolded non-block instruction."""
        word = self.t[self.i]
        op = INSTRUCTIONS.get(word)
        if op is None:
            raise self.error(f"unknown operator {word}")
        at = self.i
        self.i += 1
        code.append(self.instr(op))
        if self.hint_at:
            self.note_hint(at, code)

    def instr(self, op: Op) -> Instr:
        """The instruction `op` with its immediates read from the tokens."""
        if op is Op.SELECT and self.at_group("result"):
            op = Op.SELECT_T
        reader = _IMM_READERS.get(INFO[op].imm)
        if reader is None or op in (Op.CATCH, Op.CATCH_ALL, Op.DELEGATE):
            raise self.error(f"unexpected token {INFO[op].name}")
        return Instr(op, reader(self, op))

    def block_instr(self, op: Op) -> Instr:
        """The opening instruction of a block: its block type, and for `try_table` its catch
        clauses (their labels are resolved outside the try_table's own label)."""
        block_type = self.block_type()
        if op is not Op.TRY_TABLE:
            return Instr(op, (block_type,))
        catches = []
        while self.k[self.i] == LPAR and self.k[self.i + 1] == ATOM and \
                self.t[self.i + 1] in _CATCH_KINDS:
            kind = _CATCH_KINDS[self.t[self.i + 1]]
            self.i += 2
            tag = self.index("tag") if kind < 2 else None
            catches.append((kind, tag, self.label()))
            self.rpar()
        return Instr(op, (block_type, tuple(catches)))

    def end_label(self, label: str | None) -> None:
        if self.k[self.i] == ID:
            if self.id_name(self.i) != label:
                raise self.error(f"mismatching label {self.t[self.i]}")
            self.i += 1

    def folded(self, code: list[Instr]) -> None:
        """`( instr )`: operands first, then the instruction."""
        start = self.i
        if self.k[start + 1] != ATOM:
            self.i += 1
            raise self.unexpected("an instruction")
        word = self.t[start + 1]
        self.i += 2
        block_op = _BLOCK_OPS.get(word)
        if block_op is None:
            op = INSTRUCTIONS.get(word)
            if op is None:
                if word in _NOT_INSTRUCTIONS or word == "else":
                    raise self.error(f"unexpected token ({word} ...) here", start)
                raise self.error(f"unknown operator {word}", start + 1)
            instr = self.instr(op)
            while self.k[self.i] == LPAR:
                self.folded(code)
            if self.k[self.i] != RPAR:
                if op is Op.V128_CONST and self.k[self.i] == ATOM:
                    raise self.error("wrong number of lane literals")
                raise self.unexpected("')' or a folded instruction")
            self.i += 1
            code.append(instr)
            if self.hint_at:
                self.note_hint(start, code)
            return
        label = self.opt_id()
        opener = self.block_instr(block_op)
        block_type = opener.imm[0]
        self.labels.append(label)
        if block_op is Op.TRY:
            self.folded_try(code, opener)
            return
        if block_op is Op.IF:
            while self.k[self.i] == LPAR and not self.at_group("then"):
                self.folded(code)
            code.append(Instr(Op.IF, (block_type,)))
            if self.hint_at:
                self.note_hint(start, code)
            if not self.at_group("then"):
                raise self.unexpected("(then ...)")
            self.i += 2
            self.instrs(code)
            self.rpar()
            if self.at_group("else"):
                self.i += 2
                code.append(Instr(Op.ELSE))
                self.instrs(code)
                self.rpar()
        else:
            code.append(opener)
            if self.hint_at:
                self.note_hint(start, code)
            self.instrs(code)
        self.rpar()
        self.labels.pop()
        code.append(_END)

    def folded_try(self, code: list[Instr], opener: Instr) -> None:
        """Legacy `(try bt (do instr*) (catch x instr*)* (catch_all instr*)?)` or
        `(try bt (do instr*) (delegate l))`."""
        code.append(opener)
        if not self.at_group("do"):
            raise self.unexpected("(do ...)")
        self.i += 2
        self.instrs(code)
        self.rpar()
        if self.at_group("delegate"):
            self.i += 2
            self.labels.pop()
            code.append(Instr(Op.DELEGATE, (self.label(),)))
            self.rpar()
            self.rpar()
            return
        while self.at_group("catch"):
            self.i += 2
            code.append(Instr(Op.CATCH, (self.index("tag"),)))
            self.instrs(code)
            self.rpar()
        if self.at_group("catch_all"):
            self.i += 2
            code.append(Instr(Op.CATCH_ALL))
            self.instrs(code)
            self.rpar()
        self.rpar()
        self.labels.pop()
        code.append(_END)

    def block_type(self):
        """None (no result), a ValType (single result) or a type index."""
        if self.at_group("type"):
            return self.type_use(allow_names=False)[0]
        if not (self.at_group("param") or self.at_group("result")):
            return None
        params, _, results, _ = self.params_results(allow_names=False)
        if not params and len(results) <= 1:
            return results[0] if results else None
        return self.implicit_type(FuncType(params, results))

    # --- immediate readers (one per opcodes.Imm kind) ---
    def imm_none(self, op):
        return ()

    def imm_label(self, op):
        return (self.label(),)

    def label(self) -> int:
        i = self.i
        if self.k[i] == ID:
            name = self.id_name(i)
            labels = self.labels
            for depth in range(len(labels) - 1, -1, -1):
                if labels[depth] == name:
                    self.i += 1
                    return len(labels) - 1 - depth
            raise self.error(f"unknown label {self.t[i]}", i)
        return self.u32("a label")

    def imm_br_table(self, op):
        labels = [self.label()]
        while self.k[self.i] == ID or (self.k[self.i] == ATOM and self.t[self.i][:1].isdigit()):
            labels.append(self.label())
        return (tuple(labels[:-1]), labels[-1])

    def imm_func(self, op):
        return (self.index("func"),)

    def imm_call_indirect(self, op):
        table = self.opt_index("table")
        type_index = self.type_use(allow_names=False)[0]
        return (type_index, 0 if table is None else table)

    def imm_local(self, op):
        i = self.i
        if self.k[i] == ID:
            index = self.locals.get(self.id_name(i))
            if index is None:
                raise self.error(f"unknown local {self.t[i]}", i)
            self.i += 1
            return (index,)
        return (self.u32("a local index"),)

    def imm_global(self, op):
        return (self.index("global"),)

    def imm_table(self, op):
        table = self.opt_index("table")
        return (0 if table is None else table,)

    def imm_memory(self, op):
        memory = self.opt_index("memory")
        return (0 if memory is None else memory,)

    def memarg(self, op, memory: int) -> tuple[int, int]:
        t = self.t
        offset = 0
        if self.k[self.i] == ATOM and t[self.i].startswith("offset="):
            offset = self.memarg_value(t[self.i][7:], 64)
            if offset >> 32 and not self.wasm3 and \
                    not (memory < len(self.memory64) and self.memory64[memory]):
                raise self.error("i32 constant out of range: offset of a 32-bit memory")
            self.i += 1
        align = INFO[op].natural_align
        if self.k[self.i] == ATOM and t[self.i].startswith("align="):
            value = self.memarg_value(t[self.i][6:], 64 if self.wasm3 else 32)
            if value == 0 or value & (value - 1):
                raise self.error("alignment must be a power of two")
            align = value.bit_length() - 1
            self.i += 1
        return align, offset

    def memarg_value(self, text: str, bits: int) -> int:
        try:
            value = parse_unsigned(text, bits)
        except OutOfRange:
            raise self.error(f"i{bits} constant out of range") from None
        if value is None:
            raise self.error(f"unknown operator {self.t[self.i]}")
        return value

    def imm_memarg(self, op):
        memory = self.opt_index("memory") or 0
        align, offset = self.memarg(op, memory)
        return (align, offset, memory)

    def imm_memarg_lane(self, op):
        memory = None
        kind = self.k[self.i]
        if kind == ID or (kind == ATOM and self.t[self.i][:1].isdigit()):
            # a memory index is present only if a lane index follows (possibly after a memarg)
            j = self.i + 1
            while self.k[j] == ATOM and self.t[j].startswith(("offset=", "align=")):
                j += 1
            if self.k[j] == ATOM and self.t[j][:1].isdigit():
                memory = self.index("memory")
        memory = memory or 0
        align, offset = self.memarg(op, memory)
        return (align, offset, memory, self.lane_index())

    def lane_index(self) -> int:
        i = self.i
        if self.k[i] != ATOM:
            raise self.unexpected("a lane index")
        try:
            value = parse_unsigned(self.t[i], 8)
        except OutOfRange:      # the 3.0 testsuite words it as a literal range error
            raise self.error("i8 constant out of range" if self.wasm3 else "malformed lane index",
                             i) from None
        if value is None:
            raise self.literal_error("a lane index", i)
        self.i += 1
        return value

    def imm_lane(self, op):
        return (self.lane_index(),)

    def imm_shuffle(self, op):
        lanes = []
        # In flat text the next instruction follows the 16th lane: read a 17th only if it
        # looks like a number, so that too many lanes still gives "invalid lane length".
        while self.k[self.i] == ATOM and (len(lanes) < 16 or (
                len(lanes) == 16 and self.t[self.i][:1] in "0123456789+-")):
            i = self.i
            try:
                value = parse_unsigned(self.t[i], 8)
            except OutOfRange:
                if self.wasm3:
                    raise self.error("i8 constant out of range", i) from None
                value = None
            if value is None:
                if self.wasm3:      # the 3.0 testsuite words every bad shuffle lane this way
                    raise self.error("i8 constant out of range", i)
                raise self.error("malformed lane index", i)
            lanes.append(value)
            self.i += 1
        if len(lanes) != 16:
            raise self.error("invalid lane length")
        return (tuple(lanes),)

    def imm_memory_init(self, op):
        self.uses_data_index = True
        if self.two_indices():
            memory = self.index("memory")
            return (self.index("data"), memory)
        return (self.index("data"), 0)

    def two_indices(self) -> bool:
        """Whether the next two tokens are both indices (the optional first one is present)."""
        k, t, i = self.k, self.t, self.i
        return all(k[j] == ID or (k[j] == ATOM and t[j][:1].isdigit()) for j in (i, i + 1))

    def imm_data(self, op):
        self.uses_data_index = True
        return (self.index("data"),)

    def imm_memory_copy(self, op):
        dst = self.opt_index("memory")
        if dst is None:
            return (0, 0)
        return (dst, self.index("memory"))

    def imm_table_init(self, op):
        if self.two_indices():
            table = self.index("table")
            return (self.index("elem"), table)
        return (self.index("elem"), 0)

    def imm_elem(self, op):
        return (self.index("elem"),)

    def imm_table_copy(self, op):
        dst = self.opt_index("table")
        if dst is None:
            return (0, 0)
        return (dst, self.index("table"))

    def imm_i32(self, op):
        return (self.number(32, False),)

    def imm_i64(self, op):
        return (self.number(64, False),)

    def imm_f32(self, op):
        return (self.number(32, True),)

    def imm_f64(self, op):
        return (self.number(64, True),)

    def imm_select_t(self, op):
        """`select (result t*)*` (the keyword is `select`; see `instr`)."""
        types: list[ValType] = []
        while self.at_group("result"):
            self.i += 2
            while self.k[self.i] != RPAR:
                types.append(self.valtype())
            self.rpar()
        return (tuple(types),)

    def imm_reftype(self, op):
        return (self.heaptype(),)

    # 3.0 immediates
    def imm_type(self, op):
        return (self.index("type"),)

    def imm_tag(self, op):
        return (self.index("tag"),)

    def imm_type_type(self, op):
        return (self.index("type"), self.index("type"))

    def imm_struct_field(self, op):
        type_index = self.index("type")
        i = self.i
        if self.k[i] == ID:
            field = self.field_names.get(type_index, {}).get(self.id_name(i))
            if field is None:
                raise self.error(f"unknown field {self.t[i]}", i)
            self.i += 1
            return (type_index, field)
        return (type_index, self.u32("a field index"))

    def imm_array_fixed(self, op):
        return (self.index("type"), self.u32("an element count"))

    def imm_type_data(self, op):
        self.uses_data_index = True
        return (self.index("type"), self.index("data"))

    def imm_type_elem(self, op):
        return (self.index("type"), self.index("elem"))

    def imm_cast(self, op):
        return (self.reftype(),)

    def imm_br_on_cast(self, op):
        label = self.label()
        return (label, self.reftype(), self.reftype())

    def imm_v128(self, op):
        return (self.v128_literal(),)

    def v128_literal(self) -> int:
        shape = self.t[self.i] if self.k[self.i] == ATOM else None
        if shape not in V128_SHAPES:
            raise self.unexpected("a v128 shape (i8x16 i16x8 i32x4 i64x2 f32x4 f64x2)")
        self.i += 1
        count, bits, is_float = V128_SHAPES[shape]
        if any(self.k[j] != ATOM for j in range(self.i, self.i + count)):
            raise self.error("wrong number of lane literals")
        value = 0
        for lane in range(count):
            value |= self.number(bits, is_float) << (lane * bits)
        return value


_IMM_READERS = {
    Imm.NONE: ModuleParser.imm_none,
    Imm.LABEL: ModuleParser.imm_label,
    Imm.BR_TABLE: ModuleParser.imm_br_table,
    Imm.FUNC: ModuleParser.imm_func,
    Imm.CALL_INDIRECT: ModuleParser.imm_call_indirect,
    Imm.LOCAL: ModuleParser.imm_local,
    Imm.GLOBAL: ModuleParser.imm_global,
    Imm.TABLE: ModuleParser.imm_table,
    Imm.MEMARG: ModuleParser.imm_memarg,
    Imm.MEMORY: ModuleParser.imm_memory,
    Imm.MEMORY_INIT: ModuleParser.imm_memory_init,
    Imm.DATA: ModuleParser.imm_data,
    Imm.MEMORY_COPY: ModuleParser.imm_memory_copy,
    Imm.TABLE_INIT: ModuleParser.imm_table_init,
    Imm.ELEM: ModuleParser.imm_elem,
    Imm.TABLE_COPY: ModuleParser.imm_table_copy,
    Imm.I32: ModuleParser.imm_i32,
    Imm.I64: ModuleParser.imm_i64,
    Imm.F32: ModuleParser.imm_f32,
    Imm.F64: ModuleParser.imm_f64,
    Imm.SELECT_T: ModuleParser.imm_select_t,
    Imm.REFTYPE: ModuleParser.imm_reftype,
    Imm.V128: ModuleParser.imm_v128,
    Imm.SHUFFLE: ModuleParser.imm_shuffle,
    Imm.LANE: ModuleParser.imm_lane,
    Imm.MEMARG_LANE: ModuleParser.imm_memarg_lane,
    Imm.TYPE: ModuleParser.imm_type,
    Imm.TAG: ModuleParser.imm_tag,
    Imm.TYPE_TYPE: ModuleParser.imm_type_type,
    Imm.STRUCT_FIELD: ModuleParser.imm_struct_field,
    Imm.ARRAY_FIXED: ModuleParser.imm_array_fixed,
    Imm.TYPE_DATA: ModuleParser.imm_type_data,
    Imm.TYPE_ELEM: ModuleParser.imm_type_elem,
    Imm.CAST: ModuleParser.imm_cast,
    Imm.BR_ON_CAST: ModuleParser.imm_br_on_cast,
}
