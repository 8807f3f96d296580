"""The module parser: abbreviations, index spaces, instructions, and errors.

Structural assertions check what the parser builds; `same_as_wasm_tools` checks whole modules
against `wasm-tools parse` (the reference encoder) through our encoder and decoder.
"""

import subprocess

import pytest

from pywasm_core.errors import ParseError
from pywasm_core.opcodes import Op
from pywasm_core.syntax import Instr
from pywasm_core.text import parse_module
from pywasm_core.types import (EXTERNREF, F32, F64, FUNCREF, I32, I64, V128, FuncType, GlobalType,
                               Limits, MemoryType, TableType)

END = Instr(Op.END)


def body(wat, index=0):
    """(op, imm) pairs of a function body, without the final end."""
    module = parse_module(wat)
    return [(i.op, i.imm) for i in module.funcs[index].body[:-1]]


def parse_error(wat) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse_module(wat)
    return info.value


# ----------------------------------------------------------------------------- module structure

def test_module_wrapper_is_optional_and_names_module():
    assert parse_module("(module $m (func))").names.module == "m"
    assert len(parse_module("(func) (func)").funcs) == 2
    assert parse_module("").funcs == []


def test_inline_exports_and_imports():
    module = parse_module("""
      (func $imp (import "m" "f") (param i32))
      (table (import "m" "t") 1 funcref)
      (memory (import "m" "mem") 1 2)
      (global (import "m" "g") (mut i64))
      (func (export "a") (export "b"))
      (table $t (export "tab") 0 10 externref)
      (memory (export "mem") 3)
      (global $g (export "glob") f32 (f32.const 1))
    """)
    assert [(i.module, i.name, i.desc) for i in module.imports] == [
        ("m", "f", 0), ("m", "t", TableType(FUNCREF, Limits(1))),
        ("m", "mem", MemoryType(Limits(1, 2))), ("m", "g", GlobalType(I64, True))]
    assert [(e.name, e.kind, e.index) for e in module.exports] == [
        ("a", "func", 1), ("b", "func", 1), ("tab", "table", 1), ("mem", "memory", 1),
        ("glob", "global", 1)]
    assert module.tables == [TableType(EXTERNREF, Limits(0, 10))]
    assert module.globals[0].init == [Instr(Op.F32_CONST, (0x3F800000,)), END]
    assert module.names.funcs == {0: "imp"}


def test_export_field_resolves_identifiers():
    module = parse_module('(export "f" (func $f)) (func $x) (func $f) (export "g" (global 0))')
    assert [(e.name, e.kind, e.index) for e in module.exports] == [("f", "func", 1),
                                                                  ("g", "global", 0)]


def test_implicit_types_appended_in_order_after_explicit_ones():
    module = parse_module("""
      (func (param i32))
      (type $v (func))
      (func (result i32))
      (func (param i32))
      (func (type $v))
      (func (param f64) (result f64) (block (param f64) (result f64 f64) (unreachable)))
    """)
    assert module.types == [FuncType([], []), FuncType([I32], []), FuncType([], [I32]),
                            FuncType([F64], [F64]), FuncType([F64], [F64, F64])]
    assert [f.type_index for f in module.funcs] == [1, 2, 1, 0, 3]
    assert module.funcs[4].body[0] == Instr(Op.BLOCK, (4,))


def test_type_use_with_inline_params_names_them():
    module = parse_module("""
      (type $t (func (param i32 i64)))
      (func (type $t) (param $a i32) (param $b i64) (local $c f32)
        (drop (local.get $b)) (drop (local.get $c)))
    """)
    func = module.funcs[0]
    assert func.type_index == 0 and func.locals == [F32]
    assert [i.imm for i in func.body if i.op is Op.LOCAL_GET] == [(1,), (2,)]
    assert module.names.locals == {0: {0: "a", 1: "b", 2: "c"}}


def test_type_use_without_inline_params_counts_params_for_locals():
    func = parse_module("(type (func (param i32 i32))) (func (type 0) (local $x i64) "
                        "(drop (local.get $x)))").funcs[0]
    assert func.body[0] == Instr(Op.LOCAL_GET, (2,))


