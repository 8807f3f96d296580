"""The oracle, mutator and campaign machinery themselves: they must see real differences."""

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings

from pywasm_core.testing.mutate import MUTATIONS, apply, judge, sections
from pywasm_core.testing.oracle import (Observation, Outcome, Run, check_case, compare,
                                        run_pywasm, run_wasmtime)
from pywasm_core.testing.strategies import FUEL_GLOBAL, cases

pytest.importorskip("wasmtime")

FIXED = dict(derandomize=True, deadline=None, database=None,
             suppress_health_check=list(HealthCheck))


def _run(*outcomes, memory=b"\0", globals_=(1,), tables=()):
    return Run("x", [Observation(Outcome("ok"), memory, globals_, tables)] +
               [Observation(o, memory, globals_, tables) for o in outcomes])


def test_identical_runs_agree():
    assert compare(_run(Outcome("ok", (1,))), _run(Outcome("ok", (1,)))) == []


def test_result_bits_differ():
    problems = compare(_run(Outcome("ok", (0x7FC00000,))), _run(Outcome("ok", (0xFFC00000,))))
    assert problems and "results" in problems[0]


def test_spec_nan_mode_accepts_any_nan_pair_but_not_nan_vs_number():
    a, b = _run(Outcome("ok", (0x7FC00000,))), _run(Outcome("ok", (0xFFC00001,)))
    assert compare(a, b, nan_mode="spec") == []
    assert compare(a, _run(Outcome("ok", (0x3F800000,))), nan_mode="spec")


def test_trap_kind_and_trap_vs_result_differ():
    assert compare(_run(Outcome("trap", detail="UNREACHABLE")),
                   _run(Outcome("trap", detail="MEMORY_OUT_OF_BOUNDS")))
    assert compare(_run(Outcome("trap", detail="UNREACHABLE")), _run(Outcome("ok", ())))
    assert compare(_run(Outcome("exhausted", detail="STACK_OVERFLOW")),
                   _run(Outcome("trap", detail="UNREACHABLE")))


def test_state_differences_are_reported():
    assert "memory" in compare(_run(memory=b"\1"), _run(memory=b"\0"))[0]
    assert "globals" in compare(_run(globals_=(2,)), _run(globals_=(1,)))[0]
    assert "tables" in compare(_run(tables=((True,),)), _run(tables=((False,),)))[0]


def test_fuel_exhaustion_is_inconclusive_not_a_discrepancy():
    ours = _run(Outcome("fuel"))
    assert ours.inconclusive
    assert compare(ours, _run(Outcome("ok", (1,)))) == []


def test_a_leaked_python_error_is_a_discrepancy():
    problems = compare(_run(Outcome("crash", detail="IndexError")), _run(Outcome("ok", ())))
    assert "leaked a Python error" in problems[0]


@settings(max_examples=15, **FIXED)
@given(cases())
def test_end_to_end_detects_different_host_values(case):
    """Same bytes, different imported global values: `__state` must expose the difference."""
    other = dataclasses.replace(case, host_globals=(case.host_globals[0] ^ 1, case.host_globals[1]))
    ours, reference = run_pywasm(case), run_wasmtime(other)
    if reference.observations[0].outcome.kind == "ok":
        assert compare(ours, reference, case)


@settings(max_examples=15, **FIXED)
@given(cases(features=("simd",)))
def test_generated_modules_are_valid_and_expose_state(case):
    result = check_case(case)
    first = result.ours.observations[0]
    assert first.outcome.kind in ("ok", "trap"), first.outcome
    if first.outcome.kind == "ok":
        # __state lists every global: gi32, gi64, then the fuel counter
        assert first.globals_[0] == case.host_globals[0]
        assert first.globals_[1] == case.host_globals[1]
        assert FUEL_GLOBAL == 2
    assert not result.discrepancies


# --- mutation --------------------------------------------------------------------------------

WASM = bytes.fromhex("0061736d01000000" "010401600000" "03020100" "0a040102000b")  # (func)


def test_sections_framing():
    assert [WASM[s:e][0] for s, e in sections(WASM)] == [1, 3, 10]
    assert sections(WASM[:-1]) is None


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_every_mutation_changes_or_keeps_bytes_without_error(mutation):
    for a in range(0, 40, 3):
        out = apply(WASM, mutation, a, a * 7 + 1, b"\x81\x01")
        assert isinstance(out, bytes)


def test_judge_verdicts():
    assert judge(WASM).ours == "accept" and judge(WASM).agree
    swapped = apply(WASM, "swap_sections", 0, 2, b"")        # code before type: out of order
    verdict = judge(swapped)
    assert verdict.ours == verdict.reference == "reject"
    truncated = judge(WASM[:-2])
    assert truncated.agree and truncated.ours == "reject"
    assert "DecodeError" in truncated.our_error


def test_wasmtime_runs_with_exactly_the_2_0_feature_set():
    """wasmtime-py's Config switches are write-only properties: a regression here once left GC,
    typed references and multi-memory on, and the mutation fuzzer reported it."""
    import wasmtime

    from pywasm_core.testing.oracle import wasmtime_engine

    beyond_2_0 = ["(module (memory 1) (memory 1))",
                  "(module (type $t (func)) (func (result (ref null $t)) ref.null $t))",
                  "(module (func (return_call 0)))"]
    for wat in beyond_2_0:
        with pytest.raises(wasmtime.WasmtimeError):
            wasmtime.Module(wasmtime_engine(), wat)
    wasmtime.Module(wasmtime_engine(), "(module (func (result v128) v128.const i64x2 1 2))")


HOST_IMPORTS = """
  (import "env" "h0" (func (param i32 i32) (result i32)))
  (import "env" "h1" (func (param i64) (result i64)))
  (import "env" "gi32" (global i32))
  (import "env" "gi64" (global i64))"""


def _hand_case(wat: str, calls):
    from pywasm_core.binary.encode import encode_module
    from pywasm_core.testing.strategies import GeneratedCase
    from pywasm_core.text import parse_module

    wasm = encode_module(parse_module(wat))
    return GeneratedCase(module=None, wasm=wasm, host_globals=(5, 6), calls=calls)


def test_unbounded_recursion_is_exhaustion_on_both_engines():
    case = _hand_case(f"""(module {HOST_IMPORTS}
      (func $r (export "f") (param i32) (result i32)
        local.get 0 i32.const 1 i32.add call $r))""", [("f", (0,))])
    ours, reference = run_pywasm(case), run_wasmtime(case)
    assert ours.observations[1].outcome.key() == ("exhausted", "STACK_OVERFLOW")
    assert compare(ours, reference, case) == []


def test_host_functions_and_values_are_identical_on_both_engines():
    case = _hand_case(f"""(module {HOST_IMPORTS}
      (func (export "f") (param i32 i32) (result i32 i64)
        local.get 0 local.get 1 call 0 global.get 1 call 1))""", [("f", (0xFFFFFFFF, 3))])
    ours, reference = run_pywasm(case), run_wasmtime(case)
    assert compare(ours, reference, case) == []
    value = ours.observations[1].outcome.values
    assert value[0] == (0xFFFFFFFF * 0x9E3779B1 + 3) & 0xFFFFFFFF
    assert value[1] == (6 ^ 0x5555AAAA5555AAAA) + 1
