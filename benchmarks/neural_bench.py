"""The ruv-swarm neural API timed on pywasm-core and wasmtime (and the ruv-fann forward pass on
every engine, pywasm 2.2.3 included through benchmarks.pywasm_bindgen).

Every engine gets the same sequence of calls (seeded Math.random, deterministic weights), so the
forward-pass outputs must be identical bit for bit; they are compared across engines.
"""

from __future__ import annotations

import numpy as np

from .harness import Call, EngineMissing, Results, Row, cell, fmt_seconds, run_rows

# The seed report's V8 (Node.js) figures for the same modules; it does not state layer sizes.
V8 = {"creation": 5.32e-3, "forward": 2.12e-3, "training": 10.37e-3}
FULL_LAYERS = ([784, 128, 10], [2, 4, 1])
QUICK_LAYERS = ([16, 8, 4], [2, 4, 1])
FORWARD_WHAT = ("ruv-fann run: `WasmNeuralNetwork.run` on ruv-fann.wasm through the wasm-bindgen "
                "glue in bindgen/ (the `wbg` imports served from Python), sigmoid, fixed weights, "
                "outputs compared across engines; pywasm 2.2.3 runs the bindgen module through "
                "benchmarks/pywasm_bindgen.py, an adapter from bindgen's engine protocol to "
                "pywasm's Runtime API, and is timed once on the big network)")


def adapter_for(engine: str):
    """What `RuvSwarm(engine=...)` takes for a harness engine name."""
    if engine == "pywasm-core":
        return "pywasm_core"
    if engine == "pywasm-core-interp":
        import pywasm_core
        from bindgen.engines import PywasmCoreAdapter

        adapter = PywasmCoreAdapter()
        adapter._engine = pywasm_core.Engine(pywasm_core.Config(tier="interp"))
        adapter.name = "pywasm_core_interp"
        return adapter
    if engine == "pywasm":
        try:
            from .pywasm_bindgen import PywasmAdapter
            return PywasmAdapter()
        except ImportError as error:
            raise EngineMissing("pywasm is not installed (pip install pywasm==2.2.3)") from error
    if engine == "wasmtime":
        try:
            import wasmtime  # noqa: F401
        except ImportError as error:
            raise EngineMissing("wasmtime is not installed (pip install wasmtime)") from error
        return "wasmtime"
    raise ValueError(f"unknown engine {engine!r}")


def module_bytes(name: str) -> bytes | None:
    from neural.modules import ModuleNotFound, load_module_bytes
    try:
        return load_module_bytes(name)
    except ModuleNotFound:
        return None


def fixed_weights(count: int) -> np.ndarray:
    return (np.arange(count) % 13 - 6) / 13.0


def inputs(size: int) -> np.ndarray:
    return np.linspace(0.0, 1.0, size)


def forward_rows(quick: bool, results: Results | None = None) -> list[Row]:
    """ruv-fann forward passes for the execution table (every engine that can run bindgen)."""
    data = module_bytes("fann")
    if data is None:
        if results is not None:
            results.notes.append("ruv-fann forward pass skipped: ruv-fann.wasm not found "
                                 "(set RUV_SWARM_DIR)")
        return []
    from neural.api import RuvSwarm, WasmNeuralNetwork

    rows = []
    for layers in (QUICK_LAYERS if quick else FULL_LAYERS):
        def make(engine: str, layers=layers) -> Call:
            module = RuvSwarm("fann", adapter_for(engine), wasm=data)
            net = WasmNeuralNetwork(layers, "sigmoid", module=module)
            net.set_weights(fixed_weights(net.weight_count))
            x = inputs(layers[0])
            return lambda: net.run(x)
        big = layers[0] * layers[1] > 10_000
        rows.append(Row(f"ruv-fann run {layers}", "`net.run(x)`", "array", None, make,
                        slow_engines=("pywasm",) if big else ()))
    return rows


