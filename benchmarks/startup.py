"""Start-up and tooling times: decode+validate+instantiate of ruv_swarm_wasm_bg.wasm, parsing the
whole pinned testsuite with our text parser, and the 2.0 spec-suite run per tier.

The long jobs (testsuite parse, spec-suite runs) are timed once; the spec suite runs in a fresh
`python -m pywasm_core wast` process per tier (PYWASM_CORE_TIER selects it), as CI runs it.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .harness import REPO, Call, EngineMissing, Results, Row, cell, fmt_seconds, run_rows

SUITE = Path(os.environ.get("WASM_TESTSUITE_DIR", REPO.parent / "shared" / "wasm-testsuite"))
SCOPES = ("SCOPE-2.0-core.txt", "SCOPE-2.0-simd.txt")
INSTANTIATE_TARGET = 0.25
PARSE_TARGET = 60.0


def _stub(*args):
    raise RuntimeError("stub import called during instantiation")


def instantiate_call(engine: str, data: bytes) -> Call:
    """A call that decodes, validates and instantiates `data` with stub function imports and
    returns the number of exports (compared across engines)."""
    if engine in ("pywasm-core", "pywasm-core-interp"):
        import pywasm_core

        config = pywasm_core.Config(tier="interp" if engine.endswith("interp") else None)

        def call():
            eng = pywasm_core.Engine(config)
            module = pywasm_core.Module(eng, data)
            store = pywasm_core.Store(eng)
            externs = [pywasm_core.Func(store, imp.type, _stub) for imp in module.imports]
            return len(pywasm_core.Instance(store, module, externs).exports(store))
        return call
    if engine == "wasmtime":
        try:
            import wasmtime
        except ImportError as error:
            raise EngineMissing("wasmtime is not installed (pip install wasmtime)") from error

        def call():
            store = wasmtime.Store()
            module = wasmtime.Module(store.engine, data)
            externs = [wasmtime.Func(store, imp.type, _stub) for imp in module.imports]
            return len(wasmtime.Instance(store, module, externs).exports(store))
        return call
    if engine == "pywasm":
        try:
            import pywasm
        except ImportError as error:
            raise EngineMissing("pywasm is not installed (pip install pywasm==2.2.3)") from error

        def call():
            runtime = pywasm.core.Runtime()
            module = pywasm.core.ModuleDesc.from_reader(io.BytesIO(data))
            for imp in module.imps:
                runtime.imports.setdefault(imp.module, {})[imp.name] = \
                    runtime.allocate_func_host(module.type[imp.desc], _stub)
            return len(runtime.instance(module).exps)
        return call
    raise ValueError(f"unknown engine {engine!r}")


def testsuite_files(quick: bool) -> list[tuple[Path, bool]]:
    """Every top-level .wast of 2.0/ and 3.0/ (and whether it is a 3.0 file)."""
    files = []
    for version in ("2.0", "3.0"):
        found = sorted((SUITE / version).glob("*.wast"))
        files += [(path, version == "3.0") for path in (found[:3] if quick else found)]
    return files


def parse_all(files: list[tuple[Path, bool]], failures: list[str]) -> tuple[int, int]:
    """Parse every file with our .wast parser; returns (files, commands).  Files the parser
    rejects are listed in `failures` (the pinned suite should parse completely)."""
    from pywasm_core.errors import ParseError
    from pywasm_core.text.wast import parse_script

    failures.clear()
    commands = 0
    for path, wasm3 in files:
        try:
            script = parse_script(path.read_text(encoding="utf-8"), str(path), wasm3=wasm3)
        except ParseError as error:
            failures.append(f"{path.parent.name}/{path.name}: {error}")
            continue
        commands += len(getattr(script, "commands", ()) or ())
    return len(files), commands


def spec_files(quick: bool) -> list[str]:
    names = []
    for scope in SCOPES:
        lines = [line.strip() for line in (SUITE / scope).read_text().splitlines()
                 if line.strip() and not line.startswith("#")]
        names += lines[:1] if quick else lines
    return [str(SUITE / name) for name in names]


def _failing_files(files) -> list[str]:
    """Names of the files with failures in the runner's --json counts (dict or list form)."""
    if isinstance(files, dict):
        items = list(files.items())
    elif isinstance(files, list):
        items = [(f.get("file", "?") if isinstance(f, dict) else "?", f) for f in files]
    else:
        return []
    return [Path(str(name)).name for name, counts in items
            if isinstance(counts, dict) and counts.get("failed")]


def spec_run_call(engine: str, files: list[str], totals: dict) -> Call:
    """One `python -m pywasm_core wast` process over `files` on the tier or engine given."""
    if engine == "wasmtime":
        try:
            import wasmtime  # noqa: F401
        except ImportError as error:
            raise EngineMissing("wasmtime is not installed (pip install wasmtime)") from error
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    extra = []
    if engine == "pywasm-core":
        env["PYWASM_CORE_TIER"] = "fast"
    elif engine == "pywasm-core-interp":
        env["PYWASM_CORE_TIER"] = "interp"
    elif engine == "wasmtime":
        extra = ["--engine", "wasmtime"]
    else:
        raise ValueError(f"the spec runner does not drive {engine}")

    def call():
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "counts.json"
            completed = subprocess.run(
                [sys.executable, "-m", "pywasm_core", "wast", "--json", str(out), *extra, *files],
                cwd=REPO, env=env, capture_output=True, text=True)
            if not out.is_file():
                raise RuntimeError(f"wast runner exited {completed.returncode}: "
                                   f"{completed.stderr.strip()[-300:]}")
            counts = json.loads(out.read_text())
            totals[engine] = dict(counts["totals"])
            totals[engine]["failing"] = _failing_files(counts.get("files"))
        return None
    return call


