"""The scoped official testsuite (2.0 core + SIMD) as JSON commands + .wasm files."""

from __future__ import annotations

import subprocess
from pathlib import Path

SUITE = Path("/work/shared/wasm-testsuite")
SCOPES = ("SCOPE-2.0-core.txt", "SCOPE-2.0-simd.txt")


def scope_files() -> list[str]:
    files = []
    for scope in SCOPES:
        for line in (SUITE / scope).read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                files.append(line)
    return files


def convert_all(root: Path) -> dict[str, tuple[Path, Path]]:
    """Run `wasm-tools json-from-wast` on every scoped file into `root`: rel path -> (JSON command
    file, directory of its .wasm files)."""
    converted = {}
    for rel in scope_files():
        name = Path(rel).stem
        out = root / name
        out.mkdir()
        subprocess.run(["wasm-tools", "json-from-wast", str(SUITE / rel), "-o",
                        str(out / f"{name}.json"), "--wasm-dir", str(out)],
                       check=True, capture_output=True)
        converted[rel] = (out / f"{name}.json", out)
    return converted
