"""The `pywasm-core` command line: results, exit statuses and one-line errors, through click."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pywasm_core.cli import cli, format_result, main, parse_arg, scan_sections, trap_text
from pywasm_core.errors import Frame, Trap, TrapCode

REPO = Path(__file__).resolve().parents[2]
WASM = REPO / "wasm"

WAT = """\
(module
  (import "env" "f" (func $imported (param i32)))
  (memory (export "memory") 1 2)
  (table (export "table") 3 funcref)
  (func (export "add") (param i32 i64) (result i64)
    (i64.add (i64.extend_i32_s (local.get 0)) (local.get 1)))
  (func (export "pair") (param f32 f64) (result f32 f64) (local.get 0) (local.get 1))
  (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  (global (export "g") i32 (i32.const 1)))
"""
STANDALONE = """\
(module
  (func (export "add") (param i32 i64) (result i64)
    (i64.add (i64.extend_i32_s (local.get 0)) (local.get 1)))
  (func (export "pair") (param f32 f64) (result f32 f64) (local.get 0) (local.get 1))
  (func (export "nan") (result f32) (f32.const nan:0x200000))
  (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  (func $deep (export "deep") (call $deep)))
"""


def invoke(*args: str):
    """Run the CLI in-process the way `main` does (exit status + output)."""
    runner = CliRunner()
    return runner.invoke(main_command, list(args), catch_exceptions=False)


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def main_command(ctx):
    main(ctx.args)


@pytest.fixture
def standalone(tmp_path):
    path = tmp_path / "standalone.wat"
    path.write_text(STANDALONE)
    return str(path)


def test_run_fib_demo():
    result = invoke("run", str(WASM / "fib.wasm"), "--invoke", "fib", "20")
    assert result.exit_code == 0
    assert result.output == "6765\n"


def test_run_parses_args_by_param_type(standalone):
    result = invoke("run", standalone, "--invoke", "add", "-5", "0x10")
    assert (result.exit_code, result.output) == (0, "11\n")
    result = invoke("run", standalone, "--invoke", "pair", "0.1", "-2.5e300")
    assert (result.exit_code, result.output) == (0, "0.1\n-2.5e+300\n")
    result = invoke("run", standalone, "--invoke", "pair", "inf", "-0x1p-1074")
    assert result.output == "inf\n-5e-324\n"


def test_run_prints_nan_payloads(standalone):
    assert invoke("run", standalone, "--invoke", "nan").output == "nan:0x200000\n"


def test_run_passes_nan_payloads_bit_exact(standalone):
    result = invoke("run", standalone, "--invoke", "pair", "-nan:0x1", "nan:0x4000000000001")
    assert (result.exit_code, result.output) == (0, "-nan:0x1\nnan:0x4000000000001\n")
    assert invoke("run", standalone, "--invoke", "pair", "nan", "-nan").output == "nan\n-nan\n"
    bad = invoke("run", standalone, "--invoke", "pair", "nan:0x0", "1")
    assert bad.exit_code == 2 and "is not an f32 number" in bad.output


def test_trap_exits_1_with_message(standalone):
    result = invoke("run", standalone, "--invoke", "div", "0")
    assert result.exit_code == 1
    assert "error: trap: integer divide by zero" in result.output


def test_fuel_bounds_a_run():
    fib = str(WASM / "fib.wasm")
    assert invoke("run", fib, "--invoke", "fib", "10", "--fuel", "100000").output == "55\n"
    starved = invoke("run", fib, "--invoke", "fib", "25", "--fuel", "1000")
    assert starved.exit_code == 1 and "error: trap: all fuel consumed" in starved.output


def test_deep_recursion_backtrace_is_cut_short(standalone):
    result = invoke("run", standalone, "--invoke", "deep")
    assert result.exit_code == 1
    assert "call stack exhausted" in result.output
    assert "frames omitted" in result.output
    assert len(result.output.splitlines()) < 30


@pytest.mark.parametrize("args, message", [
    (["--invoke", "add", "1"], "add takes 2 argument(s) (i32 i64), got 1"),
    (["--invoke", "add", "x", "1"], "'x' is not an i32 integer"),
    (["--invoke", "add", "4294967296", "1"], "out of range for i32"),
    (["--invoke", "missing"], "no exported function 'missing'"),
])
def test_bad_invocations_exit_2_with_one_line(standalone, args, message):
    result = invoke("run", standalone, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


WASI_EXIT = """\
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (i32.const 7))))
"""


def test_without_invoke_run_is_the_wasi_form(tmp_path):
    program = tmp_path / "exit7.wasm"
    program.write_bytes(load_binary_text(WASI_EXIT, tmp_path))
    result = invoke("run", str(program))
    assert result.exit_code == 7, result.output


def test_wasi_form_without_start_is_bad_input(standalone, tmp_path):
    program = tmp_path / "plain.wasm"
    program.write_bytes(load_binary_text(STANDALONE, tmp_path))
    result = invoke("run", str(program))
    assert result.exit_code == 2
    assert result.output.startswith("error:") and len(result.output.strip().splitlines()) == 1


def load_binary_text(text: str, tmp_path) -> bytes:
    from pywasm_core.cli import load_binary
    source = tmp_path / "source.wat"
    source.write_text(text)
    return load_binary(str(source))


def test_bad_files_exit_2(tmp_path):
    missing = invoke("run", str(tmp_path / "none.wasm"), "--invoke", "f")
    assert missing.exit_code == 2 and "cannot read" in missing.output
    truncated = tmp_path / "bad.wasm"
    truncated.write_bytes(b"\0asm\1\0\0\0\1\5")
    result = invoke("validate", str(truncated))
    assert result.exit_code == 2 and "malformed module" in result.output
    invalid = tmp_path / "invalid.wat"
    invalid.write_text("(module (func (result i32)))")
    result = invoke("validate", str(invalid))
    assert result.exit_code == 2 and "invalid module: type mismatch" in result.output
    unlinkable = tmp_path / "import.wat"
    unlinkable.write_text(WAT)
    result = invoke("run", str(unlinkable), "--invoke", "div", "1")
    assert result.exit_code == 2 and "link error: unknown import" in result.output


def test_validate_ok():
    result = invoke("validate", str(WASM / "loop.wasm"))
    assert (result.exit_code, result.output) == (0, f"{WASM / 'loop.wasm'}: valid\n")


def test_inspect_describes_the_module(tmp_path):
    path = tmp_path / "m.wat"
    path.write_text(WAT)
    result = invoke("inspect", str(path))
    assert result.exit_code == 0, result.output
    out = result.output
    for expected in ["sections:", "type ", "import ", "code ", "functions: 4 (1 imported, 3 defined)",
                     "imports: 1", "env.f: func [i32] -> []", "exports: 6",
                     "add: func [i32 i64] -> [i64]", "memory 0: min 1, max 2",
                     "table 0: funcref min 3, no max", "custom sections: 1", "code size: "]:
        assert expected in out, (expected, out)


def test_inspect_lists_custom_sections():
    out = invoke("inspect", str(WASM / "fib.wasm")).output
    assert "custom sections: 1" in out and "'name'" in out and "module name 'fib'" in out


def test_scan_sections_of_real_bytes():
    data = (WASM / "fib.wasm").read_bytes()
    names = [name for _, name, _, _ in scan_sections(data)]
    assert names == ["type", "function", "export", "code", "custom 'name'"]
    assert sum(size for *_, size in scan_sections(data)) < len(data)


def test_wat2wasm_and_wasm2wat_round_trip(tmp_path):
    source = REPO / "wasm" / "src" / "loop.wat"
    out = tmp_path / "loop.wasm"
    result = invoke("wat2wasm", str(source), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\0asm")
    assert invoke("run", str(out), "--invoke", "checksum", "1000").output == \
        invoke("run", str(WASM / "loop.wasm"), "--invoke", "checksum", "1000").output
    text = invoke("wasm2wat", str(out))
    assert text.exit_code == 0 and text.output.startswith("(module")
    again = tmp_path / "again.wat"
    again.write_text(text.output)
    assert invoke("run", str(again), "--invoke", "checksum", "1000").exit_code == 0


def test_wat2wasm_rejects_bad_text(tmp_path):
    bad = tmp_path / "bad.wat"
    bad.write_text("(module (func (i32.const)))")
    result = invoke("wat2wasm", str(bad))
    assert result.exit_code == 2 and "malformed text" in result.output


SCRIPT_OK = '(module (func (export "one") (result i32) (i32.const 1)))\n' \
            '(assert_return (invoke "one") (i32.const 1))\n'
SCRIPT_BAD = SCRIPT_OK + '(assert_return (invoke "one") (i32.const 2))\n'


def test_wast_table_json_and_exit_status(tmp_path):
    good, bad = tmp_path / "good.wast", tmp_path / "bad.wast"
    good.write_text(SCRIPT_OK)
    bad.write_text(SCRIPT_BAD)
    report = tmp_path / "out.json"
    result = invoke("wast", str(good), "--json", str(report))
    assert result.exit_code == 0, result.output
    assert "good.wast" in result.output
    document = json.loads(report.read_text())
    assert document == {"files": {"good.wast": {"passed": 2, "failed": 0, "skipped": 0}},
                        "totals": {"passed": 2, "failed": 0, "skipped": 0}}
    result = invoke("wast", str(good), str(bad), "--frontend", "json")
    assert result.exit_code == 1
    assert "line 3" in result.output and "expected i32:2, got i32:1" in result.output
    assert "total" in result.output


def test_wast_on_wasmtime(tmp_path):
    good = tmp_path / "good.wast"
    good.write_text(SCRIPT_OK)
    assert invoke("wast", str(good), "--engine", "wasmtime", "--frontend", "json").exit_code == 0


def test_format_and_parse_helpers():
    assert parse_arg("-1", "i64") == -1 and parse_arg("0xff", "i32") == 255
    assert parse_arg("007", "i32") == 7 and parse_arg("1_000", "i32") == 1000
    assert parse_arg("null", "externref") is None
    assert format_result(float("-inf"), "f64") == "-inf"
    assert format_result(0.1, "f64") == "0.1"
    assert format_result(None, "funcref") == "null"


def test_trap_text_keeps_short_backtraces_whole():
    frames = [Frame(i, f"f{i}", "m", None, 0x10 + i) for i in range(3)]
    text = trap_text(Trap(TrapCode.UNREACHABLE, None, frames))
    assert text.splitlines() == ["trap: unreachable", "wasm backtrace:", "    0: m!f0 @ 0x10",
                                 "    1: m!f1 @ 0x11", "    2: m!f2 @ 0x12"]


def test_python_dash_m_entry_point():
    completed = subprocess.run([sys.executable, "-m", "pywasm_core", "run", str(WASM / "fib.wasm"),
                                "--invoke", "fib", "10"], capture_output=True, text=True,
                               cwd=REPO)
    assert (completed.returncode, completed.stdout) == (0, "55\n")


def test_help_lists_commands():
    result = CliRunner().invoke(cli, ["--help"])
    for command in ("run", "validate", "inspect", "wast", "wat2wasm", "wasm2wat"):
        assert command in result.output


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pywasm_core.errors import DecodeError  # noqa: E402


@settings(max_examples=300)
@given(st.binary(max_size=64))
def test_scan_sections_never_leaks_python_errors(tail):
    try:
        sections = scan_sections(b"\0asm\1\0\0\0" + tail)
    except DecodeError:
        return
    for _, _, offset, size in sections:
        assert 8 <= offset <= 8 + len(tail)


def test_wat2wasm_default_output_and_wasm2wat_to_file(tmp_path):
    source = tmp_path / "fib.wat"
    source.write_text((REPO / "wasm" / "src" / "fib.wat").read_text())
    result = invoke("wat2wasm", str(source))
    assert result.exit_code == 0 and (tmp_path / "fib.wasm").is_file()
    out = tmp_path / "fib.printed.wat"
    assert invoke("wasm2wat", str(tmp_path / "fib.wasm"), "-o", str(out)).exit_code == 0
    assert out.read_text().startswith("(module")
    assert invoke("run", str(out), "--invoke", "fib", "12").output == "144\n"


def test_wasm2wat_of_garbage_is_bad_input(tmp_path):
    garbage = tmp_path / "garbage.wasm"
    garbage.write_bytes(b"\0asm\1\0\0\0\x0a\xff")
    result = invoke("wasm2wat", str(garbage))
    assert result.exit_code == 2 and "malformed module" in result.output