def section(engines, options, results: Results, missing) -> list[str]:
    text = ["## Start-up and tooling", ""]
    bg_path = None
    try:
        from neural.modules import module_path
        bg_path = module_path("bg")
    except (ImportError, ValueError):
        pass
    rows: list[Row] = []
    if bg_path is not None and bg_path.is_file():
        data = bg_path.read_bytes()
        rows.append(Row("decode+validate+instantiate ruv_swarm_wasm_bg.wasm",
                        f"{len(data):,} bytes, stub imports", "i32", None,
                        lambda engine: instantiate_call(engine, data)))
    else:
        text += ["ruv_swarm_wasm_bg.wasm not found (set RUV_SWARM_DIR): instantiation row left "
                 "out.", ""]
    start_engines = [e for e in engines if e != "pywasm-core-interp"]
    run_rows(rows, start_engines, options.repeat, results, missing)

    parse_failures: list[str] = []
    parse_counts: dict[str, tuple[int, int]] = {}
    files = testsuite_files(options.quick)

    def parse_row(engine: str) -> Call:
        def call():
            parse_counts[engine] = parse_all(files, parse_failures)
            return None
        return call
    parse = Row("parse the pinned testsuite (text parser)",
                f"{len(files)} top-level .wast of 2.0/ and 3.0/", "none", None, parse_row,
                slow_engines=("pywasm-core",))
    spec = spec_files(options.quick)
    totals: dict[str, dict] = {}
    suite = Row("2.0 spec suite (core + simd scope)",
                f"`python -m pywasm_core wast` over {len(spec)} files", "none", None,
                lambda engine: spec_run_call(engine, spec, totals),
                slow_engines=("pywasm-core", "pywasm-core-interp", "wasmtime"))
    run_rows([parse], ["pywasm-core"] if "pywasm-core" in engines else [], 1, results, missing)
    run_rows([suite], [e for e in engines if e != "pywasm"], 1, results, missing)

    lines = ["| measurement | what | engine / tier | time | target | notes |",
             "|---|---|---|---|---|---|"]
    for row in rows:
        for engine in start_engines:
            seconds = results.medians.get(row.name, {}).get(engine)
            if seconds is None and engine not in results.errors.get(row.name, {}):
                continue
            shown = cell(results, row.name, engine)
            target = f"< {INSTANTIATE_TARGET} s" if engine == "pywasm-core" else ""
            verdict = ""
            if engine == "pywasm-core" and seconds is not None:
                verdict = "met" if seconds < INSTANTIATE_TARGET else "NOT met"
            lines.append(f"| {row.name} | {row.call_text} | {engine} | {shown} | {target} | "
                         f"{verdict} |")
    seconds = results.medians.get(parse.name, {}).get("pywasm-core")
    if seconds is not None:
        count, commands = parse_counts.get("pywasm-core", (0, 0))
        note = (f"{'met' if seconds < PARSE_TARGET else 'NOT met'}; {commands:,} commands, "
                f"{len(parse_failures)} file(s) rejected")
        lines.append(f"| {parse.name} | {parse.call_text} | pywasm-core | {fmt_seconds(seconds)} "
                     f"| < {PARSE_TARGET:.0f} s | {note} |")
    for engine in [e for e in engines if e != "pywasm"]:
        seconds = results.medians.get(suite.name, {}).get(engine)
        if seconds is None:
            error = results.errors.get(suite.name, {}).get(engine)
            if error:
                lines.append(f"| {suite.name} | {suite.call_text} | {engine} | {error} | | |")
            continue
        counts = totals.get(engine, {})
        what = ("runner driving wasmtime (`--engine wasmtime`)" if engine == "wasmtime"
                else f"PYWASM_CORE_TIER={'interp' if engine.endswith('interp') else 'fast'}")
        lines.append(f"| {suite.name} | {suite.call_text}; {what} | {engine} | "
                     f"{fmt_seconds(seconds)} | | {counts.get('passed', '?')} passed, "
                     f"{counts.get('failed', '?')} failed, {counts.get('skipped', '?')} skipped"
                     + (f" (in {', '.join(counts['failing'][:8])}"
                        + (" ..." if len(counts['failing']) > 8 else "") + ")"
                        if counts.get("failing") else "") + " |")
    text += ["Instantiation: median of the repeated calls (a fresh Engine, Module and Store "
             "each time; imports are stubs that are never called; pywasm-core lowers functions "
             "for its fast tier lazily, at their first call, so no lowering is in this figure).  "
             "The testsuite parse and the spec-suite runs are timed once each (one process per "
             "tier for the suite, wall clock, including interpreter start-up).", "",
             "\n".join(lines), ""]
    if parse_failures:
        text += ["Files our parser rejected: " + "; ".join(parse_failures[:10])
                 + (" ..." if len(parse_failures) > 10 else ""), ""]
    return text
