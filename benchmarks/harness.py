"""Time the same exported calls on pywasm-core, pywasm 2.2.3 and wasmtime, in one run.

Each engine instantiates the module once, makes one untimed warm-up call (pywasm-core lowers a
function on its first call), then `--repeat` timed calls; the table shows the median of those and
each call's result is checked against the expected value, so a wrong answer can never look fast.
Peers that are not installed are skipped with a note.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
WASM = REPO / "wasm"


@dataclass(frozen=True)
class Case:
    name: str
    module: str         # file in wasm/
    export: str
    arg: int
    quick_arg: int
    expected: int
    quick_expected: int
    what: str


CASES = [
    Case("fib", "fib.wasm", "fib", 22, 15, 17711, 610, "recursive calls"),
    Case("loop", "loop.wasm", "checksum", 50_000, 2_000, 71635339, -327466583,
         "i64/i32 arithmetic loop (xorshift checksum)"),
    Case("mandelbrot f64", "float.wasm", "mandelbrot", 48, 8, 38992, 1025, "f64 kernel"),
    Case("mandelbrot f32", "float.wasm", "mandelbrot_f32", 48, 8, 38992, 1025, "f32 kernel"),
]

Call = Callable[[], object]


class EngineMissing(Exception):
    pass


def load_pywasm_core(path: Path, export: str, arg: int, tier: str | None = None) -> Call:
    import pywasm_core

    engine = pywasm_core.Engine(pywasm_core.Config(tier=tier))
    store = pywasm_core.Store(engine)
    module = pywasm_core.Module.from_file(engine, path)
    func = pywasm_core.Instance(store, module, []).exports(store)[export]
    return lambda: func(store, arg)


def load_pywasm_core_interp(path: Path, export: str, arg: int) -> Call:
    """pywasm-core's reference interpreter tier (the one metered runs use)."""
    return load_pywasm_core(path, export, arg, tier="interp")


def load_pywasm(path: Path, export: str, arg: int) -> Call:
    try:
        import pywasm
    except ImportError as error:
        raise EngineMissing("pywasm is not installed (pip install pywasm==2.2.3)") from error
    runtime = pywasm.core.Runtime()
    instance = runtime.instance_from_file(str(path))

    def call() -> object:
        results = runtime.invocate(instance, export, [arg])
        return results[0] if len(results) == 1 else results
    return call


def load_wasmtime(path: Path, export: str, arg: int) -> Call:
    try:
        import wasmtime
    except ImportError as error:
        raise EngineMissing("wasmtime is not installed (pip install wasmtime)") from error
    store = wasmtime.Store()
    module = wasmtime.Module.from_file(store.engine, str(path))
    func = wasmtime.Instance(store, module, []).exports(store)[export]
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


ENGINES: dict[str, Callable[[Path, str, int], Call]] = {
    "pywasm-core": load_pywasm_core,
    "pywasm-core-interp": load_pywasm_core_interp,
    "pywasm": load_pywasm,
    "wasmtime": load_wasmtime,
}


def as_signed32(value: object) -> object:
    if isinstance(value, int) and value >= 2**31:
        return value - 2**32
    return value


def time_case(loader: Callable[[Path, str, int], Call], case: Case, quick: bool,
              repeat: int) -> list[float]:
    arg = case.quick_arg if quick else case.arg
    expected = case.quick_expected if quick else case.expected
    call = loader(WASM / case.module, case.export, arg)
    times = []
    for attempt in range(repeat + 1):
        started = time.perf_counter()
        result = call()
        elapsed = time.perf_counter() - started
        if as_signed32(result) != expected:
            raise AssertionError(f"{case.name}: got {result!r}, expected {expected}")
        if attempt:               # the first call is the warm-up
            times.append(elapsed)
    return times


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
    text = (f"{cpu}, {os.cpu_count()} logical CPUs; {platform.system()} {platform.release()}; "
            f"{platform.python_implementation()} {platform.python_version()}")
    load_at_end = load_average()
    if load_at_start is not None and load_at_end is not None:
        text += (f"; 1-minute load average {load_at_start:.1f} at the start and "
                 f"{load_at_end:.1f} at the end (above the CPU count, timings are noisy)")
    return text


def fmt_seconds(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def table(medians: dict[str, dict[str, float]], engines: list[str], quick: bool) -> str:
    head = ["benchmark", "call"] + engines
    if "pywasm" in engines:
        head.append("pywasm / pywasm-core")
    if "wasmtime" in engines:
        head.append("pywasm-core / wasmtime")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for case in CASES:
        row = medians.get(case.name, {})
        arg = case.quick_arg if quick else case.arg
        cells = [case.name, f"`{case.export}({arg})`"]
        cells += [fmt_seconds(row[e]) if e in row else "n/a" for e in engines]
        core = row.get("pywasm-core")
        if "pywasm" in engines:
            cells.append(f"{row['pywasm'] / core:.1f}x faster" if core and "pywasm" in row else "n/a")
        if "wasmtime" in engines:
            cells.append(f"{core / row['wasmtime']:.0f}x slower" if core and "wasmtime" in row else "n/a")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed calls per engine and case")
    parser.add_argument("--quick", action="store_true", help="tiny inputs (a smoke test)")
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help="comma-separated subset of " + ", ".join(ENGINES))
    parser.add_argument("--write", metavar="FILE", help="also write a report (e.g. BENCHMARKS.md)")
    options = parser.parse_args(argv)
    wanted = [e.strip() for e in options.engines.split(",") if e.strip()]
    unknown = [e for e in wanted if e not in ENGINES]
    if unknown:
        parser.error(f"unknown engine(s): {', '.join(unknown)}")
    load_at_start = load_average()
    medians: dict[str, dict[str, float]] = {}
    notes: list[str] = []
    present: list[str] = []
    for engine in wanted:
        try:
            for case in CASES:
                times = time_case(ENGINES[engine], case, options.quick, options.repeat)
                medians.setdefault(case.name, {})[engine] = statistics.median(times)
                print(f"{engine:>12} {case.name:<16} median {fmt_seconds(medians[case.name][engine])}"
                      f" of {len(times)}", file=sys.stderr)
            present.append(engine)
        except EngineMissing as missing:
            notes.append(f"{engine} skipped: {missing}")
    report = table(medians, present, options.quick)
    print(report)
    for note in notes:
        print(f"\nnote: {note}")
    if options.write:
        command = "python -m benchmarks " + " ".join(argv if argv is not None else sys.argv[1:])
        versions = engine_versions()
        text = [
            "# Benchmarks",
            "",
            f"Generated {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC} by",
            f"`{command.strip()}` (median of {options.repeat} timed calls after one warm-up call;",
            "instantiation not timed; every result checked).",
            "",
            f"Machine: {machine(load_at_start)}.",
            "",
            "Engines: " + ", ".join(f"{name} {versions.get(name.replace('-interp', ''), '?')}"
                                    for name in present) + ".",
            "`pywasm-core` is the default (fast) tier; `pywasm-core-interp` is `Config(tier="
            "\"interp\")`, the reference interpreter that fuel-metered runs use.",
            "",
            report,
            "",
            "Workloads (sources in `wasm/src/`): " + "; ".join(
                f"{c.name}: {c.what}" for c in CASES) + ".",
        ]
        text += [f"\nNote: {note}" for note in notes]
        Path(options.write).write_text("\n".join(text) + "\n", encoding="utf-8")
    return 0
