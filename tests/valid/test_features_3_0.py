"""WebAssembly 3.0 validation: every module of the scoped 3.0 testsuite files, as wasm-tools
assembles it, decodes and validates under `WASM3`, and every `assert_invalid` / binary
`assert_malformed` module is rejected with the testsuite's message (prefix).  Plus unit tests of
the rules that are easy to get subtly wrong: subtyping, iso-recursive type equivalence,
non-defaultable locals, constant expressions, and that 2.0 stays 2.0."""

from __future__ import annotations

import pytest

from pywasm_core import syntax
from pywasm_core.binary import decode_module
from pywasm_core.errors import DecodeError, ValidationError, WasmError
from pywasm_core.features import WASM2, WASM3, Features
from pywasm_core.opcodes import Op
from pywasm_core.text import parse_module
from pywasm_core.types import (FUNCREF, I32, ArrayType, FieldType, FuncType, RefType, StructType,
                               SubType)
from pywasm_core.valid import validate_module
from pywasm_core.valid.validate import TypeSystem, matches

from .suite3 import commands, scope


def _check_file(rel: str) -> tuple[int, list]:
    checked, failures = 0, []
    for cmd in commands(rel):
        path = cmd.get("path")
        if path is None or path.suffix != ".wasm":
            continue
        expect = cmd["text"] if cmd["type"] in ("assert_invalid", "assert_malformed") else None
        try:
            validate_module(decode_module(path.read_bytes(), features=WASM3), WASM3)
            got = None
        except (DecodeError, ValidationError) as error:
            got = str(error)
        ok = got is None if expect is None else got is not None and got.startswith(expect)
        checked += 1
        if not ok:
            failures.append((cmd["line"], cmd["type"], expect, got))
    return checked, failures


@pytest.mark.parametrize("rel", scope())
def test_testsuite_file(rel):
    _, failures = _check_file(rel)       # files of text-only commands check nothing here
    assert failures == []


# --- subtyping and type equivalence -------------------------------------------------------------

def _module(text: str) -> syntax.Module:
    return parse_module(text, wasm3=True)


def _valid(text: str) -> None:
    validate_module(_module(text), WASM3)


