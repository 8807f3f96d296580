"""The `.wast` script parser: commands, module forms, actions, constants and result patterns."""

import pytest

from pywasm_core.errors import ParseError
from pywasm_core.opcodes import Op
from pywasm_core.script.commands import (Action, ActionCmd, AssertException, AssertExhaustion,
                                         AssertModule, AssertReturn, AssertTrap, Const, Either,
                                         ModuleCmd, ModuleInstanceCmd, NanPattern, RefPattern,
                                         RegisterCmd, V128Pattern)
from pywasm_core.text import parse_module, parse_script


def commands(text):
    return parse_script(text, "t.wast").commands


def test_module_forms_and_lines():
    script = parse_script("""
(module $M (func (export "f")))
(module binary "\\00asm" "\\01\\00\\00\\00")
(module $Q quote "(func)" " (memory 1)")
(module)
""", "x.wast")
    assert script.file == "x.wast"
    text, binary, quote, empty = script.commands
    assert isinstance(text, ModuleCmd) and text.line == 2 and text.name == "M"
    assert text.source.kind == "text" and text.source.text.exports[0].name == "f"
    assert text.source.text.names.module == "M"
    assert binary.source.kind == "binary" and binary.source.binary == b"\x00asm\x01\x00\x00\x00"
    assert binary.name is None and binary.line == 3
    assert quote.source.kind == "quote" and quote.source.quote == "(func) (memory 1)"
    assert quote.name == "Q"
    assert parse_module(quote.source.quote).memories
    assert empty.source.text.funcs == []


def test_module_definition_and_instance():
    definition, instance = commands("(module definition $D (func))\n(module instance $I $D)")
    assert isinstance(definition, ModuleCmd) and definition.definition and definition.name == "D"
    assert isinstance(instance, ModuleInstanceCmd)
    assert (instance.instance, instance.definition) == ("I", "D")


def test_register_and_actions():
    register, invoke, get = commands(
        '(register "lib" $M)\n(invoke $M "f" (i32.const 1) (f64.const -0))\n(get "g")')
    assert register == RegisterCmd(1, "lib", "M")
    assert invoke == ActionCmd(2, Action("invoke", "f", [Const("i32", 1),
                                                         Const("f64", 1 << 63)], "M"))
    assert get == ActionCmd(3, Action("get", "g", [], None))
    assert commands('(register "x")')[0].name is None


@pytest.mark.parametrize("const, value", [
    ("(i32.const -1)", Const("i32", 0xFFFFFFFF)),
    ("(i64.const -1)", Const("i64", (1 << 64) - 1)),
    ("(f32.const nan:0x200000)", Const("f32", 0x7FA00000)),
    ("(f64.const -inf)", Const("f64", 0xFFF0000000000000)),
    ("(v128.const i32x4 1 2 3 4)", Const("v128", 1 | 2 << 32 | 3 << 64 | 4 << 96)),
    ("(v128.const f32x4 1 1 1 1)", Const("v128", 0x3F800000 * (1 | 1 << 32 | 1 << 64 | 1 << 96))),
    ("(ref.null func)", Const("funcref", None)),
    ("(ref.null extern)", Const("externref", None)),
    ("(ref.extern 7)", Const("externref", 7)),
])
def test_argument_constants(const, value):
    action = commands(f'(invoke "f" {const})')[0].action
    assert action.args == [value]


@pytest.mark.parametrize("result, expected", [
    ("(i32.const 7)", Const("i32", 7)),
    ("(f32.const nan:canonical)", NanPattern("f32", "canonical")),
    ("(f64.const nan:arithmetic)", NanPattern("f64", "arithmetic")),
    ("(f64.const nan:0x1)", Const("f64", 0x7FF0000000000001)),
    ("(v128.const f32x4 nan:canonical 1 -0 nan:arithmetic)",
     V128Pattern("f32x4", (NanPattern("f32", "canonical"), 0x3F800000, 0x80000000,
                           NanPattern("f32", "arithmetic")))),
    ("(v128.const f64x2 nan:canonical 0)",
     V128Pattern("f64x2", (NanPattern("f64", "canonical"), 0))),
    ("(v128.const f64x2 1 2)", Const("v128", 0x3FF0000000000000 | 0x4000000000000000 << 64)),
    ("(v128.const i8x16 -1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)", Const("v128", 0xFF)),
    ("(ref.func)", RefPattern("func")),
    ("(ref.extern)", RefPattern("extern")),
    ("(ref.extern 3)", Const("externref", 3)),
    ("(ref.null func)", Const("funcref", None)),
    ("(ref.null)", RefPattern("null")),
    ("(either (i32.const 1) (i32.const 2))", Either((Const("i32", 1), Const("i32", 2)))),
    ("(either (v128.const f32x4 nan:canonical 0 0 0) (v128.const i32x4 0 0 0 0))",
     Either((V128Pattern("f32x4", (NanPattern("f32", "canonical"), 0, 0, 0)),
             Const("v128", 0)))),
])
def test_result_patterns(result, expected):
    command = commands(f'(assert_return (invoke "f") {result})')[0]
    assert isinstance(command, AssertReturn) and command.expected == [expected]


