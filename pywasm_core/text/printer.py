"""syntax.Module -> text: the canonical text format, as `wasm-tools print` writes it.

One module field per line; a function's instructions follow flat (not folded), indented by
nesting, with `;; label = @N` on each block and `(;@N;)` on each branch so targets are easy to
follow, and `(;=0.1;)` after each float constant so its value is easy to read.  Index comments
`(;N;)` sit on every definition.  Names from `module.names` become `$ids` when they are valid
identifiers and unique in their index space; otherwise the plain index is used.

Everything printed parses back to the same module: float constants are hex floats or
`nan:0x...` (exact bits, no decimal rounding), strings escape every byte outside printable ASCII,
and each element segment is written in the form (`func` indices or expressions) that encodes back
to the same binary form.  What the text format cannot say is lost: custom sections (unless
`custom_sections=True`, which writes them as `(@custom ...)` annotations that `wasm-tools parse`
reads), and a data count section that no instruction needs.

WebAssembly 3.0 modules print too (recursion groups, subtypes, struct/array types, tags, table
initialisers, typed references, exception handling), in the same wasm-tools layout.
"""

from __future__ import annotations

import struct

from ..opcodes import CLOSERS, INFO, MIDDLES, OPENERS, Imm, Op
from ..syntax import Data, Elem, Func, Instr, Module
from ..types import (FUNCREF, ArrayType, FieldType, FuncType, GlobalType, MemoryType, RefType,
                     StructType, TableType, ValType)

__all__ = ["print_module", "instr_text", "f32_text", "f64_text", "string_literal", "is_id"]

INDENT = "  "

# Characters allowed in an identifier after `$` (spec 6.3.5).
_IDCHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "!#$%&'*+-./:<=>?@\\^_`|~")

# Where `(@custom ...)` goes, by the id of the section it follows (`Custom.after`).
_CUSTOM_PLACE = {0: "(before first)", 1: "(after type)", 2: "(after import)", 3: "(after func)",
                 4: "(after table)", 5: "(after memory)", 13: "(after tag)", 6: "(after global)",
                 7: "(after export)", 8: "(after start)", 9: "(after elem)",
                 12: "(before code)", 10: "(after code)", 11: "(after data)"}

# Instructions that open a label, that separate parts of one (else, legacy catch), that close one.
_OPENERS, _MIDDLES, _CLOSERS = OPENERS, MIDDLES, CLOSERS
_BRANCHES = frozenset(op for op in (Op.BR, Op.BR_IF, getattr(Op, "BR_ON_NULL", None),
                                    getattr(Op, "BR_ON_NON_NULL", None),
                                    getattr(Op, "BR_ON_CAST", None),
                                    getattr(Op, "BR_ON_CAST_FAIL", None)) if op is not None)
_STRUCTURE = _OPENERS | _MIDDLES | _CLOSERS
_CATCH_KEYWORDS = ("catch", "catch_ref", "catch_all", "catch_all_ref")


# --- literals ----------------------------------------------------------------------------------

def is_id(text: object) -> bool:
    """Can `text` be written as `$text`?"""
    return isinstance(text, str) and text != "" and all(c in _IDCHARS for c in text)


