"""The neural and start-up sections and the pywasm bindgen adapter, at tiny sizes."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import harness, neural_bench, startup


def _have_modules() -> bool:
    return neural_bench.module_bytes("fann") is not None


needs_modules = pytest.mark.skipif(not _have_modules(),
                                   reason="ruv-swarm modules not found (RUV_SWARM_DIR)")


@needs_modules
def test_pywasm_adapter_runs_a_bindgen_module_like_pywasm_core():
    pytest.importorskip("pywasm")
    rows = neural_bench.forward_rows(quick=True)
    small = next(row for row in rows if "[2, 4, 1]" in row.name)
    outputs = [np.asarray(small.make(engine)()) for engine in ("pywasm-core", "pywasm")]
    assert outputs[0].shape == (1,)
    assert outputs[0].tobytes() == outputs[1].tobytes()


@needs_modules
def test_forward_rows_agree_across_tiers():
    results = harness.Results()
    harness.run_rows(neural_bench.forward_rows(quick=True), ["pywasm-core", "pywasm-core-interp"],
                     1, results, {})
    assert not results.failures and not results.errors
    assert len(results.medians) == 2


@needs_modules
def test_neural_section_quick(capsys):
    assert harness.main(["--quick", "--repeat", "1", "--only", "neural",
                         "--engines", "pywasm-core"]) == 0
    out = capsys.readouterr().out
    assert "## Neural" in out
    for name in ("load+instantiate `bg`", "load+instantiate `simd`", "load+instantiate `fann`",
                 "network creation [2, 4, 1]", "forward pass [16, 8, 4]",
                 "randomize_weights [2, 4, 1]", "training epoch"):
        assert name in out
    assert "5.3 ms" in out and "2.1 ms" in out and "10.4 ms" in out   # the seed's V8 figures


@needs_modules
def test_instantiate_counts_agree_across_engines():
    data = neural_bench.module_bytes("bg")
    counts = {startup.instantiate_call("pywasm-core", data)()}
    pytest.importorskip("wasmtime")
    counts.add(startup.instantiate_call("wasmtime", data)())
    assert len(counts) == 1 and counts.pop() > 10


def test_startup_section_quick(capsys):
    if not startup.SUITE.is_dir():
        pytest.skip("testsuite not found")
    assert harness.main(["--quick", "--repeat", "1", "--only", "startup",
                         "--engines", "pywasm-core,pywasm-core-interp"]) == 0
    out = capsys.readouterr().out
    assert "parse the pinned testsuite" in out and "0 file(s) rejected" in out
    assert "PYWASM_CORE_TIER=fast" in out and "PYWASM_CORE_TIER=interp" in out
    assert " 0 failed" in out


def test_testsuite_file_list_covers_both_versions():
    if not startup.SUITE.is_dir():
        pytest.skip("testsuite not found")
    files = startup.testsuite_files(quick=False)
    assert any(wasm3 for _, wasm3 in files) and any(not wasm3 for _, wasm3 in files)
    assert all(path.suffix == ".wast" for path, _ in files)


def test_pywasm_adapter_memory_and_calls():
    pytest.importorskip("pywasm")
    from benchmarks.pywasm_bindgen import PywasmAdapter

    adapter = PywasmAdapter()
    module = adapter.compile((harness.WASM / "simd.wasm").read_bytes())
    assert adapter.import_names(module) == []
    adapter.instantiate(module, {})
    assert {"memory", "fill", "dot_f32x4"} <= set(adapter.export_names())
    assert adapter.memory_size() == 2 * 65536
    adapter.memory_write(100, b"\x01\x02\x03")
    assert adapter.memory_read(99, 104) == b"\x00\x01\x02\x03\x00"
    assert adapter.call("fill", 64) is None
    assert adapter.call("dot_f32x4", 64) == adapter.call("dot_f32", 64)
    assert adapter.memory_grow(1) == 2 and adapter.memory_size() == 3 * 65536
    assert not adapter.has_export("nope")
    with pytest.raises(AttributeError):
        adapter.call("nope")
