"""One test per official testsuite script in scope: each must run with zero failures.

Select with `-m simd` / `-m "not simd"` / `-m wasm3` (the 3.0 scope, legacy exceptions included); `--wast-frontend json` forces wasm-tools' front end;
`--wast-engine wasmtime` runs the same scripts on wasmtime-py (a check of the harness itself);
Each script runs on both execution tiers (fast and interp); `--wast-tier interp|fast` picks one.
A failing test's message lists every failed command (line, command, why).
"""

from __future__ import annotations

import os

import pytest
import spec_paths

from pywasm_core.script.adapter import PywasmCoreAdapter, make_adapter
from pywasm_core.script.runner import run_file

CORE = spec_paths.scope("SCOPE-2.0-core.txt")
SIMD = spec_paths.scope("SCOPE-2.0-simd.txt")
WASM3 = spec_paths.scope("SCOPE-3.0.txt") + spec_paths.scope("SCOPE-3.0-legacy.txt") + \
    spec_paths.scope("SCOPE-3.0-custom.txt")
PARAMS = [pytest.param(e, id=os.path.basename(e), marks=pytest.mark.spec) for e in CORE] + \
         [pytest.param(e, id=os.path.basename(e), marks=[pytest.mark.spec, pytest.mark.simd])
          for e in SIMD] + \
         [pytest.param(e, id=e, marks=[pytest.mark.spec, pytest.mark.wasm3]) for e in WASM3]


@pytest.mark.parametrize("entry", PARAMS)
def test_script(entry: str, tier: str, wast_options: dict) -> None:
    path = spec_paths.resolve(entry)
    if path is None:
        message = (f"{entry} not found under {spec_paths.testsuite_root()}: set WASM_TESTSUITE "
                   "to a folder holding clones of https://github.com/WebAssembly/testsuite at "
                   "a810159 (as 2.0/) and 193e551 (as 3.0/), see README.md")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    if wast_options["engine"] == "pywasm-core":
        from pywasm_core import Config
        adapter = PywasmCoreAdapter(Config(tier=tier))
    else:
        adapter = make_adapter(wast_options["engine"])
    result = run_file(path, adapter, frontend=wast_options["frontend"],
                      timeout=wast_options["timeout"])
    assert result.failed == 0, "\n" + result.report(max_failures=60)
