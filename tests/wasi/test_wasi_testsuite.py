"""The official WASI testsuite (C and AssemblyScript, wasm32-wasip1), run as its
doc/specification.md says, on both engines: pywasm_core, and wasmtime-py driven by our host."""

from __future__ import annotations

import pytest

from wasi_suite import SUITE, all_cases, load_case, run_case

CASES = all_cases()


def test_suite_is_there():
    assert len(CASES) >= 26
    assert {c.wasm.parent.parent.parent.name for c in CASES} == {"c", "assemblyscript"}


@pytest.mark.parametrize("engine", ["pywasm_core", "wasmtime"])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_wasi_testsuite(case, engine):
    if set(case.proposals) - {"run", "wait", "read"}:
        pytest.fail(f"needs proposals {case.proposals} (no sockets/http in this runtime)")
    assert run_case(case, engine) == []


def test_spec_defaults_and_legacy_fields(tmp_path):
    wasm = SUITE / "assemblyscript/testsuite/wasm32-wasip1/proc_exit-failure.wasm"
    case = load_case(wasm)
    assert (case.exit_code, case.args, case.env, case.root, case.stdout) == (33, [], {}, None, "")
    plain = load_case(SUITE / "assemblyscript/testsuite/wasm32-wasip1/proc_exit-success.wasm")
    assert (plain.exit_code, plain.stdout, plain.stderr) == (0, "", "")


def test_runner_detects_a_wrong_expectation():
    wasm = SUITE / "assemblyscript/testsuite/wasm32-wasip1/fd_write-to-stdout.wasm"
    case = load_case(wasm)
    case.stdout = "something else"
    case.exit_code = 3
    problems = run_case(case, "pywasm_core")
    assert len(problems) == 2 and "stdout" in problems[1]
