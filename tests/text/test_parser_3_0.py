"""WebAssembly 3.0 text format: every scoped 3.0 testsuite file (and the legacy exception files)
parses with `wasm3=True`; every text module encodes to a binary that decodes equal to what
wasm-tools assembles from the same text; `assert_malformed` quotes are rejected and
`assert_invalid` modules fail validation, both with the testsuite's message (prefix).

Where our text differs from wasm-tools on purpose: an implicit function type use names the first
type whose definition is `(rec (sub final (func ...)))` exactly as the spec's abbreviation rule
says.  wasm-tools skips explicit singleton `rec` groups and accepts non-final `sub` types there
(type-rec.wast, type-subtyping.wast).  For those modules the test checks that the only difference
is the choice of the implicit type: the same structure, up to the `final` flag of the type
wasm-tools picks."""

from __future__ import annotations

import pytest

from pywasm_core.binary import decode_module
from pywasm_core.binary.encode import encode_module
from pywasm_core.errors import ParseError, ValidationError, WasmError
from pywasm_core.features import WASM3, WASM3_LEGACY
from pywasm_core.opcodes import Op
from pywasm_core.script.commands import AssertModule, AssertTrap, ModuleCmd
from pywasm_core.text import parse_module, parse_script
from pywasm_core.types import FuncType, RefType, StructType, SubType
from pywasm_core.valid import validate_module
from pywasm_core.valid.validate import TypeSystem

from tests.valid.suite3 import SUITE, commands, normalized, scope

# (file, line) of modules whose implicit type uses differ from wasm-tools (see the docstring)
IMPLICIT_TYPE_CHOICE = {("3.0/type-rec.wast", 45), ("3.0/type-rec.wast", 185),
                        ("3.0/type-rec.wast", 197), ("3.0/type-subtyping.wast", 344),
                        ("3.0/type-subtyping.wast", 373)}


def _structure(module):
    """Type index -> a module-independent structural key (recursion groups expanded)."""
    ts = TypeSystem([module.subtype(i) for i in range(len(module.types))], module.type_groups())
    groups = {gid: key for key, gid in ts._groups.items()}

    def expand(value):
        if isinstance(value, tuple):
            if len(value) == 2 and value[0] == "canon":
                gid, index = value[1]
                return ("group", expand(groups[gid]), index)
            return tuple(expand(v) for v in value)
        return value

    return [expand(("canon", canon)) for canon in ts.canon]


def _ignoring_finality(key):
    """A function type's structural key with the `final` flag of its own group left out (the
    wasm-tools choice in type-subtyping.wast is a non-final `sub` type)."""
    _, group, index = key
    return tuple((supers, comp) for _, supers, comp in group), index


def _same_up_to_implicit_types(mine, theirs) -> bool:
    keys_mine, keys_theirs = _structure(mine), _structure(theirs)
    if [_ignoring_finality(keys_mine[f.type_index]) for f in mine.funcs] != \
            [_ignoring_finality(keys_theirs[f.type_index]) for f in theirs.funcs]:
        return False
    mine, theirs = normalized(mine), normalized(theirs)
    for m in (mine, theirs):
        for f in m.funcs:
            f.type_index = None
        m.types, m.subtypes, m.rec_groups = [], [], []
    return mine == theirs


def _by_line(rel: str) -> dict[int, dict]:
    result = {}
    for cmd in commands(rel) or ():
        result.setdefault(cmd["line"], cmd)
    return result


def _check_file(rel: str) -> list:
    features = WASM3_LEGACY if "/legacy/" in rel else WASM3
    text = (SUITE / rel).read_bytes().decode("utf-8", errors="surrogateescape")
    script = parse_script(text, rel, wasm3=True)
    reference = _by_line(rel)
    failures = []
    for cmd in script.commands:
        kind, expect, source = "module", None, None
        if isinstance(cmd, ModuleCmd):
            source = cmd.source
        elif isinstance(cmd, AssertModule):     # unlinkable/uninstantiable ones are valid
            kind, source = cmd.kind, cmd.module
            expect = cmd.text if kind in ("invalid", "malformed") else None
        elif isinstance(cmd, AssertTrap) and cmd.module is not None:
            source = cmd.module
        if source is None or source.kind == "binary":
            continue
        try:
            module = source.text if source.kind == "text" else \
                parse_module(source.quote, wasm3=True)
            binary = encode_module(module)
            validate_module(module, features)
            got = None
            ref = reference.get(cmd.line)
            if kind in ("module", "unlinkable", "uninstantiable") and ref is not None \
                    and ref.get("path") is not None and ref["path"].suffix == ".wasm":
                theirs = decode_module(ref["path"].read_bytes(), features=features)
                mine = decode_module(binary, features=features)
                if normalized(mine) != normalized(theirs):
                    same = (rel, cmd.line) in IMPLICIT_TYPE_CHOICE and \
                        _same_up_to_implicit_types(mine, theirs)
                    got = None if same else "differs from wasm-tools"
        except (ParseError, ValidationError) as error:
            got = str(error)
        if expect is None:
            ok = got is None
        else:
            ok = got is not None and got.startswith(expect)
        if not ok:
            failures.append((cmd.line, kind, expect, got))
    return failures


