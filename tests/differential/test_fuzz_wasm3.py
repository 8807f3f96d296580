"""Differential fuzzing of the WebAssembly 3.0 generator features against wasmtime.

One bounded, derandomized run per feature group (tail calls, multi-memory, memory64, typed
function references, exceptions, GC), each with wasmtime and pywasm-core configured for exactly
the proposals the group uses; plus checks that the generator really produces each group's
instructions and that the harness maps the new outcomes (an uncaught exception, several
memories) correctly.  `pywasm-core fuzz --features ...` runs the same generator for longer.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pywasm_core.opcodes import INFO, Op
from pywasm_core.testing.oracle import (Observation, Outcome, Run, check_case, compare,
                                        run_pywasm, run_wasmtime, wasmtime_engine)
from pywasm_core.testing.strategies import (WASM3_FEATURES, cases, engine_features,
                                            normalize_features)
from pywasm_core.text.printer import print_module

pytest.importorskip("wasmtime")

FIXED = dict(derandomize=True, deadline=None, database=None, print_blob=False,
             suppress_health_check=list(HealthCheck))


def _explain(case, problems) -> str:
    return "\n".join(problems) + "\n\ncalls: " + repr(case.calls) + \
        f"\nhost globals: {case.host_globals}\n\n" + print_module(case.module)


def _agree(case):
    result = check_case(case)
    assert not result.discrepancies, _explain(case, result.discrepancies)


@settings(max_examples=150, **FIXED)
@given(cases(features=("tail-call",)))
def test_tail_call_modules_behave_identically(case):
    _agree(case)


@settings(max_examples=150, **FIXED)
@given(cases(features=("multi-memory",)))
def test_multi_memory_modules_behave_identically(case):
    _agree(case)


@settings(max_examples=150, **FIXED)
@given(cases(features=("memory64",)))
def test_memory64_modules_behave_identically(case):
    _agree(case)


@settings(max_examples=150, **FIXED)
@given(cases(features=("function-references", "tail-call")))
def test_function_reference_modules_behave_identically(case):
    _agree(case)


@settings(max_examples=150, **FIXED)
@given(cases(features=("exceptions",)))
def test_exception_modules_behave_identically(case):
    _agree(case)


@settings(max_examples=150, **FIXED)
@given(cases(features=("gc",)))
def test_gc_modules_behave_identically(case):
    _agree(case)


@settings(max_examples=60, **FIXED)
@given(cases(features=("wasm3",)))
def test_all_3_0_features_together_behave_identically(case):
    _agree(case)


# --- the generator produces what each group is about ---------------------------------------------

EXPECTED = {
    "tail-call": {"return_call", "return_call_indirect"},
    "function-references": {"call_ref", "ref.as_non_null", "br_on_null", "br_on_non_null"},
    "exceptions": {"throw", "throw_ref", "try_table"},
    "gc": {"struct.new", "struct.get", "struct.set", "array.new", "array.get", "array.set",
           "array.len", "array.fill", "array.copy", "ref.i31", "i31.get_s", "i31.get_u",
           "ref.test", "ref.cast", "br_on_cast", "br_on_cast_fail", "ref.eq"},
}
# Instructions that need a rarer module shape (packed fields, data or element segments...):
# a bounded run must show most of them; the campaigns in FUZZING.md show every one executing.
RARER_GC = {"struct.new_default", "struct.get_s", "struct.get_u", "array.new_default",
            "array.new_fixed", "array.new_data", "array.new_elem", "array.init_data",
            "array.init_elem", "array.get_s", "array.get_u", "extern.convert_any",
            "any.convert_extern"}


@pytest.mark.parametrize("feature", sorted(EXPECTED))
def test_each_feature_group_generates_its_instructions(feature):
    seen: set[str] = set()

    @settings(max_examples=150, **FIXED)
    @given(cases(features=(feature,)))
    def collect(case):
        # (generated functions only: the wrappers' GC digests use ref.test and friends too)
        seen.update(INFO[ins.op].name for f in case.module.funcs[:case.generated_funcs]
                    for ins in f.body)
    collect()
    assert EXPECTED[feature] <= seen, sorted(EXPECTED[feature] - seen)
    if feature == "gc":
        assert len(RARER_GC & seen) >= len(RARER_GC) * 2 // 3, sorted(RARER_GC - seen)


def test_memory_features_generate_their_module_shapes():
    seen = {"several": 0, "imported 64-bit": 0, "memarg index": 0, "cross copy": 0,
            "beyond 4 GiB": 0, "table64": 0}

    @settings(max_examples=200, **FIXED)
    @given(cases(features=("multi-memory", "memory64")))
    def collect(case):
        memories = case.module.all_memories()
        seen["several"] += len(memories) > 1
        seen["imported 64-bit"] += any(m[3] for m in case.memory_imports)
        seen["table64"] += any(t.is_64 for t in case.module.tables)
        for f in case.module.funcs:
            for ins in f.body:
                kind = INFO[ins.op].imm.name
                if kind.startswith("MEMARG"):
                    seen["memarg index"] += ins.imm[2] > 0
                    seen["beyond 4 GiB"] += ins.imm[1] >= 2**32
                if ins.op == Op.I64_CONST:
                    seen["beyond 4 GiB"] += ins.imm[0] >= 2**32
                if kind == "MEMORY_COPY":
                    seen["cross copy"] += ins.imm[0] != ins.imm[1]
    collect()
    assert all(seen.values()), repr(seen)


@settings(max_examples=30, **FIXED)
@given(cases(features=("wasm3",)))
def test_wasm3_reproducer_text_reassembles_to_the_same_module(case):
    """Reproducers of 3.0 cases are printed too: our parser and wasm-tools must read them back."""
    import shutil
    import subprocess
    import tempfile

    from pywasm_core.binary.decode import decode_module
    from pywasm_core.binary.encode import encode_module
    from pywasm_core.features import WASM3
    from pywasm_core.text import parse_module

    wat = print_module(case.module)
    expected = encode_module(decode_module(case.wasm, features=WASM3))
    assert encode_module(parse_module(wat, wasm3=True)) == expected
    tool = shutil.which("wasm-tools")
    if tool is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        source, target = f"{tmp}/m.wat", f"{tmp}/m.wasm"
        with open(source, "w") as fh:
            fh.write(wat)
        subprocess.run([tool, "parse", source, "-o", target], check=True, capture_output=True)
        with open(target, "rb") as fh:
            assert encode_module(decode_module(fh.read(), features=WASM3)) == expected


# --- feature selection --------------------------------------------------------------------------

def test_feature_names_normalize():
    assert normalize_features(["tail-call,gc", "memory64"]) == \
        ("tail-call", "memory64", "function-references", "gc")
    assert normalize_features(["wasm3"]) == ("simd",) + WASM3_FEATURES
    assert normalize_features([]) == ()
    with pytest.raises(ValueError, match="unknown feature"):
        normalize_features(["threads"])


def test_engine_features_turn_on_exactly_what_is_used():
    from pywasm_core.features import WASM2

    assert engine_features(()) == WASM2 and engine_features(("simd",)) == WASM2
    assert engine_features(("tail-call",)).names() == {"tail_call"}
    assert engine_features(("gc",)).names() == {"gc", "typed_refs"}
    assert engine_features(("exceptions", "memory64")).names() == {"exceptions", "memory64"}


def test_wasmtime_runs_with_exactly_the_chosen_3_0_features():
    """Each engine accepts its own proposal and rejects the others (write-only switches)."""
    import wasmtime

    samples = {
        "multi-memory": "(module (memory 1) (memory 1))",
        "function-references": "(module (type $t (func)) (func (result (ref null $t)) ref.null $t))",
        "tail-call": "(module (func (return_call 0)))",
        "memory64": "(module (memory i64 1))",
        "exceptions": "(module (tag) (func (throw 0)))",
        "gc": "(module (type (struct)) (func (result anyref) struct.new 0))",
    }
    for feature in samples:
        engine = wasmtime_engine((feature,))
        for other, wat in samples.items():
            needed = {other} | ({"gc"} if other == "function-references" else set())
            if feature in needed:
                wasmtime.Module(engine, wat)
            else:
                with pytest.raises(wasmtime.WasmtimeError):
                    wasmtime.Module(engine, wat)


def test_fuzz_command_accepts_3_0_features(tmp_path):
    from click.testing import CliRunner

    from pywasm_core.testing.cli import fuzz

    runner = CliRunner()
    result = runner.invoke(fuzz, ["--seconds", "0.1", "--examples", "2", "--features",
                                  "tail-call,exceptions", "--features", "gc", "--coverage",
                                  "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "return_call" in result.output or "coverage:" in result.output
    bad = runner.invoke(fuzz, ["--seconds", "0.1", "--features", "threads"])
    assert bad.exit_code != 0 and "unknown feature" in bad.output


def test_coverage_table_includes_the_features_instructions():
    from pywasm_core.testing.campaign import Stats, coverage_table

    plain = {name for name, _, _ in coverage_table(Stats())}
    assert "return_call" not in plain and "struct.new" not in plain
    rows = {name for name, _, _ in coverage_table(Stats(), features=("tail-call", "gc"))}
    assert {"return_call", "return_call_indirect", "return_call_ref", "call_ref",
            "struct.new", "br_on_cast", "i32.add"} <= rows
    assert "try_table" not in rows and "try" not in rows and "i8x16.add" not in rows


# --- the new outcomes ---------------------------------------------------------------------------

HOST_IMPORTS = """
  (import "env" "h0" (func (param i32 i32) (result i32)))
  (import "env" "h1" (func (param i64) (result i64)))
  (import "env" "gi32" (global i32))
  (import "env" "gi64" (global i64))"""


def _hand_case(wat: str, calls, features):
    from pywasm_core.binary.encode import encode_module
    from pywasm_core.features import WASM3
    from pywasm_core.testing.strategies import GeneratedCase
    from pywasm_core.text import parse_module

    wasm = encode_module(parse_module(wat, wasm3=True))
    return GeneratedCase(module=None, wasm=wasm, host_globals=(5, 6), calls=calls,
                         features=normalize_features(features))


def test_an_uncaught_exception_is_the_same_outcome_on_both_engines():
    case = _hand_case(f"""(module {HOST_IMPORTS} (tag $e (param i32))
      (func (export "f") (param i32) (result i32)
        (block $h (result i32)
          (try_table (result i32) (catch $e $h) (local.get 0) (throw $e)))
        (i32.add (i32.const 1)))
      (func (export "g") (param i32) local.get 0 throw $e))""",
                      [("f", (41,)), ("g", (7,))], ("exceptions",))
    ours, reference = run_pywasm(case), run_wasmtime(case)
    assert [o.outcome.kind for o in reference.observations] == ["ok", "ok", "exception"]
    assert reference.observations[1].outcome.values == (42,)
    assert compare(ours, reference, case) == []


def test_every_memory_is_compared():
    def run(second: bytes):
        return Run("x", [Observation(Outcome("ok"), b"\0", (), (), (second,))])

    assert compare(run(b"\1"), run(b"\1")) == []
    problems = compare(run(b"\1"), run(b"\2"))
    assert problems and "memory 1 differs" in problems[0]


def test_several_and_imported_64_bit_memories_run_on_both_engines():
    case = _hand_case(f"""(module {HOST_IMPORTS}
      (import "env" "memory" (memory 1))
      (import "env" "memory1" (memory i64 1 2))
      (memory (export "memory2") 1)
      (export "memory" (memory 0)) (export "memory1" (memory 1))
      (func (export "f") (result i64)
        (memory.copy 1 0 (i64.const 8) (i32.const 0) (i32.const 4))
        (i64.store 2 offset=3 (i32.const 0) (i64.const -1))
        (drop (memory.grow 1 (i64.const 1)))
        (i64.add (memory.size 1) (i64.load 1 offset=4294967296 (i64.const 0)))))""",
                      [("f", ())], ("multi-memory", "memory64"))
    case.memory_imports = (("memory", 1, None, False), ("memory1", 1, 2, True))
    ours, reference = run_pywasm(case), run_wasmtime(case)
    assert reference.observations[1].outcome.key() == ("trap", "MEMORY_OUT_OF_BOUNDS")
    assert len(reference.observations[1].more_memories) == 2
    assert compare(ours, reference, case) == []


def test_wasmtime_checks_array_copy_bounds_before_the_source_null():
    """A known ordering difference: with a null source and an out-of-range destination, the
    spec traps on the null first, wasmtime 50 on the bounds.  The oracle accepts exactly this
    pair in modules that use array.copy; if wasmtime changes, this test says so."""
    case = _hand_case(f"""(module {HOST_IMPORTS} (type $a (array (mut i32)))
      (func (export "f")
        (array.copy $a $a (array.new_default $a (i32.const 0)) (i32.const 0)
                          (ref.null $a) (i32.const 0) (i32.const 1))))""", [("f", ())], ("gc",))
    ours, reference = run_pywasm(case), run_wasmtime(case)
    assert ours.observations[1].outcome.key() == ("trap", "NULL_REFERENCE")
    assert reference.observations[1].outcome.key() == ("trap", "ARRAY_OUT_OF_BOUNDS")
    assert compare(ours, reference, case) == []
    # the same trap pair elsewhere stays a discrepancy
    assert compare(reference, ours, case) != []


def test_an_externref_table_holding_a_gc_object_is_read_inside_wasm():
    """wasmtime-py's Table.get returns None for an externref that wraps a GC object, so its
    null pattern looked like a null there: the first GC campaign reported that as a difference.
    With GC, generated modules export `__t1(i) = ref.is_null(t1[i])` and the oracle uses it."""
    import wasmtime

    wat = f"""(module {HOST_IMPORTS} (type $s (struct))
      (table (export "t1") 0 externref)
      (func (export "f")
        (drop (table.grow 0 (extern.convert_any (struct.new_default $s)) (i32.const 1))))
      (func (export "__t1") (param i32) (result i32) (ref.is_null (table.get 0 (local.get 0)))))"""
    case = _hand_case(wat, [("f", ())], ("gc",))
    ours, reference = run_pywasm(case), run_wasmtime(case)
    assert reference.observations[1].tables == ((False,),)      # not null
    assert compare(ours, reference, case) == []
    # what the Python API alone would have said
    store = wasmtime.Store(wasmtime_engine(("gc",)))
    store.set_fuel(10**6)
    imports = [wasmtime.Func(store, wasmtime.FuncType([wasmtime.ValType.i32()] * 2,
                                                      [wasmtime.ValType.i32()]), lambda a, b: 0),
               wasmtime.Func(store, wasmtime.FuncType([wasmtime.ValType.i64()],
                                                      [wasmtime.ValType.i64()]), lambda a: 0),
               wasmtime.Global(store, wasmtime.GlobalType(wasmtime.ValType.i32(), False),
                               wasmtime.Val.i32(0)),
               wasmtime.Global(store, wasmtime.GlobalType(wasmtime.ValType.i64(), False),
                               wasmtime.Val.i64(0))]
    instance = wasmtime.Instance(store, wasmtime.Module(store.engine, case.wasm), imports)
    exports = instance.exports(store)
    exports["f"](store)
    entry = exports["t1"].get(store, 0)
    assert entry is None or getattr(entry, "value", None) is None


def _relaxed_host_ok() -> bool:
    """wasmtime's relaxed SIMD results match ours only on x86-64 with FMA, SSE4.1 and SSSE3
    (docs/relaxed-simd.md)."""
    import platform
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return False
    try:
        flags = open("/proc/cpuinfo").read().split()
    except OSError:
        return False
    return {"fma", "sse4_1", "ssse3"} <= set(flags)


@pytest.mark.skipif(not _relaxed_host_ok(), reason="wasmtime's relaxed SIMD choices differ "
                    "on hosts without x86-64 FMA/SSE4.1/SSSE3 (docs/relaxed-simd.md)")
@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(cases(features=("relaxed-simd",)))
def test_relaxed_simd_cases_agree_with_wasmtime(case):
    assert check_case(case).discrepancies == []


def test_relaxed_simd_feature_generates_relaxed_instructions():
    relaxed = {info.name for info in INFO.values() if info.feature == "relaxed_simd"}
    seen: set[str] = set()

    @settings(max_examples=150, **FIXED)
    @given(cases(features=("relaxed-simd",)))
    def collect(case):
        seen.update(INFO[ins.op].name for f in case.module.funcs for ins in f.body)
    collect()
    assert len(relaxed) == 20 and len(relaxed & seen) >= 5, sorted(relaxed - seen)
    simd = {info.name for op, info in INFO.items() if op >> 16 == 0xFD and info.feature is None}
    assert len(simd & seen) >= 10                            # 2.0 SIMD comes with it
