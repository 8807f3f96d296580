"""Bounded, reproducible differential fuzzing against wasmtime (part of the normal test run).

`derandomize=True` makes hypothesis derive every example from the test itself, so a run is the
same on every machine; a discrepancy fails with the module's text and the differing observation.
`pywasm-core fuzz` runs the same generator for as long as you like, with seeds.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pywasm_core.testing.mutate import judge, mutants
from pywasm_core.testing.oracle import check_case
from pywasm_core.testing.strategies import cases
from pywasm_core.text.printer import print_module

pytest.importorskip("wasmtime")

FIXED = dict(derandomize=True, deadline=None, database=None, print_blob=False,
             suppress_health_check=list(HealthCheck))


def _explain(case, problems) -> str:
    return "\n".join(problems) + "\n\ncalls: " + repr(case.calls) + \
        f"\nhost globals: {case.host_globals}\n\n" + print_module(case.module)


@settings(max_examples=1000, **FIXED)
@given(cases())
def test_generated_modules_behave_identically(case):
    result = check_case(case)
    assert not result.discrepancies, _explain(case, result.discrepancies)


@settings(max_examples=400, **FIXED)
@given(cases(features=("simd",)))
def test_generated_simd_modules_behave_identically(case):
    result = check_case(case)
    assert not result.discrepancies, _explain(case, result.discrepancies)


@settings(max_examples=900, **FIXED)
@given(st.data())
def test_mutated_binaries_get_the_same_verdict(data):
    case = data.draw(cases(features=("simd",)))
    wasm = data.draw(mutants(case.wasm))
    verdict = judge(wasm)
    assert verdict.ours != "crash", verdict.our_error
    assert verdict.agree, f"{verdict}\nmutant: {wasm.hex()}"


# Official testsuite binaries as mutation seeds: a handful of files that stress the binary format
# and constant expressions, converted once per session with wasm-tools.
SEED_FILES = ("binary", "binary-leb128", "custom", "global", "data", "elem", "memory", "imports",
              "table", "br_table", "select", "ref_func")


@pytest.fixture(scope="module")
def testsuite_seeds(tmp_path_factory):
    from pywasm_core.testing.mutate import testsuite_seeds as load

    seeds = load(tmp_path_factory.mktemp("testsuite"), files=SEED_FILES)
    if not seeds:
        pytest.skip("official testsuite or wasm-tools not available")
    return seeds


def test_testsuite_seeds_get_the_same_verdict(testsuite_seeds):
    """The unmutated seeds (valid, invalid and malformed modules of the testsuite)."""
    for wasm in testsuite_seeds:
        verdict = judge(wasm)
        assert verdict.agree, f"{verdict}\nmodule: {wasm.hex()}"


def test_mutated_testsuite_binaries_get_the_same_verdict(testsuite_seeds):
    @settings(max_examples=500, **FIXED)
    @given(st.data())
    def check(data):
        wasm = data.draw(mutants(data.draw(st.sampled_from(testsuite_seeds))))
        verdict = judge(wasm)
        assert verdict.ours != "crash", verdict.our_error
        assert verdict.agree, f"{verdict}\nmutant: {wasm.hex()}"
    check()
