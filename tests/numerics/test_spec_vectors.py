"""The official testsuite's vectors for the numeric instructions, run on the numerics functions.

Each listed .wast file starts with a module whose exports are single instructions applied to the
parameters in order, e.g. `(func (export "add") (param $x f32) (param $y f32) (result f32)
(f32.add (local.get $x) (local.get $y)))`.  Those exports are mapped to NUMERIC, and the
file's assert_return / assert_trap commands for them (converted by `wasm-tools json-from-wast`)
are checked: bit for bit, NaN patterns as the testsuite defines them, trap messages by prefix.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pywasm_core.errors import Trap
from pywasm_core.numerics import NUMERIC
from pywasm_core.numerics.floats import f32_from_bits, f32_to_bits, f64_from_bits, f64_to_bits
from pywasm_core.opcodes import BY_NAME

TESTSUITE = Path("/work/shared/wasm-testsuite/2.0")
FILES = ["i32", "i64", "f32", "f64", "f32_bitwise", "f64_bitwise", "f32_cmp", "f64_cmp",
         "conversions", "float_misc"]
WASM_TOOLS = shutil.which("wasm-tools")

EXPORT = re.compile(r'\(func \(export "([^"]+)"\)((?:\s*\(param \$\w+ \w+\))*)\s*\(result \w+\)\s*'
                    r'\(([\w.]+)((?:\s*\(local\.get \$\w+\))*)\)\)')
MASK = {"i32": 2 ** 32 - 1, "i64": 2 ** 64 - 1, "f32": 2 ** 32 - 1, "f64": 2 ** 64 - 1}
FROM_BITS = {"i32": int, "i64": int, "f32": f32_from_bits, "f64": f64_from_bits}
TO_BITS = {"i32": int, "i64": int, "f32": f32_to_bits, "f64": f64_to_bits}
QUIET = {"f32": 0x400000, "f64": 1 << 51}
SIGN = {"f32": 1 << 31, "f64": 1 << 63}
CANONICAL = {"f32": 0x7FC00000, "f64": 0x7FF8000000000000}


def single_instruction_exports(text: str) -> dict[str, str]:
    """export name -> instruction name, for exports applying one instruction to the params."""
    exports = {}
    for name, params, instr, gets in EXPORT.findall(text):
        param_names = re.findall(r"\$(\w+)", params)
        if re.findall(r"\$(\w+)", gets) == param_names and instr in BY_NAME:
            exports[name] = instr
    return exports


def _matches(type_name: str, bits: int, expected: str) -> bool:
    if expected == "nan:canonical":
        return bits & ~SIGN[type_name] == CANONICAL[type_name]
    if expected == "nan:arithmetic":
        exponent = 0x7F800000 if type_name == "f32" else 0x7FF0000000000000
        return bits & exponent == exponent and bits & QUIET[type_name] != 0
    return bits == int(expected) & MASK[type_name]      # integers may be written signed


@pytest.mark.skipif(WASM_TOOLS is None or not TESTSUITE.is_dir(),
                    reason="needs wasm-tools and the official testsuite")
@pytest.mark.parametrize("stem", FILES)
def test_official_vectors(stem, tmp_path):
    source = TESTSUITE / f"{stem}.wast"
    out = tmp_path / f"{stem}.json"
    subprocess.run([WASM_TOOLS, "json-from-wast", str(source), "-o", str(out),
                    "--wasm-dir", str(tmp_path)], check=True, capture_output=True)
    text = source.read_text()
    first_module = text[:text.index("\n(assert")]
    exports = single_instruction_exports(first_module)
    assert exports, "no single-instruction exports found"
    checked, failures = 0, []
    for command in json.loads(out.read_text())["commands"][1:]:
        if command["type"] == "module":
            break                                       # later modules are not single-op ones
        if command["type"] not in ("assert_return", "assert_trap"):
            continue
        action = command["action"]
        instr = exports.get(action["field"])
        if instr is None:
            continue
        args = [FROM_BITS[a["type"]](int(a["value"]) & MASK[a["type"]]) for a in action["args"]]
        try:
            result = NUMERIC[BY_NAME[instr]](*args)
        except Trap as trap:
            outcome = f"trap {trap}"
        else:
            outcome = result
        if command["type"] == "assert_trap":
            ok = isinstance(outcome, str) and outcome[5:].startswith(command["text"])
        else:
            (expected,) = command["expected"]
            ok = not isinstance(outcome, str) and _matches(
                expected["type"], TO_BITS[expected["type"]](outcome), expected["value"])
        checked += 1
        if not ok:
            failures.append((command["line"], instr, action["args"], outcome, command))
    assert checked > 50
    print(f"{stem}: {checked} commands checked")
    assert not failures, f"{len(failures)} of {checked} failed, first: {failures[:3]}"
