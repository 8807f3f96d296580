"""Differential check of the decoder against `wasm-tools print -p` (an independent decoder):
every decoded instruction must sit at an offset where wasm-tools prints the same mnemonic, with
the same index, constant, memarg and lane immediates, and no printed instruction may be missing."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from pywasm_core.binary import decode_module
from pywasm_core.opcodes import INFO, Imm, Op

_LINE = re.compile(r"^\(;@([0-9a-f]+)\s*;\)\s*(\S+)(.*)$")
_SIMPLE_INDEX = {Imm.LOCAL, Imm.GLOBAL, Imm.FUNC, Imm.LABEL}


def wasm_tools() -> str | None:
    local = Path(sys.executable).with_name("wasm-tools")
    return str(local) if local.exists() else shutil.which("wasm-tools")


def printed_instructions(tool: str, data: bytes) -> dict[int, tuple[str, list[str]]]:
    text = subprocess.run([tool, "print", "-p", "-"], input=data, check=True,
                          capture_output=True).stdout.decode()
    printed = {}
    for line in text.splitlines():
        match = _LINE.match(line)
        if match and not match.group(2).startswith(("(", ")")):
            words = match.group(3).split(";;")[0].split()
            printed[int(match.group(1), 16)] = (match.group(2), words)
    return printed


def compare(tool: str, data: bytes, **features) -> int:
    """Assert agreement; returns the number of instructions compared."""
    module = decode_module(data, **features)
    ours = {}
    for func in module.funcs:
        for instr in func.body[:-1]:          # a body's final `end` prints as ")"
            ours[instr.offset] = instr
    if not ours:
        return 0
    printed = printed_instructions(tool, data)
    first, last = min(ours), max(ours)
    missing = [hex(off) for off in printed if first <= off <= last and off not in ours]
    assert not missing, f"printed but not decoded at {missing[:5]}"
    for offset, instr in ours.items():
        assert offset in printed, f"decoded {INFO[instr.op].name} at {offset:#x} not printed"
        mnemonic, words = printed[offset]
        info = INFO[instr.op]
        expected = "select" if info.name == "select_t" else info.name
        assert mnemonic == expected, f"{offset:#x}: {mnemonic} != {expected}"
        _compare_immediates(instr, info, words, offset)
    return len(ours)


def _compare_immediates(instr, info, words, offset) -> None:
    where = f"{info.name} at {offset:#x}: {words}"
    if info.imm in _SIMPLE_INDEX and words and not words[0].startswith("$"):
        assert int(words[0]) == instr.imm[0], where
    elif instr.op == Op.I32_CONST:
        assert int(words[0]) & 0xFFFF_FFFF == instr.imm[0], where
    elif instr.op == Op.I64_CONST:
        assert int(words[0]) & 0xFFFF_FFFF_FFFF_FFFF == instr.imm[0], where
    elif info.imm in (Imm.MEMARG, Imm.MEMARG_LANE):
        fields = dict(w.split("=", 1) for w in words if "=" in w)
        assert int(fields.get("offset", "0"), 0) == instr.imm[1], where
        natural = 1 << (info.natural_align or 0)
        assert int(fields.get("align", str(natural))) == 1 << instr.imm[0], where
        if info.imm == Imm.MEMARG_LANE:
            assert int(words[-1]) == instr.imm[3], where
    elif info.imm == Imm.LANE:
        assert int(words[0]) == instr.imm[0], where
    elif info.imm == Imm.SHUFFLE:
        assert tuple(int(w) for w in words[:16]) == instr.imm[0], where
