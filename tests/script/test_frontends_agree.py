"""Our text front end and wasm-tools' JSON front end read the same testsuite scripts into the same
commands (same kinds in the same order, same actions and expected values)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pywasm_core.script.commands import AssertModule, AssertTrap, Const, Either, V128Pattern
from pywasm_core.script.runner import load_script

REPO = Path(__file__).resolve().parents[2]
SUITE = Path(os.environ.get("WASM_TESTSUITE", REPO.parent / "shared" / "wasm-testsuite"))
FILES = ["i32.wast", "linking.wast", "data.wast", "comments.wast", "float_exprs.wast",
         "simd_lane.wast", "ref_func.wast", "names.wast"]


def find(name: str) -> Path:
    for candidate in (SUITE / "2.0" / name, SUITE / name):
        if candidate.is_file():
            return candidate
    pytest.skip(f"testsuite not found at {SUITE} (set WASM_TESTSUITE)")


def canonical(value):
    """A v128 pattern without NaN lanes is just a v128 constant."""
    if isinstance(value, V128Pattern) and all(isinstance(lane, int) for lane in value.lanes):
        width = 128 // len(value.lanes)
        return Const("v128", sum(lane << (i * width) for i, lane in enumerate(value.lanes)))
    if isinstance(value, Either):
        return Either(tuple(canonical(v) for v in value.alternatives))
    return value


def shape(command) -> tuple:
    """What both front ends must agree on; `assert_trap (module ...)` is JSON's uninstantiable."""
    if isinstance(command, AssertTrap) and command.module is not None:
        return ("AssertModule", "uninstantiable", command.text)
    if isinstance(command, AssertModule):
        return ("AssertModule", command.kind, command.text)
    action = getattr(command, "action", None)
    expected = getattr(command, "expected", None)
    if action is not None:
        action = (action.kind, action.field, tuple(action.args))
    if expected is not None:
        expected = tuple(canonical(v) for v in expected)
    return (type(command).__name__, action, expected)


@pytest.mark.parametrize("name", FILES)
def test_same_commands(name):
    path = find(name)
    json_script, used_json, _ = load_script(path, "json")
    try:
        text_script, used_text, notes = load_script(path, "text")
    except Exception as error:  # the text front end is another engineer's: report, don't hide
        pytest.fail(f"text front end failed on {name}: {error}")
    assert (used_json, used_text) == ("json", "text")
    json_shapes = [shape(c) for c in json_script.commands]
    text_shapes = [shape(c) for c in text_script.commands]
    assert len(json_shapes) == len(text_shapes)
    for i, (a, b) in enumerate(zip(json_shapes, text_shapes)):
        assert a == b, f"command {i} (json line {json_script.commands[i].line}): {a} != {b}"
