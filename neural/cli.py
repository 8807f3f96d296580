"""`neural` command group: run the ruv-swarm network from the command line.

  neural demo [--module bg] [--engine pywasm_core]      a small network end to end, with timings
  neural run --module bg --layers 4,8,2 --activation sigmoid --weights FILE --inputs 0.1,0.2,...

Exit status as the main CLI: 0 success, 1 the module trapped or threw, 2 bad input.
The lead wires the group in as `pywasm-core neural ...`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import click
import numpy as np

from bindgen import JsException, MissingExportError, WasmBindgenError, WasmTrap

EXIT_TRAP = 1
EXIT_BAD_INPUT = 2

MODULE_CHOICE = click.Choice(["bg", "simd", "fann"])
ENGINE_CHOICE = click.Choice(["pywasm_core", "wasmtime"])


def _numbers(text: str, what: str) -> list[float]:
    try:
        return [float(x) for x in text.replace(",", " ").split()]
    except ValueError:
        raise click.BadParameter(f"{what} must be numbers separated by commas") from None


def _layers(text: str) -> list[int]:
    try:
        sizes = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise click.BadParameter("layers must be integers separated by commas") from None
    if len(sizes) < 2 or any(n <= 0 for n in sizes):
        raise click.BadParameter("layers needs at least two positive sizes, e.g. 4,8,2")
    return sizes


def _read_weights(path: str) -> np.ndarray:
    """A JSON list of numbers, a .npy array, or numbers separated by commas/whitespace."""
    file = Path(path)
    try:
        if file.suffix == ".npy":
            return np.load(file, allow_pickle=False).astype(np.float64).ravel()
        text = file.read_text()
    except (OSError, ValueError) as exc:
        raise click.BadParameter(f"cannot read weights from {path}: {exc}") from None
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            data = json.loads(stripped)
            return np.asarray(data, dtype=np.float64).ravel()
        except (ValueError, TypeError) as exc:
            raise click.BadParameter(f"{path}: not a JSON list of numbers ({exc})") from None
    return np.asarray(_numbers(stripped, "weights"), dtype=np.float64)


def _load(module: str, engine: str, seed: int):
    from .api import RuvSwarm
    try:
        return RuvSwarm(module, engine, seed=seed)
    except (FileNotFoundError, ValueError) as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_BAD_INPUT) from None


def _fmt(values) -> str:
    return json.dumps([float(v) for v in values])


@click.group("neural")
def neural() -> None:
    """Run the ruv-swarm neural WASM modules (wasm-bindgen output) deterministically."""


@neural.command()
@click.option("--module", "module", type=MODULE_CHOICE, default="bg", show_default=True)
@click.option("--engine", type=ENGINE_CHOICE, default="pywasm_core", show_default=True)
@click.option("--seed", type=int, default=0, show_default=True, help="Math.random seed")
def demo(module: str, engine: str, seed: int) -> None:
    """Create a 4-8-2 sigmoid network, randomize it, run it; print outputs, timings, memory."""
    t0 = time.perf_counter()
    rs = _load(module, engine, seed)
    t1 = time.perf_counter()
    click.echo(f"module {module} on {engine}: version {rs.get_version()}")
    net = rs.WasmNeuralNetwork([4, 8, 2], "sigmoid")
    net.randomize_weights(-1.0, 1.0)
    t2 = time.perf_counter()
    outputs = net.run([0.1, 0.2, 0.3, 0.4])
    t3 = time.perf_counter()
    click.echo(f"weights: {net.weight_count}")
    click.echo(f"outputs: {_fmt(outputs)}")
    net.free()
    snapshot = rs.heap_snapshot()
    click.echo(f"timings: load {1000 * (t1 - t0):.1f} ms, create {1000 * (t2 - t1):.1f} ms, "
               f"run {1000 * (t3 - t2):.1f} ms")
    click.echo(f"heap: {len(snapshot.live())} live objects, heap_next {snapshot.heap_next}, "
               f"{len(snapshot.slots)} slots")
    click.echo(f"memory: {rs.memory_bytes()} bytes, sha256 {rs.memory_hash()[:16]}")


@neural.command()
@click.option("--module", "module", type=MODULE_CHOICE, default="bg", show_default=True)
@click.option("--engine", type=ENGINE_CHOICE, default="pywasm_core", show_default=True)
@click.option("--layers", required=True, help="layer sizes, input first: 4,8,2")
@click.option("--activation", default="sigmoid", show_default=True,
              help="ActivationFunction name (sigmoid, relu, tanh, ...) or number")
@click.option("--weights", "weights_file", type=click.Path(dir_okay=False),
              help="weights file (JSON list, .npy, or comma/space separated); "
                   "default: randomize_weights(-1, 1) with --seed")
@click.option("--inputs", required=True, help="input values: 0.1,0.2,...")
@click.option("--seed", type=int, default=0, show_default=True, help="Math.random seed")
def run(module: str, engine: str, layers: str, activation: str, weights_file: str | None,
        inputs: str, seed: int) -> None:
    """Run one forward pass and print the outputs as a JSON list."""
    from .api import ActivationFunction
    sizes = _layers(layers)
    values = _numbers(inputs, "inputs")
    try:
        act = ActivationFunction.parse(int(activation) if activation.isdigit() else activation)
    except WasmBindgenError as exc:
        raise click.BadParameter(str(exc), param_hint="--activation") from None
    weights = _read_weights(weights_file) if weights_file else None
    rs = _load(module, engine, seed)
    try:
        net = rs.WasmNeuralNetwork(sizes, act)
        if weights is None:
            net.randomize_weights(-1.0, 1.0)
        else:
            net.set_weights(weights)
        outputs = net.run(values)
    except (WasmBindgenError, MissingExportError) as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_BAD_INPUT) from None
    except (JsException, WasmTrap) as exc:
        click.echo(f"error: the module failed: {exc}", err=True)
        raise SystemExit(EXIT_TRAP) from None
    click.echo(_fmt(outputs))


main = neural

if __name__ == "__main__":  # pragma: no cover
    neural()
