"""Write spec-tests/RESULTS.md: per-script counts for the scope lists, with every failure's reason.

Every script runs on both execution tiers (the fast tier and the reference interpreter).
Run from the repository root: `python spec-tests/make_results.py [--frontend auto|json|text]`.
"""

from __future__ import annotations

import argparse
import datetime
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from spec_paths import resolve, scope, testsuite_root  # noqa: E402

from pywasm_core import Config  # noqa: E402
from pywasm_core.script.adapter import PywasmCoreAdapter  # noqa: E402
from pywasm_core.script.runner import run_file  # noqa: E402

LISTS = [("WebAssembly 2.0 core", "SCOPE-2.0-core.txt"),
         ("WebAssembly 2.0 SIMD", "SCOPE-2.0-simd.txt"),
         ("WebAssembly 3.0", "SCOPE-3.0.txt"),
         ("WebAssembly 3.0 legacy exception handling (Config(features=WASM3_LEGACY))",
          "SCOPE-3.0-legacy.txt"),
         ("WebAssembly 3.0 custom annotations", "SCOPE-3.0-custom.txt")]
TIERS = ("fast", "interp")


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=HERE, capture_output=True, text=True,
                          check=True).stdout.strip()


def commit() -> str:
    """The commit the results are for, flagged when pywasm_core/ has uncommitted changes."""
    try:
        head = _git("rev-parse", "--short", "HEAD")
        dirty = _git("status", "--porcelain", "--", str(HERE.parent / "pywasm_core"))
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" plus uncommitted changes in pywasm_core/" if dirty else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frontend", choices=["auto", "json", "text"], default="auto")
    parser.add_argument("--timeout", type=float, default=120.0)
    options = parser.parse_args()
    started = time.perf_counter()
    out = ["# Spec test results", "",
           f"Generated {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC} at commit "
           f"{commit()} by `python spec-tests/make_results.py --frontend {options.frontend}`, from "
           f"the testsuite in `{testsuite_root().name}` (WebAssembly/testsuite a810159 for 2.0/, 193e551 for 3.0/).",
           "", "The CLI gives the same counts: `pywasm-core wast FILE... --json OUT.json` over a scope "
           "list's files (it uses the same runner).", "",
           "Not in scope: `3.0/proposals/` (threads, wide arithmetic, custom page sizes, custom "
           "descriptors), proposals that came after WebAssembly 3.0 and that pywasm-core does not "
           "implement.", ""]
    details: list[str] = []
    for title, list_name in LISTS:
        rows = []
        totals = {tier: [0, 0, 0] for tier in TIERS}
        for entry in scope(list_name):
            path = resolve(entry)
            if path is None:
                rows.append(f"| {entry} | missing | | | | | | |")
                continue
            cells, frontend = [], ""
            for tier in TIERS:
                result = run_file(path, PywasmCoreAdapter(Config(tier=tier)),
                                  frontend=options.frontend, timeout=options.timeout)
                print(f"{entry} [{tier}]: {result.counts()}", file=sys.stderr)
                for i, value in enumerate((result.passed, result.failed, result.skipped)):
                    totals[tier][i] += value
                cells += [str(result.passed), str(result.failed), str(result.skipped)]
                frontend = result.frontend
                if result.failed or result.skipped or result.notes:
                    details += ["", f"{tier} tier:", "```", result.report(max_failures=20), "```"]
            rows.append(f"| {entry} | " + " | ".join(cells) + f" | {frontend} |")
        out += [f"## {title} ({list_name})", ""]
        out += [f"- Total on the {tier} tier: {t[0]} passed, {t[1]} failed, {t[2]} skipped "
                f"in {len(rows)} scripts." for tier, t in totals.items()]
        out += ["", "| script | passed (fast) | failed (fast) | skipped (fast) | passed (interp) "
                "| failed (interp) | skipped (interp) | front end |", "|---|---|---|---|---|---|---|---|"]
        out += rows + [""]
    out += ["## Failures, skips and notes", ""]
    out += details if details else ["None."]
    out += ["", f"(Run time {time.perf_counter() - started:.0f} s.)"]
    (HERE / "RESULTS.md").write_text("\n".join(out) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
