"""The module binaries of the official 2.0 testsuite, for round-trip tests of the encoder and the
printer (and whoever else wants a corpus of real modules).

`wasm-tools json-from-wast` turns each .wast of the 2.0 core and SIMD scope lists into .wasm
files, once per test session, in a temporary directory removed at exit.  Malformed binaries are
left out: they have no module to round-trip.  Also here: helpers that run `wasm-tools` over many
modules in one process (a generated .wast), since one subprocess per module is slow.
"""

from __future__ import annotations

import atexit
import dataclasses
import functools
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from pywasm_core import syntax

TESTSUITE = Path("/work/shared/wasm-testsuite")
SCOPES = ("SCOPE-2.0-core.txt", "SCOPE-2.0-simd.txt")
# 3.0; the legacy-exceptions scope is left out: wasm-tools no longer reads its folded `try`.
SCOPES_3 = ("SCOPE-3.0.txt",)
RUV_SWARM = sorted(Path("/work/shared/ruv-swarm").glob("*.wasm"))

# Commands whose module is well formed (assert_malformed ones are not).
MODULE_KINDS = ("module", "assert_invalid", "assert_unlinkable", "assert_uninstantiable")

_BINARY_SOURCE = re.compile(r"\s*(\(assert_\w+\s*)?\(module(\s+\$[^\s()]+)?\s+binary\b")


@dataclasses.dataclass(frozen=True)
class CorpusModule:
    wast: str              # e.g. "2.0/binary.wast"
    line: int              # line of the command in the .wast
    kind: str              # one of MODULE_KINDS
    binary: bytes
    message: str | None    # the expected error text for assert_* commands
    from_text: bool        # written as text in the .wast, so wasm-tools encoded it canonically

    @property
    def valid(self) -> bool:
        return self.kind != "assert_invalid"

    def __str__(self) -> str:
        return f"{self.wast}:{self.line} ({self.kind})"


def scope_files(scopes: tuple[str, ...] = SCOPES) -> list[str]:
    files: list[str] = []
    for scope in scopes:
        for line in (TESTSUITE / scope).read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                files.append(line)
    return files


@functools.lru_cache(maxsize=None)
def _work_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="pywasm-core-corpus-"))
    atexit.register(shutil.rmtree, path, True)
    return path


@functools.lru_cache(maxsize=None)
def corpus(wast: str) -> tuple[CorpusModule, ...]:
    """Every well-formed module of one .wast file (path relative to the testsuite)."""
    out_dir = _work_dir() / wast.replace("/", "_")
    out_dir.mkdir(parents=True, exist_ok=True)
    source = TESTSUITE / wast
    subprocess.run(["wasm-tools", "json-from-wast", str(source), "-o", str(out_dir / "x.json"),
                    "--wasm-dir", str(out_dir)], check=True, capture_output=True)
    commands = json.loads((out_dir / "x.json").read_text())["commands"]
    lines = source.read_text().split("\n")
    modules = []
    for cmd in commands:
        if cmd["type"] not in MODULE_KINDS or "filename" not in cmd:
            continue
        filename = cmd.get("binary_filename", cmd["filename"])
        if not filename.endswith(".wasm"):
            continue
        head = "\n".join(lines[cmd["line"] - 1:cmd["line"] + 2])
        modules.append(CorpusModule(wast, cmd["line"], cmd["type"],
                                    (out_dir / filename).read_bytes(), cmd.get("text"),
                                    not _BINARY_SOURCE.match(head)))
    return tuple(modules)


# --- module comparison -------------------------------------------------------------------------

def features_for(wast: str):
    """The decoder features a testsuite file needs (None: WebAssembly 2.0)."""
    if wast.startswith("3.0/"):
        from pywasm_core.features import WASM3
        return WASM3
    return None


def _strip_code(code):
    return None if code is None else [ins._replace(offset=None) for ins in code]


