"""The printer on hand-built modules: exact float text, string escapes, identifiers from the name
section, layout, every instruction and segment form.  wasm-tools is the independent judge: what we
print must parse to the bytes our encoder writes, and read like `wasm-tools print`."""

from __future__ import annotations

import math
import re
import struct
import subprocess

import pytest
from hypothesis import given, settings, strategies as st

from pywasm_core.binary.decode import decode_module
from pywasm_core.binary.encode import encode_module
from pywasm_core.opcodes import Op
from pywasm_core.syntax import Data, Export, Func, Global, Import, Instr, Module, Names
from pywasm_core.text.printer import (code_lines, f32_text, f64_text, instr_text, is_id,
                                      print_module, string_literal)
from pywasm_core.types import (EXTERNREF, F32, F64, FUNCREF, I32, I64, V128, ArrayType, FieldType,
                               FuncType, GlobalType, Limits, MemoryType, StructType, SubType,
                               TableType, TagType)

from binary.instr_samples import (ELEM_FORMS, END, all_instructions, const, kitchen_sink,
                                  random_modules)
from binary.wast_corpus import parse_texts, without_offsets


def wasm_tools_parse(text: str) -> bytes:
    result = parse_texts([text])[0]
    assert isinstance(result, bytes), result
    return result


def wasm_tools_print(binary: bytes) -> str:
    result = subprocess.run(["wasm-tools", "print", "-"], input=binary, capture_output=True)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout.decode()


# --- floats ------------------------------------------------------------------------------------

@pytest.mark.parametrize("bits, text", [
    (0x0000_0000, "0x0p+0"), (0x8000_0000, "-0x0p+0"), (0x3F80_0000, "0x1p+0"),
    (0x3FC0_0000, "0x1.8p+0"), (0xC120_0000, "-0x1.4p+3"), (0x0000_0001, "0x1p-149"),
    (0x0040_0000, "0x1p-127"), (0x007F_FFFF, "0x1.fffffcp-127"), (0x0080_0000, "0x1p-126"),
    (0x7F7F_FFFF, "0x1.fffffep+127"), (0x7F80_0000, "inf"), (0xFF80_0000, "-inf"),
    (0x7FC0_0000, "nan"), (0xFFC0_0000, "-nan"), (0x7FA0_0000, "nan:0x200000"),
    (0x7F80_0001, "nan:0x1"), (0xFFFF_FFFF, "-nan:0x7fffff")])
def test_f32_text(bits, text):
    assert f32_text(bits) == text


@pytest.mark.parametrize("bits, text", [
    (0, "0x0p+0"), (1 << 63, "-0x0p+0"), (0x3FF0_0000_0000_0000, "0x1p+0"),
    (0x3FF8_0000_0000_0000, "0x1.8p+0"), (1, "0x1p-1074"),
    (0x000F_FFFF_FFFF_FFFF, "0x1.ffffffffffffep-1023"), (0x0010_0000_0000_0000, "0x1p-1022"),
    (0x7FEF_FFFF_FFFF_FFFF, "0x1.fffffffffffffp+1023"), (0x7FF0_0000_0000_0000, "inf"),
    (0xFFF8_0000_0000_0000, "-nan"), (0x7FF4_0000_0000_0000, "nan:0x4000000000000"),
    (0x7FF0_0000_0000_0001, "nan:0x1")])
def test_f64_text(bits, text):
    assert f64_text(bits) == text


def _parse_float_text(text: str, frac_bits: int) -> tuple[int, float | None, int | None]:
    """(sign, value, NaN payload) of our float text, read independently of the printer."""
    sign = 1 if text.startswith("-") else 0
    body = text.lstrip("-")
    if body == "inf":
        return sign, float("inf"), None
    if body == "nan":
        return sign, None, 1 << (frac_bits - 1)
    if body.startswith("nan:0x"):
        return sign, None, int(body[6:], 16)
    return sign, float.fromhex(body), None


@given(st.integers(0, 2**32 - 1))
def test_f32_text_reads_back_to_the_same_bits(bits):
    sign, value, payload = _parse_float_text(f32_text(bits), 23)
    if payload is not None:
        rebuilt = sign << 31 | 0xFF << 23 | payload
    else:
        rebuilt = sign << 31 | struct.unpack("<I", struct.pack("<f", value))[0] & 0x7FFF_FFFF
    assert rebuilt == bits


