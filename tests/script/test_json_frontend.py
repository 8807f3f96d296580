"""The wasm-tools JSON front end: values, patterns and command kinds, from real .wast text."""

from __future__ import annotations

import pytest

from pywasm_core.script.commands import (Const, Either, ModuleCmd, NanPattern, RefPattern,
                                         V128Pattern)
from pywasm_core.script.json_frontend import FrontendError, load_script, parse_value


def test_numbers_become_unsigned_ints_and_float_bits():
    assert parse_value({"type": "i32", "value": "4294967295"}, False) == Const("i32", 0xFFFFFFFF)
    assert parse_value({"type": "i64", "value": "-1"}, False) == Const("i64", 2**64 - 1)
    assert parse_value({"type": "f32", "value": "2143289344"}, False) == Const("f32", 0x7FC00000)
    assert parse_value({"type": "f64", "value": "nan:canonical"}, True) == NanPattern("f64", "canonical")
    assert parse_value({"type": "i32", "value": "0100"}, False) == Const("i32", 100)
    assert parse_value({"type": "i64", "value": "-0x10"}, False) == Const("i64", 2**64 - 16)


def test_v128_arguments_pack_lanes_and_results_stay_per_lane():
    arg = parse_value({"type": "v128", "lane_type": "i16", "value": ["1", "-1"] + ["0"] * 6}, False)
    assert arg == Const("v128", 1 | 0xFFFF << 16)
    expected = parse_value({"type": "v128", "lane_type": "f64", "value": ["nan:arithmetic", "0"]}, True)
    assert expected == V128Pattern("f64x2", (NanPattern("f64", "arithmetic"), 0))


def test_references_and_either():
    assert parse_value({"type": "externref", "value": "null"}, False) == Const("externref", None)
    assert parse_value({"type": "externref", "value": "7"}, False) == Const("externref", 7)
    assert parse_value({"type": "funcref"}, True) == RefPattern("func")
    assert parse_value({"type": "refnull"}, True) == RefPattern("null")
    either = parse_value({"type": "either", "values": [{"type": "i32", "value": "1"},
                                                       {"type": "i32", "value": "2"}]}, True)
    assert either == Either((Const("i32", 1), Const("i32", 2)))


SCRIPT = """\
(module $M
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "f") (result f32) (f32.const nan))
  (func (export "loop") (call 2))
  (global (export "g") i32 (i32.const 5)))
(register "m" $M)
(assert_return (invoke "add" (i32.const -1) (i32.const 2)) (i32.const 1))
(assert_return (invoke $M "f") (f32.const nan:canonical))
(assert_return (get "g") (i32.const 5))
(invoke "add" (i32.const 0) (i32.const 0))
(assert_trap (invoke "add" (i32.const 0) (i32.const 0)) "unreachable")
(assert_exhaustion (invoke "loop") "call stack exhausted")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_malformed (module quote "(func") "unexpected token")
(assert_malformed (module binary "\\00asm\\02\\00\\00\\00") "unknown binary version")
(assert_unlinkable (module (import "m" "nope" (func))) "unknown import")
(module quote "(func (export \\"q\\"))")
"""


def test_a_script_becomes_commands(tmp_path):
    path = tmp_path / "demo.wast"
    path.write_text(SCRIPT)
    script = load_script(path)
    kinds = [type(c).__name__ for c in script.commands]
    assert kinds == ["ModuleCmd", "RegisterCmd", "AssertReturn", "AssertReturn", "AssertReturn",
                     "ActionCmd", "AssertTrap", "AssertExhaustion", "AssertModule", "AssertModule",
                     "AssertModule", "AssertModule", "ModuleCmd"]
    module = script.commands[0]
    assert isinstance(module, ModuleCmd) and module.name == "M"
    assert module.source.kind == "binary" and module.source.binary.startswith(b"\0asm")
    assert script.commands[0].line == 1 and script.commands[2].line == 7
    add = script.commands[2]
    assert add.action.args == [Const("i32", 0xFFFFFFFF), Const("i32", 2)]
    assert script.commands[3].action.module == "M"
    assert script.commands[4].action.kind == "get"
    malformed_text = script.commands[9]
    assert malformed_text.kind == "malformed" and malformed_text.module.kind == "quote"
    assert "(func" in malformed_text.module.quote and malformed_text.module.binary is None
    malformed_binary = script.commands[10]
    assert malformed_binary.module.binary == b"\0asm\x02\0\0\0"
    quoted = script.commands[12]
    assert quoted.source.kind == "quote" and quoted.source.binary.startswith(b"\0asm")


def test_a_broken_script_raises_frontend_error(tmp_path):
    path = tmp_path / "bad.wast"
    path.write_text("(module (func $x) (func $x))\n(assert_return (invoke")
    with pytest.raises(FrontendError, match="bad.wast"):
        load_script(path)