def string_literal(data: bytes | str) -> str:
    """A quoted string literal; bytes outside printable ASCII (and `"`, `\\`) become `\\hh`."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    parts = ['"']
    for byte in data:
        if 0x20 <= byte < 0x7F and byte not in (0x22, 0x5C):
            parts.append(chr(byte))
        else:
            parts.append(f"\\{byte:02x}")
    parts.append('"')
    return "".join(parts)


def _float_text(bits: int, exp_bits: int, frac_bits: int) -> str:
    """An IEEE bit pattern as text that parses back to exactly those bits."""
    sign = "-" if bits >> (exp_bits + frac_bits) & 1 else ""
    exp_max = (1 << exp_bits) - 1
    exponent = bits >> frac_bits & exp_max
    fraction = bits & ((1 << frac_bits) - 1)
    if exponent == exp_max:
        if fraction == 0:
            return sign + "inf"
        if fraction == 1 << (frac_bits - 1):
            return sign + "nan"
        return f"{sign}nan:{fraction:#x}"
    if exponent == 0 and fraction == 0:
        return sign + "0x0p+0"
    bias = exp_max >> 1
    if exponent == 0:
        # Subnormal: written normalized (0x1.xxxp-149 rather than 0x0.000002p-126), as
        # wasm-tools does; the value, and so the bits, are the same.
        top = fraction.bit_length() - 1
        power = top + 1 - bias - frac_bits
        fraction = (fraction - (1 << top)) << (frac_bits - top)
    else:
        power = exponent - bias
    # Pad the fraction to whole hex digits, then drop trailing zeros.
    digits = (frac_bits + 3) // 4
    hex_fraction = f"{fraction << (digits * 4 - frac_bits):0{digits}x}".rstrip("0")
    dot = f".{hex_fraction}" if hex_fraction else ""
    return f"{sign}0x1{dot}p{power:+d}"


def f32_text(bits: int) -> str:
    return _float_text(bits & 0xFFFF_FFFF, 8, 23)


def f64_text(bits: int) -> str:
    return _float_text(bits & 0xFFFF_FFFF_FFFF_FFFF, 11, 52)


def _signed(value: int, bits: int) -> int:
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def _heap_type(t: ValType) -> str:
    """`ref.null` takes the heap type: `func`, `extern`, ... or a type index."""
    if isinstance(t, RefType):
        return str(t.heap)
    return t.name[:-3] if t.name.endswith("ref") else t.name


def _catch_text(clause) -> str:
    kind, tag, label = clause
    keyword = _CATCH_KEYWORDS[kind]
    return f" ({keyword} {tag} {label})" if kind < 2 else f" ({keyword} {label})"


# --- instructions ------------------------------------------------------------------------------

class _Refs:
    """How indices are written: `$name` where one is known, else the number."""

    def __init__(self, funcs: dict[int, str] | None = None, locals_: dict[int, str] | None = None,
                 types: list[FuncType] | None = None):
        self.funcs = funcs or {}
        self.locals = locals_ or {}
        self.types = types or []

    def func(self, index: int) -> str:
        name = self.funcs.get(index)
        return f"${name}" if name is not None else str(index)

    def local(self, index: int) -> str:
        name = self.locals.get(index)
        return f"${name}" if name is not None else str(index)


_NO_NAMES = _Refs()


def _memarg(info, align: int, offset: int, memory: int) -> str:
    text = f" {memory}" if memory else ""
    if offset:
        text += f" offset={offset}"
    if info.natural_align is None or align != info.natural_align:
        text += f" align={1 << align}"
    return text


def _block_type(bt, types: list[FuncType]) -> str:
    if bt is None:
        return ""
    if isinstance(bt, ValType):
        return f" (result {bt})"
    return " " + _type_use(bt, types)


def _type_use(type_index: int, types: list[FuncType]) -> str:
    """`(type N) (param ...) (result ...)`; the inline part only when type N exists."""
    text = f"(type {type_index})"
    if isinstance(type_index, int) and 0 <= type_index < len(types) and \
            isinstance(types[type_index], FuncType):
        ft = types[type_index]
        if ft.params:
            text += f" (param {' '.join(map(str, ft.params))})"
        if ft.results:
            text += f" (result {' '.join(map(str, ft.results))})"
    return text


def _immediates(ins: Instr, info, refs: _Refs) -> str:
    """The text after the instruction's name."""
    kind, imm = info.imm, ins.imm
    if kind is Imm.NONE:
        return ""
    if kind is Imm.BLOCK:
        return _block_type(imm[0], refs.types)
    if kind in (Imm.LABEL, Imm.GLOBAL, Imm.TABLE, Imm.DATA, Imm.ELEM, Imm.LANE):
        return f" {imm[0]}"
    if kind is Imm.BR_TABLE:
        return "".join(f" {label}" for label in (*imm[0], imm[1]))
    if kind is Imm.FUNC:
        return f" {refs.func(imm[0])}"
    if kind is Imm.CALL_INDIRECT:
        type_index, table = imm
        return (f" {table}" if table else "") + f" (type {type_index})"
    if kind is Imm.LOCAL:
        return f" {refs.local(imm[0])}"
    if kind is Imm.MEMARG:
        return _memarg(info, *imm[:3])
    if kind is Imm.MEMARG_LANE:
        return _memarg(info, *imm[:3]) + f" {imm[3]}"
    if kind is Imm.MEMORY:
        return f" {imm[0]}" if imm[0] else ""
    if kind is Imm.MEMORY_INIT:
        data, memory = imm
        return (f" {memory}" if memory else "") + f" {data}"
    if kind is Imm.TABLE_INIT:
        elem, table = imm
        return (f" {table}" if table else "") + f" {elem}"
    if kind in (Imm.MEMORY_COPY, Imm.TABLE_COPY):
        return f" {imm[0]} {imm[1]}" if imm[0] or imm[1] else ""
    if kind is Imm.I32:
        return f" {_signed(imm[0], 32)}"
    if kind is Imm.I64:
        return f" {_signed(imm[0], 64)}"
    if kind is Imm.F32:
        return f" {f32_text(imm[0])}"
    if kind is Imm.F64:
        return f" {f64_text(imm[0])}"
    if kind is Imm.SELECT_T:
        return " (result" + "".join(f" {t}" for t in imm[0]) + ")"
    if kind is Imm.REFTYPE:
        return f" {_heap_type(imm[0])}"
    if kind is Imm.V128:
        lanes = [imm[0] >> (32 * lane) & 0xFFFF_FFFF for lane in range(4)]
        return " i32x4" + "".join(f" {lane:#010x}" for lane in lanes)
    if kind is Imm.SHUFFLE:
        return "".join(f" {lane}" for lane in imm[0])
    return _immediates_3(kind, imm, refs)


