"""Validator unit tests on hand-built modules: one test per rule, valid and invalid side."""

from __future__ import annotations

import pytest

from pywasm_core import syntax
from pywasm_core.errors import ValidationError
from pywasm_core.types import (EXTERNREF, F32, F64, FUNCREF, I32, I64, V128, FuncType, GlobalType,
                               Limits, MemoryType, TableType)
from pywasm_core.valid import Features, validate_module

from .builders import code, i, module_with


def invalid(module, prefix: str) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        validate_module(module)
    assert str(info.value).startswith(prefix), str(info.value)
    assert info.value.reason.startswith(prefix)
    return info.value


def func_module(*instrs, params=(), results=(), locals_=(), **fields):
    return module_with(code(*instrs), params=params, results=results, locals_=locals_, **fields)


MEM = [MemoryType(Limits(1))]


# --- numeric instructions and the operand stack ------------------------------------------------

def test_numeric_signatures():
    validate_module(func_module(i("i32.const", 1), i("i32.const", 2), i("i32.add"), results=(I32,)))
    validate_module(func_module(i("f64.const", 0), i("i64.trunc_f64_s"), results=(I64,)))
    invalid(func_module(i("i32.const", 1), i("i64.const", 2), i("i32.add"), results=(I32,)),
            "type mismatch")


def test_stack_underflow_and_leftovers():
    invalid(func_module(i("i32.const", 1), i("i32.add"), results=(I32,)), "type mismatch")
    invalid(func_module(i("i32.const", 1)), "type mismatch")            # value left on the stack
    invalid(func_module(results=(I32,)), "type mismatch")               # missing result


def test_error_carries_function_index_and_offset():
    m = func_module(i("i32.const", 1), i("f32.neg"))
    bad = m.funcs[0].body[1]
    err = invalid(m, "type mismatch")
    assert err.func_index == 0
    assert err.offset == bad.offset
    # imported functions come first in the index space
    m.imports.insert(0, syntax.Import("m", "f", 0))
    assert invalid(m, "type mismatch").func_index == 1


def test_unreachable_makes_stack_polymorphic():
    validate_module(func_module(i("unreachable"), i("i32.add"), results=(I32,)))
    validate_module(func_module(i("unreachable"), i("select"), results=(I64,)))
    validate_module(func_module(i("i32.const", 0), i("return"), i("i32.const", 0), i("i32.add"),
                                results=(I32,)))
    # known types above the polymorphic bottom are still checked
    invalid(func_module(i("unreachable"), i("i64.const", 0), i("i32.add"), results=(I32,)),
            "type mismatch")
    # ... and so are the frame's results
    invalid(func_module(i("unreachable"), i("i64.const", 0), results=(I32,)), "type mismatch")


def test_select():
    validate_module(func_module(i("f32.const", 0), i("f32.const", 0), i("i32.const", 1),
                                i("select"), results=(F32,)))
    validate_module(func_module(i("v128.const", 0), i("v128.const", 0), i("i32.const", 1),
                                i("select"), results=(V128,)))
    invalid(func_module(i("f32.const", 0), i("f64.const", 0), i("i32.const", 1), i("select"),
                        results=(F32,)), "type mismatch")
    # untyped select only for numeric and vector types
    invalid(func_module(i("ref.null", FUNCREF), i("ref.null", FUNCREF), i("i32.const", 1),
                        i("select"), results=(FUNCREF,)), "type mismatch")
    invalid(func_module(i("unreachable"), i("ref.null", EXTERNREF), i("i32.const", 1), i("select"),
                        i("drop")), "type mismatch")
    validate_module(func_module(i("ref.null", FUNCREF), i("ref.null", FUNCREF), i("i32.const", 1),
                                i("select_t", (FUNCREF,)), results=(FUNCREF,)))
    for types in ((), (I32, I32)):
        invalid(func_module(i("unreachable"), i("select_t", types)), "invalid result arity")


