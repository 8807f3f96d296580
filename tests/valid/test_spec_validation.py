"""The official testsuite's validation cases (WebAssembly 2.0 core + SIMD), one pytest id per file.

Each `.wast` is turned into JSON + binaries with `wasm-tools json-from-wast` once per session.
Every `assert_invalid` module must decode and then fail validation with a message that starts with
the expected text; every module of `module`, `assert_unlinkable`, `assert_uninstantiable` and
`assert_trap` (module form) commands must validate.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pywasm_core.binary import decode_module
from pywasm_core.errors import ValidationError
from pywasm_core.valid import validate_module

from .suite import scope_files

FILES = scope_files()
MUST_VALIDATE = ("module", "assert_unlinkable", "assert_uninstantiable", "assert_trap")


def _cases(json_path: Path):
    for cmd in json.loads(json_path.read_text())["commands"]:
        kind = cmd["type"]
        if kind == "assert_invalid" and cmd.get("module_type") == "binary":
            yield "invalid", cmd
        elif kind in MUST_VALIDATE and cmd.get("filename"):
            if cmd.get("module_type", "binary") == "binary":
                yield "valid", cmd
            elif cmd.get("binary_filename"):          # a text module wasm-tools also encoded
                yield "valid", dict(cmd, filename=cmd["binary_filename"])


def check_file(json_path: Path, wasm_dir: Path) -> tuple[int, int, list[str]]:
    """(invalid cases checked, valid modules checked, failures)."""
    n_invalid = n_valid = 0
    failures = []
    for expect, cmd in _cases(json_path):
        data = (wasm_dir / cmd["filename"]).read_bytes()
        where = f"{json_path.stem}:{cmd['line']} ({cmd['filename']})"
        try:
            module = decode_module(data)
        except Exception as exc:       # a decoder problem: report it, it is not ours to judge
            failures.append(f"{where}: decode failed: {exc!r}")
            continue
        if expect == "invalid":
            n_invalid += 1
            try:
                validate_module(module)
            except ValidationError as err:
                if not str(err).startswith(cmd["text"]):
                    failures.append(f"{where}: expected {cmd['text']!r}, got {str(err)!r}")
            else:
                failures.append(f"{where}: expected {cmd['text']!r}, but the module validated")
        else:
            n_valid += 1
            try:
                validate_module(module)
            except ValidationError as err:
                failures.append(f"{where}: valid module rejected: {err}")
    return n_invalid, n_valid, failures


@pytest.mark.parametrize("rel", FILES, ids=[Path(f).stem for f in FILES])
def test_spec_file(rel, wast_json):
    json_path, wasm_dir = wast_json[rel]
    _, _, failures = check_file(json_path, wasm_dir)
    assert not failures, "\n".join(failures)


def test_totals(wast_json):
    """Every assert_invalid of the scope is checked (none skipped), and all of them pass."""
    expected_invalid = 0
    n_invalid = n_valid = 0
    failures = []
    for json_path, wasm_dir in wast_json.values():
        commands = json.loads(json_path.read_text())["commands"]
        expected_invalid += sum(1 for c in commands if c["type"] == "assert_invalid")
        i, v, f = check_file(json_path, wasm_dir)
        n_invalid, n_valid, failures = n_invalid + i, n_valid + v, failures + f
    assert n_invalid == expected_invalid
    assert n_invalid >= 2100 and n_valid >= 1700      # the 2.0 core + SIMD scope as pinned
    assert not failures
