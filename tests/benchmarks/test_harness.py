"""The benchmark harness in smoke-test mode: it runs, checks results, and writes its report."""

from __future__ import annotations

import pytest

from benchmarks import harness


def test_quick_run_prints_a_table_and_writes_the_report(tmp_path, capsys):
    report = tmp_path / "BENCHMARKS.md"
    assert harness.main(["--quick", "--repeat", "1", "--engines", "pywasm-core,wasmtime",
                         "--write", str(report)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("| benchmark | call | pywasm-core | wasmtime | pywasm-core / wasmtime |")
    assert "`fib(15)`" in out and "x slower" in out
    text = report.read_text()
    assert "Machine:" in text and "python -m benchmarks --quick" in text
    assert "Engines: pywasm-core" in text


def test_expected_values_agree_with_wasmtime():
    pytest.importorskip("wasmtime")
    for case in harness.CASES:
        assert harness.time_case(harness.load_wasmtime, case, quick=True, repeat=1)
        assert harness.time_case(harness.load_wasmtime, case, quick=False, repeat=1)


def test_a_wrong_result_is_an_error_not_a_timing():
    wrong = harness.Case("fib", "fib.wasm", "fib", 10, 10, 56, 56, "off by one")
    with pytest.raises(AssertionError, match="expected 56"):
        harness.time_case(harness.load_pywasm_core, wrong, quick=True, repeat=1)


def test_missing_peer_is_skipped_with_a_note(monkeypatch, capsys):
    def missing(*args):
        raise harness.EngineMissing("pywasm is not installed")
    monkeypatch.setitem(harness.ENGINES, "pywasm", missing)
    assert harness.main(["--quick", "--repeat", "1", "--engines", "pywasm-core,pywasm"]) == 0
    out = capsys.readouterr().out
    assert "note: pywasm skipped: pywasm is not installed" in out
    assert "| pywasm-core |" in out.splitlines()[0] + " |"


def test_committed_wasm_is_built_from_the_sources():
    import subprocess
    import sys

    completed = subprocess.run([sys.executable, str(harness.WASM / "build.py"), "--check"],
                               capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