def test_drop():
    validate_module(func_module(i("i32.const", 0), i("drop")))
    invalid(func_module(i("drop")), "type mismatch")


# --- control ------------------------------------------------------------------------------

def test_blocks_and_multi_value_block_types():
    validate_module(func_module(i("block", I32), i("i32.const", 1), i("end"), results=(I32,)))
    invalid(func_module(i("block", I32), i("end"), i("drop")), "type mismatch")
    # type-index block type: [i32 i64] -> [i64 i32] taking its inputs from outside
    m = func_module(i("i32.const", 1), i("i64.const", 2), i("block", 1), i("local.set", 0),
                    i("local.set", 1), i("local.get", 0), i("local.get", 1), i("end"),
                    i("drop"), i("drop"), locals_=(I64, I32))
    m.types.append(FuncType((I32, I64), (I64, I32)))
    validate_module(m)
    m = func_module(i("block", 7), i("end"))
    invalid(m, "unknown type")
    # a block cannot see the values outside it
    invalid(func_module(i("i32.const", 1), i("block", None), i("drop"), i("end"), i("drop")),
            "type mismatch")


def test_loop_label_carries_the_parameters():
    m = func_module(i("i32.const", 0), i("loop", 1), i("br", 0), i("end"), results=(I32,))
    m.types.append(FuncType((I32,), (I32,)))
    validate_module(m)
    # br 0 of a loop takes the loop's parameters, not its results
    m = func_module(i("i32.const", 0), i("loop", 1), i("drop"), i("br", 0), i("end"),
                    results=(I32,))
    m.types.append(FuncType((I32,), (I32,)))
    invalid(m, "type mismatch")
    m = func_module(i("loop", I32), i("i32.const", 0), i("br", 0), i("end"), results=(I32,))
    validate_module(m)
    validate_module(func_module(i("loop", I32), i("br", 0), i("end"), i("drop")))


def test_if_else():
    validate_module(func_module(i("i32.const", 1), i("if", I32), i("i32.const", 1), i("else"),
                                i("i32.const", 2), i("end"), results=(I32,)))
    invalid(func_module(i("i32.const", 1), i("if", I32), i("i32.const", 1), i("else"),
                        i("end"), results=(I32,)), "type mismatch")
    # if without else must have matching input and output types
    invalid(func_module(i("i32.const", 1), i("if", I32), i("i32.const", 1), i("end"),
                        results=(I32,)), "type mismatch")
    m = func_module(i("i32.const", 5), i("i32.const", 1), i("if", 1), i("end"), results=(I32,))
    m.types.append(FuncType((I32,), (I32,)))
    validate_module(m)
    invalid(func_module(i("if", None), i("end")), "type mismatch")      # missing condition
    invalid(func_module(i("f32.const", 0), i("if", None), i("end")), "type mismatch")


def test_br_and_unknown_label():
    validate_module(func_module(i("block", None), i("br", 0), i("end")))
    validate_module(func_module(i("i32.const", 0), i("br", 0), results=(I32,)))   # to the function
    invalid(func_module(i("br", 1)), "unknown label")
    invalid(func_module(i("block", I32), i("br", 0), i("end"), i("drop")), "type mismatch")
    invalid(func_module(i("block", None), i("br", 2), i("end")), "unknown label 2")


def test_br_if():
    validate_module(func_module(i("block", I32), i("i32.const", 1), i("i32.const", 0),
                                i("br_if", 0), i("end"), results=(I32,)))
    invalid(func_module(i("block", None), i("br_if", 0), i("end")), "type mismatch")
    invalid(func_module(i("i32.const", 0), i("br_if", 1)), "unknown label")