def _invalid(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        _valid(text)
    assert str(info.value).startswith(message)


def test_abstract_heap_type_hierarchy():
    any_, eq, i31, none = (RefType(True, h) for h in ("any", "eq", "i31", "none"))
    assert matches(i31, eq) and matches(eq, any_) and matches(none, i31)
    assert not matches(any_, eq)
    assert not matches(RefType(True, "i31"), RefType(False, "i31"))      # null does not fit
    assert matches(RefType(False, "nofunc"), FUNCREF)
    assert not matches(RefType(True, "noextern"), FUNCREF)               # other hierarchy
    assert matches(RefType(False, "noexn"), RefType(True, "exn"))


def test_iso_recursive_equivalence():
    func = FuncType((), ())
    # two identical singleton groups are the same type; a group of two is a different one
    subs = [SubType(True, (), func), SubType(True, (), func),
            SubType(True, (), func), SubType(True, (), StructType())]
    ts = TypeSystem(subs, [1, 1, 2])
    assert ts.canon[0] == ts.canon[1]
    assert ts.canon[0] != ts.canon[2]
    assert ts.sub(RefType(False, 0), RefType(True, 1))
    assert not ts.sub(RefType(False, 0), RefType(True, 2))


def test_recursive_types_compare_structurally():
    _valid("""
      (rec (type $l1 (struct (field (ref null $l1)))))
      (rec (type $l2 (struct (field (ref null $l2)))))
      (func (param (ref $l1)) (result (ref $l2)) (local.get 0))""")
    _invalid("""
      (rec (type $a (struct (field i32))) (type $b (struct)))
      (rec (type $c (struct (field i32))))
      (func (param (ref $a)) (result (ref $c)) (local.get 0))""", "type mismatch")


def test_declared_subtypes():
    _valid("""
      (type $p (sub (struct (field i32))))
      (type $c (sub $p (struct (field i32) (field i64))))
      (func (param (ref $c)) (result (ref $p)) (local.get 0))""")
    _invalid("(type $p (struct)) (type $c (sub $p (struct)))", "sub type")       # final parent
    _invalid("(type $p (sub (struct (field (mut i32))))) (type (sub $p (struct (field i32))))",
             "sub type")
    _invalid("(type $p (sub (func (param i32)))) (type (sub $p (func (param i64))))", "sub type")


def test_struct_and_array_rules():
    _invalid("(type $s (struct (field i32))) (func (param (ref $s)) (struct.set $s 0 "
             "(local.get 0) (i32.const 1)))", "immutable field")
    _invalid("(type $a (array i8)) (func (param (ref $a)) (result i32) "
             "(array.get $a (local.get 0) (i32.const 0)))", "type mismatch")      # packed
    _valid("(type $a (array i8)) (func (param (ref $a)) (result i32) "
           "(array.get_u $a (local.get 0) (i32.const 0)))")
    _invalid("(type $a (array (ref any))) (func (result (ref $a)) "
             "(array.new_default $a (i32.const 1)))", "type mismatch")    # not defaultable
    _invalid("(type $a (array (mut anyref))) (data) (func (drop (array.new_data $a 0 "
             "(i32.const 0) (i32.const 0))))", "array type is not numeric or vector")


def test_non_defaultable_locals():
    _invalid("(func (local (ref func)) (drop (local.get 0)))", "uninitialized local")
    _valid("(func (local (ref func)) (local.set 0 (ref.func 0)) (drop (local.get 0)))"
           " (elem declare func 0)")
    # an initialisation inside a block ends with the block
    _invalid("(func (local (ref func)) (block (local.set 0 (ref.func 0))) (drop (local.get 0)))"
             " (elem declare func 0)", "uninitialized local")
    _valid("(func (param (ref func)) (drop (local.get 0)))")          # parameters are set


def test_typed_function_references():
    _valid("(type $t (func (result i32))) (func $f (type $t) (i32.const 1)) (elem declare func $f)"
           " (func (result i32) (call_ref $t (ref.func $f)))")
    _invalid("(type $t (func (result i32))) (func (param funcref) (result i32) "
             "(call_ref $t (local.get 0)))", "type mismatch")
    _valid("(func (param funcref) (result (ref func)) (block (br_on_null 0 (local.get 0)) "
           "(return)) (unreachable))")


def test_tail_calls_check_the_callers_results():
    _valid("(func $f (result i32) (i32.const 1)) (func (result i32) (return_call $f))")
    _invalid("(func $f (result i64) (i64.const 1)) (func (result i32) (return_call $f))",
             "type mismatch")


def test_exceptions():
    _valid("(tag $e (param i32)) (func (result i32) (block $h (result i32) "
           "(try_table (catch $e $h) (throw $e (i32.const 1))) (i32.const 0)))")
    _invalid("(tag $e (param i32)) (func (block $h (try_table (catch $e $h))))", "type mismatch")
    _invalid("(tag (result i32))", "non-empty tag result type")
    _valid("(func (result exnref) (block $h (result exnref) (try_table (catch_all_ref $h)) "
           "(unreachable)))")


def test_extended_constant_expressions():
    _valid("(global $a i32 (i32.const 1)) (global i32 (i32.add (global.get $a) (i32.const 2)))")
    _invalid("(global $a (mut i32) (i32.const 1)) (global i32 (global.get $a))",
             "constant expression required")
    _invalid("(global i32 (global.get 1)) (global i32 (i32.const 0))", "unknown global")
    with pytest.raises(ValidationError):     # 2.0 has none of it
        validate_module(_module("(global $a i32 (i32.const 1)) (global i32 (global.get $a))"))


def test_memory64_and_multi_memory():
    _valid("(memory i64 1) (func (param i64) (result i32) (i32.load (local.get 0)))")
    _invalid("(memory i64 1) (func (param i32) (result i32) (i32.load (local.get 0)))",
             "type mismatch")
    _invalid("(memory 1) (func (drop (i32.load offset=0x1_0000_0000 (i32.const 0))))",
             "offset out of range")
    _valid("(memory 1) (memory $m 1) (func (drop (i32.load $m (i32.const 0))))")


def test_2_0_features_stay_2_0():
    gc = _module("(type $s (struct)) (func (drop (struct.new $s)))")
    with pytest.raises(ValidationError):
        validate_module(gc)                                         # WASM2 by default
    validate_module(gc, WASM3)
    # the decoder, too, only reads 3.0 encodings when asked to
    binary = bytes.fromhex("0061736d01000000" "010301" "5f00")       # (type (struct))
    with pytest.raises(DecodeError):
        decode_module(binary)
    assert isinstance(decode_module(binary, features=WASM3).types[0], StructType)


def test_features_are_independent_switches():
    only_gc = Features(gc=True, typed_refs=True)
    module = _module("(tag) (func (throw 0))")
    with pytest.raises(WasmError):
        validate_module(module, only_gc)
    validate_module(module, WASM3)
    assert WASM2.names() == frozenset() and "gc" in WASM3.names()
    assert not WASM3.legacy_exceptions


def test_field_types():
    assert FieldType("i8").unpacked is I32 and FieldType("i8").is_packed
    assert ArrayType(FieldType(I32, True)).field.mutable


# --- property: arbitrary 3.0 code never leaks a Python error ------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

from pywasm_core.features import WASM3_LEGACY  # noqa: E402
from pywasm_core.opcodes import INFO, Imm  # noqa: E402
from pywasm_core.types import (EXTERNREF, F64, I64, V128, GlobalType, Limits,  # noqa: E402
                               MemoryType, TableType, TagType)

_HEAPS = st.one_of(st.sampled_from(["any", "eq", "i31", "struct", "array", "none", "func",
                                    "nofunc", "extern", "noextern", "exn", "noexn"]),
                   st.integers(0, 6))
_REFS = st.builds(RefType, st.booleans(), _HEAPS)
_VALS = st.one_of(st.sampled_from((I32, I64, F64, V128)), _REFS)
_SMALL = st.integers(0, 5)


def _imm3(kind):
    catch = st.tuples(st.integers(0, 3), st.one_of(st.none(), _SMALL), _SMALL)
    return {
        Imm.NONE: st.just(()), Imm.LABEL: st.tuples(_SMALL), Imm.FUNC: st.tuples(_SMALL),
        Imm.BLOCK: st.tuples(st.one_of(st.none(), _VALS, _SMALL)),
        Imm.BR_TABLE: st.tuples(st.lists(_SMALL, max_size=3).map(tuple), _SMALL),
        Imm.CALL_INDIRECT: st.tuples(_SMALL, st.integers(0, 2)), Imm.LOCAL: st.tuples(_SMALL),
        Imm.GLOBAL: st.tuples(_SMALL), Imm.TABLE: st.tuples(_SMALL),
        Imm.MEMARG: st.tuples(st.integers(0, 5), st.integers(0, 2**33), st.integers(0, 2)),
        Imm.MEMORY: st.tuples(st.integers(0, 2)), Imm.MEMORY_INIT: st.tuples(_SMALL, _SMALL),
        Imm.DATA: st.tuples(_SMALL), Imm.MEMORY_COPY: st.tuples(_SMALL, _SMALL),
        Imm.TABLE_INIT: st.tuples(_SMALL, _SMALL), Imm.ELEM: st.tuples(_SMALL),
        Imm.TABLE_COPY: st.tuples(_SMALL, _SMALL), Imm.I32: st.just((0,)), Imm.I64: st.just((0,)),
        Imm.F32: st.just((0,)), Imm.F64: st.just((0,)), Imm.V128: st.just((0,)),
        Imm.SELECT_T: st.tuples(st.lists(_VALS, max_size=2).map(tuple)),
        Imm.REFTYPE: st.tuples(_REFS.map(lambda t: t.with_nullable(True))),
        Imm.SHUFFLE: st.just((tuple(range(16)),)), Imm.LANE: st.tuples(st.integers(0, 20)),
        Imm.MEMARG_LANE: st.tuples(st.integers(0, 5), _SMALL, st.integers(0, 2), _SMALL),
        Imm.TAG: st.tuples(_SMALL), Imm.TYPE: st.tuples(st.integers(0, 7)),
        Imm.TYPE_TYPE: st.tuples(_SMALL, _SMALL), Imm.STRUCT_FIELD: st.tuples(_SMALL, _SMALL),
        Imm.ARRAY_FIXED: st.tuples(_SMALL, _SMALL), Imm.TYPE_DATA: st.tuples(_SMALL, _SMALL),
        Imm.TYPE_ELEM: st.tuples(_SMALL, _SMALL), Imm.CAST: st.tuples(_REFS),
        Imm.BR_ON_CAST: st.tuples(_SMALL, _REFS, _REFS),
        Imm.TRY_TABLE: st.tuples(st.one_of(st.none(), _VALS, _SMALL),
                                 st.lists(catch, max_size=3).map(tuple)),
    }[kind]


_INSTR = st.sampled_from(sorted(INFO)).flatmap(
    lambda op: _imm3(INFO[op].imm).map(lambda imm: syntax.Instr(op, imm)))
_FIELD = st.builds(FieldType, st.one_of(st.sampled_from(["i8", "i16"]), _VALS), st.booleans())
_COMPOSITE = st.one_of(st.builds(FuncType, st.lists(_VALS, max_size=2), st.lists(_VALS, max_size=2)),
                       st.builds(StructType, st.lists(_FIELD, max_size=3)),
                       st.builds(ArrayType, _FIELD))
_SUBTYPE = st.builds(SubType, st.booleans(), st.lists(st.integers(0, 6), max_size=2).map(tuple),
                     _COMPOSITE)


@settings(max_examples=300, deadline=None)
@given(subtypes=st.lists(_SUBTYPE, min_size=1, max_size=5), body=st.lists(_INSTR, max_size=12),
       local=_VALS, groups=st.lists(st.integers(1, 3), max_size=3))
def test_arbitrary_3_0_modules_raise_only_validation_errors(subtypes, body, local, groups):
    subtypes = [SubType(True, (), FuncType((), ()))] + subtypes
    sizes = []
    for size in [1] + groups:
        if sum(sizes) + size <= len(subtypes):
            sizes.append(size)
    sizes += [1] * (len(subtypes) - sum(sizes))
    end = syntax.Instr(Op.END)
    module = syntax.Module(
        types=[s.composite for s in subtypes], subtypes=subtypes, rec_groups=sizes,
        funcs=[syntax.Func(0, [local], body + [end])],
        tables=[TableType(FUNCREF, Limits(1)), TableType(EXTERNREF, Limits(1), True)],
        table_inits=[None, None], memories=[MemoryType(Limits(1)), MemoryType(Limits(1), True)],
        tags=[TagType(0)], globals=[syntax.Global(GlobalType(I64, True),
                                                  [syntax.Instr(Op.I64_CONST, (0,)), end])],
        elems=[syntax.Elem(FUNCREF, [], "passive")], datas=[syntax.Data(b"", "passive")],
        data_count=1)
    try:
        validate_module(module, WASM3_LEGACY)
    except ValidationError:
        pass
