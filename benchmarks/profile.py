"""Where the fast tier spends its time: cProfile of one call of several benchmark kernels.

Run from the repository root: `python -m benchmarks.profile`.  Prints the top entries by own
time for each kernel (after a warm-up call, so translation is not counted).
"""

from __future__ import annotations

import cProfile
import io
import pstats
from pathlib import Path

from pywasm_core import Engine, Instance, Module, Store

WASM = Path(__file__).resolve().parents[1] / "wasm"
KERNELS = [("fib.wasm", "fib", 22), ("loop.wasm", "checksum", 50_000),
           ("float.wasm", "mandelbrot_f32", 48), ("matmul.wasm", "matmul_f32", 28),
           ("blake2b.wasm", "blake2b", 8192), ("simd.wasm", "dot_f32x4", 65536)]


def profile(file: str, name: str, arg: int, top: int = 5) -> str:
    engine = Engine()
    store = Store(engine)
    exports = Instance(store, Module.from_file(engine, WASM / file), []).exports(store)
    if "fill" in exports:
        exports["fill"](store, arg)
    exports[name](store, arg)
    profiler = cProfile.Profile()
    profiler.enable()
    exports[name](store, arg)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main() -> None:
    for file, name, arg in KERNELS:
        print(f"== {file} {name}({arg})")
        print(profile(file, name, arg))


if __name__ == "__main__":
    main()