def test_assert_return_multiple_and_no_results():
    a, b = commands('(assert_return (invoke "f"))\n'
                    '(assert_return (get $M "g") (i32.const 1) (i64.const 2))')
    assert a.expected == [] and a.action.kind == "invoke"
    assert b.action == Action("get", "g", [], "M") and len(b.expected) == 2


def test_assertions():
    cmds = commands("""
(assert_trap (invoke "f" (i32.const 0)) "integer divide by zero")
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
(assert_exhaustion (invoke "r") "call stack exhausted")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_malformed (module quote "(func") "unexpected token")
(assert_malformed (module binary "\\00") "unexpected end")
(assert_unlinkable (module (import "m" "x" (func))) "unknown import")
(assert_uninstantiable (module (func $s unreachable) (start $s)) "unreachable")
(assert_exception (invoke "throw"))
""")
    trap, trap_module, exhaustion, invalid, malformed_q, malformed_b, unlinkable, uninst, exc = cmds
    assert isinstance(trap, AssertTrap) and trap.module is None and trap.text.startswith("integer")
    assert trap.line == 2
    assert trap_module.action is None and trap_module.module.kind == "text"
    assert trap_module.module.text.funcs[0].body[0].op is Op.UNREACHABLE
    assert isinstance(exhaustion, AssertExhaustion) and exhaustion.text == "call stack exhausted"
    assert isinstance(invalid, AssertModule) and invalid.kind == "invalid"
    assert invalid.module.kind == "text"
    assert malformed_q.kind == "malformed" and malformed_q.module.quote == "(func"
    assert malformed_b.module.binary == b"\x00"
    assert unlinkable.kind == "unlinkable" and uninst.kind == "uninstantiable"
    assert isinstance(exc, AssertException) and exc.action.field == "throw"


def test_quoted_module_is_not_parsed_by_the_script_parser():
    # the quote is malformed; the script still parses, the runner gets the text
    cmd = commands('(assert_malformed (module quote "(func (i32.const 0x))") "unknown operator")')[0]
    with pytest.raises(ParseError) as info:
        parse_module(cmd.module.quote)
    assert info.value.reason.startswith(cmd.text)


def test_inline_module_script():
    (cmd,) = commands('(func (export "f")) (memory 1)')
    assert isinstance(cmd, ModuleCmd) and cmd.source.text.memories


def test_names_may_be_any_utf8():
    (cmd,) = commands('(invoke "\\u{1F600} \\ef\\bb\\bf")')
    assert cmd.action.field == "\U0001F600 \ufeff"


@pytest.mark.parametrize("text, reason", [
    ('(invoke "f" (i32.const 1x))', "unknown operator"),
    ('(invoke "f" (i32.const))', "unexpected token"),
    ('(assert_return (invoke "f") (i32.const nan:canonical))', "unexpected token"),
    ('(assert_return (invoke "f") (f32.const nan:canonical) junk)', "unexpected token"),
    ('(frobnicate)', "unknown operator"),
    ('(module (func (call $x)))', "unknown func"),
    ('(register)', "unexpected token"),
    ('(invoke "\\80")', "malformed UTF-8 encoding"),
    ('(assert_invalid (invoke "f") "x")', "unexpected token"),
    ('(invoke "f")) (invoke "g")', "unexpected token"),
    ('(module', "unexpected token"),
    ('(invoke "f" (ref.extern))', "unexpected token"),
    ('(assert_trap (invoke "f"))', "unexpected token"),
])
def test_script_errors(text, reason):
    with pytest.raises(ParseError) as info:
        parse_script(text)
    assert info.value.reason.startswith(reason)


def test_error_in_script_module_reports_script_position():
    with pytest.raises(ParseError) as info:
        parse_script('(module)\n\n(module (func\n  (call $nope)))', "s.wast")
    assert (info.value.file, info.value.line, info.value.column) == ("s.wast", 4, 9)
