"""Trap and friends as an embedder sees them: codes, messages, frames, str() backtrace."""

import pytest
from api_util import instantiate

from pywasm_core import Exhausted, Frame, Trap, TrapCode, WasmError

TEXT = """
(module $m
  (func $bad (export "bad") (param i32) (result i32)
    (drop (i32.trunc_f32_s (f32.convert_i32_s (local.get 0))))
    (i32.div_s (i32.const 1) (i32.const 0))))
"""


def test_trap_shape():
    store, ex = instantiate(TEXT)
    with pytest.raises(Trap) as info:
        ex["bad"](store, 1)
    trap = info.value
    assert isinstance(trap, WasmError)
    assert not isinstance(trap, Exhausted)
    assert trap.trap_code is TrapCode.INTEGER_DIVISION_BY_ZERO
    assert trap.message == "integer divide by zero"
    assert len(trap.frames) == 1
    frame = trap.frames[0]
    assert isinstance(frame, Frame)
    assert frame.func_name == "bad" and frame.module_name == "m" and frame.func_index == 0
    text = str(trap)
    assert text.startswith("integer divide by zero")
    assert "wasm backtrace" in text and "m!bad" in text
