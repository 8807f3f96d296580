"""String(number) and the glue's debugString, compared with Node on many values (skipped,
saying so, where `node` is absent)."""

from __future__ import annotations

import json
import random
import re
import shutil
import struct
import subprocess

import pytest

from bindgen import jsvalues as js
from bindgen.imports import debug_string
from bindgen.jsvalues import UNDEFINED, JsArray, JsObject
from neural.modules import default_dir

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


def run_node(script: str, payload) -> list:
    result = subprocess.run([NODE, "-e", script, json.dumps(payload)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def sample_floats(n: int = 600) -> list[float]:
    rng = random.Random(1234)
    values = [0.0, 1.0, -1.0, 0.1, 1e21, 1e-7, 1e-6, 123456789012345680000.0, 5e-324,
              1.7976931348623157e308, 2.0**53, 0.5, 1 / 3, 100.0, 1e20, 1.5e-5]
    while len(values) < n:
        bits = rng.getrandbits(64)
        x = struct.unpack("<d", struct.pack("<Q", bits))[0]
        if x == x and abs(x) != float("inf"):
            values.append(x)
        values.append(round(rng.uniform(-1e6, 1e6), rng.randrange(0, 8)))
    return values


def test_number_to_string_matches_js():
    values = sample_floats()
    expected = run_node("const v = JSON.parse(process.argv[1]);"
                        "process.stdout.write(JSON.stringify(v.map(String)));", values)
    got = [js.number_to_string(x) for x in values]
    mismatches = [(x, g, e) for x, g, e in zip(values, got, expected) if g != e]
    assert not mismatches[:5]


def glue_debug_string_source() -> str:
    text = (default_dir() / "ruv_swarm_wasm.js").read_text()
    match = re.search(r"function debugString\(val\) \{.*?\n\}\n", text, re.S)
    assert match
    return match.group(0)


def to_js_literal(value) -> str:
    """A JS expression for a test value (undefined is not JSON)."""
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, JsArray):
        return "[" + ", ".join(to_js_literal(v) for v in value.items) + "]"
    if isinstance(value, JsObject):
        return "({" + ", ".join(f"{json.dumps(k)}: {to_js_literal(v)}"
                                for k, v in value.props.items()) + "})"
    return json.dumps(value)


CASES = [1.0, -0.0, 2.5, 1e21, True, False, None, UNDEFINED, "text", "q\"uote", "ünï",
         JsArray([]), JsArray([1.0, "a", None, UNDEFINED, JsArray([True])]),
         JsObject({"a": 1.0, "b": JsArray([1.0, 2.0]), "c": "x", "skip": UNDEFINED}),
         JsObject({}), JsObject({"nested": JsObject({"deep": False})}),
         JsObject({"small": 1.5e-5, "big": 1e21, "int": 12.0, "s": "tab\tq\"\u0001"})]


def test_debug_string_matches_the_glue():
    script = glue_debug_string_source() + (
        "const cases = [" + ", ".join(to_js_literal(c) for c in CASES) + "];"
        "process.stdout.write(JSON.stringify(cases.map(debugString)));")
    expected = run_node(script, None)
    assert [debug_string(c) for c in CASES] == expected
