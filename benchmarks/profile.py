"""Where the fast tier spends its time: cProfile of one call of several benchmark kernels, and of
a loop of ruv-fann forward passes through the bindgen glue (per-call overhead: marshalling, the
embedding API's call path, fast-tier entry, the numpy loop plans' attempts).

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


def profile_fann(layers=(2, 4, 1), calls: int = 2000, top: int = 15) -> str:
    """`calls` forward passes of a ruv-fann network through bindgen (after 50 untimed ones), or
    a note when ruv-fann.wasm is not available."""
    from .neural_bench import adapter_for, fixed_weights, inputs, module_bytes
    data = module_bytes("fann")
    if data is None:
        return "ruv-fann.wasm not found (set RUV_SWARM_DIR)\n"
    from neural.api import RuvSwarm, WasmNeuralNetwork
    net = WasmNeuralNetwork(list(layers), "sigmoid",
                            module=RuvSwarm("fann", adapter_for("pywasm-core"), wasm=data))
    net.set_weights(fixed_weights(net.weight_count))
    x = inputs(layers[0])
    for _ in range(50):
        net.run(x)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        net.run(x)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main() -> None:
    for file, name, arg in KERNELS:
        print(f"== {file} {name}({arg})")
        print(profile(file, name, arg))
    print("== ruv-fann [2, 4, 1] net.run(x), 2000 calls")
    print(profile_fann())


if __name__ == "__main__":
    main()
