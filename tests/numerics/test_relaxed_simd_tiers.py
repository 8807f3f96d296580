"""Relaxed SIMD (WebAssembly 3.0) executed by the engine, on both tiers, against wasmtime.

simd.py's functions are checked one by one in test_simd.py / test_simd_wasmtime.py; here whole
modules run: each relaxed instruction in an exported function that loads its operands from
memory and stores the result, on `Config(tier="fast")` (which must translate every one of these
functions, not fall back to the interpreter) and `Config(tier="interp")`, with the result bytes
compared to wasmtime's bit for bit.  The official relaxed SIMD scripts must pass on both tiers, and
the runner must really check their `(either ...)` results.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pywasm_core import Config, Engine, Instance, Module, Store
from pywasm_core.exec import fast
from pywasm_core.features import WASM3
from pywasm_core.opcodes import INFO
from pywasm_core.script.adapter import PywasmCoreAdapter
from pywasm_core.script.runner import run_file

from .simd_values import edge_operands, random_v128

RELAXED = sorted(op for op, info in INFO.items() if info.feature == "relaxed_simd")
NAMES = [INFO[op].name for op in RELAXED]
TIERS = ["fast", "interp"]
RESULT_AT = 64
SUITE = Path("/work/shared/wasm-testsuite/3.0")
SPEC_FILES = ["i16x8_relaxed_q15mulr_s", "i32x4_relaxed_trunc", "i8x16_relaxed_swizzle",
              "relaxed_dot_product", "relaxed_laneselect", "relaxed_madd_nmadd", "relaxed_min_max"]


def _module_text() -> str:
    funcs = []
    for op in RELAXED:
        info = INFO[op]
        loads = " ".join(f"(v128.load (i32.const {16 * i}))" for i in range(len(info.sig[0])))
        funcs.append(f'(func (export "{info.name}") (v128.store (i32.const {RESULT_AT}) '
                     f'({info.name} {loads})))')
    return '(module (memory (export "memory") 1)\n' + "\n".join(funcs) + ")"


class Runner:
    """One instance of the module; `run(name, operands)` gives the result v128."""

    def __init__(self, tier: str | None):
        text = _module_text()
        if tier is None:                                    # wasmtime
            import wasmtime

            from .test_simd_wasmtime import relaxed_config

            self.store = wasmtime.Store(wasmtime.Engine(relaxed_config()))
            module = wasmtime.Module(self.store.engine, wasmtime.wat2wasm(text))
            self.exports = wasmtime.Instance(self.store, module, []).exports(self.store)
        else:
            engine = Engine(Config(tier=tier, features=WASM3))
            self.store = Store(engine)
            self.module = Module(engine, text)
            self.exports = Instance(self.store, self.module, []).exports(self.store)
        self.memory = self.exports["memory"]

    def run(self, name: str, operands) -> int:
        data = b"".join(v.to_bytes(16, "little") for v in operands)
        self.memory.write(self.store, data, 0)
        self.exports[name](self.store)
        return int.from_bytes(self.memory.read(self.store, RESULT_AT, RESULT_AT + 16), "little")


@pytest.fixture(scope="module")
def wasmtime_runner():
    pytest.importorskip("wasmtime")
    from .test_simd_wasmtime import HOST_MISMATCH

    if HOST_MISMATCH:
        pytest.skip(f"wasmtime picks other relaxed SIMD results here: {HOST_MISMATCH}")
    return Runner(None)


@pytest.fixture(scope="module", params=TIERS)
def ours(request):
    return Runner(request.param)


def test_fast_tier_translates_every_relaxed_instruction():
    runner = Runner("fast")
    for index in range(len(RELAXED)):
        assert fast._compiled(runner.module, index) is not None, NAMES[index]


@pytest.mark.parametrize("op", RELAXED, ids=NAMES)
def test_matches_wasmtime_on_both_tiers(ours, wasmtime_runner, op):
    name = INFO[op].name
    arity = len(INFO[op].sig[0])
    rng = random.Random(name)
    width = 64 if "f64" in name else 32
    cases = list(edge_operands(op))[::3] + \
        [tuple(random_v128(rng, width) for _ in range(arity)) for _ in range(150)]
    for operands in cases:
        want = wasmtime_runner.run(name, operands)
        got = ours.run(name, operands)
        assert got == want, f"{name}{tuple(hex(v) for v in operands)}: {got:#x} != {want:#x}"


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("stem", SPEC_FILES)
def test_official_relaxed_scripts_pass(tier, stem):
    path = SUITE / f"{stem}.wast"
    if not path.exists():
        pytest.skip(f"{path} is not in this checkout of the testsuite")
    result = run_file(path, PywasmCoreAdapter(Config(tier=tier)))
    asserts = path.read_text().count("(assert_return")
    assert result.failed == 0 and result.skipped == 0, result.report()
    assert result.passed > asserts, result.report()       # every assertion ran, plus modules


EITHER_SCRIPT = """
(module
  (func (export "min") (param v128 v128) (result v128)
    (f32x4.relaxed_min (local.get 0) (local.get 1))))
(assert_return (invoke "min" (v128.const f32x4 nan 1 0 -0) (v128.const f32x4 1 nan -0 0))
  (either (v128.const f32x4 nan:canonical nan:canonical -0 -0)
          (v128.const f32x4 {lane0} 1 0 -0)))
"""


@pytest.mark.parametrize("tier", TIERS)
def test_runner_checks_either_results(tmp_path, tier):
    """The runner passes an `either` when one alternative matches and fails it when none does
    (relaxed_min keeps the first operand: NaN, 1, 0, -0)."""
    folder = tmp_path / "3.0"                 # a 3.0 path: the runner selects the 3.0 features
    folder.mkdir()
    good, bad = folder / "good.wast", folder / "bad.wast"
    good.write_text(EITHER_SCRIPT.format(lane0="nan:canonical"))
    bad.write_text(EITHER_SCRIPT.format(lane0="2"))
    passed = run_file(good, PywasmCoreAdapter(Config(tier=tier)))
    assert (passed.passed, passed.failed) == (2, 0), passed.report()
    failed = run_file(bad, PywasmCoreAdapter(Config(tier=tier)))
    assert (failed.passed, failed.failed) == (1, 1), failed.report()
