"""Decoder/validator agreement: mutate valid binaries and check both engines agree on them.

A mutant is accepted or rejected by `pywasm_core.Module` (decode + validate) and by
`wasmtime.Module` configured for the 2.0 feature set (`oracle.wasmtime_config`).  Agreement means
both accept or both reject, and pywasm-core only ever rejects with its own `DecodeError` /
`ValidationError` (never a leaked IndexError, struct.error, RecursionError, MemoryError...).

Mutations aim at the places decoders get wrong: single bit flips, byte overwrites, truncation,
insertions and deletions, LEB128 rewrites (over-long encodings, huge counts), and section-level
edits (swapping, duplicating or dropping whole sections).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import traceback
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

MUTATIONS = ("bit_flip", "set_byte", "truncate", "insert", "delete", "leb", "huge_count",
             "swap_sections", "duplicate_section", "drop_section")


def sections(wasm: bytes) -> list[tuple[int, int]] | None:
    """(start, end) of every top-level section, or None if the framing is already broken."""
    out, pos = [], 8
    while pos < len(wasm):
        start = pos
        pos += 1
        size, shift = 0, 0
        while True:
            if pos >= len(wasm) or shift > 35:
                return None
            byte = wasm[pos]
            pos += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        pos += size
        if pos > len(wasm):
            return None
        out.append((start, pos))
    return out


def apply(wasm: bytes, mutation: str, a: int, b: int, payload: bytes) -> bytes:
    """Apply one mutation; `a`, `b` are positions/choices, `payload` extra bytes."""
    data = bytearray(wasm)
    n = len(data)
    if n == 0:
        return bytes(payload)
    i = a % n
    if mutation == "bit_flip":
        data[i] ^= 1 << (b % 8)
    elif mutation == "set_byte":
        data[i] = b & 0xFF
    elif mutation == "truncate":
        del data[i:]
    elif mutation == "insert":
        data[i:i] = payload or b"\x00"
    elif mutation == "delete":
        del data[i:i + 1 + b % 8]
    elif mutation == "leb":
        # make the byte at i an over-long or out-of-range LEB128 continuation
        data[i:i + 1] = bytes([data[i] | 0x80]) + (payload[:4] or b"\x80") + b"\x00"
    elif mutation == "huge_count":
        data[i:i + 1] = b"\xff\xff\xff\xff\x0f"
    else:
        secs = sections(bytes(data))
        if not secs:
            data[i] ^= 0xFF
            return bytes(data)
        s1 = secs[a % len(secs)]
        s2 = secs[b % len(secs)]
        chunk1, chunk2 = bytes(data[s1[0]:s1[1]]), bytes(data[s2[0]:s2[1]])
        if mutation == "duplicate_section":
            data[s1[1]:s1[1]] = chunk1
        elif mutation == "drop_section":
            del data[s1[0]:s1[1]]
        elif s1 != s2:                                  # swap_sections
            first, second = sorted([s1, s2])
            c1, c2 = bytes(data[first[0]:first[1]]), bytes(data[second[0]:second[1]])
            data = bytearray(data[:first[0]] + c2 + data[first[1]:second[0]] + c1 +
                             data[second[1]:])
            del chunk1, chunk2
    return bytes(data)


def mutants(wasm: bytes) -> st.SearchStrategy[bytes]:
    """1-3 stacked mutations of `wasm`."""
    one = st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 2**20), st.integers(0, 2**20),
                    st.binary(max_size=6))

    def build(steps):
        out = wasm
        for mutation, a, b, payload in steps:
            out = apply(out, mutation, a, b, payload)
        return out
    return st.lists(one, min_size=1, max_size=3).map(build)


@dataclass
class Verdict:
    ours: str          # "accept" | "reject" | "crash"
    reference: str     # "accept" | "reject"
    our_error: str = ""
    reference_error: str = ""

    @property
    def agree(self) -> bool:
        return self.ours == self.reference

    def __str__(self) -> str:
        return (f"pywasm-core {self.ours} ({self.our_error or '-'}) vs wasmtime "
                f"{self.reference} ({self.reference_error or '-'})")


def judge(wasm: bytes) -> Verdict:
    """Does each engine accept these bytes as a valid module?"""
    import wasmtime
    import pywasm_core
    from ..errors import DecodeError, ValidationError
    from .oracle import wasmtime_engine

    try:
        pywasm_core.Module(pywasm_core.Engine(), bytes(wasm))
        ours, our_error = "accept", ""
    except (DecodeError, ValidationError) as exc:
        ours, our_error = "reject", f"{type(exc).__name__}: {exc}"
    except Exception as exc:          # noqa: BLE001 - anything else is a leaked Python error
        ours, our_error = "crash", "".join(traceback.format_exception(exc))
    try:
        wasmtime.Module(wasmtime_engine(), bytes(wasm))
        reference, reference_error = "accept", ""
    except Exception as exc:          # noqa: BLE001
        reference, reference_error = "reject", str(exc).splitlines()[0] if str(exc) else repr(exc)
    return Verdict(ours, reference, our_error, reference_error)


def testsuite_root() -> Path:
    """The official testsuite: `$WASM_TESTSUITE`, else `../shared/wasm-testsuite` beside the repo
    (the spec-tests convention)."""
    configured = os.environ.get("WASM_TESTSUITE")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "shared" / "wasm-testsuite"


def testsuite_seeds(cache_dir: Path | str, version: str = "2.0",
                    files: tuple[str, ...] | None = None) -> list[bytes]:
    """Binary modules of the official testsuite (valid ones and binary assert_invalid/malformed
    ones) as mutation seeds, converted once with `wasm-tools json-from-wast` into `cache_dir`.
    Returns [] when the testsuite or wasm-tools is not available."""
    source = testsuite_root() / version
    tool = shutil.which("wasm-tools")
    cache = Path(cache_dir)
    if not source.is_dir() or tool is None:
        return []
    seeds: list[bytes] = []
    for wast in sorted(source.glob("*.wast")):
        if files is not None and wast.stem not in files:
            continue
        out = cache / wast.stem
        index = out / "out.json"
        if not index.exists():
            out.mkdir(parents=True, exist_ok=True)
            done = subprocess.run([tool, "json-from-wast", str(wast), "-o", str(index),
                                   "--wasm-dir", str(out)], capture_output=True)
            if done.returncode != 0:
                continue
        for command in json.loads(index.read_text())["commands"]:
            name = command.get("filename", "")
            if name.endswith(".wasm") and (command["type"] == "module" or
                                           command.get("module_type") == "binary"):
                seeds.append((out / name).read_bytes())
    return seeds