def _immediates_3(kind: Imm, imm: tuple, refs: _Refs) -> str:
    """The WebAssembly 3.0 immediate kinds."""
    name = kind.name
    if name in ("TAG", "TYPE"):
        return f" {imm[0]}"
    if name in ("TYPE_TYPE", "STRUCT_FIELD", "ARRAY_FIXED", "TYPE_DATA", "TYPE_ELEM"):
        return f" {imm[0]} {imm[1]}"
    if name == "CAST":
        return f" {imm[0]}"
    if name == "BR_ON_CAST":
        return f" {imm[0]} {imm[1]} {imm[2]}"
    if name == "TRY_TABLE":
        return _block_type(imm[0], refs.types) + "".join(_catch_text(c) for c in imm[1])
    raise ValueError(f"no text form for immediate kind {kind}")


def instr_text(ins: Instr, refs: _Refs = _NO_NAMES) -> str:
    """One instruction in flat text form, without comments (`select_t` prints as `select`)."""
    info = INFO.get(ins.op)
    if info is None:
        raise ValueError(f"unknown opcode {ins.op!r}")
    name = "select" if ins.op == Op.SELECT_T else info.name
    try:
        return name + _immediates(ins, info, refs)
    except (IndexError, TypeError, ValueError) as exc:
        raise ValueError(f"cannot print {info.name} with immediate {ins.imm!r}: {exc}") from None


def _comment(ins: Instr, depth: int) -> str:
    """`(;@N;)` naming the block a branch targets (N counts nesting from the function, as the
    `;; label = @N` comments do); `(;=1.5;)` giving a float constant in decimal."""
    if ins.op in _BRANCHES and isinstance(ins.imm[0], int) and 0 <= ins.imm[0] <= depth:
        return f" (;@{depth - ins.imm[0]};)"
    if ins.op == Op.F32_CONST:
        return _decimal_comment(ins.imm[0], 8, 23)
    if ins.op == Op.F64_CONST:
        return _decimal_comment(ins.imm[0], 11, 52)
    return ""


def _decimal_comment(bits: int, exp_bits: int, frac_bits: int) -> str:
    """The shortest decimal that reads back as the same finite float (a reading aid only)."""
    exp_max = (1 << exp_bits) - 1
    if (bits >> frac_bits) & exp_max == exp_max:
        return ""
    if frac_bits == 52:
        return f" (;={struct.unpack('<d', struct.pack('<Q', bits))[0]!r};)"
    value = struct.unpack("<f", struct.pack("<I", bits))[0]     # exact: finite f32 -> double
    for digits in range(1, 10):
        text = f"{value:.{digits}g}"
        try:
            if struct.unpack("<f", struct.pack("<f", float(text)))[0] == value:
                return f" (;={float(text)!r};)"
        except OverflowError:                  # rounded past the largest f32
            continue
    return f" (;={value!r};)"


def code_lines(code: list[Instr], indent: int, refs: _Refs = _NO_NAMES) -> list[str]:
    """A function body as indented lines; the body's final `end` is implicit in text."""
    if code and code[-1].op == Op.END:
        code = code[:-1]
    lines = []
    depth = 0
    for ins in code:
        if ins.op in _CLOSERS or ins.op in _MIDDLES:
            level = max(depth - 1, 0)
            if ins.op in _CLOSERS:
                depth = level
            lines.append(INDENT * (indent + level) + instr_text(ins, refs))
            continue
        text = instr_text(ins, refs)
        if ins.op in _OPENERS:
            lines.append(INDENT * (indent + depth) + f"{text} ;; label = @{depth + 1}")
            depth += 1
        else:
            lines.append(INDENT * (indent + depth) + text + _comment(ins, depth))
    return lines


