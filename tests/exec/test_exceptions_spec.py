"""The official testsuite's exception-handling scripts (3.0, and the legacy instructions under
3.0/legacy/) on both tiers: every command must pass, none may be skipped (assert_exception
included)."""

import os
from pathlib import Path

import pytest

from pywasm_core import Config
from pywasm_core.script.adapter import PywasmCoreAdapter
from pywasm_core.script.runner import run_file

REPO = Path(__file__).resolve().parents[2]
SUITE = Path(os.environ.get("WASM_TESTSUITE", REPO.parent / "shared" / "wasm-testsuite"))
SCRIPTS = ["3.0/tag.wast", "3.0/throw.wast", "3.0/throw_ref.wast", "3.0/try_table.wast",
           "3.0/imports.wast", "3.0/instance.wast", "3.0/exports.wast",
           "3.0/legacy/rethrow.wast", "3.0/legacy/throw.wast", "3.0/legacy/try_catch.wast",
           "3.0/legacy/try_delegate.wast"]


@pytest.mark.parametrize("tier", ["fast", "interp"])
@pytest.mark.parametrize("script", SCRIPTS)
def test_exception_script(script, tier):
    path = SUITE / script
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{path} not found (set WASM_TESTSUITE)")
        pytest.skip(f"{path} not found (set WASM_TESTSUITE)")
    result = run_file(path, PywasmCoreAdapter(Config(tier=tier)))
    assert (result.failed, result.skipped) == (0, 0), result.report()
    assert result.passed > 0
