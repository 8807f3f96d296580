"""The official 2.0 testsuite (core + SIMD scope lists) against the decoder.

Every binary `assert_malformed` must raise DecodeError whose message starts with the expected
text; every module of `module`, `assert_invalid`, `assert_unlinkable` and `assert_uninstantiable`
commands must decode (they are well-formed: their failures belong to later phases).
`wasm-tools json-from-wast` turns each .wast into JSON + .wasm files once per session.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from pywasm_core.binary import decode_module
from pywasm_core.errors import DecodeError

from .printed import compare, wasm_tools

SUITE = Path("/work/shared/wasm-testsuite")
SCOPES = ("SCOPE-2.0-core.txt", "SCOPE-2.0-simd.txt")
WELL_FORMED = {"module", "assert_invalid", "assert_unlinkable", "assert_uninstantiable",
               "assert_trap", "assert_exhaustion", "assert_return"}


def _scope_files() -> list[str]:
    files: list[str] = []
    for scope in SCOPES:
        path = SUITE / scope
        if path.exists():
            files += [line.strip() for line in path.read_text().splitlines() if line.strip()]
    return files


@pytest.fixture(scope="session")
def wast_json(tmp_path_factory):
    """wast path -> (commands, directory of the generated .wasm files), converted on first use."""
    tool = wasm_tools()
    if tool is None:
        pytest.skip("wasm-tools is not installed")
    root = tmp_path_factory.mktemp("wast-json")
    cache: dict[str, tuple[list[dict], Path]] = {}

    def convert(wast: str) -> tuple[list[dict], Path]:
        if wast not in cache:
            out = root / Path(wast).stem
            out.mkdir()
            json_path = out / "script.json"
            subprocess.run([tool, "json-from-wast", str(SUITE / wast), "-o", str(json_path),
                            "--wasm-dir", str(out)], check=True, capture_output=True)
            cache[wast] = json.loads(json_path.read_text())["commands"], out
        return cache[wast]

    return convert


def _module_file(command: dict) -> str | None:
    """The binary module of a command, if it has one (text-only malformed modules have none)."""
    name = command.get("binary_filename") or command.get("filename")
    return name if name and name.endswith(".wasm") else None


def check_file(commands: list[dict], directory: Path) -> tuple[dict[str, int], list[str]]:
    counts = {"malformed": 0, "well-formed": 0}
    failures: list[str] = []
    for command in commands:
        name = _module_file(command)
        if name is None:
            continue
        data = (directory / name).read_bytes()
        try:
            decode_module(data)
            error = None
        except DecodeError as exc:
            error = exc
        if command["type"] == "assert_malformed":
            counts["malformed"] += 1
            expected = command["text"]
            if error is None:
                failures.append(f"line {command['line']}: decoded, expected {expected!r}")
            elif not str(error).startswith(expected):
                failures.append(f"line {command['line']}: {error}, expected {expected!r}")
        elif command["type"] in WELL_FORMED:
            counts["well-formed"] += 1
            if error is not None:
                failures.append(f"line {command['line']} ({command['type']}): {error}")
    return counts, failures


@pytest.mark.parametrize("wast", _scope_files())
def test_testsuite_file(wast, wast_json):
    commands, directory = wast_json(wast)
    _, failures = check_file(commands, directory)
    assert not failures, "\n".join(failures)


def test_scope_lists_are_present():
    assert len(_scope_files()) > 100


@pytest.mark.parametrize("wast", _scope_files())
def test_decoded_code_matches_wasm_tools(wast, wast_json):
    """Differential check against an independent decoder on the file's `module` commands (at
    most 2 per file, to keep subprocess time bounded)."""
    tool = wasm_tools()
    commands, directory = wast_json(wast)
    modules = [c for c in commands if c["type"] == "module" and _module_file(c)][:2]
    for command in modules:
        compare(tool, (directory / _module_file(command)).read_bytes())