def expr_text(code: list[Instr], refs: _Refs = _NO_NAMES) -> str:
    """A constant expression on one line (no line comments), without its final `end`."""
    if code and code[-1].op == Op.END:
        code = code[:-1]
    return " ".join(instr_text(ins, refs) for ins in code)


# --- module fields -----------------------------------------------------------------------------

def _limits_text(is_64: bool, limits) -> str:
    text = "i64 " if is_64 else ""
    text += str(limits.min)
    if limits.max is not None:
        text += f" {limits.max}"
    return text


def table_type_text(t: TableType) -> str:
    return f"{_limits_text(t.is_64, t.limits)} {t.element}"


def memory_type_text(t: MemoryType) -> str:
    text = _limits_text(t.is_64, t.limits)
    if t.shared:
        text += " shared"
    if t.page_size_log2 != 16:
        text += f" (pagesize {1 << t.page_size_log2})"
    return text


def global_type_text(t: GlobalType) -> str:
    return f"(mut {t.content})" if t.mutable else str(t.content)


def _field_text(f: FieldType) -> str:
    return f"(mut {f.storage})" if f.mutable else str(f.storage)


def composite_text(t) -> str:
    """`(func ...)`, `(struct (field ...)*)` or `(array ...)`."""
    if isinstance(t, FuncType):
        parts = ["func"]
        if t.params:
            parts.append(f"(param {' '.join(map(str, t.params))})")
        if t.results:
            parts.append(f"(result {' '.join(map(str, t.results))})")
        return f"({' '.join(parts)})"
    if isinstance(t, StructType):
        return "(struct" + "".join(f" (field {_field_text(f)})" for f in t.fields) + ")"
    if isinstance(t, ArrayType):
        return f"(array {_field_text(t.field)})"
    raise ValueError(f"not a composite type: {t!r}")


def _unique_ids(names: dict[int, str], limit: int) -> dict[int, str]:
    """The names usable as `$ids`: valid, in range, first holder of each name wins."""
    out: dict[int, str] = {}
    seen: set[str] = set()
    for index in sorted(i for i in names if isinstance(i, int)):
        name = names[index]
        if 0 <= index < limit and is_id(name) and name not in seen:
            out[index] = name
            seen.add(name)
    return out