@given(st.integers(0, 2**64 - 1))
def test_f64_text_reads_back_to_the_same_bits(bits):
    sign, value, payload = _parse_float_text(f64_text(bits), 52)
    if payload is not None:
        rebuilt = sign << 63 | 0x7FF << 52 | payload
    else:
        rebuilt = sign << 63 | struct.unpack("<Q", struct.pack("<d", value))[0] & ~(1 << 63)
    assert rebuilt == bits


@given(st.integers(0, 2**32 - 1))
def test_f32_decimal_comment_is_the_shortest_that_reads_back(bits):
    line = code_lines([Instr(Op.F32_CONST, (bits,))], 0)[0]
    comment = re.search(r"\(;=(.*);\)", line)
    if bits >> 23 & 0xFF == 0xFF:
        assert comment is None                       # inf and NaN: the text says it all
        return
    decimal = comment.group(1)
    value = struct.unpack("<f", struct.pack("<I", bits))[0]
    assert struct.unpack("<f", struct.pack("<f", float(decimal)))[0] == value
    assert str(math.copysign(1, float(decimal))) == str(math.copysign(1, value))
    digits = len(re.sub(r"e.*|[-.]", "", decimal).strip("0")) or 1
    assert digits <= 9


@given(st.integers(0, 2**64 - 1))
def test_f64_decimal_comment_reads_back(bits):
    line = code_lines([Instr(Op.F64_CONST, (bits,))], 0)[0]
    comment = re.search(r"\(;=(.*);\)", line)
    if bits >> 52 & 0x7FF == 0x7FF:
        assert comment is None
        return
    assert struct.pack("<d", float(comment.group(1))) == struct.pack("<Q", bits)


# --- strings and identifiers -------------------------------------------------------------------

def test_string_literal_escapes():
    assert string_literal(b"abc") == '"abc"'
    assert string_literal(b'a"b\\c') == '"a\\22b\\5cc"'
    assert string_literal(b"\x00\n\x7f\xff ~") == '"\\00\\0a\\7f\\ff ~"'
    assert string_literal("\u00e9") == '"\\c3\\a9"'     # names: their UTF-8 bytes