def test_inline_function_type_must_match():
    assert parse_error("(type $t (func (param i32))) (func (type $t) (param i64))") \
        .reason.startswith("inline function type")
    assert parse_error("(func (type 3) (param i32))").reason.startswith("unknown type")


def test_locals_multiple_anonymous():
    func = parse_module("(func (param i32 f32) (local i64 v128) (local $l externref))").funcs[0]
    assert func.locals == [I64, V128, EXTERNREF]


# ----------------------------------------------------------------------------- instructions

def test_folded_instructions_are_unfolded():
    assert body("(func (drop (i32.add (i32.const 1) (i32.mul (i32.const 2) (i32.const 3)))))") == [
        (Op.I32_CONST, (1,)), (Op.I32_CONST, (2,)), (Op.I32_CONST, (3,)), (Op.I32_MUL, ()),
        (Op.I32_ADD, ()), (Op.DROP, ())]


def test_folded_if_then_else():
    assert body("(func (result i32) (if (result i32) (i32.const 1) (then (i32.const 2)) "
                "(else (i32.const 3))))") == [
        (Op.I32_CONST, (1,)), (Op.IF, (I32,)), (Op.I32_CONST, (2,)), (Op.ELSE, ()),
        (Op.I32_CONST, (3,)), (Op.END, ())]
    assert body("(func (if (i32.const 1) (then)))") == [
        (Op.I32_CONST, (1,)), (Op.IF, (None,)), (Op.END, ())]


def test_plain_blocks_and_labels():
    code = body("""(func
      block $outer
        loop $inner (result i32)
          br $outer
          br $inner
          br 0
          i32.const 0
          if $c
            br $c
          else $c
            br_table $c $inner $outer
          end $c
          unreachable
        end $inner
        drop
      end)""")
    assert code == [
        (Op.BLOCK, (None,)), (Op.LOOP, (I32,)), (Op.BR, (1,)), (Op.BR, (0,)), (Op.BR, (0,)),
        (Op.I32_CONST, (0,)), (Op.IF, (None,)), (Op.BR, (0,)), (Op.ELSE, ()),
        (Op.BR_TABLE, ((0, 1), 2)), (Op.END, ()), (Op.UNREACHABLE, ()), (Op.END, ()),
        (Op.DROP, ()), (Op.END, ())]


def test_label_shadowing_resolves_innermost():
    assert body("(func (block $l (block $l (br $l))))")[2] == (Op.BR, (0,))


@pytest.mark.parametrize("wat", [
    "(func block $a end $b)", "(func block end $a)", "(func block $a if $b end $a end)",
    "(func (i32.const 0) if $a else $b end)"])
def test_mismatching_labels(wat):
    assert parse_error(wat).reason.startswith("mismatching label")


def test_block_types():
    code = body("(type $t (func (param i32) (result i32))) (func (param i32) (result i32) "
                "(local.get 0) (block (type $t)) (block (param i32) (result i32)) "
                "(block (result i32 i32) (unreachable)) (drop) (block (result)) )")
    blocks = [imm for op, imm in code if op is Op.BLOCK]
    assert blocks == [(0,), (0,), (1,), (None,)]


def test_select_forms():
    assert body("(func (select (i32.const 1) (i32.const 2) (i32.const 3)) drop)")[3] == \
        (Op.SELECT, ())
    assert body("(func (select (result i64) (result) (i64.const 1) (i64.const 2) (i32.const 3)) "
                "drop)")[3] == (Op.SELECT_T, ((I64,),))


def test_ref_instructions():
    code = body("(func $f (drop (ref.null func)) (drop (ref.null extern)) (drop (ref.func $f)) "
                "(drop (ref.is_null (ref.null extern))))")
    assert code[0] == (Op.REF_NULL, (FUNCREF,)) and code[2] == (Op.REF_NULL, (EXTERNREF,))
    assert code[4] == (Op.REF_FUNC, (0,))


def test_call_indirect_table_and_type():
    module = parse_module("""
      (type $t (func (param i32)))
      (table $a 1 funcref) (table $b 1 funcref)
      (func (call_indirect $b (type $t) (i32.const 1) (i32.const 0))
            (call_indirect (param i64) (i64.const 1) (i32.const 0))
            (call_indirect 0 (type 0) (param i32) (i32.const 1) (i32.const 0)))""")
    ops = [i.imm for i in module.funcs[0].body if i.op is Op.CALL_INDIRECT]
    assert ops == [(0, 1), (2, 0), (0, 0)]
    assert module.types[2] == FuncType([I64], [])


