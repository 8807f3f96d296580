"""`pywasm-core run` (the click command in pywasm_core/wasi/cli.py): options, exit statuses and
the one-line error messages when a limit stops the guest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pywasm_core.wasi.cli import run_command

from test_wasi_engines import EXIT_7, FLOOD, HELLO, SPIN

WASM = Path(__file__).resolve().parents[2] / "wasm" / "wasi"
ROOT = Path(__file__).resolve().parents[2]


def invoke(args, stdin=b""):
    return CliRunner().invoke(run_command, [str(a) for a in args], input=stdin)


@pytest.fixture
def programs(tmp_path):
    paths = {}
    for name, wasm in (("hello", HELLO), ("exit7", EXIT_7), ("spin", SPIN), ("flood", FLOOD)):
        paths[name] = tmp_path / f"{name}.wasm"
        paths[name].write_bytes(wasm)
    return paths


def test_run_hello_and_exit_status(programs):
    result = invoke([programs["hello"]])
    assert result.exit_code == 0 and result.stdout_bytes == b"hello\n"
    assert invoke([programs["exit7"]]).exit_code == 7


def test_fuel_message(programs):
    result = invoke(["--fuel", 5000, programs["spin"]])
    assert result.exit_code == 1
    assert result.stderr_bytes.decode().strip() == "error: trap: all fuel consumed (--fuel 5000)"


def test_max_output_message(programs):
    result = invoke(["--max-output", 3000, programs["flood"]])
    assert result.exit_code == 1
    assert result.stderr_bytes.decode().startswith("error: trap: resource limit exceeded")
    assert len(result.stdout_bytes) == 3000


def test_bad_inputs(tmp_path, programs):
    result = invoke([tmp_path / "missing.wasm"])
    assert result.exit_code == 2 and "error: cannot read" in result.stderr_bytes.decode()
    junk = tmp_path / "junk.wasm"
    junk.write_bytes(b"\0asmjunk")
    result = invoke([junk])
    assert result.exit_code == 2 and result.stderr_bytes.decode().startswith("error: ")
    assert invoke(["--dir", tmp_path / "nope", programs["hello"]]).exit_code == 2
    assert invoke(["--env", "NOT_A_PAIR_AND_NOT_SET_ANYWHERE_42", programs["hello"]]).exit_code == 2


def test_args_env_dirs_and_stdin(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "f.txt").write_text("one two two\n")
    result = invoke(["--dir", f"{tmp_path / 'data'}::/d", WASM / "tree.wasm", "/d"])
    assert result.exit_code == 0, result.stderr_bytes
    assert b"f.txt 12 bytes" in result.stdout_bytes
    result = invoke([WASM / "textproc.wasm", "--", "two"], stdin=b"one two two\nthree\n")
    assert result.exit_code == 0
    assert result.stdout_bytes.decode().splitlines() == [
        "lines=2 words=4 bytes=18 distinct=3", "  two 2", "  one 1", "  three 1", "1: ONE TWO TWO"]
    assert result.stderr_bytes == b"1 matching lines\n"
    assert invoke([WASM / "textproc.wasm", "--", "absent"], stdin=b"x\n").exit_code == 1


def test_deterministic_runs_repeat(tmp_path):
    args = ["--deterministic", "--seed", 3, WASM / "clockrand.wasm", "--values"]
    first, second = invoke(args), invoke(args)
    assert first.exit_code == 0
    assert first.stdout_bytes == second.stdout_bytes
    assert b"random=" in first.stdout_bytes
    other = invoke(["--deterministic", "--seed", 4, WASM / "clockrand.wasm", "--values"])
    assert other.stdout_bytes != first.stdout_bytes


def test_engine_switch_and_real_process(programs):
    """A real subprocess: inherited stdout is the process's stdout."""
    code = ("import sys; from pywasm_core.wasi.cli import run_command; "
            "run_command(sys.argv[1:], prog_name='pywasm-core run')")
    for engine in ("pywasm_core", "wasmtime"):
        proc = subprocess.run([sys.executable, "-c", code, "--engine", engine,
                               str(programs["hello"])], capture_output=True, cwd=ROOT,
                              timeout=60)
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"hello\n", b"")


def test_trap_in_guest_exits_1(tmp_path):
    import wasmtime
    path = tmp_path / "trap.wasm"
    path.write_bytes(wasmtime.wat2wasm(
        '(module (memory (export "memory") 1) (func (export "_start") unreachable))'))
    for engine in ("pywasm_core", "wasmtime"):
        result = invoke(["--engine", engine, path])
        assert result.exit_code == 1
        assert result.stderr_bytes.decode().startswith("error: trap: ")
        assert "unreachable" in result.stderr_bytes.decode()


def test_env_options(tmp_path, monkeypatch):
    import wasmtime
    # environ_sizes_get -> exit code = number of variables
    path = tmp_path / "envcount.wasm"
    path.write_bytes(wasmtime.wat2wasm("""(module
      (import "wasi_snapshot_preview1" "environ_sizes_get" (func $sizes (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (func (export "_start") (drop (call $sizes (i32.const 0) (i32.const 4)))
        (call $exit (i32.load (i32.const 0)))))"""))
    monkeypatch.setenv("WASI_CLI_TEST_VAR", "1")
    assert invoke([path]).exit_code == 0
    assert invoke(["--env", "A=1", "--env", "B=2", "--env", "A=3", path]).exit_code == 2
    assert invoke(["--env", "WASI_CLI_TEST_VAR", path]).exit_code == 1
    assert invoke(["--inherit-env", path]).exit_code == min(len(os.environ), 255)


def test_real_stdin_pipe_and_stderr():
    code = ("import sys; from pywasm_core.wasi.cli import run_command; "
            "run_command(sys.argv[1:], prog_name='pywasm-core run')")
    text = b"red green\nblue red\n" * 300
    proc = subprocess.run([sys.executable, "-c", code, str(WASM / "textproc.wasm"), "blue"],
                          input=text, capture_output=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0
    lines = proc.stdout.decode().splitlines()
    assert lines[0] == "lines=600 words=1200 bytes=%d distinct=3" % len(text)
    assert lines[1:3] == ["  red 600", "  blue 300"]
    assert proc.stderr == b"300 matching lines\n"