def test_br_table():
    validate_module(func_module(i("block", None), i("i32.const", 0), i("br_table", (0, 1), 0),
                                i("end")))
    invalid(func_module(i("i32.const", 0), i("br_table", (3,), 0)), "unknown label")
    invalid(func_module(i("i32.const", 0), i("br_table", (), 3)), "unknown label")
    # targets of different arity
    invalid(func_module(i("block", I32), i("block", None), i("i32.const", 1), i("i32.const", 0),
                        i("br_table", (0,), 1), i("end"), i("i32.const", 1), i("end"), i("drop")),
            "type mismatch")
    # same arity, different types
    invalid(func_module(i("block", F32), i("block", I32), i("i32.const", 1), i("i32.const", 0),
                        i("br_table", (0,), 1), i("end"), i("drop"), i("f32.const", 0), i("end"),
                        i("drop")), "type mismatch")
    # with an unknown operand the label types need only agree in arity per the algorithm
    validate_module(func_module(i("block", F32), i("block", I32), i("unreachable"),
                                i("br_table", (0,), 1), i("end"), i("drop"), i("f32.const", 0),
                                i("end"), i("drop")))


def test_return():
    validate_module(func_module(i("i32.const", 0), i("return"), results=(I32,)))
    invalid(func_module(i("return"), results=(I32,)), "type mismatch")
    invalid(func_module(i("i64.const", 0), i("return"), results=(I32,)), "type mismatch")


def test_structure_errors_never_leak():
    m = func_module()
    m.funcs[0].body = [i("block", None), i("end")]           # function frame never closed
    invalid(m, "END opcode expected")
    m.funcs[0].body = [i("end"), i("nop")]
    invalid(m, "instructions after")
    m.funcs[0].body = [i("else"), i("end")]
    invalid(m, "else")
    m.funcs[0].body = [syntax.Instr(0xEE, (), 1), i("end")]
    invalid(m, "unknown instruction")
    m.funcs[0].body = []
    invalid(m, "END opcode expected")


# --- calls ---------------------------------------------------------------------------------

def test_call():
    m = func_module(i("i32.const", 1), i("call", 0), results=(I32,), params=(I32,))
    validate_module(m)
    invalid(func_module(i("call", 5)), "unknown function")
    invalid(func_module(i("f32.const", 1), i("call", 0), params=(I32,), results=(I32,)),
            "type mismatch")


def test_call_indirect():
    tables = [TableType(FUNCREF, Limits(1))]
    validate_module(func_module(i("i32.const", 0), i("call_indirect", 0, 0), tables=tables))
    invalid(func_module(i("i32.const", 0), i("call_indirect", 0, 0)), "unknown table")
    invalid(func_module(i("i32.const", 0), i("call_indirect", 3, 0), tables=tables), "unknown type")
    invalid(func_module(i("i32.const", 0), i("call_indirect", 0, 0),
                        tables=[TableType(EXTERNREF, Limits(1))]), "type mismatch")
    invalid(func_module(i("call_indirect", 0, 0), tables=tables), "type mismatch")


# --- variables -----------------------------------------------------------------------------

def test_locals():
    validate_module(func_module(i("local.get", 0), i("local.get", 1), i("drop"), params=(I32,),
                                locals_=(F64,), results=(I32,)))
    invalid(func_module(i("local.get", 2), i("drop"), params=(I32,), locals_=(F64,)),
            "unknown local 2")
    invalid(func_module(i("i32.const", 0), i("local.set", 0), locals_=(F64,)), "type mismatch")
    invalid(func_module(i("local.set", 0), locals_=(F64,)), "type mismatch")
    validate_module(func_module(i("f64.const", 0), i("local.tee", 0), locals_=(F64,),
                                results=(F64,)))
    invalid(func_module(i("i32.const", 0), i("local.tee", 0), locals_=(F64,), results=(F64,)),
            "type mismatch")
    invalid(func_module(i("i32.const", 0), i("local.tee", 1), locals_=(F64,)), "unknown local")