def test_memory_instructions_memarg():
    code = body("(memory 1) (func (drop (i32.load (i32.const 0))) "
                "(drop (i64.load8_u offset=0x10 align=1 (i32.const 0))) "
                "(drop (f64.load offset=4294967295 (i32.const 0))) "
                "(drop (v128.load align=16 (i32.const 0))))")
    loads = [imm for op, imm in code if op in (Op.I32_LOAD, Op.I64_LOAD8_U, Op.F64_LOAD,
                                                Op.V128_LOAD)]
    assert loads == [(2, 0, 0), (0, 16, 0), (3, 0xFFFFFFFF, 0), (4, 0, 0)]


@pytest.mark.parametrize("wat, reason", [
    ("(memory 1) (func (drop (i32.load align=3 (i32.const 0))))", "alignment"),
    ("(memory 1) (func (drop (i32.load align=0 (i32.const 0))))", "alignment"),
    ("(memory 1) (func (drop (i32.load offset=4294967296 (i32.const 0))))", "i32 constant"),
    ("(memory 1) (func (drop (i32.load offset=-1 (i32.const 0))))", "unknown operator"),
])
def test_memarg_errors(wat, reason):
    assert parse_error(wat).reason.startswith(reason)


def test_bulk_memory_and_table_immediates():
    module = parse_module("""
      (memory 1) (table $t0 1 funcref) (table $t1 1 funcref)
      (elem $e func) (data $d "x")
      (func
        (memory.init $d (i32.const 0) (i32.const 0) (i32.const 0)) (data.drop $d)
        (memory.copy (i32.const 0) (i32.const 0) (i32.const 0))
        (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))
        (table.init $t1 $e (i32.const 0) (i32.const 0) (i32.const 0))
        (table.init $e (i32.const 0) (i32.const 0) (i32.const 0)) (elem.drop $e)
        (table.copy $t1 $t0 (i32.const 0) (i32.const 0) (i32.const 0))
        (table.copy (i32.const 0) (i32.const 0) (i32.const 0))
        (drop (table.size $t1)) (drop (table.grow $t1 (ref.null func) (i32.const 1)))
        (table.fill 1 (i32.const 0) (ref.null func) (i32.const 0))
        (drop (table.get $t1 (i32.const 0))) (table.set (i32.const 0) (ref.null func)))""")
    imms = [(i.op, i.imm) for i in module.funcs[0].body if i.op > 0xFF or
            i.op in (Op.TABLE_GET, Op.TABLE_SET)]
    assert imms == [
        (Op.MEMORY_INIT, (0, 0)), (Op.DATA_DROP, (0,)), (Op.MEMORY_COPY, (0, 0)),
        (Op.MEMORY_FILL, (0,)), (Op.TABLE_INIT, (0, 1)), (Op.TABLE_INIT, (0, 0)),
        (Op.ELEM_DROP, (0,)), (Op.TABLE_COPY, (1, 0)), (Op.TABLE_COPY, (0, 0)),
        (Op.TABLE_SIZE, (1,)), (Op.TABLE_GROW, (1,)), (Op.TABLE_FILL, (1,)),
        (Op.TABLE_GET, (1,)), (Op.TABLE_SET, (0,))]
    assert module.data_count == 1


def test_data_count_only_when_data_indices_are_used():
    assert parse_module('(memory 1) (data "x")').data_count is None


def test_numeric_constants():
    code = body("(func i32.const -1 i64.const 0x8000_0000_0000_0000 f32.const -0.0 "
                "f64.const nan:0x4 f32.const 0x1p-149 drop drop drop drop drop)")
    assert [imm for _, imm in code[:5]] == [(0xFFFFFFFF,), (1 << 63,), (0x80000000,),
                                            (0x7FF0000000000004,), (1,)]


@pytest.mark.parametrize("literal", ["i32.const 4294967296", "i32.const -2147483649",
                                     "i64.const 18446744073709551616", "f32.const 1e39",
                                     "f64.const 0x1p1024", "f32.const nan:0x0"])
