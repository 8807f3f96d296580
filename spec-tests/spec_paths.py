"""Where the official testsuite is and which scripts are in scope (shared by conftest and tests).

The testsuite directory is `$WASM_TESTSUITE`, else `../shared/wasm-testsuite` beside the clone.
Either layout works for 2.0: this workspace's pinned copy (`2.0/i32.wast`, as in the scope lists)
or a plain clone of github.com/WebAssembly/testsuite at a810159 (`i32.wast` at the top).  The 3.0
scope needs the pinned layout (`3.0/` = the testsuite at 193e551).
"""

from __future__ import annotations

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def testsuite_root() -> Path:
    configured = os.environ.get("WASM_TESTSUITE")
    return Path(configured) if configured else REPO.parent / "shared" / "wasm-testsuite"


def scope(name: str) -> list[str]:
    """Entries of a committed scope list (`spec-tests/SCOPE-*.txt`), e.g. "2.0/i32.wast"."""
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def resolve(entry: str) -> Path | None:
    """The script file for a scope entry, in either testsuite layout; None when absent."""
    root = testsuite_root()
    candidates = [root / entry]
    if entry.startswith("2.0/"):     # a plain clone at a810159: the 2.0 files at its top level
        candidates.append(root / Path(entry).name)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None
