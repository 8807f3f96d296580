"""The ruv-swarm binaries (real compiler output, SIMD included) validate, and fast."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from pywasm_core.binary import decode_module
from pywasm_core.errors import ValidationError
from pywasm_core.valid import validate_module

RUV_SWARM = Path("/work/shared/ruv-swarm")
BINARIES = sorted(RUV_SWARM.glob("*.wasm"))


@pytest.mark.parametrize("path", BINARIES, ids=[p.name for p in BINARIES])
def test_real_module_validates(path):
    validate_module(decode_module(path.read_bytes()))


def test_validation_speed():
    """About 63k instructions in 839 functions: the budget is 0.2 s (best of three runs, so a busy
    shared machine does not make the test flaky); it takes about 0.02 s here."""
    module = decode_module((RUV_SWARM / "ruv_swarm_wasm_bg.wasm").read_bytes())
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        validate_module(module)
        best = min(best, time.perf_counter() - start)
    assert best < 0.2, f"validation took {best:.3f} s"


def test_error_offset_points_at_the_failing_opcode(tmp_path):
    """On a decoded binary the reported offset is the byte of the failing instruction's opcode."""
    wat = tmp_path / "bad.wat"
    wat.write_text("(module (func) (func (result i32) i32.const 1 i64.const 2 i32.add))")
    wasm = tmp_path / "bad.wasm"
    subprocess.run(["wasm-tools", "parse", str(wat), "-o", str(wasm)], check=True)
    data = wasm.read_bytes()
    with pytest.raises(ValidationError) as info:
        validate_module(decode_module(data))
    assert info.value.func_index == 1
    assert data[info.value.offset] == 0x6A            # i32.add
    assert str(info.value).startswith("type mismatch")