def test_constant_out_of_range(literal):
    assert parse_error(f"(func {literal} drop)").reason.startswith("constant out of range")


@pytest.mark.parametrize("shape, lanes, value", [
    ("i8x16", " ".join(str(i) for i in range(16)), int.from_bytes(bytes(range(16)), "little")),
    ("i16x8", "-1 0 0 0 0 0 0 0x8000", 0xFFFF | 0x8000 << 112),
    ("i32x4", "1 2 3 -1", 1 | 2 << 32 | 3 << 64 | 0xFFFFFFFF << 96),
    ("i64x2", "-1 0x1234", (1 << 64) - 1 | 0x1234 << 64),
    ("f32x4", "1.0 -0 inf nan:0x1", 0x3F800000 | 0x80000000 << 32 | 0x7F800000 << 64 |
     0x7F800001 << 96),
    ("f64x2", "0x1p-1074 -nan", 1 | 0xFFF8000000000000 << 64),
])
def test_v128_const_shapes(shape, lanes, value):
    assert body(f"(func (drop (v128.const {shape} {lanes})))")[0] == (Op.V128_CONST, (value,))


@pytest.mark.parametrize("wat, reason", [
    ("(func (drop (v128.const i32x4 1 2 3)))", "wrong number of lane literals"),
    ("(func (drop (v128.const i32x4 1 2 3 4 5)))", "wrong number of lane literals"),
    ("(func (drop (v128.const 0 0 0 0)))", "unexpected token"),
    ("(func (drop (v128.const i8x16 256 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)))",
     "constant out of range"),
])
def test_v128_const_errors(wat, reason):
    assert parse_error(wat).reason.startswith(reason)


def test_shuffle_and_lane_immediates():
    code = body("(memory 1) (func (param v128) (result v128) "
                "(i8x16.shuffle 31 30 29 28 27 26 25 24 23 22 21 20 19 18 17 16 "
                "(local.get 0) (local.get 0)) "
                "(i8x16.replace_lane 15 (i32.const 0)) "
                "(v128.load8_lane 3 (i32.const 0)) "
                "(v128.load16_lane offset=2 align=1 7 (i32.const 0)) "
                "(v128.load32_lane 0 1 (i32.const 0)))")
    imms = [imm for op, imm in code if op in (Op.I8X16_SHUFFLE, Op.I8X16_REPLACE_LANE,
                                               Op.V128_LOAD8_LANE, Op.V128_LOAD16_LANE,
                                               Op.V128_LOAD32_LANE)]
    assert imms == [(tuple(range(31, 15, -1)),), (15,), (0, 0, 0, 3), (0, 2, 0, 7), (2, 0, 0, 1)]


@pytest.mark.parametrize("instr, reason", [
    ("i8x16.shuffle 0 1 2", "invalid lane length"),
    ("i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 256", "malformed lane index"),
    ("i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 -1", "malformed lane index"),
    ("i8x16.extract_lane_u 256", "malformed lane index"),
    ("i8x16.extract_lane_u -1", "unexpected token"),
    ("i8x16.extract_lane_u", "unexpected token"),
])
def test_lane_errors(instr, reason):
    assert parse_error(f"(func ({instr} (v128.const i64x2 0 0) (v128.const i64x2 0 0)))") \
        .reason.startswith(reason)


def test_every_table_instruction_name_is_accepted():
    """Table-driven: each instruction of opcodes.INFO whose immediates are simple parses by name."""
    from pywasm_core.opcodes import INFO, Imm
    simple = {Imm.NONE: "", Imm.LANE: " 0", Imm.I32: " 0", Imm.I64: " 0", Imm.F32: " 0",
              Imm.F64: " 0", Imm.MEMARG: "", Imm.MEMORY: "", Imm.TABLE: "", Imm.LOCAL: " 0",
              Imm.GLOBAL: " 0", Imm.FUNC: " 0", Imm.LABEL: " 0", Imm.MEMARG_LANE: " 0",
              Imm.V128: " i64x2 0 0", Imm.REFTYPE: " func", Imm.ELEM: " 0", Imm.DATA: " 0"}
    checked = 0
    for op, info in INFO.items():
        if info.imm not in simple or info.name in ("else", "end", "select_t") \
                or info.feature == "legacy_exceptions":     # catch_all etc. only inside try
            continue
        module = parse_module(f"(func {info.name}{simple[info.imm]})")
        assert module.funcs[0].body[0].op is op, info.name
        checked += 1
    assert checked > 400


