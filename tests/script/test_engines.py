"""End to end: real scripts through real engines (wasmtime-py always; pywasm-core once it runs)."""

from __future__ import annotations

import pytest

from pywasm_core.script.adapter import PywasmCoreAdapter, WasmtimeAdapter
from pywasm_core.script.runner import load_script, run_file

SCRIPT = """\
(module $M
  (memory (export "mem") 1)
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "nan") (result f64) (f64.div (f64.const 0) (f64.const 0)))
  (func (export "neg") (param f64) (result f64) (f64.neg (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func $loop (export "loop") (call $loop))
  (func (export "ext") (param externref) (result externref) (local.get 0))
  (global (export "g") (mut i64) (i64.const -2)))
(register "M" $M)
(module
  (import "M" "add" (func $add (param i32 i32) (result i32)))
  (import "spectest" "print_i32" (func $print (param i32)))
  (import "spectest" "global_i32" (global $g i32))
  (func (export "twice") (param i32) (result i32) (call $add (local.get 0) (local.get 0)))
  (func (export "g") (result i32) (global.get $g)))
(assert_return (invoke "twice" (i32.const 21)) (i32.const 42))
(assert_return (invoke "g") (i32.const 666))
(assert_return (invoke $M "add" (i32.const -1) (i32.const -1)) (i32.const -2))
(assert_return (invoke $M "nan") (f64.const nan:canonical))
(assert_return (invoke $M "neg" (f64.const nan:0x4)) (f64.const -nan:0x4))
(assert_return (invoke $M "ext" (ref.extern 3)) (ref.extern 3))
(assert_return (invoke $M "ext" (ref.null extern)) (ref.null extern))
(assert_return (get $M "g") (i64.const -2))
(assert_trap (invoke $M "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke $M "load" (i32.const 65535)) "out of bounds memory access")
(assert_exhaustion (invoke $M "loop") "call stack exhausted")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_unlinkable (module (import "M" "missing" (func))) "unknown import")
(assert_unlinkable (module (import "M" "add" (func))) "incompatible import type")
(assert_trap (module (func unreachable) (start 0)) "unreachable")
(assert_malformed (module binary "\\00asm\\02\\00\\00\\00") "unknown binary version")
"""
COMMANDS = 19  # 2 modules, 1 register, 16 assertions


@pytest.fixture
def script_path(tmp_path):
    path = tmp_path / "engines.wast"
    path.write_text(SCRIPT)
    return path


def test_wasmtime_passes_the_script(script_path):
    result = run_file(script_path, WasmtimeAdapter(), frontend="json")
    assert result.failed == 0, result.report()
    assert result.passed == COMMANDS


def test_wasmtime_wrong_expectation_is_reported(tmp_path):
    path = tmp_path / "wrong.wast"
    path.write_text(SCRIPT.replace("(i32.const 42)", "(i32.const 43)"))
    result = run_file(path, WasmtimeAdapter(), frontend="json")
    assert result.failed == 1
    assert result.failures[0].line == 18
    assert "expected i32:43, got i32:42" in result.failures[0].detail


def test_missing_file_is_one_failure_not_an_exception(tmp_path):
    for frontend in ("json", "auto"):
        result = run_file(tmp_path / "absent.wast", WasmtimeAdapter(), frontend=frontend)
        assert result.failed == 1 and result.failures[0].command == "load script"
        assert "cannot read" in result.failures[0].detail


def test_the_json_front_end_can_be_forced(script_path):
    script, used, notes = load_script(script_path, "json")
    assert used == "json" and len(script.commands) == COMMANDS
    with pytest.raises(ValueError):
        load_script(script_path, "xml")


@pytest.mark.parametrize("frontend", ["json", "text"])
def test_pywasm_core_passes_the_script(script_path, frontend):
    result = run_file(script_path, PywasmCoreAdapter(), frontend=frontend, timeout=120)
    assert result.failed == 0, result.report()
    assert result.passed == COMMANDS
    assert result.frontend == frontend


def test_pywasm_core_reports_a_wrong_trap_message(tmp_path):
    path = tmp_path / "wrong_trap.wast"
    path.write_text(SCRIPT.replace('"integer divide by zero"', '"integer overflow"'))
    result = run_file(path, PywasmCoreAdapter(), frontend="json")
    assert result.failed == 1
    assert "expected trap 'integer overflow', got Trap 'integer divide by zero'" in \
        result.failures[0].detail


def test_auto_falls_back_to_json_with_a_note(script_path, monkeypatch):
    import pywasm_core.text

    def broken(text, file=None):
        raise RuntimeError("parser crashed")
    monkeypatch.setattr(pywasm_core.text, "parse_script", broken)
    script, used, notes = load_script(script_path, "auto")
    assert used == "json" and len(script.commands) == COMMANDS
    assert notes and "RuntimeError: parser crashed" in notes[0]
    with pytest.raises(Exception, match="parser crashed"):
        load_script(script_path, "text")


EXACT = """\
(module
  (func (export "f32") (param f32) (result f32) (local.get 0))
  (func (export "neg32") (param f32) (result f32) (f32.neg (local.get 0)))
  (func (export "v128") (param v128) (result v128) (i32x4.add (local.get 0) (local.get 0)))
  (global (export "gv") v128 (v128.const i64x2 -1 2))
  (global (export "gf") f32 (f32.const nan:0x200001)))
(assert_return (invoke "f32" (f32.const nan:0x200000)) (f32.const nan:0x200000))
(assert_return (invoke "neg32" (f32.const nan:0x1)) (f32.const -nan:0x1))
(assert_return (invoke "v128" (v128.const i32x4 1 -1 0x7fffffff 3)) (v128.const i32x4 2 -2 -2 6))
(assert_return (get "gv") (v128.const i64x2 -1 2))
(assert_return (get "gf") (f32.const nan:0x200001))
"""


@pytest.mark.parametrize("adapter", [PywasmCoreAdapter, WasmtimeAdapter])
def test_signalling_nans_and_v128_cross_bit_exact(tmp_path, adapter):
    path = tmp_path / "exact.wast"
    path.write_text(EXACT)
    result = run_file(path, adapter(), frontend="json")
    assert result.failed == 0, result.report()
    assert result.passed == 6


def test_a_broken_api_result_is_named_not_a_bare_type_error():
    from pywasm_core.script.adapter import EngineContractError

    adapter = PywasmCoreAdapter()
    assert adapter.from_engine("i32", -1).value == 0xFFFFFFFF
    assert adapter.from_engine("f64", -0.0).value == 1 << 63
    with pytest.raises(EngineContractError, match="returned None"):
        adapter.from_engine("i32", None)
    with pytest.raises(EngineContractError, match="for a f32 result"):
        adapter.from_engine("f32", 1)