class _ModulePrinter:
    def __init__(self, module: Module, custom_sections: bool):
        self.module = module
        self.custom_sections = custom_sections
        self.lines: list[str] = []
        self.func_types = module.func_type_indices()
        self.func_names = _unique_ids(module.names.funcs, len(self.func_types))
        self.refs = _Refs(self.func_names, types=module.types)

    # helpers

    def field(self, text: str) -> None:
        self.lines.append(INDENT + text)

    def func_type(self, type_index) -> FuncType | None:
        types = self.module.types
        if isinstance(type_index, int) and 0 <= type_index < len(types) and \
                isinstance(types[type_index], FuncType):
            return types[type_index]
        return None                  # out of range or not a function type: invalid, print as is

    def local_names(self, func_index: int, count: int) -> dict[int, str]:
        return _unique_ids(self.module.names.locals.get(func_index, {}), count)

    @staticmethod
    def named_group(keyword: str, types, first: int, names: dict[int, str]) -> str:
        """`(param $a i32) (param i32 i64)`: named entries alone, unnamed ones grouped."""
        groups: list[str] = []
        run: list[str] = []
        for offset, t in enumerate(types):
            name = names.get(first + offset)
            if name is None:
                run.append(str(t))
                continue
            if run:
                groups.append(f"({keyword} {' '.join(run)})")
                run = []
            groups.append(f"({keyword} ${name} {t})")
        if run:
            groups.append(f"({keyword} {' '.join(run)})")
        return " ".join(groups)

    def signature(self, type_index, names: dict[int, str]) -> str:
        """`(type N) (param ...) (result ...)`, the params named when the names say so."""
        text = f"(type {type_index})"
        ft = self.func_type(type_index)
        if ft is not None:
            if ft.params:
                text += " " + self.named_group("param", ft.params, 0, names)
            if ft.results:
                text += f" (result {' '.join(map(str, ft.results))})"
        return text

    def id_and_index(self, name: str | None, index: int) -> str:
        return (f" ${name}" if name is not None else "") + f" (;{index};)"

    def name_annotation(self, name: str | None, as_id: str | None) -> str:
        """` (@name "...")` for a name the `$id` cannot carry (with `custom_sections`)."""
        if not self.custom_sections or name is None or name == as_id:
            return ""
        return f" (@name {string_literal(name)})"

    def customs_after(self, section_id: int | None) -> None:
        """The `(@custom ...)` annotations placed after `section_id` (None: those with an
        unknown placement, written last without one)."""
        if not self.custom_sections:
            return
        for custom in self.module.customs:
            if custom.name == "name":
                continue
            known = custom.after in _CUSTOM_PLACE
            if (section_id is None and not known) or (known and custom.after == section_id):
                place = f" {_CUSTOM_PLACE[custom.after]}" if known else ""
                self.field(f"(@custom {string_literal(custom.name)}{place} "
                           f"{string_literal(bytes(custom.data))})")

    # fields

    def types(self) -> None:
        m = self.module
        index = 0
        for size in m.type_groups():
            group = [self.type_def(x) for x in range(index, min(index + size, len(m.types)))]
            if size == 1:                        # a group of one is the plain form
                self.field(group[0])
            else:
                self.field("(rec" + ("" if group else ")"))
                if group:
                    self.lines.extend(INDENT * 2 + line for line in group)
                    self.field(")")
            index += size

    def type_def(self, index: int) -> str:
        sub = self.module.subtype(index)
        text = composite_text(sub.composite)
        if not (sub.final and not sub.supertypes):
            supers = "".join(f" {x}" for x in sub.supertypes)
            text = f"(sub{' final' if sub.final else ''}{supers} {text})"
        return f"(type (;{index};) {text})"

    def imports(self) -> None:
        counters = {"func": 0, "table": 0, "memory": 0, "global": 0, "tag": 0}
        for imp in self.module.imports:
            kind = imp.kind
            index = counters[kind]
            counters[kind] += 1
            if kind == "func":
                name = self.func_names.get(index)
                ft = self.func_type(imp.desc)
                names = self.local_names(index, len(ft.params) if ft else 0)
                desc = (f"(func{self.id_and_index(name, index)}"
                        f"{self.name_annotation(self.module.names.funcs.get(index), name)} "
                        f"{self.signature(imp.desc, names)})")
            elif kind == "tag":
                tag_name = self.name_annotation(self.module.names.tags.get(index), None)
                desc = f"(tag (;{index};){tag_name} {self.signature(imp.desc.type_index, {})})"
            elif kind == "table":
                desc = f"(table (;{index};) {table_type_text(imp.desc)})"
            elif kind == "memory":
                desc = f"(memory (;{index};) {memory_type_text(imp.desc)})"
            else:
                desc = f"(global (;{index};) {global_type_text(imp.desc)})"
            self.field(f"(import {string_literal(imp.module)} {string_literal(imp.name)} {desc})")

    def funcs(self) -> None:
        first = len(self.func_types) - len(self.module.funcs)
        for offset, func in enumerate(self.module.funcs):
            self.func(first + offset, func)

    def func(self, index: int, func: Func) -> None:
        ft = self.func_type(func.type_index)
        params = len(ft.params) if ft else 0
        names = self.local_names(index, params + len(func.locals))
        name = self.func_names.get(index)
        head = f"(func{self.id_and_index(name, index)}" \
               f"{self.name_annotation(self.module.names.funcs.get(index), name)} " \
               f"{self.signature(func.type_index, names)}"
        body = code_lines(func.body, 2, _Refs(self.func_names, names, self.module.types))
        if not func.locals and not body:
            self.field(head + ")")
            return
        self.field(head)
        if func.locals:
            self.lines.append(INDENT * 2 + self.named_group("local", func.locals, params, names))
        self.lines.extend(body)
        self.field(")")

    def tables(self) -> None:
        m = self.module
        first = len(m.all_tables()) - len(m.tables)
        for offset, t in enumerate(m.tables):
            init = m.table_inits[offset] if offset < len(m.table_inits) else None
            init_text = f" {expr_text(init, self.refs)}" if init is not None else ""
            self.field(f"(table (;{first + offset};) {table_type_text(t)}{init_text})")

    def tags(self) -> None:
        m = self.module
        first = len(m.all_tags()) - len(m.tags)
        for offset, t in enumerate(m.tags):
            name = self.name_annotation(m.names.tags.get(first + offset), None)
            self.field(f"(tag (;{first + offset};){name} {self.signature(t.type_index, {})})")

    def memories(self) -> None:
        first = len(self.module.all_memories()) - len(self.module.memories)
        for offset, t in enumerate(self.module.memories):
            self.field(f"(memory (;{first + offset};) {memory_type_text(t)})")

    def globals(self) -> None:
        first = len(self.module.all_globals()) - len(self.module.globals)
        for offset, g in enumerate(self.module.globals):
            init = expr_text(g.init, self.refs)
            self.field(f"(global (;{first + offset};) {global_type_text(g.type)}"
                       + (f" {init}" if init else "") + ")")

    def exports(self) -> None:
        for export in self.module.exports:
            index = self.refs.func(export.index) if export.kind == "func" else str(export.index)
            self.field(f"(export {string_literal(export.name)} ({export.kind} {index}))")

    def start(self) -> None:
        if self.module.start is not None:
            self.field(f"(start {self.refs.func(self.module.start)})")

    def folded(self, code: list[Instr] | None, keyword: str) -> str:
        """A constant expression in parentheses: folded `(i32.const 0)` when it is a single
        plain instruction, else `(offset ...)` / `(item ...)` around the flat instructions."""
        body = list(code or [])
        if body and body[-1].op == Op.END:
            body = body[:-1]
        if len(body) == 1 and body[0].op not in _STRUCTURE:
            return f"({instr_text(body[0], self.refs)})"
        return f"({keyword} {expr_text(body, self.refs)})"

    def elem(self, index: int, seg: Elem) -> None:
        parts = [f"(elem (;{index};)"]
        if seg.mode == "declarative":
            parts.append("declare")
        elif seg.mode == "active":
            if seg.table:
                parts.append(f"(table {seg.table})")
            parts.append(self.folded(seg.offset, "offset"))
        plain = all(len(e) == 2 and e[0].op == Op.REF_FUNC and e[1].op == Op.END
                    for e in seg.init)
        if seg.func_indices and seg.type is FUNCREF and plain:
            parts.append("func")
            parts.extend(self.refs.func(e[0].imm[0]) for e in seg.init)
        else:
            parts.append(str(seg.type))
            parts.extend(self.folded(e, "item") for e in seg.init)
        self.field(" ".join(parts) + ")")

    def data(self, index: int, seg: Data) -> None:
        parts = [f"(data (;{index};)"]
        if seg.mode == "active":
            if seg.memory:
                parts.append(f"(memory {seg.memory})")
            parts.append(self.folded(seg.offset, "offset"))
        parts.append(string_literal(bytes(seg.init)))
        self.field(" ".join(parts) + ")")

    def module_text(self) -> str:
        m = self.module
        module_name = m.names.module
        self.lines.append("(module" + (f" ${module_name}" if is_id(module_name) else "") +
                          self.name_annotation(module_name,
                                               module_name if is_id(module_name) else None))
        self.customs_after(0)
        # Fields go in binary section order so that (@custom (after X)) lands where it was.
        steps = [(1, self.types), (2, self.imports), (3, lambda: None), (4, self.tables),
                 (5, self.memories), (13, self.tags), (6, self.globals), (7, self.exports),
                 (8, self.start),
                 (9, lambda: [self.elem(i, s) for i, s in enumerate(m.elems)]),
                 (12, lambda: None), (10, self.funcs),
                 (11, lambda: [self.data(i, s) for i, s in enumerate(m.datas)])]
        for section_id, step in steps:
            step()
            self.customs_after(section_id)
        self.customs_after(None)
        if len(self.lines) == 1:
            return self.lines[0] + ")\n"          # an empty module: `(module)`
        self.lines.append(")")
        return "\n".join(self.lines) + "\n"


def print_module(module: Module, *, custom_sections: bool = False) -> str:
    """The module in canonical text form.

    `custom_sections=True` adds `(@custom ...)` annotations (the annotations proposal, which
    `wasm-tools parse` reads) for every custom section but `name`, whose content the `$ids` carry,
    and `(@name ...)` for module, function and tag names that no `$id` can carry.
    A syntax tree that is not well formed raises ValueError (validity is not required: indices
    out of range print as numbers).
    """
    try:
        return _ModulePrinter(module, custom_sections).module_text()
    except (AttributeError, IndexError, KeyError, OverflowError, TypeError) as exc:
        raise ValueError(f"cannot print module: {type(exc).__name__}: {exc}") from None
