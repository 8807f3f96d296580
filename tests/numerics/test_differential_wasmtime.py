"""Every scalar numeric instruction against wasmtime, bit for bit, traps included.

One module exports a function per instruction that takes and returns raw bit patterns (floats
pass through `reinterpret`), so Python floats never touch the values on the wasmtime side and
NaN payloads, signalling ones included, arrive intact.
"""

from __future__ import annotations

import itertools
import random

import pytest

wasmtime = pytest.importorskip("wasmtime")

from pywasm_core.errors import Trap  # noqa: E402
from pywasm_core.numerics import NUMERIC, SCALAR_OPS  # noqa: E402
from pywasm_core.numerics.floats import (f32_from_bits, f32_to_bits,  # noqa: E402
                                         f64_from_bits, f64_to_bits)
from pywasm_core.opcodes import INFO  # noqa: E402

from .values import EDGES, random_bits  # noqa: E402

CARRIER = {"i32": "i32", "i64": "i64", "f32": "i32", "f64": "i64"}
WIDTH = {"i32": 32, "i64": 64, "f32": 32, "f64": 64}
FROM_BITS = {"i32": int, "i64": int, "f32": f32_from_bits, "f64": f64_from_bits}
TO_BITS = {"i32": int, "i64": int, "f32": f32_to_bits, "f64": f64_to_bits}
OPS = sorted(SCALAR_OPS)
RANDOM_CASES = 300


def _export(info) -> str:
    params, results = info.sig
    body = []
    for index, t in enumerate(params):
        body.append(f"local.get {index}")
        if t in ("f32", "f64"):
            body.append(f"{t}.reinterpret_{CARRIER[t]}")
    body.append(info.name)
    result = results[0]
    if result in ("f32", "f64"):
        body.append(f"{CARRIER[result]}.reinterpret_{result}")
    param_text = " ".join(f"(param {CARRIER[t]})" for t in params)
    return (f'(func (export "{info.name}") {param_text} (result {CARRIER[result]}) '
            f'{" ".join(body)})')


@pytest.fixture(scope="module")
def reference():
    store = wasmtime.Store()
    wat = "(module\n" + "\n".join(_export(INFO[op]) for op in OPS) + ")"
    module = wasmtime.Module(store.engine, wasmtime.wat2wasm(wat))
    exports = wasmtime.Instance(store, module, []).exports(store)
    return store, exports


def _signed(bits: int, width: int) -> int:
    return bits - (1 << width) if bits >> (width - 1) else bits


def _theirs(store, func, info, operands):
    """wasmtime's result bits, or the name of its trap code."""
    args = [_signed(bits, WIDTH[t]) for t, bits in zip(info.sig[0], operands)]
    try:
        result = func(store, *args)
    except wasmtime.Trap as trap:
        return trap.trap_code.name
    return result & ((1 << WIDTH[info.sig[1][0]]) - 1)


def _ours(op, info, operands):
    args = [FROM_BITS[t](bits) for t, bits in zip(info.sig[0], operands)]
    try:
        result = NUMERIC[op](*args)
    except Trap as trap:
        return trap.trap_code.name
    return TO_BITS[info.sig[1][0]](result)


def _cases(info, rng):
    params = info.sig[0]
    # every combination of edge cases (capped for the binary ops), then random operands
    edges = [EDGES[t] for t in params]
    combos = list(itertools.product(*edges))
    if len(combos) > 1500:
        combos = rng.sample(combos, 1500)
    yield from combos
    for _ in range(RANDOM_CASES):
        yield tuple(random_bits(rng, t) for t in params)


@pytest.mark.parametrize("op", OPS, ids=lambda op: INFO[op].name)
def test_matches_wasmtime(reference, op):
    store, exports = reference
    info = INFO[op]
    func = exports[info.name]
    rng = random.Random(f"differential {info.name}")
    mismatches = []
    for operands in _cases(info, rng):
        theirs = _theirs(store, func, info, operands)
        ours = _ours(op, info, operands)
        if ours != theirs:
            mismatches.append((tuple(hex(v) for v in operands),
                               hex(ours) if isinstance(ours, int) else ours,
                               hex(theirs) if isinstance(theirs, int) else theirs))
    assert not mismatches, f"{len(mismatches)} mismatches, first: {mismatches[:5]}"