# ----------------------------------------------------------------------------- tables, memories, segments

def test_table_with_inline_elements():
    module = parse_module("(func $f) (func $g) (table $t funcref (elem $g $f $g))")
    assert module.tables == [TableType(FUNCREF, Limits(3, 3))]
    elem = module.elems[0]
    assert (elem.mode, elem.table, elem.func_indices) == ("active", 0, True)
    assert elem.offset == [Instr(Op.I32_CONST, (0,)), END]
    assert [e[0].imm for e in elem.init] == [(1,), (0,), (1,)]
    expr_elem = parse_module("(table externref (elem (ref.null extern) (item ref.null extern)))")
    assert expr_elem.elems[0].type is EXTERNREF and not expr_elem.elems[0].func_indices
    assert expr_elem.tables[0].limits == Limits(2, 2)


def test_memory_with_inline_data():
    module = parse_module('(memory $m (data "ab" "c"))')
    assert module.memories == [MemoryType(Limits(1, 1))]
    assert module.datas[0].init == b"abc" and module.datas[0].mode == "active"
    big = parse_module('(memory (data "' + "x" * 65537 + '"))')
    assert big.memories == [MemoryType(Limits(2, 2))]
    assert parse_module("(memory (data))").memories == [MemoryType(Limits(0, 0))]


def test_element_segment_forms():
    module = parse_module("""
      (table $t 10 funcref) (table $u 10 externref)
      (func $f)
      (elem (i32.const 0) $f 0)
      (elem (offset (i32.const 1)) func $f)
      (elem (table $t) (offset i32.const 2) func)
      (elem $p funcref (ref.func $f) (item (ref.null func)))
      (elem declare func $f)
      (elem (table $u) (i32.const 0) externref (ref.null extern))
      (elem func 0)
      (func (elem.drop $p))""")
    summary = [(e.mode, e.table, e.type, e.func_indices, len(e.init)) for e in module.elems]
    assert summary == [("active", 0, FUNCREF, True, 2), ("active", 0, FUNCREF, True, 1),
                       ("active", 0, FUNCREF, True, 0), ("passive", 0, FUNCREF, False, 2),
                       ("declarative", 0, FUNCREF, True, 1), ("active", 1, EXTERNREF, False, 1),
                       ("passive", 0, FUNCREF, True, 1)]
    assert module.elems[1].offset == [Instr(Op.I32_CONST, (1,)), END]
    assert module.funcs[1].body[0] == Instr(Op.ELEM_DROP, (3,))


def test_data_segment_forms():
    module = parse_module("""
      (memory $m 1)
      (data (i32.const 8) "a" "\\62")
      (data (memory $m) (offset (i32.const 0)) "")
      (data $p "passive")
      (data (memory 0) (i32.const 1))""")
    summary = [(d.mode, d.memory, d.init) for d in module.datas]
    assert summary == [("active", 0, b"ab"), ("active", 0, b""), ("passive", 0, b"passive"),
                       ("active", 0, b"")]


def test_start_and_globals():
    module = parse_module("(global $g (mut i32) (i32.const 1)) (global i32 (global.get $g)) "
                          "(func $main) (start $main)")
    assert module.start == 0
    assert module.globals[1].init == [Instr(Op.GLOBAL_GET, (0,)), END]


# ----------------------------------------------------------------------------- errors