def _unescape(literal: str) -> bytes:
    body = literal[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        if body[i] == "\\":
            out.append(int(body[i + 1:i + 3], 16))
            i += 3
        else:
            out += body[i].encode()
            i += 1
    return bytes(out)


@given(st.binary(max_size=64))
def test_string_literal_reads_back(data):
    literal = string_literal(data)
    assert literal.isascii() and literal.isprintable()
    assert _unescape(literal) == data


@pytest.mark.parametrize("text, ok", [
    ("f", True), ("a.b/c:d", True), ("x'y", True), ("0", True), ("~!@#$%^&*-+=<>?|`\\", True),
    ("", False), ("a b", False), ("a(b", False), ('a"b', False), ("a,b", False), ("a;b", False),
    ("\u00e9", False), ("a\nb", False), (None, False)])
def test_is_id(text, ok):
    assert is_id(text) is ok


# --- instructions ------------------------------------------------------------------------------

@pytest.mark.parametrize("ins, text", [
    (Instr(Op.I32_CONST, (0xFFFF_FFFF,)), "i32.const -1"),
    (Instr(Op.I64_CONST, (1 << 63,)), "i64.const -9223372036854775808"),
    (Instr(Op.F32_CONST, (0x7FA0_0000,)), "f32.const nan:0x200000"),
    (Instr(Op.I32_LOAD, (2, 0, 0)), "i32.load"),
    (Instr(Op.I32_LOAD, (0, 4, 0)), "i32.load offset=4 align=1"),
    (Instr(Op.I64_STORE8, (0, 0, 2)), "i64.store8 2"),
    (Instr(Op.V128_LOAD16_LANE, (1, 0, 0, 7)), "v128.load16_lane 7"),
    (Instr(Op.V128_LOAD16_LANE, (0, 2, 1, 7)), "v128.load16_lane 1 offset=2 align=1 7"),
    (Instr(Op.MEMORY_INIT, (3, 0)), "memory.init 3"),
    (Instr(Op.MEMORY_INIT, (3, 1)), "memory.init 1 3"),
    (Instr(Op.MEMORY_COPY, (0, 0)), "memory.copy"),
    (Instr(Op.MEMORY_COPY, (1, 0)), "memory.copy 1 0"),
    (Instr(Op.TABLE_INIT, (2, 0)), "table.init 2"),
    (Instr(Op.TABLE_INIT, (2, 1)), "table.init 1 2"),
    (Instr(Op.TABLE_COPY, (0, 0)), "table.copy"),
    (Instr(Op.CALL_INDIRECT, (3, 0)), "call_indirect (type 3)"),
    (Instr(Op.CALL_INDIRECT, (3, 2)), "call_indirect 2 (type 3)"),
    (Instr(Op.SELECT_T, ((I32, F64),)), "select (result i32 f64)"),
    (Instr(Op.REF_NULL, (EXTERNREF,)), "ref.null extern"),
    (Instr(Op.BR_TABLE, ((2, 0), 1)), "br_table 2 0 1"),
    (Instr(Op.BLOCK, (V128,)), "block (result v128)"),
    (Instr(Op.V128_CONST, (0x0000000400000003_0000000200000001,)),
     "v128.const i32x4 0x00000001 0x00000002 0x00000003 0x00000004"),
    (Instr(Op.I8X16_SHUFFLE, (tuple(range(16)),)),
     "i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15"),
])
def test_instr_text(ins, text):
    assert instr_text(ins) == text


def test_instr_text_rejects_unknown_opcodes():
    with pytest.raises(ValueError):
        instr_text(Instr(0x1234, ()))
    with pytest.raises(ValueError):
        instr_text(Instr(Op.LOCAL_GET, ()))


def _normalized(text: str) -> list[str]:
    """Lines without comments and spacing; wasm-tools writes `0x1.p-149` where we omit the dot."""
    text = re.sub(r"\(;.*?;\)", "", text)
    text = re.sub(r";;.*", "", text)
    text = text.replace("0x1.p", "0x1p")
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    return [line.replace(" )", ")") for line in lines]


def test_kitchen_sink_matches_wasm_tools():
    """Every instruction with edge immediates, every index space, every segment form: our text
    parses to exactly our encoding, and reads line for line like `wasm-tools print`."""
    module = kitchen_sink()
    binary = encode_module(module)
    text = print_module(module)
    assert wasm_tools_parse(text) == binary
    assert _normalized(text) == _normalized(wasm_tools_print(binary))


def test_later_proposals_match_wasm_tools():
    """3.0 (tail calls, typed references, GC, exceptions, relaxed SIMD): every instruction,
    recursion groups, subtypes, struct/array types, tags, table initialisers."""
    module = kitchen_sink()
    module.funcs[0].body = all_instructions(later=True)
    module.types += [StructType([FieldType(I32), FieldType("i8", True)]),
                     ArrayType(FieldType(F64, True)), FuncType([I32], [])]
    module.subtypes = [SubType(True, (), t) for t in module.types[:2]] + [
        SubType(False, (), module.types[2]), SubType(True, (2,), module.types[3]),
        SubType(True, (), module.types[4])]
    module.rec_groups = [1, 1, 2, 1]
    module.tags = [TagType(4)]
    module.imports = [Import("m", "t", TagType(4))]
    module.exports.append(Export("tag", "tag", 1))
    module.table_inits = [[Instr(Op.REF_FUNC, (0,)), END], None]
    binary = encode_module(module)
    text = print_module(module)
    assert wasm_tools_parse(text) == binary
    assert _normalized(text) == _normalized(wasm_tools_print(binary))


@pytest.mark.parametrize("seg, flag, line", ELEM_FORMS)
def test_element_forms_round_trip(seg, flag, line):
    module = Module(types=[FuncType([], [])], funcs=[Func(0, [], [END])],
                    tables=[TableType(FUNCREF, Limits(2)), TableType(FUNCREF, Limits(2)),
                            TableType(EXTERNREF, Limits(2))], elems=[seg])
    text = print_module(module)
    assert "  " + line + "\n" in text
    assert wasm_tools_parse(text) == encode_module(module)


@pytest.mark.parametrize("seg, line", [
    (Data(b"hi\x00", "active", 0, const(8)), '(data (;0;) (i32.const 8) "hi\\00")'),
    (Data(b"", "passive"), '(data (;0;) "")'),
    (Data(b"\"", "active", 1, const(0)), '(data (;0;) (memory 1) (i32.const 0) "\\22")'),
    (Data(b"x", "active", 0, [Instr(Op.GLOBAL_GET, (0,)), END]),
     '(data (;0;) (global.get 0) "x")'),
    (Data(b"x", "active", 0, [Instr(Op.I32_CONST, (1,)), Instr(Op.I32_CONST, (2,)),
                               Instr(Op.I32_ADD), END]),
     '(data (;0;) (offset i32.const 1 i32.const 2 i32.add) "x")'),
])
def test_data_forms_round_trip(seg, line):
    module = Module(imports=[Import("m", "g", GlobalType(I32))],
                    memories=[MemoryType(Limits(1)), MemoryType(Limits(1))], datas=[seg])
    text = print_module(module)
    assert "  " + line + "\n" in text
    assert wasm_tools_parse(text) == encode_module(module)


# --- layout and names --------------------------------------------------------------------------

def test_function_layout():
    body = [Instr(Op.BLOCK, (None,)), Instr(Op.LOOP, (I32,)), Instr(Op.LOCAL_GET, (0,)),
            Instr(Op.BR_IF, (1,)), Instr(Op.I32_CONST, (1,)), END, Instr(Op.IF, (None,)),
            Instr(Op.BR, (2,)), Instr(Op.ELSE), Instr(Op.NOP), END, END,
            Instr(Op.LOCAL_GET, (1,)), END]
    module = Module(types=[FuncType([I32], [I64])], funcs=[Func(0, [I64, I64], body)],
                    names=Names(funcs={0: "f"}, locals={0: {1: "x"}}))
    assert print_module(module) == """\
(module
  (type (;0;) (func (param i32) (result i64)))
  (func $f (;0;) (type 0) (param i32) (result i64)
    (local $x i64) (local i64)
    block ;; label = @1
      loop (result i32) ;; label = @2
        local.get 0
        br_if 1 (;@1;)
        i32.const 1
      end
      if ;; label = @2
        br 2 (;@0;)
      else
        nop
      end
    end
    local.get $x
  )
)
"""
    assert wasm_tools_parse(print_module(module)) == encode_module(module)


def test_names_valid_unique_and_in_range_only():
    module = Module(
        types=[FuncType([I32, I32], [])],
        imports=[Import("m", "f", 0)],
        funcs=[Func(0, [], [Instr(Op.CALL, (0,)), Instr(Op.CALL, (1,)), Instr(Op.CALL, (2,)),
                            END]),
               Func(0, [F32], [Instr(Op.REF_FUNC, (3,)), Instr(Op.DROP), END]),
               Func(0, [], [END])],
        exports=[Export("a", "func", 1)], start=3,
        names=Names("my module", {0: "imp", 1: "dup", 2: "dup", 3: "bad name", 7: "ghost"},
                    {0: {0: "p"}, 1: {0: "a", 1: "a", 2: "gone"}, 2: {2: "ok", 9: "ghost"}}))
    text = print_module(module)
    assert text.startswith("(module\n")                      # "my module" is not an id
    assert '(import "m" "f" (func $imp (;0;) (type 0) (param $p i32) (param i32)))' in text
    assert "(func $dup (;1;) (type 0) (param $a i32) (param i32)\n" in text
    assert "(func (;2;) (type 0) (param i32 i32)\n    (local $ok f32)" in text
    assert "call $imp\n    call $dup\n    call 2\n" in text
    assert "ref.func 3" in text and '(export "a" (func $dup))' in text and "(start 3)" in text
    assert "ghost" not in text and "gone" not in text
    again = decode_module(wasm_tools_parse(text))
    assert again.names.funcs == {0: "imp", 1: "dup"}
    assert again.names.locals == {0: {0: "p"}, 1: {0: "a"}, 2: {2: "ok"}}
    module.names = Names()
    assert without_offsets(again).funcs == module.funcs


def test_empty_module():
    assert print_module(Module()) == "(module)\n"
    assert print_module(Module(names=Names("m"))) == "(module $m)\n"


def test_module_name_and_types_without_names():
    module = Module(types=[FuncType([], []), FuncType([V128, EXTERNREF], [I32, I64])],
                    names=Names("M.1"))
    assert print_module(module) == """\
(module $M.1
  (type (;0;) (func))
  (type (;1;) (func (param v128 externref) (result i32 i64)))
)
"""


def test_imports_tables_memories_globals_exports():
    module = Module(
        types=[FuncType([], [])],
        imports=[Import("env", "t", TableType(FUNCREF, Limits(1, 2))),
                 Import("env", "m", MemoryType(Limits(0))),
                 Import("\u00e9", "g\x00", GlobalType(F64, True))],
        tables=[TableType(EXTERNREF, Limits(0))],
        memories=[MemoryType(Limits(1, 65536))],
        globals=[Global(GlobalType(I64), [Instr(Op.I64_CONST, (5,)), END]),
                 Global(GlobalType(F32, True), [Instr(Op.F32_CONST, (0x8000_0000,)), END])],
        exports=[Export("t2", "table", 1), Export("mem", "memory", 1),
                 Export("\u00e9", "global", 2)])
    text = print_module(module)
    for line in ['(import "env" "t" (table (;0;) 1 2 funcref))',
                 '(import "env" "m" (memory (;0;) 0))',
                 '(import "\\c3\\a9" "g\\00" (global (;0;) (mut f64)))',
                 "(table (;1;) 0 externref)", "(memory (;1;) 1 65536)",
                 "(global (;1;) i64 i64.const 5)", "(global (;2;) (mut f32) f32.const -0x0p+0)",
                 '(export "t2" (table 1))', '(export "\\c3\\a9" (global 2))']:
        assert "  " + line + "\n" in text
    assert wasm_tools_parse(text) == encode_module(module)


def test_memory_and_table_types_of_later_proposals():
    module = Module(memories=[MemoryType(Limits(1, 2), shared=True),
                              MemoryType(Limits(1), is_64=True)],
                    tables=[TableType(FUNCREF, Limits(3), is_64=True)])
    text = print_module(module)
    assert "(memory (;0;) 1 2 shared)" in text and "(memory (;1;) i64 1)" in text
    assert "(table (;0;) i64 3 funcref)" in text
    assert wasm_tools_parse(text) == encode_module(module)


def test_custom_sections_as_annotations():
    from pywasm_core.syntax import Custom
    module = Module(types=[FuncType([], [])], funcs=[Func(0, [], [END])],
                    customs=[Custom("a", b"\x00", 0), Custom("b c", b"x", 1),
                             Custom("d", b"", 10), Custom("name", b"\x00\x02\x01m", 11)],
                    names=Names("m"))
    assert "@custom" not in print_module(module)
    text = print_module(module, custom_sections=True)
    assert '(@custom "a" (before first) "\\00")' in text
    assert '(@custom "b c" (after type) "x")' in text
    assert '(@custom "d" (after code) "")' in text
    assert '"name"' not in text                              # the $ids carry the names
    again = decode_module(wasm_tools_parse(text))
    assert [c for c in again.customs if c.name != "name"] == module.customs[:3]
    assert again.names == module.names


@pytest.mark.parametrize("module", [
    Module(types=[None]), Module(funcs=[Func(0, [I32], None)]), Module(imports=[Import(1, "", 0)]),
    Module(funcs=[Func(0, [], [Instr(Op.I32_CONST, ())])]), Module(datas=[Data(None, "passive")]),
    Module(exports=[None])])
def test_malformed_trees_raise_only_value_error(module):
    with pytest.raises(ValueError):
        print_module(module)


def test_invalid_modules_still_print():
    """Validation is not the printer's business: out-of-range indices print as numbers."""
    module = Module(types=[FuncType([], [])],
                    funcs=[Func(5, [I32], [Instr(Op.BLOCK, (9,)), Instr(Op.CALL, (42,)), END,
                                           Instr(Op.LOCAL_GET, (7,)), END])],
                    names=Names(funcs={0: "f"}, locals={0: {0: "x", 5: "y"}}))
    text = print_module(module)
    assert "(func $f (;0;) (type 5)\n    (local $x i32)\n    block (type 9)" in text
    again = decode_module(wasm_tools_parse(text))
    assert without_offsets(again).funcs == module.funcs
    module.types.append(StructType([]))                   # a block typed by a struct type
    module.funcs[0].body[0] = Instr(Op.BLOCK, (1,))
    module.funcs[0].type_index = 1
    assert "(func $f (;0;) (type 1)\n    (local $x i32)\n    block (type 1) ;; label" in \
        print_module(module)


# --- property: random modules print to text that parses to the same binary ---------------------

@settings(max_examples=25, deadline=None)
@given(st.lists(random_modules(with_data_count=False, with_customs=False), min_size=4,
                max_size=4))
def test_random_modules_print_to_their_binary(modules):
    texts = [print_module(m) for m in modules]
    for module, binary in zip(modules, parse_texts(texts)):
        assert binary == encode_module(module)


@settings(max_examples=40, deadline=None)
@given(random_modules(with_data_count=False, with_customs=False))
def test_random_modules_print_then_own_parser(module):
    try:
        from pywasm_core.text import parse_module
    except ImportError:
        pytest.skip("pywasm_core.text.parse_module is not written yet")
    assert encode_module(parse_module(print_module(module))) == encode_module(module)