def test_globals():
    globals_ = [syntax.Global(GlobalType(I32, True), code(i("i32.const", 0))),
                syntax.Global(GlobalType(F32, False), code(i("f32.const", 0)))]
    validate_module(func_module(i("global.get", 1), i("drop"), i("i32.const", 1),
                                i("global.set", 0), globals=globals_))
    invalid(func_module(i("f32.const", 1), i("global.set", 1), globals=globals_),
            "global is immutable")
    invalid(func_module(i("f32.const", 1), i("global.set", 0), globals=globals_), "type mismatch")
    invalid(func_module(i("global.get", 2), i("drop"), globals=globals_), "unknown global 2")


# --- references ----------------------------------------------------------------------------

def test_references():
    validate_module(func_module(i("ref.null", EXTERNREF), i("ref.is_null"), results=(I32,)))
    invalid(func_module(i("i32.const", 0), i("ref.is_null"), results=(I32,)), "type mismatch")
    validate_module(func_module(i("unreachable"), i("ref.is_null"), results=(I32,)))
    # ref.func needs a declaration outside function bodies
    m = func_module(i("ref.func", 0), results=(FUNCREF,))
    invalid(m, "undeclared function reference")
    m.exports.append(syntax.Export("f", "func", 0))
    validate_module(m)
    m = func_module(i("ref.func", 0), results=(FUNCREF,))
    m.elems.append(syntax.Elem(FUNCREF, [code(i("ref.func", 0))], "declarative"))
    validate_module(m)
    m = func_module(i("ref.func", 0), results=(FUNCREF,))
    m.globals.append(syntax.Global(GlobalType(FUNCREF), code(i("ref.func", 0))))
    validate_module(m)
    invalid(func_module(i("ref.func", 9), i("drop")), "unknown function 9")


# --- tables --------------------------------------------------------------------------------

def test_table_instructions():
    tables = [TableType(FUNCREF, Limits(1)), TableType(EXTERNREF, Limits(1))]
    ok = [
        [i("i32.const", 0), i("table.get", 1), i("drop")],
        [i("i32.const", 0), i("ref.null", FUNCREF), i("table.set", 0)],
        [i("table.size", 1), i("drop")],
        [i("ref.null", EXTERNREF), i("i32.const", 1), i("table.grow", 1), i("drop")],
        [i("i32.const", 0), i("ref.null", FUNCREF), i("i32.const", 1), i("table.fill", 0)],
        [i("i32.const", 0), i("i32.const", 0), i("i32.const", 1), i("table.copy", 0, 0)],
    ]
    for body in ok:
        validate_module(func_module(*body, tables=tables))
    invalid(func_module(i("i32.const", 0), i("ref.null", FUNCREF), i("table.set", 1),
                        tables=tables), "type mismatch")
    invalid(func_module(i("table.size", 2), i("drop"), tables=tables), "unknown table 2")
    invalid(func_module(i("i32.const", 0), i("i32.const", 0), i("i32.const", 1),
                        i("table.copy", 0, 1), tables=tables), "type mismatch")
    invalid(func_module(i("ref.null", FUNCREF), i("i32.const", 1), i("table.grow", 1), i("drop"),
                        tables=tables), "type mismatch")


def test_element_segment_instructions():
    tables = [TableType(FUNCREF, Limits(1)), TableType(EXTERNREF, Limits(1))]
    elems = [syntax.Elem(FUNCREF, [], "passive")]
    body = [i("i32.const", 0), i("i32.const", 0), i("i32.const", 0)]
    validate_module(func_module(*body, i("table.init", 0, 0), i("elem.drop", 0), tables=tables,
                                elems=elems))
    invalid(func_module(*body, i("table.init", 0, 1), tables=tables, elems=elems), "type mismatch")
    invalid(func_module(*body, i("table.init", 1, 0), tables=tables, elems=elems),
            "unknown elem segment 1")
    invalid(func_module(*body, i("table.init", 0, 5), tables=tables, elems=elems),
            "unknown table 5")
    invalid(func_module(i("elem.drop", 3), elems=elems), "unknown elem segment 3")


# --- memories ------------------------------------------------------------------------------