@pytest.mark.parametrize("wat, reason", [
    ("(func (call $nope))", "unknown func $nope"),
    ("(func (br $nope))", "unknown label $nope"),
    ("(func (local.get $x))", "unknown local $x"),
    ("(func (global.get $g))", "unknown global $g"),
    ("(func (type $t))", "unknown type $t"),
    ("(func (table.size $t))", "unknown table $t"),
    ("(func (memory.size $m))", "unknown memory $m"),
    ("(func (elem.drop $e))", "unknown elem $e"),
    ("(func (data.drop $d))", "unknown data $d"),
    ("(func $f) (func $f)", "duplicate func"),
    ("(import \"\" \"\" (func $f)) (func $f)", "duplicate func"),
    ("(func (param $a i32) (local $a i32))", "duplicate local"),
    ("(global $g i32 (i32.const 0)) (global $g i32 (i32.const 0))", "duplicate global"),
    ("(memory $m 1) (memory $m 1)", "duplicate memory"),
    ("(table $t 1 funcref) (table $t 1 funcref)", "duplicate table"),
    ("(type $t (func)) (type $t (func))", "duplicate type"),
    ("(func) (import \"\" \"\" (global i64))", "import after function"),
    ("(global i64 (i64.const 0)) (func (import \"\" \"\"))", "import after global"),
    ("(table 0 funcref) (import \"\" \"\" (memory 0))", "import after table"),
    ("(memory 0) (import \"\" \"\" (table 0 funcref))", "import after memory"),
    ("(func $f) (start $f) (start $f)", "multiple start sections"),
    ("(func (i32.add2))", "unknown operator"),
    ("(func (get_local 0))", "unknown operator"),
    ("(func (i32.const 0x))", "unknown operator"),
    ("(func (result i32) (param i32) (local.get 0))", "unexpected token"),
    ("(func (nop) (local i32))", "unexpected token"),
    ("(func (i32.const 0) (block (param $x i32) (drop)))", "unexpected token"),
    ("(type (func (result $x i32)))", "unexpected token"),
    ("(func (f32.const nan:canonical) drop)", "unexpected token"),
    ('(func (export "\\ff"))', "malformed UTF-8 encoding"),
    ("(func) )", "unexpected token"),
    ("(func", "unexpected token"),
    ("(module (func)) (func)", "unexpected token"),
    ("(module) (module)", "unexpected token"),
    ("(funky)", "unknown operator"),
    ("(global anyfunc (ref.null func))", "unknown operator"),
    ("(table 1 i32)", "unknown operator"),
    ("(memory 0x1_0000_0000)", "i32 constant"),
    ("(func (if (i32.const 0) (else)))", "unexpected token"),
    ("(table 1 funcref) (func $f) (elem (table 0) (i32.const 0) $f)", "unexpected token"),
    ("(func $f (import \"a\" \"b\") (param $a i32) (param $a i32))", "duplicate local"),
])
def test_errors(wat, reason):
    assert parse_error(wat).reason.startswith(reason)


def test_error_carries_position():
    err = parse_error("(module\n  (func\n    (call $missing)))")
    assert (err.line, err.column) == (3, 11)


def test_deep_folded_nesting_is_a_parse_error_not_recursion_error():
    depth = 5000
    wat = "(func " + "(block " * depth + ")" * depth + ")"
    with pytest.raises(ParseError):
        parse_module(wat)
    wat = "(func " + "(i32.eqz " * depth + "(i32.const 0)" + ")" * depth + " drop)"
    with pytest.raises(ParseError):
        parse_module(wat)


def test_moderate_nesting_parses():
    depth = 150
    code = body("(func " + "(block " * depth + ")" * depth + ")")
    assert len(code) == 2 * depth


def test_unfolded_blocks_have_no_depth_limit():
    depth = 20000
    code = body("(func " + "block $l " * depth + "br $l " + "end " * depth + ")")
    assert len(code) == 2 * depth + 1 and code[depth] == (Op.BR, (0,))
    code = body("(func " + "i32.const 0 if " * depth + "else br 1 end " * depth + ")")
    assert code[-3:] == [(Op.ELSE, ()), (Op.BR, (1,)), (Op.END, ())]


@pytest.mark.parametrize("wat", ["(func end)", "(func else)", "(func block else end)",
                                 "(func i32.const 0 if else else end)", "(func block)",
                                 "(func loop (nop) (end))", "(func (block end))"])
def test_misplaced_end_and_else(wat):
    assert parse_error(wat).reason.startswith("unexpected token")


# ----------------------------------------------------------------------------- against wasm-tools