def neural_rows(quick: bool, data: dict[str, bytes]) -> list[tuple[Row, float | None]]:
    """(row, V8 figure) pairs: module load+instantiate, then per layer set creation, forward
    pass and randomize_weights on ruv_swarm_wasm_bg.wasm."""
    from neural.api import RuvSwarm, WasmNeuralNetwork

    rows: list[tuple[Row, float | None]] = []
    for name, wasm in data.items():
        def load(engine: str, name=name, wasm=wasm) -> Call:
            target = adapter_for(engine)
            return lambda: RuvSwarm(name, target, wasm=wasm).memory_bytes()
        rows.append((Row(f"load+instantiate `{name}`", f"`RuvSwarm({name!r})`", "i64", None,
                         load), None))
    bg = data.get("bg")
    if bg is None:
        return rows
    for layers in (QUICK_LAYERS if quick else FULL_LAYERS):
        def create(engine: str, layers=layers) -> Call:
            module = RuvSwarm("bg", adapter_for(engine), wasm=bg)
            made = []

            def call():
                made.append(WasmNeuralNetwork(layers, "sigmoid", module=module))
                return None
            return call

        def forward(engine: str, layers=layers) -> Call:
            module = RuvSwarm("bg", adapter_for(engine), wasm=bg)
            net = WasmNeuralNetwork(layers, "sigmoid", module=module)
            net.randomize_weights(-1.0, 1.0)     # seeded Math.random: same weights everywhere
            x = inputs(layers[0])
            return lambda: net.run(x)

        def randomize(engine: str, layers=layers) -> Call:
            module = RuvSwarm("bg", adapter_for(engine), wasm=bg)
            net = WasmNeuralNetwork(layers, "sigmoid", module=module)
            return lambda: net.randomize_weights(-1.0, 1.0)

        rows.append((Row(f"network creation {layers}", "`WasmNeuralNetwork(layers, 'sigmoid')`",
                         "none", None, create), V8["creation"]))
        rows.append((Row(f"forward pass {layers}", "`net.run(x)`", "array", None, forward),
                     V8["forward"]))
        rows.append((Row(f"randomize_weights {layers}", "`net.randomize_weights(-1, 1)`", "none",
                         None, randomize), None))
    return rows


def section(engines, options, results: Results, missing) -> list[str]:
    chosen = [e for e in engines if e in ("pywasm-core", "wasmtime")]
    data = {name: module_bytes(name) for name in ("bg", "simd", "fann")}
    absent = [name for name, wasm in data.items() if wasm is None]
    text = ["## Neural (ruv-swarm modules)", ""]
    if absent:
        text += [f"Modules not found: {', '.join(absent)} (set RUV_SWARM_DIR); their rows are "
                 "left out.", ""]
    data = {name: wasm for name, wasm in data.items() if wasm is not None}
    pairs = neural_rows(options.quick, data)
    run_rows([row for row, _ in pairs], chosen, options.repeat, results, missing)
    present = [e for e in chosen if e not in missing]
    head = ["operation", "call"] + present
    if {"pywasm-core", "wasmtime"} <= set(present):
        head.append("pywasm-core / wasmtime")
    head.append("V8 (seed report)")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row, v8 in pairs:
        got = results.medians.get(row.name, {})
        cells = [row.name, row.call_text]
        cells += [cell(results, row.name, e) for e in present]
        if "pywasm-core / wasmtime" in head:
            both = "pywasm-core" in got and "wasmtime" in got
            cells.append(f"{got['pywasm-core'] / got['wasmtime']:.1f}x" if both else "n/a")
        cells.append(fmt_seconds(v8) if v8 else "")
        lines.append("| " + " | ".join(cells) + " |")
    training = ["training epoch", "(none)"] + ["no export" for _ in present]
    if "pywasm-core / wasmtime" in head:
        training.append("n/a")
    training.append(fmt_seconds(V8["training"]))
    lines.append("| " + " | ".join(training) + " |")
    text += ["Median per operation on one instance per engine; module loading is "
             "`RuvSwarm(name, engine, wasm=bytes)` (decode, validate, instantiate, wbg glue; the "
             "file read and SHA-256 check untimed).  Network operations use "
             "ruv_swarm_wasm_bg.wasm with sigmoid activation; the forward-pass outputs are "
             "compared across engines (same seeded Math.random, so same weights).", "",
             "\n".join(lines), "",
             "The V8 figures are the seed report's (`wasm-performance-report.md`, Node.js, layer "
             "sizes not stated), shown beside both layer sets for scale.  Training epoch: the "
             "modules export no training function (`ruv_swarm_wasm.d.ts` declares none), so "
             "there is nothing to time on either engine.", ""]
    return text