def test_memory_instructions():
    validate_module(func_module(i("i32.const", 0), i("i64.load", 3, 0, 0), i("drop"), memories=MEM))
    validate_module(func_module(i("i32.const", 0), i("i64.const", 0), i("i64.store32", 2, 8, 0),
                                memories=MEM))
    invalid(func_module(i("i32.const", 0), i("i64.load", 4, 0, 0), i("drop"), memories=MEM),
            "alignment must not be larger than natural")
    invalid(func_module(i("i32.const", 0), i("i32.load8_u", 1, 0, 0), i("drop"), memories=MEM),
            "alignment must not be larger than natural")
    invalid(func_module(i("i32.const", 0), i("i64.load", 3, 0, 0), i("drop")), "unknown memory 0")
    invalid(func_module(i("i64.const", 0), i("i64.load", 3, 0, 0), i("drop"), memories=MEM),
            "type mismatch")
    validate_module(func_module(i("memory.size", 0), i("memory.grow", 0), i("drop"), memories=MEM))
    invalid(func_module(i("memory.size", 0), i("drop")), "unknown memory")
    three = [i("i32.const", 0), i("i32.const", 0), i("i32.const", 0)]
    validate_module(func_module(*three, i("memory.fill", 0), *three, i("memory.copy", 0, 0),
                                memories=MEM))
    invalid(func_module(*three, i("memory.copy", 0, 0)), "unknown memory")


def test_memory64_uses_i64_addresses():
    from pywasm_core.features import WASM3
    mem64 = [MemoryType(Limits(1), is_64=True)]
    validate_module(func_module(i("i64.const", 0), i("i32.load", 2, 0, 0), i("drop"),
                                memories=mem64), WASM3)
    with pytest.raises(ValidationError, match="^type mismatch"):
        validate_module(func_module(i("i32.const", 0), i("i32.load", 2, 0, 0), i("drop"),
                                    memories=mem64), WASM3)
    validate_module(func_module(i("memory.size", 0), i("memory.grow", 0), i("drop"),
                                memories=mem64), WASM3)


def test_data_segment_instructions():
    datas = [syntax.Data(b"x", "passive")]
    three = [i("i32.const", 0), i("i32.const", 0), i("i32.const", 0)]
    validate_module(func_module(*three, i("memory.init", 0, 0), i("data.drop", 0), memories=MEM,
                                datas=datas))
    invalid(func_module(i("data.drop", 1), memories=MEM, datas=datas), "unknown data segment 1")
    invalid(func_module(*three, i("memory.init", 1, 0), memories=MEM, datas=datas),
            "unknown data segment 1")
    # the memory is checked before the segment
    invalid(func_module(*three, i("memory.init", 1, 0)), "unknown memory 0")


# --- SIMD ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, lanes", [
    ("i8x16.extract_lane_s", 16), ("i16x8.extract_lane_u", 8), ("i32x4.extract_lane", 4),
    ("f32x4.extract_lane", 4), ("i64x2.extract_lane", 2), ("f64x2.extract_lane", 2)])
def test_lane_index_bounds(name, lanes):
    validate_module(func_module(i("v128.const", 0), i(name, lanes - 1), i("drop")))
    invalid(func_module(i("v128.const", 0), i(name, lanes), i("drop")), "invalid lane index")


def test_replace_lane_and_memory_lane():
    validate_module(func_module(i("v128.const", 0), i("f64.const", 0), i("f64x2.replace_lane", 1),
                                results=(V128,)))
    invalid(func_module(i("v128.const", 0), i("f64.const", 0), i("f64x2.replace_lane", 2),
                        results=(V128,)), "invalid lane index")
    invalid(func_module(i("v128.const", 0), i("f32.const", 0), i("f64x2.replace_lane", 0),
                        results=(V128,)), "type mismatch")
    lane_body = [i("i32.const", 0), i("v128.const", 0)]
    validate_module(func_module(*lane_body, i("v128.load16_lane", 1, 0, 0, 7), results=(V128,),
                                memories=MEM))
    invalid(func_module(*lane_body, i("v128.load16_lane", 1, 0, 0, 8), results=(V128,),
                        memories=MEM), "invalid lane index")
    invalid(func_module(*lane_body, i("v128.store64_lane", 4, 0, 0, 0), memories=MEM),
            "alignment must not be larger than natural")
    validate_module(func_module(*lane_body, i("v128.store64_lane", 3, 0, 0, 1), memories=MEM))


