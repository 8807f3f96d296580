"""Replays every stored fuzz reproducer (`*.json` + `*.wasm` + `*.wat` in this folder) forever.

The fuzzer (`pywasm-core fuzz`, `pywasm_core.testing.campaign`) writes a shrunk case here when the
engines disagree.  Each case keeps failing until the engine bug is fixed; after that it guards
against the bug coming back.  A `.json` may carry `"status": "open"` with the issue text while
the owning engineer works on it: those are strict xfails, so the day the fix lands the test
turns red until the status line is removed (nothing is hidden).
"""

import json
from pathlib import Path

import pytest

from pywasm_core.testing.campaign import replay

pytest.importorskip("wasmtime")

HERE = Path(__file__).parent
CASES = sorted(HERE.glob("*.json"))


def test_the_folder_holds_complete_cases():
    assert CASES, "no reproducers stored"
    for path in CASES:
        assert path.with_suffix(".wasm").exists(), path.name
        meta = json.loads(path.read_text())
        assert meta["kind"] in ("differential", "mutation", "corpus"), path.name


def _param(path: Path):
    meta = json.loads(path.read_text())
    marks = [pytest.mark.xfail(strict=True, reason=meta.get("discrepancy", ""))] \
        if meta.get("status") == "open" else []
    return pytest.param(path, marks=marks, id=path.stem)


@pytest.mark.parametrize("path", [_param(p) for p in CASES])
def test_replay(path):
    problems = replay(path)
    assert not problems, "\n".join(problems)