def without_offsets(module: syntax.Module) -> syntax.Module:
    """A copy without byte positions (Instr.offset, Func.offset), which no round trip keeps."""
    m = dataclasses.replace(module)
    m.table_inits = [_strip_code(init) for init in getattr(module, "table_inits", [])]
    m.funcs = [dataclasses.replace(f, body=_strip_code(f.body), offset=None) for f in module.funcs]
    m.globals = [dataclasses.replace(g, init=_strip_code(g.init)) for g in module.globals]
    m.elems = [dataclasses.replace(e, offset=_strip_code(e.offset),
                                   init=[_strip_code(x) for x in e.init]) for e in module.elems]
    m.datas = [dataclasses.replace(d, offset=_strip_code(d.offset)) for d in module.datas]
    return m


def module_diff(a: syntax.Module, b: syntax.Module) -> list[str]:
    """Names of the Module fields that differ (empty when equal), for readable failures."""
    return [f.name for f in dataclasses.fields(syntax.Module)
            if getattr(a, f.name) != getattr(b, f.name)]


# --- wasm-tools over many modules at once ------------------------------------------------------

def wat_bytes(data: bytes) -> str:
    return '"' + "".join(f"\\{b:02x}" for b in data) + '"'


def _run(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, input=stdin, capture_output=True, text=True)


def wast_verdicts(entries: list[tuple[bytes, bool, str | None]]) -> set[int]:
    """Run `wasm-tools wast` over binaries given as (binary, expected valid, expected message);
    returns the indices of the entries where wasm-tools disagrees with the expectation."""
    if not entries:
        return set()
    parts = []
    for binary, valid, message in entries:
        module = f"(module binary {wat_bytes(binary)})"
        if valid:
            parts.append(module)
        else:
            text = (message or "").replace("\\", "\\\\").replace('"', '\\"')
            parts.append(f'(assert_invalid {module} "{text}")')
    result = _run(["wasm-tools", "wast", "-"], "\n".join(parts))
    if result.returncode == 0:
        return set()
    failed = {int(line) - 1 for line in re.findall(r"failed directive on <stdin>:(\d+):",
                                                    result.stderr)}
    if not failed:
        raise RuntimeError(f"wasm-tools wast failed: {result.stderr}")
    return failed


def parse_texts(texts: list[str]) -> list[bytes | str]:
    """`wasm-tools parse` each module text; a str in the result is the parse error.
    All modules go through one `json-from-wast` run; only on failure is each parsed alone."""
    work = Path(tempfile.mkdtemp(dir=_work_dir()))
    script = work / "batch.wast"
    script.write_text("\n".join(texts))
    result = _run(["wasm-tools", "json-from-wast", str(script), "-o", str(work / "batch.json"),
                   "--wasm-dir", str(work)])
    if result.returncode == 0:
        commands = json.loads((work / "batch.json").read_text())["commands"]
        files = [c["filename"] for c in commands if c["type"] == "module"]
        if len(files) == len(texts):
            return [(work / f).read_bytes() for f in files]
    out: list[bytes | str] = []
    for index, text in enumerate(texts):
        path = work / f"single{index}.wat"
        path.write_text(text)
        single = _run(["wasm-tools", "parse", str(path), "-o", str(path.with_suffix(".wasm"))])
        out.append(path.with_suffix(".wasm").read_bytes() if single.returncode == 0
                   else single.stderr)
    return out


def validate(binary: bytes) -> str:
    """`wasm-tools validate`: '' when valid, else its message."""
    work = Path(tempfile.mkdtemp(dir=_work_dir()))
    path = work / "m.wasm"
    path.write_bytes(binary)
    result = _run(["wasm-tools", "validate", str(path)])
    return "" if result.returncode == 0 else result.stderr


def split_sections(binary: bytes) -> list[tuple[int, bytes]]:
    """(id, payload) of each section of a well-formed binary (a test helper, not a decoder)."""
    sections = []
    pos = 8
    while pos < len(binary):
        section_id = binary[pos]
        pos += 1
        size = shift = 0
        while True:
            byte = binary[pos]
            pos += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        sections.append((section_id, binary[pos:pos + size]))
        pos += size
    return sections