def test_shuffle_lanes():
    two = [i("v128.const", 0), i("v128.const", 0)]
    validate_module(func_module(*two, i("i8x16.shuffle", tuple(range(16, 32))), results=(V128,)))
    invalid(func_module(*two, i("i8x16.shuffle", (32,) + (0,) * 15), results=(V128,)),
            "invalid lane index")


def test_vector_ops_from_the_table():
    validate_module(func_module(i("i32.const", 3), i("i8x16.splat"), i("i32.const", 1),
                                i("i8x16.shl"), i("v128.any_true"), results=(I32,)))
    invalid(func_module(i("i32.const", 3), i("i8x16.abs"), i("drop")), "type mismatch")


# --- module-level rules --------------------------------------------------------------------

def test_limits():
    invalid(syntax.Module(memories=[MemoryType(Limits(2, 1))]),
            "size minimum must not be greater than maximum")
    invalid(syntax.Module(memories=[MemoryType(Limits(65537))]),
            "memory size must be at most 65536 pages (4GiB)")
    invalid(syntax.Module(memories=[MemoryType(Limits(0, 65537))]),
            "memory size must be at most 65536 pages (4GiB)")
    validate_module(syntax.Module(memories=[MemoryType(Limits(65536, 65536))]))
    invalid(syntax.Module(tables=[TableType(FUNCREF, Limits(3, 2))]),
            "size minimum must not be greater than maximum")
    invalid(syntax.Module(imports=[syntax.Import("m", "t", MemoryType(Limits(2, 1)))]),
            "size minimum must not be greater than maximum")
    validate_module(syntax.Module(tables=[TableType(EXTERNREF, Limits(0, 2**32 - 1))]))


def test_multiple_memories():
    two = syntax.Module(imports=[syntax.Import("m", "mem", MemoryType(Limits(0)))],
                        memories=[MemoryType(Limits(0))])
    invalid(two, "multiple memories")
    validate_module(two, Features(multi_memory=True))


def test_global_initialisers():
    def glob(t, *init, mutable=False):
        return syntax.Module(globals=[syntax.Global(GlobalType(t, mutable), code(*init))])
    validate_module(glob(I64, i("i64.const", 5)))
    validate_module(glob(FUNCREF, i("ref.null", FUNCREF)))
    invalid(glob(I64, i("i32.const", 5)), "type mismatch")
    invalid(glob(I64), "type mismatch")
    invalid(glob(I64, i("i64.const", 1), i("i64.const", 1)), "type mismatch")
    invalid(glob(I32, i("i32.const", 1), i("i32.const", 1), i("i32.add")),
            "constant expression required")
    invalid(glob(I32, i("nop")), "constant expression required")
    invalid(glob(I32, i("global.get", 0)), "unknown global 0")
    # 2.0: only imported globals are visible, and only immutable ones are constant
    m = syntax.Module(globals=[syntax.Global(GlobalType(I32), code(i("i32.const", 0))),
                               syntax.Global(GlobalType(I32), code(i("global.get", 0)))])
    invalid(m, "unknown global 0")
    validate_module(m, Features(const_defined_globals=True))
    imp = syntax.Import("m", "g", GlobalType(I32, mutable=False))
    m = syntax.Module(imports=[imp], globals=[syntax.Global(GlobalType(I32),
                                                            code(i("global.get", 0)))])
    validate_module(m)
    imp.desc = GlobalType(I32, mutable=True)
    invalid(m, "constant expression required")
    validate_module(glob(I32, i("i32.const", 1), i("i32.const", 1), i("i32.add")),
                    Features(extended_const=True))
    m = syntax.Module(globals=[syntax.Global(GlobalType(FUNCREF), code(i("ref.func", 0)))])
    invalid(m, "unknown function 0")


