"""Time the same work on pywasm-core, pywasm 2.2.3 and wasmtime, in one run.

Sections (`--only exec,simd,wasm3,neural,startup`): execution kernels, the SIMD kernel, GC- and
exception-heavy WebAssembly 3.0 kernels, the ruv-swarm neural API, and start-up/tooling times.  Each engine instantiates a module once, makes one untimed
warm-up call (pywasm-core lowers a function on its first call), then `--repeat` timed calls; the
tables show medians.  Every call's result is checked against the expected value and the engines'
results against each other (wasmtime's included), so a wrong answer can never look fast.  Peers
that are not installed are skipped with a note.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import statistics
import struct
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

REPO = Path(__file__).resolve().parent.parent
WASM = REPO / "wasm"
M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF


@dataclass(frozen=True)
class Case:
    """One exported call: `export(arg)` on wasm/`module`, after `setup(arg)` if given (untimed)."""

    name: str
    module: str         # file in wasm/
    export: str
    arg: int
    quick_arg: int
    expected: object    # None: no fixed value, the engines must agree with each other
    quick_expected: object
    what: str
    kind: str = "i32"   # result type: i32, i64, f32, f64 (floats are compared bit for bit)
    setup: str | None = None
    section: str = "exec"
    wasm3: bool = False  # needs the WebAssembly 3.0 feature set (GC, exceptions...)


CASES = [
    Case("fib", "fib.wasm", "fib", 22, 15, 17711, 610, "recursive calls"),
    Case("loop", "loop.wasm", "checksum", 50_000, 2_000, 71635339, -327466583,
         "i64/i32 arithmetic loop (xorshift checksum)"),
    Case("mandelbrot f64", "float.wasm", "mandelbrot", 48, 8, 38992, 1025, "f64 kernel"),
    Case("mandelbrot f32", "float.wasm", "mandelbrot_f32", 48, 8, 38992, 1025, "f32 kernel"),
    Case("matmul f64", "matmul.wasm", "matmul_f64", 28, 4, 15817.70476190475, 33.81999999999999,
         "n x n f64 matrix multiply (n^3 loads, multiplies, adds)", kind="f64"),
    Case("matmul f32", "matmul.wasm", "matmul_f32", 28, 4, 15817.7021484375, 33.81999588012695,
         "n x n f32 matrix multiply", kind="f32"),
    Case("blake2b", "blake2b.wasm", "blake2b", 8192, 128, 1718673107161479457,
         6963602149518515757,
         "BLAKE2b of an n-byte message in memory (64-bit adds, rotates, xors; checked "
         "against hashlib)", kind="i64", setup="fill"),
    Case("memops", "memops.wasm", "memops", 64, 3, -997690020, 1943455179,
         "memory.fill/memory.copy (incl. overlapping) plus byte-loop memset/memcpy, n rounds"),
    Case("call_indirect", "dispatch.wasm", "dispatch", 30_000, 100, -495220222, -255782129,
         "n call_indirect calls through an 8-entry table"),
    Case("f32x4 dot", "simd.wasm", "dot_f32x4", 65536, 256, -16.999958038330078,
         -14.416666030883789, "f32x4 dot product over 64 KiB per operand (v128.load, "
         "f32x4.mul, f32x4.add)", kind="f32", setup="fill", section="simd"),
    Case("f32 dot (scalar)", "simd.wasm", "dot_f32", 65536, 256, -16.999958038330078,
         -14.416666030883789, "the same dot product in scalar f32 code, one accumulator per "
         "lane (same result)", kind="f32", setup="fill", section="simd"),
    Case("gc trees", "gc.wasm", "trees", 12, 4, 218103558, 3310,
         "binary trees: 4 complete trees of 2^(n+1)-1 structs built recursively, then walked "
         "through anyref with ref.cast and struct.get", section="wasm3", wasm3=True),
    Case("gc arrays", "gc.wasm", "arrays", 20_000, 100, 149995000.0, 3725.0,
         "an n-element mutable f64 array filled through i31 boxing, then summed with "
         "array.get/array.len", kind="f64", section="wasm3", wasm3=True),
    Case("exceptions", "exceptions.wasm", "throws", 2_000, 20, 46935000, 464846,
         "n exceptions thrown 22 frames deep, passing a non-matching try_table, caught by "
         "try_table; every fourth caught as exnref (catch_ref) and rethrown with throw_ref",
         section="wasm3", wasm3=True),
]

Call = Callable[[], object]


class EngineMissing(Exception):
    pass


class WrongResult(AssertionError):
    """A call returned something other than the expected value (engines' own internal
    AssertionErrors, e.g. pywasm's on an unsupported instruction, are not this)."""


def load_pywasm_core(path: Path, export: str, arg: int, tier: str | None = None,
                     setup: str | None = None, wasm3: bool = False) -> Call:
    import pywasm_core
    from pywasm_core.features import WASM2, WASM3

    engine = pywasm_core.Engine(pywasm_core.Config(tier=tier, features=WASM3 if wasm3 else WASM2))
    store = pywasm_core.Store(engine)
    module = pywasm_core.Module.from_file(engine, path)
    exports = pywasm_core.Instance(store, module, []).exports(store)
    if setup:
        exports[setup](store, arg)
    func = exports[export]
    return lambda: func(store, arg)


def load_pywasm_core_interp(path: Path, export: str, arg: int, setup: str | None = None,
                            wasm3: bool = False) -> Call:
    """pywasm-core's reference interpreter tier (the one metered runs use)."""
    return load_pywasm_core(path, export, arg, tier="interp", setup=setup, wasm3=wasm3)


def load_pywasm(path: Path, export: str, arg: int, setup: str | None = None,
                wasm3: bool = False) -> Call:
    try:
        import pywasm
    except ImportError as error:
        raise EngineMissing("pywasm is not installed (pip install pywasm==2.2.3)") from error
    runtime = pywasm.core.Runtime()
    instance = runtime.instance_from_file(str(path))
    if setup:
        runtime.invocate(instance, setup, [arg])

    def call() -> object:
        results = runtime.invocate(instance, export, [arg])
        return results[0] if len(results) == 1 else results
    return call


def load_wasmtime(path: Path, export: str, arg: int, setup: str | None = None,
                  wasm3: bool = False) -> Call:
    try:
        import wasmtime
    except ImportError as error:
        raise EngineMissing("wasmtime is not installed (pip install wasmtime)") from error
    if wasm3:
        config = wasmtime.Config()
        for flag in ("wasm_gc", "wasm_function_references", "wasm_exceptions", "wasm_tail_call"):
            setattr(config, flag, True)   # write-only properties
        store = wasmtime.Store(wasmtime.Engine(config))
    else:
        store = wasmtime.Store()
    module = wasmtime.Module.from_file(store.engine, str(path))
    exports = wasmtime.Instance(store, module, []).exports(store)
    if setup:
        exports[setup](store, arg)
    func = exports[export]
    return lambda: func(store, arg)


def engine_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name, dist in (("pywasm-core", "pywasm-core"), ("pywasm", "pywasm"),
                       ("wasmtime", "wasmtime")):
        try:
            found[name] = version(dist)
        except PackageNotFoundError:
            if name == "pywasm-core":
                import pywasm_core
                found[name] = pywasm_core.__version__ + " (source tree)"
    return found


ENGINES: dict[str, Callable[..., Call]] = {
    "pywasm-core": load_pywasm_core,
    "pywasm-core-interp": load_pywasm_core_interp,
    "pywasm": load_pywasm,
    "wasmtime": load_wasmtime,
}
SECTIONS = ("exec", "simd", "wasm3", "neural", "startup")


def as_signed32(value: object) -> object:
    if isinstance(value, int) and value >= 2**31:
        return value - 2**32
    return value


def normalise(value: object, kind: str) -> object:
    """A value comparable across engines: ints masked to their width (engines disagree on
    signedness), floats as their f64 bits (so -0.0 != 0.0 and NaN == the same NaN), arrays as the
    bytes of their f64 values."""
    if isinstance(value, (list, tuple)) and len(value) == 1 and kind != "array":
        value = value[0]
    if kind == "i32":
        return int(value) & M32
    if kind == "i64":
        return int(value) & M64
    if kind in ("f32", "f64"):
        return struct.pack("<d", float(value)).hex()
    if kind == "array":
        return np.asarray(value, dtype=np.float64).tobytes().hex()
    return value


def time_call(call: Call, name: str, kind: str, expected: object, repeat: int,
              warm_up: bool = True) -> tuple[list[float], object]:
    """Times `repeat` calls after an optional warm-up; every result must equal `expected` (when
    given) and each other.  Returns the times and the normalised result."""
    want = None if expected is None else normalise(expected, kind)
    times: list[float] = []
    seen = want
    for attempt in range(repeat + (1 if warm_up else 0)):
        started = time.perf_counter()
        result = call()
        elapsed = time.perf_counter() - started
        got = normalise(result, kind)
        if seen is not None and got != seen:
            shown = expected if want is not None else "the first call's result"
            raise WrongResult(f"{name}: got {result!r}, expected {shown}")
        seen = got
        if attempt or not warm_up:
            times.append(elapsed)
    return times, seen


def time_case(loader: Callable[..., Call], case: Case, quick: bool,
              repeat: int) -> list[float]:
    arg = case.quick_arg if quick else case.arg
    expected = case.quick_expected if quick else case.expected
    call = loader(WASM / case.module, case.export, arg, setup=case.setup, wasm3=case.wasm3)
    return time_call(call, case.name, case.kind, expected, repeat)[0]


def load_average() -> float | None:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def machine(load_at_start: float | None = None) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"; {mem_kib / 2**20:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        memory = ""
    text = (f"{cpu}, {os.cpu_count()} logical CPUs{memory}; {platform.system()} "
            f"{platform.release()}; {platform.python_implementation()} "
            f"{platform.python_version()}; numpy {np.__version__}")
    load_at_end = load_average()
    if load_at_start is not None and load_at_end is not None:
        text += (f"; 1-minute load average {load_at_start:.1f} at the start and "
                 f"{load_at_end:.1f} at the end")
        if max(load_at_start, load_at_end) > (os.cpu_count() or 1):
            text += " (above the CPU count: the machine is shared, timings are noisy)"
    return text


def fmt_seconds(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


# ------------------------------------------------------------------ timed tables

@dataclass
class Row:
    """One benchmark row: how to build each engine's call, and what the call must return."""

    name: str
    call_text: str
    kind: str
    expected: object
    make: Callable[[str], Call]      # engine name -> call (raises EngineMissing / errors)
    slow_engines: tuple = ()         # engines timed once, without warm-up (too slow for more)


@dataclass
class Results:
    medians: dict = field(default_factory=dict)     # row -> engine -> seconds
    counts: dict = field(default_factory=dict)      # row -> engine -> timed calls
    errors: dict = field(default_factory=dict)      # row -> engine -> message
    notes: list = field(default_factory=list)
    failures: list = field(default_factory=list)    # wrong results (exit status 1)


def run_rows(rows: list[Row], engines: list[str], repeat: int, results: Results,
             missing: dict[str, str]) -> None:
    """Time every row on every engine; results must match `expected` and across engines."""
    for row in rows:
        agreed: dict[str, object] = {}
        for engine in engines:
            if engine in missing:
                continue
            slow = engine in row.slow_engines
            try:
                call = row.make(engine)
                times, value = time_call(call, row.name, row.kind, row.expected,
                                         1 if slow else repeat, warm_up=not slow)
            except EngineMissing as gone:
                missing[engine] = str(gone)
                continue
            except WrongResult as wrong:
                results.failures.append(f"{row.name} on {engine}: {wrong}")
                results.errors.setdefault(row.name, {})[engine] = "wrong result"
                continue
            except Exception as error:   # an engine that cannot run the case: reported, not fatal
                text = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
                results.errors.setdefault(row.name, {})[engine] = "cannot run"
                results.notes.append(f"{engine} cannot run {row.name}: {text[:160]}")
                continue
            agreed[engine] = value
            results.medians.setdefault(row.name, {})[engine] = statistics.median(times)
            results.counts.setdefault(row.name, {})[engine] = len(times)
            print(f"{engine:>18} {row.name:<28} median {fmt_seconds(statistics.median(times))}"
                  f" of {len(times)}", file=sys.stderr, flush=True)
        if len(set(agreed.values())) > 1:
            results.failures.append(f"{row.name}: engines disagree: " + ", ".join(
                f"{e}={v}" for e, v in agreed.items()))


def ran(results: Results, row: str, *engines: str) -> bool:
    """Whether every engine named has a timing for `row`."""
    return set(engines) <= set(results.medians.get(row, {}))


def cell(results: Results, row: str, engine: str) -> str:
    seconds = results.medians.get(row, {}).get(engine)
    if seconds is None:
        return results.errors.get(row, {}).get(engine, "n/a")
    once = results.counts.get(row, {}).get(engine) == 1
    return fmt_seconds(seconds) + (" (1 call)" if once else "")


def ratio_table(rows: list[Row], engines: list[str], results: Results,
                geomean_row: bool = False) -> str:
    """Medians per engine, pywasm / pywasm-core and pywasm-core / wasmtime, optionally their
    geometric means over the rows every engine ran."""
    head = ["benchmark", "call"] + engines
    peer = "pywasm" in engines and "pywasm-core" in engines
    native = "wasmtime" in engines and "pywasm-core" in engines
    if peer:
        head.append("pywasm / pywasm-core")
    if native:
        head.append("pywasm-core / wasmtime")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    speedups, slowdowns = [], []
    for row in rows:
        got = results.medians.get(row.name, {})
        cells = [row.name, row.call_text] + [cell(results, row.name, e) for e in engines]
        core = got.get("pywasm-core")
        if peer:
            if core and "pywasm" in got:
                speedups.append(got["pywasm"] / core)
                cells.append(f"{speedups[-1]:.1f}x faster")
            else:
                cells.append("n/a")
        if native:
            if core and "wasmtime" in got:
                slowdowns.append(core / got["wasmtime"])
                cells.append(f"{slowdowns[-1]:.0f}x slower")
            else:
                cells.append("n/a")
        lines.append("| " + " | ".join(cells) + " |")
    if geomean_row and (speedups or slowdowns):
        cells = ["**geometric mean**", ""] + [""] * len(engines)
        if peer:
            cells.append(f"**{geomean(speedups):.1f}x faster** ({len(speedups)} rows)"
                         if speedups else "n/a")
        if native:
            cells.append(f"**{geomean(slowdowns):.0f}x slower** ({len(slowdowns)} rows)"
                         if slowdowns else "n/a")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def wasm_rows(section: str, quick: bool) -> list[Row]:
    rows = []
    for case in CASES:
        if case.section != section:
            continue
        arg = case.quick_arg if quick else case.arg

        def make(engine: str, case=case, arg=arg) -> Call:
            return ENGINES[engine](WASM / case.module, case.export, arg, setup=case.setup,
                                   wasm3=case.wasm3)
        rows.append(Row(case.name, f"`{case.export}({arg})`", case.kind,
                        case.quick_expected if quick else case.expected, make))
    return rows


# ------------------------------------------------------------------ sections

def section_exec(engines, options, results, missing) -> list[str]:
    from . import neural_bench

    rows = wasm_rows("exec", options.quick) + neural_bench.forward_rows(options.quick, results)
    run_rows(rows, engines, options.repeat, results, missing)
    present = [e for e in engines if e not in missing]
    text = ["## Execution kernels", "",
            "Median time of one exported call (instantiation and `setup` untimed).  "
            "The ratios' geometric mean is over the rows both engines ran.", "",
            ratio_table(rows, present, results, geomean_row=True), ""]
    interp = [results.medians[r.name]["pywasm-core-interp"] / results.medians[r.name]["pywasm-core"]
              for r in rows if ran(results, r.name, "pywasm-core", "pywasm-core-interp")]
    if interp:
        text += [f"The fast tier is {geomean(interp):.1f}x faster than the interpreter tier "
                 f"(geometric mean over {len(interp)} rows).", ""]
    peer = [results.medians[r.name]["pywasm"] / results.medians[r.name]["pywasm-core-interp"]
            for r in rows if ran(results, r.name, "pywasm", "pywasm-core-interp")]
    if peer:
        text += [f"The interpreter tier alone is {geomean(peer):.1f}x faster than pywasm 2.2.3 "
                 f"(geometric mean over {len(peer)} rows).", ""]
    text += ["Workloads (sources in `wasm/src/`): " + "; ".join(
        f"{c.name}: {c.what}" for c in CASES if c.section == "exec") + "; "
        + neural_bench.FORWARD_WHAT + ".", ""]
    return text


def section_simd(engines, options, results, missing) -> list[str]:
    rows = wasm_rows("simd", options.quick)
    run_rows(rows, engines, options.repeat, results, missing)
    present = [e for e in engines if e not in missing]
    simd = rows[0].name
    text = ["## SIMD", "", ratio_table(rows, present, results), ""]
    if "pywasm" in present:
        if "pywasm" in results.medians.get(simd, {}):
            text.append("pywasm 2.2.3 runs SIMD code: it executed the v128 kernel and its "
                        "result matched wasmtime's bit for bit.")
        else:
            text.append("pywasm 2.2.3 could not run the v128 kernel ("
                        + results.errors.get(simd, {}).get("pywasm", "n/a") + ").")
    scalar = rows[1].name if len(rows) > 1 else None
    pairs = [(e, results.medians[simd][e] / results.medians[scalar][e]) for e in present
             if scalar and ran(results, simd, e) and ran(results, scalar, e)]
    if pairs:
        text.append("v128 kernel time / scalar kernel time (below 1: SIMD pays off): " + ", ".join(
            f"{engine} {ratio:.2f}" for engine, ratio in pairs) + ".")
    text += ["", "Workloads (`wasm/src/simd.wat`): " + "; ".join(
        f"{c.name}: {c.what}" for c in CASES if c.section == "simd") + ".", ""]
    return text


def section_wasm3(engines, options, results, missing) -> list[str]:
    rows = wasm_rows("wasm3", options.quick)
    run_rows(rows, engines, options.repeat, results, missing)
    present = [e for e in engines if e not in missing]
    text = ["## WebAssembly 3.0: GC and exceptions", "",
            "pywasm-core runs these with `Config(features=WASM3)`, wasmtime with GC, function "
            "references and exceptions switched on.", "",
            ratio_table(rows, present, results), ""]
    unable = [e for e in present if all(results.errors.get(r.name, {}).get(e) == "cannot run"
                                        for r in rows)]
    if unable:
        text.append("Cannot run these modules (no GC/exception support): " + ", ".join(unable)
                    + ".")
        text.append("")
    text += ["Workloads (`wasm/src/gc.wat`, `wasm/src/exceptions.wat`): " + "; ".join(
        f"{c.name}: {c.what}" for c in CASES if c.section == "wasm3") + ".", ""]
    return text


def section_neural(engines, options, results, missing) -> list[str]:
    from . import neural_bench
    return neural_bench.section(engines, options, results, missing)


def section_startup(engines, options, results, missing) -> list[str]:
    from . import startup
    return startup.section(engines, options, results, missing)


SECTION_FUNCS = {"exec": section_exec, "simd": section_simd, "wasm3": section_wasm3,
                 "neural": section_neural,
                 "startup": section_startup}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed calls per engine and case")
    parser.add_argument("--quick", action="store_true", help="tiny inputs (a smoke test)")
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help="comma-separated subset of " + ", ".join(ENGINES))
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help="comma-separated sections to run: " + ", ".join(SECTIONS))
    parser.add_argument("--write", metavar="FILE", help="also write a report (e.g. BENCHMARKS.md)")
    options = parser.parse_args(argv)
    wanted = [e.strip() for e in options.engines.split(",") if e.strip()]
    unknown = [e for e in wanted if e not in ENGINES]
    if unknown:
        parser.error(f"unknown engine(s): {', '.join(unknown)}")
    sections = [s.strip() for s in options.only.split(",") if s.strip()]
    bad = [s for s in sections if s not in SECTIONS]
    if bad:
        parser.error(f"unknown section(s): {', '.join(bad)}; choose from {', '.join(SECTIONS)}")
    load_at_start = load_average()
    started = time.perf_counter()
    results = Results()
    missing: dict[str, str] = {}
    body: list[str] = []
    for name in SECTIONS:
        if name in sections:
            body += SECTION_FUNCS[name](wanted, options, results, missing)
    notes = [f"{engine} skipped: {why}" for engine, why in missing.items()] + results.notes
    notes += [f"WRONG RESULT: {failure}" for failure in results.failures]
    report = "\n".join(body).rstrip()
    print(report)
    for note in notes:
        print(f"\nnote: {note}")
    if options.write:
        command = "python -m benchmarks " + " ".join(argv if argv is not None else sys.argv[1:])
        versions = engine_versions()
        present = [e for e in wanted if e not in missing]
        text = [
            "# Benchmarks",
            "",
            f"Generated {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC} by",
            f"`{command.strip()}` in {time.perf_counter() - started:.0f} s (median of "
            f"{options.repeat} timed calls after one warm-up call unless a cell says otherwise;",
            "every result checked against its expected value and across engines, wasmtime "
            "included).",
            "",
            f"Machine: {machine(load_at_start)}.",
            "",
            "Engines: " + ", ".join(f"{name} {versions.get(name.replace('-interp', ''), '?')}"
                                    for name in present) + ".",
            "`pywasm-core` is the default (fast) tier; `pywasm-core-interp` is `Config(tier="
            "\"interp\")`, the reference interpreter that fuel-metered runs use.",
            "",
            "Reproduce: `python -m benchmarks --write BENCHMARKS.md` runs every section and "
            "rewrites this file; `--only exec,simd,wasm3,neural,startup` picks sections, `--engines` "
            "engines, `--quick` is a seconds-long smoke test.  The ruv-swarm modules come from "
            "RUV_SWARM_DIR (default ../shared/ruv-swarm), the testsuite from WASM_TESTSUITE_DIR "
            "(default ../shared/wasm-testsuite).",
            "",
            report,
        ]
        text += [f"\nNote: {note}" for note in notes]
        Path(options.write).write_text("\n".join(text) + "\n", encoding="utf-8")
    return 1 if results.failures else 0