@pytest.mark.parametrize("rel", scope() + scope(legacy=True))
def test_testsuite_file(rel):
    assert _check_file(rel) == []


def test_annotations_may_hold_reserved_tokens():
    module = parse_module('(module (@a , ; ] [ }} }x{ ({) ,{{};}] ;) (@a (@) (@ x)) (func))',
                          wasm3=True)
    assert len(module.funcs) == 1
    with pytest.raises(ParseError, match="empty annotation id"):
        parse_module('(@"") (module)', wasm3=True)


# --- unit tests ---------------------------------------------------------------------------------

def test_types_may_refer_forward_and_recursively():
    """Identifiers are bound before any type is parsed; the validator then allows forward
    references only inside a recursion group."""
    module = parse_module("""
      (rec (type $a (struct (field (ref null $b))))
           (type $b (sub (struct (field $x (mut i64))))))
      (rec (type $l (struct (field (ref null $l)))))
      (func (param (ref $b)) (result i64) (struct.get $b $x (local.get 0)))""", wasm3=True)
    assert module.types[0] == StructType([module.types[0].fields[0]])
    assert module.types[0].fields[0].storage == RefType(True, 1)
    assert module.subtypes[1].final is False
    assert module.rec_groups == [2, 1, 1]         # the func's implicit type comes last
    assert module.funcs[0].body[1].imm == (1, 0)
    validate_module(module, WASM3)


def test_implicit_type_follows_the_spec_rule():
    module = parse_module("(rec (type $t (func))) (type (sub (func))) (func)", wasm3=True)
    assert module.funcs[0].type_index == 0
    module = parse_module("(type (sub (func))) (func)", wasm3=True)
    assert module.funcs[0].type_index == 1 and module.subtypes[1] == SubType(True, (), FuncType((), ()))


def test_try_table_catch_labels_resolve_outside_the_block():
    module = parse_module("""
      (tag $e) (func (block $out (try_table $in (catch $e $out) (catch_all 0) (br $in))))""",
                          wasm3=True)
    try_table = next(i for i in module.funcs[0].body if i.op == Op.TRY_TABLE)
    assert try_table.imm == (None, ((0, 0, 0), (2, None, 0)))


def test_legacy_try_forms():
    folded = parse_module("(tag $e) (func (try (do (nop)) (catch $e) (catch_all)))", wasm3=True)
    flat = parse_module("(tag $e) (func try nop catch $e catch_all end)", wasm3=True)
    assert normalized(folded).funcs == normalized(flat).funcs
    delegate = parse_module("(func (block $l (try (do) (delegate $l))))", wasm3=True)
    assert [i.op for i in delegate.funcs[0].body][:3] == [Op.BLOCK, Op.TRY, Op.DELEGATE]
    assert delegate.funcs[0].body[2].imm == (0,)
    validate_module(delegate, WASM3_LEGACY)


def test_2_0_wording_and_limits_stay_without_wasm3():
    with pytest.raises(ParseError, match="i32 constant out of range"):
        parse_module("(memory 0x1_0000_0000)")
    module = parse_module("(memory 0x1_0000_0000)", wasm3=True)
    with pytest.raises(ValidationError, match="memory size"):
        validate_module(module, WASM3)


def test_unknown_field_and_type_names_are_parse_errors():
    with pytest.raises(ParseError, match="unknown field"):
        parse_module("(type $s (struct)) (func (param (ref $s)) (drop (struct.get $s $f "
                     "(local.get 0))))", wasm3=True)
    with pytest.raises(ParseError, match="unknown type"):
        parse_module("(func (param (ref $nope)))", wasm3=True)
    with pytest.raises(WasmError):
        parse_module("(type $s (struct (field $a i32) (field $a i32)))", wasm3=True)