def _normal(module):
    code = lambda c: [(i.op, i.imm) for i in c]  # noqa: E731
    return dict(
        types=module.types, imports=module.imports,
        funcs=[(f.type_index, f.locals, code(f.body)) for f in module.funcs],
        tables=module.tables, memories=module.memories,
        globals=[(g.type, code(g.init)) for g in module.globals], exports=module.exports,
        start=module.start,
        elems=[(e.type, [code(x) for x in e.init], e.mode, e.table, e.offset and code(e.offset),
                e.func_indices) for e in module.elems],
        datas=[(d.init, d.mode, d.memory, d.offset and code(d.offset)) for d in module.datas],
        data_count=module.data_count,
        names=(module.names.module, module.names.funcs,
               {k: v for k, v in module.names.locals.items() if v}))


def same_as_wasm_tools(wat: str) -> None:
    from pywasm_core.binary.decode import decode_module
    from pywasm_core.binary.encode import encode_module
    theirs = subprocess.run(["wasm-tools", "parse", "-", "-o", "/dev/stdout"], input=wat.encode(),
                            capture_output=True, check=True).stdout
    ours = encode_module(parse_module(wat))
    assert _normal(decode_module(ours)) == _normal(decode_module(theirs))


WAT_SAMPLES = {
    "types_and_implicit": """(module
        (func $a (param i32) (result i32) (local.get 0))
        (type $t (func (param i64)))
        (func $b (type $t) (param $x i64))
        (func (param f32 f32) (result f32 f32) (local.get 0) (local.get 1))
        (func (block (param) (result i32 i64) (unreachable)) (drop) (drop))
        (func (call_indirect (param v128) (result externref) (v128.const i32x4 0 0 0 0)
                (i32.const 0)) drop)
        (table 1 funcref))""",
    "imports_exports": """(module $named
        (import "m" "f" (func $f (param i32)))
        (func $g (import "m" "g") (result i32))
        (global $gi (import "m" "gi") i32)
        (memory (import "m" "mem") 1)
        (table $ti (import "m" "t") 0 funcref)
        (func (export "e1") (export "e2") (call $f (call $g)))
        (global (export "glob") (mut f64) (f64.const -0x1.8p3))
        (export "mem" (memory 0)) (export "t" (table $ti)))""",
    "control": """(module (func (param i32) (result i32)
        (block $a (result i32)
          (loop $b
            (br_if $b (local.get 0))
            (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))
            (br_table $a $a (i32.const 0)))
          (i32.const 9))
        block (result i32) i32.const 1 if (result i32) i32.const 2 else i32.const 3 end end
        drop))""",
    "segments": """(module
        (table $t 4 funcref) (memory $m 1)
        (func $f) (func $g)
        (elem (i32.const 0) $f $g)
        (elem $p funcref (ref.func $f) (ref.null func))
        (elem declare func $g)
        (elem (table $t) (offset (i32.const 2)) funcref (item ref.func $g))
        (data (i32.const 0) "hello" "\\00\\ff")
        (data $d "passive")
        (data (memory $m) (offset (i32.const 9)) "x")
        (func (memory.init $d (i32.const 0) (i32.const 0) (i32.const 0)) (data.drop $d)
              (table.init $p (i32.const 0) (i32.const 0) (i32.const 0)) (elem.drop $p))
        (start $g))""",
    "inline_segments": """(module
        (func $f) (table funcref (elem $f $f)) (table externref (elem (ref.null extern)))
        (memory (data "abc")) (memory (data)))""",
    "simd": """(module (memory 1) (func (param v128) (result v128)
        (i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31 (local.get 0) (local.get 0))
        (v128.load32_lane offset=4 2 (i32.const 0))
        (f64x2.replace_lane 1 (f64.const 0x1p-1022))
        (i16x8.add (v128.const i16x8 -1 2 -3 4 -5 6 -7 8))
        (v128.bitselect (v128.const f32x4 nan -nan:0x1 inf -0) (v128.const i64x2 1 -1))
        (v128.store64_lane align=4 1 (i32.const 8) (local.get 0))
        (i32x4.extract_lane 3 (local.get 0)) drop))""",
    "import_param_names": """(module (import "m" "f" (func $f (param $x i32)))
        (func (import "a" "b") (param $y i64) (param f32)))""",
    "select_ref": """(module (func $f (result funcref)
        (select (result funcref) (ref.func $f) (ref.null func) (i32.const 1))
        (drop (select (i32.const 1) (i32.const 2) (i32.const 3)))
        (drop (ref.is_null (ref.null extern)))))""",
    "numbers": """(module (func
        (drop (i32.const -0x8000_0000)) (drop (i64.const 18_446_744_073_709_551_615))
        (drop (f32.const 0x1.fffffefffffffp127)) (drop (f32.const 1e-46))
        (drop (f32.const 3.4028235677973366e38)) (drop (f64.const 2.2250738585072011e-308))
        (drop (f64.const nan:0x8_0000_0000_0001)) (drop (f32.const -nan:0x40_0001))))""",
}


