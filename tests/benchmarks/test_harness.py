"""The benchmark harness in smoke-test mode: it runs, checks results, and writes its report.

Tiny inputs only, structure only: no assertion here depends on a timing."""

from __future__ import annotations

import hashlib
import struct
import subprocess
import sys

import pytest

from benchmarks import harness


def test_quick_exec_run_prints_a_table_and_writes_the_report(tmp_path, capsys):
    report = tmp_path / "BENCHMARKS.md"
    assert harness.main(["--quick", "--repeat", "1", "--only", "exec",
                         "--engines", "pywasm-core,wasmtime", "--write", str(report)]) == 0
    out = capsys.readouterr().out
    assert "## Execution kernels" in out
    assert "| benchmark | call | pywasm-core | wasmtime | pywasm-core / wasmtime |" in out
    for call in ("`fib(15)`", "`matmul_f64(4)`", "`matmul_f32(4)`", "`blake2b(128)`",
                 "`memops(3)`", "`dispatch(100)`"):
        assert call in out
    assert "x slower" in out and "**geometric mean**" in out
    text = report.read_text()
    assert "Machine:" in text and "load average" in text
    assert "python -m benchmarks --quick --repeat 1 --only exec" in text
    assert "Engines: pywasm-core" in text
    assert "## SIMD" not in text and "## Neural" not in text


def test_only_rejects_unknown_sections():
    with pytest.raises(SystemExit):
        harness.main(["--quick", "--only", "exec,warp"])


def test_simd_section_runs_the_v128_kernel_on_every_engine(capsys):
    pytest.importorskip("pywasm")
    assert harness.main(["--quick", "--repeat", "1", "--only", "simd",
                         "--engines", "pywasm-core,pywasm,wasmtime"]) == 0
    out = capsys.readouterr().out
    assert "`dot_f32x4(256)`" in out and "`dot_f32(256)`" in out
    assert "pywasm 2.2.3 runs SIMD code" in out


def test_expected_values_agree_with_wasmtime():
    pytest.importorskip("wasmtime")
    for case in harness.CASES:
        assert harness.time_case(harness.load_wasmtime, case, quick=True, repeat=1)
        if case.name not in ("matmul f64", "matmul f32", "blake2b"):   # big ones: below
            assert harness.time_case(harness.load_wasmtime, case, quick=False, repeat=1)


@pytest.mark.parametrize("name", ["matmul f64", "matmul f32", "blake2b", "memops", "f32x4 dot"])
def test_full_size_expected_values_on_wasmtime(name):
    pytest.importorskip("wasmtime")
    case = next(c for c in harness.CASES if c.name == name)
    assert harness.time_case(harness.load_wasmtime, case, quick=False, repeat=1)


def test_blake2b_kernel_is_real_blake2b():
    """The expected values are hashlib's digests, not just what an engine happened to return."""
    case = next(c for c in harness.CASES if c.name == "blake2b")
    for n, expected in ((case.quick_arg, case.quick_expected), (case.arg, case.expected)):
        message = bytes((7 * i + 3) & 0xFF for i in range(n))
        digest = hashlib.blake2b(message).digest()
        assert int.from_bytes(digest[:8], "little", signed=True) == expected


def test_simd_and_scalar_dot_products_agree_on_pywasm_core():
    simd, scalar = (next(c for c in harness.CASES if c.export == e)
                    for e in ("dot_f32x4", "dot_f32"))
    results = []
    for case in (simd, scalar):
        call = harness.load_pywasm_core(harness.WASM / case.module, case.export, 1024,
                                        setup=case.setup)
        results.append(call())
    assert results[0] == results[1]


def test_a_wrong_result_is_an_error_not_a_timing():
    wrong = harness.Case("fib", "fib.wasm", "fib", 10, 10, 56, 56, "off by one")
    with pytest.raises(AssertionError, match="expected 56"):
        harness.time_case(harness.load_pywasm_core, wrong, quick=True, repeat=1)


def test_a_wrong_result_makes_the_run_fail(monkeypatch, capsys):
    broken = harness.Case("fib", "fib.wasm", "fib", 10, 10, 56, 56, "off by one")
    monkeypatch.setattr(harness, "CASES", [broken])
    monkeypatch.setattr("benchmarks.neural_bench.forward_rows", lambda quick, results=None: [])
    assert harness.main(["--quick", "--repeat", "1", "--only", "exec",
                         "--engines", "pywasm-core"]) == 1
    out = capsys.readouterr().out
    assert "WRONG RESULT: fib on pywasm-core" in out and "| wrong result |" in out


def test_engines_that_disagree_are_reported():
    rows = [harness.Row("r", "`f()`", "i32", None,
                        lambda engine: (lambda: 1 if engine == "pywasm-core" else 2))]
    results = harness.Results()
    harness.run_rows(rows, ["pywasm-core", "wasmtime"], 1, results, {})
    assert results.failures and "engines disagree" in results.failures[0]


def test_floats_are_compared_bit_for_bit():
    assert harness.normalise(0.0, "f64") != harness.normalise(-0.0, "f64")
    nan = struct.unpack("<d", bytes.fromhex("000000000000f87f"))[0]
    assert harness.normalise(nan, "f32") == harness.normalise(nan, "f32")
    assert harness.normalise(-1, "i32") == harness.normalise(2**32 - 1, "i32")
    assert harness.normalise([-1], "i64") == 2**64 - 1


def test_missing_peer_is_skipped_with_a_note(monkeypatch, capsys):
    def missing(*args, **kwargs):
        raise harness.EngineMissing("pywasm is not installed")
    monkeypatch.setitem(harness.ENGINES, "pywasm", missing)
    monkeypatch.setattr("benchmarks.neural_bench.forward_rows", lambda quick, results=None: [])
    assert harness.main(["--quick", "--repeat", "1", "--only", "exec",
                         "--engines", "pywasm-core,pywasm"]) == 0
    out = capsys.readouterr().out
    assert "note: pywasm skipped: pywasm is not installed" in out
    assert "| benchmark | call | pywasm-core |" in out


def test_geomean():
    assert harness.geomean([2.0, 8.0]) == pytest.approx(4.0)


def test_committed_wasm_is_built_from_the_sources():
    completed = subprocess.run([sys.executable, str(harness.WASM / "build.py"), "--check"],
                               capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr


def test_wasm3_section_runs_gc_and_exception_kernels_on_both_tiers_and_wasmtime(capsys):
    pytest.importorskip("wasmtime")
    assert harness.main(["--quick", "--repeat", "1", "--only", "wasm3",
                         "--engines", "pywasm-core,pywasm-core-interp,wasmtime"]) == 0
    out = capsys.readouterr().out
    assert "`trees(4)`" in out and "`arrays(100)`" in out and "`throws(20)`" in out
    assert "cannot run" not in out
