"""Campaign machinery: chunks, reproducers, coverage instrumentation, the CLI, parallel backends."""

import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from pywasm_core.testing import campaign as cp
from pywasm_core.testing.cli import diff, fuzz
from pywasm_core.testing.strategies import cases

pytest.importorskip("wasmtime")

FIXED = dict(derandomize=True, deadline=None, database=None,
             suppress_health_check=list(HealthCheck))


def test_run_chunk_is_reproducible_from_its_seed():
    a, reps_a = cp.run_chunk(1234, examples=4)
    b, reps_b = cp.run_chunk(1234, examples=4)
    assert a.cases == b.cases == 4 and a.mutants == 4
    assert a.outcomes == b.outcomes and a.verdicts == b.verdicts
    assert reps_a == reps_b == []


@settings(max_examples=10, **FIXED)
@given(cases())
def test_instrumented_module_runs_and_reports_a_subset(case):
    generated, executed = cp.executed_ops(case)
    assert executed <= generated
    assert generated                     # every body has at least its fuel check
    if executed:
        assert "global.get" in executed  # the fuel check runs first in every function


def test_coverage_table_lists_only_2_0_non_simd_instructions():
    stats = cp.Stats()
    stats.generated.update({"i32.add": 2})
    stats.executed.update({"i32.add": 1})
    rows = {name: (g, e) for name, g, e in cp.coverage_table(stats)}
    assert rows["i32.add"] == (2, 1)
    assert "i8x16.add" not in rows and "return_call" not in rows and "end" not in rows
    assert "memory.init" in rows and "table.fill" in rows and "select_t" in rows


def test_reproducer_roundtrip(tmp_path):
    @settings(max_examples=1, **FIXED)
    @given(cases())
    def write(case):
        rep = cp._reproducer("differential", case.wasm, case.module, "none", case, ())
        path = cp.write_reproducer(rep, tmp_path)
        assert path.with_suffix(".wasm").read_bytes() == case.wasm
        assert path.with_suffix(".wat").read_text().startswith("(module")
        assert cp.replay(path) == []      # the engines agree on it: replay finds nothing
    write()


def test_fuzz_command_inline(tmp_path):
    out = tmp_path / "repro"
    stats_file = tmp_path / "stats.json"
    result = CliRunner().invoke(fuzz, ["--seconds", "1", "--examples", "3", "--seed", "7",
                                       "--out", str(out), "--json", str(stats_file), "--coverage"])
    assert result.exit_code == 0, result.output
    assert "discrepancies 0" in result.output and "coverage:" in result.output
    data = json.loads(stats_file.read_text())
    assert data["cases"] >= 3 and data["discrepancies"] == 0


def test_fuzz_command_with_worker_processes(tmp_path):
    result = CliRunner().invoke(fuzz, ["--seconds", "2", "--examples", "2", "--jobs", "2",
                                       "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "discrepancies 0" in result.output


def test_campaign_over_a_dask_local_cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        stats, found = cp.campaign(3, seed=5, examples=2, dask_client=client)
    assert stats.chunks >= 2 and stats.cases >= 4 and stats.discrepancies == 0 and found == []


WAT = """(module
  (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
  (func (export "nan") (param f32) (result f32) local.get 0 f32.neg))"""


def test_diff_command(tmp_path):
    path = tmp_path / "m.wat"
    path.write_text(WAT)
    runner = CliRunner()
    same = runner.invoke(diff, [str(path), "--invoke", "div", "7", "2"])
    assert same.exit_code == 0 and "ok i32:0x3" in same.output and "same" in same.output
    trap = runner.invoke(diff, [str(path), "--invoke", "div", "1", "0"])
    assert trap.exit_code == 0 and "trap INTEGER_DIVISION_BY_ZERO" in trap.output
    neg = runner.invoke(diff, [str(path), "--invoke", "nan", "0x7fc00000"])
    assert neg.exit_code == 0 and "f32:0xffc00000" in neg.output
    bad = runner.invoke(diff, [str(path), "--invoke", "nope"])
    assert bad.exit_code != 0 and "no exported function" in bad.output


def test_diff_command_on_a_stored_reproducer():
    """Reproducers import the generator's host functions: diff provides them on both engines."""
    from pathlib import Path

    folder = Path(__file__).parents[1] / "fuzz_regressions"
    path = folder / "corpus-08888c71d5ab.wasm"
    meta = json.loads(path.with_suffix(".json").read_text())
    name, args = meta["calls"][0]
    result = CliRunner().invoke(diff, [str(path), "--invoke", name, *map(hex, args)])
    assert result.exit_code == 0, result.output
    assert "trap INTEGER_DIVISION_BY_ZERO" in result.output and "same" in result.output


@settings(max_examples=40, **FIXED)
@given(cases(features=("simd",)))
def test_reproducer_text_reassembles_to_the_same_module(case):
    """A reproducer's .wat is only useful if it is the same module: check with our text parser
    and with wasm-tools (NaN payloads, v128 constants, block types, segments all survive)."""
    import shutil
    import subprocess
    import tempfile

    from pywasm_core.binary.decode import decode_module
    from pywasm_core.binary.encode import encode_module
    from pywasm_core.text import parse_module
    from pywasm_core.text.printer import print_module

    wat = print_module(case.module)
    expected = encode_module(decode_module(case.wasm))
    assert encode_module(parse_module(wat)) == expected
    tool = shutil.which("wasm-tools")
    if tool is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        source, target = f"{tmp}/m.wat", f"{tmp}/m.wasm"
        with open(source, "w") as fh:
            fh.write(wat)
        subprocess.run([tool, "parse", source, "-o", target], check=True, capture_output=True)
        with open(target, "rb") as fh:
            assert encode_module(decode_module(fh.read())) == expected