@pytest.mark.parametrize("name", sorted(WAT_SAMPLES))
def test_same_as_wasm_tools(name):
    same_as_wasm_tools(WAT_SAMPLES[name])


# ----------------------------------------------------------------------------- 3.0 groundwork

def test_memory64_table64_and_page_sizes():
    module = parse_module("""
      (import "a" "m" (memory $i i64 1))
      (memory $a i64 1 0x1_0000_0000_0000)
      (memory (data "x")) (memory i64 (data "yz"))
      (memory 1 2 shared) (memory 0 (pagesize 1))
      (table i64 0 0xffff_ffff_ffff_ffff funcref) (table i64 externref (elem (ref.null extern)))
      (func (drop (i64.load $a offset=0x1_0000_0000 (i64.const 0)))
            (drop (i32.load8_u 2 offset=3 (i32.const 0))))""")
    assert module.imports[0].desc == MemoryType(Limits(1), True)
    assert module.memories == [MemoryType(Limits(1, 1 << 48), True), MemoryType(Limits(1, 1)),
                               MemoryType(Limits(1, 1), True), MemoryType(Limits(1, 2), False, True),
                               MemoryType(Limits(0), page_size_log2=0)]
    assert module.tables == [TableType(FUNCREF, Limits(0, (1 << 64) - 1), True),
                             TableType(EXTERNREF, Limits(1, 1), True)]
    assert [d.offset[0] for d in module.datas] == [Instr(Op.I32_CONST, (0,)),
                                                    Instr(Op.I64_CONST, (0,))]
    assert module.elems[0].offset[0] == Instr(Op.I64_CONST, (0,))
    loads = [i.imm for i in module.funcs[0].body if i.op in (Op.I64_LOAD, Op.I32_LOAD8_U)]
    assert loads == [(3, 1 << 32, 1), (0, 3, 2)]


@pytest.mark.parametrize("wat, reason", [
    ("(memory 1) (func (drop (i32.load offset=0x1_0000_0000 (i32.const 0))))", "i32 constant"),
    ("(memory i64 1) (func (drop (i32.load offset=0x1_0000_0000_0000_0000 (i64.const 0))))",
     "i64 constant"),
    ("(memory 0 (pagesize 3))", "invalid custom page size"),
    ("(memory 0 (pagesize 0))", "invalid custom page size"),
    ("(memory i64 0x1_0000_0000_0000_0000)", "i64 constant"),
])
def test_memory64_errors(wat, reason):
    assert parse_error(wat).reason.startswith(reason)


@pytest.mark.parametrize("wat", [
    '(module (memory i64 1 2) (memory (export "m") i64 (data "abc")) (table i64 1 funcref) (func)'
    ' (table i64 funcref (elem 0)) (func (drop (i64.load offset=0x1_0000_0000 (i64.const 0)))'
    ' (drop (i32.load8_u 1 (i32.const 0)))))',
    '(module (import "a" "b" (memory i64 1)) (memory 1 2 shared)'
    ' (func (drop (i32.load offset=0xffff_ffff_ffff (i64.const 0)))))',
    "(module (memory 1 (pagesize 1)))",
])
def test_memory64_bytes_like_wasm_tools(wat):
    """Compared byte for byte (the decoder reads 2.0 limits only); no identifiers, so no names."""
    from pywasm_core.binary.encode import encode_module
    theirs = subprocess.run(["wasm-tools", "parse", "-", "-o", "/dev/stdout"], input=wat.encode(),
                            capture_output=True, check=True).stdout
    assert encode_module(parse_module(wat)) == theirs