def test_element_segments():
    table = [TableType(FUNCREF, Limits(1))]
    m = func_module(tables=table, elems=[syntax.Elem(FUNCREF, [code(i("ref.func", 0))], "active",
                                                     0, code(i("i32.const", 0)))])
    validate_module(m)
    m.elems[0].offset = code(i("i64.const", 0))
    invalid(m, "type mismatch")
    m.elems[0].offset = code(i("i32.const", 0))
    m.elems[0].table = 1
    invalid(m, "unknown table 1")
    m.elems[0].table = 0
    m.elems[0].init = [code(i("ref.null", EXTERNREF))]
    invalid(m, "type mismatch")
    m.elems[0].init = [code(i("ref.func", 1))]
    invalid(m, "unknown function 1")
    m.elems[0] = syntax.Elem(EXTERNREF, [], "active", 0, code(i("i32.const", 0)))
    invalid(m, "type mismatch")          # externref segment into a funcref table


def test_data_segments():
    m = syntax.Module(memories=MEM, datas=[syntax.Data(b"", "active", 0, code(i("i32.const", 0)))])
    validate_module(m)
    m.datas[0].offset = code(i("i32.const", 0), i("i32.const", 0), i("i32.add"))
    invalid(m, "constant expression required")
    m.memories = []
    invalid(m, "unknown memory 0")


def test_start_function():
    m = func_module()
    m.start = 0
    validate_module(m)
    m.start = 1
    invalid(m, "unknown function")
    m = func_module(i("i32.const", 0), results=(I32,))
    m.start = 0
    invalid(m, "start function")


def test_exports():
    m = func_module(memories=MEM, globals=[syntax.Global(GlobalType(I32), code(i("i32.const", 0)))])
    m.exports = [syntax.Export("a", "func", 0), syntax.Export("b", "memory", 0),
                 syntax.Export("c", "global", 0)]
    validate_module(m)
    m.exports.append(syntax.Export("a", "global", 0))
    invalid(m, "duplicate export name")
    for kind, what in (("func", "unknown function"), ("table", "unknown table"),
                       ("memory", "unknown memory"), ("global", "unknown global")):
        m.exports = [syntax.Export("x", kind, 4)]
        invalid(m, what)


def test_unknown_type_of_function_and_import():
    m = func_module()
    m.funcs[0].type_index = 3
    invalid(m, "unknown type")
    invalid(syntax.Module(imports=[syntax.Import("m", "f", 0)]), "unknown type")


def test_constant_expression_errors_point_at_the_instruction():
    init = code(i("i32.const", 0), i("nop"))
    err = invalid(syntax.Module(globals=[syntax.Global(GlobalType(I32), init)]),
                  "constant expression required")
    assert err.func_index is None and err.offset == init[1].offset
    init = code(i("i64.const", 0))
    err = invalid(syntax.Module(globals=[syntax.Global(GlobalType(I32), init)]), "type mismatch")
    assert err.offset == init[-1].offset          # the end finds the wrong result


def test_every_instruction_of_the_table_has_a_rule():
    from pywasm_core.valid.validate import missing_rules
    assert missing_rules() == []


def test_i64_addresses_need_the_memory64_feature():
    """The text parser reads `(memory i64 1)` in any mode; without memory64 the validator says no."""
    from pywasm_core.features import WASM3
    from pywasm_core.text import parse_module
    from pywasm_core.valid import validate_module
    for text in ("(module (memory i64 1))", "(module (table i64 1 funcref))"):
        module = parse_module(text)
        with pytest.raises(ValidationError, match="memory64"):
            validate_module(module)
        validate_module(module, WASM3)
