"""v128 memory instructions (implemented in exec/handlers.py) and the lane-immediate ops the
interpreter forwards to numerics.simd by name."""

import pytest
from exec_util import instantiate

from pywasm_core import Trap, TrapCode

SIMD = """
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "\\01\\02\\03\\04\\05\\06\\07\\08\\f9\\fa\\fb\\fc\\fd\\fe\\ff\\80")
  (func (export "load") (param i32) (result v128) (v128.load (local.get 0)))
  (func (export "store") (param i32 v128) (v128.store (local.get 0) (local.get 1)))
  (func (export "load8x8_s") (param i32) (result v128) (v128.load8x8_s (local.get 0)))
  (func (export "load16x4_u") (param i32) (result v128) (v128.load16x4_u (local.get 0)))
  (func (export "load16_splat") (param i32) (result v128) (v128.load16_splat (local.get 0)))
  (func (export "load32_zero") (param i32) (result v128) (v128.load32_zero (local.get 0)))
  (func (export "load8_lane") (param i32 v128) (result v128)
    (v128.load8_lane 3 (local.get 0) (local.get 1)))
  (func (export "store16_lane") (param i32 v128) (v128.store16_lane 1 (local.get 0) (local.get 1)))
  (func (export "extract") (param v128) (result i32) (i8x16.extract_lane_s 15 (local.get 0)))
  (func (export "replace") (param v128 i32) (result v128)
    (i32x4.replace_lane 2 (local.get 0) (local.get 1)))
  (func (export "shuffle") (param v128 v128) (result v128)
    (i8x16.shuffle 16 0 17 1 18 2 19 3 20 4 21 5 22 6 23 7 (local.get 0) (local.get 1)))
)
"""

DATA = bytes([1, 2, 3, 4, 5, 6, 7, 8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF, 0x80])


def test_v128_load_store():
    store, ex = instantiate(SIMD)
    v = ex["load"](store, 0)
    assert v == int.from_bytes(DATA, "little")
    ex["store"](store, 100, v)
    assert ex["memory"].read(store, 100, 116) == DATA
    ex["store"](store, 65520, 2**128 - 1)
    with pytest.raises(Trap) as info:
        ex["load"](store, 65521)
    assert info.value.trap_code is TrapCode.MEMORY_OUT_OF_BOUNDS
    with pytest.raises(Trap):
        ex["store"](store, 65521, 0)
    assert ex["memory"].read(store, 65520, 65536) == b"\xff" * 16


def lanes(v, bits, count):
    return [(v >> (i * bits)) & ((1 << bits) - 1) for i in range(count)]


def test_extending_splat_and_zero_loads():
    store, ex = instantiate(SIMD)
    assert lanes(ex["load8x8_s"](store, 8), 16, 8) == [0xFFF9, 0xFFFA, 0xFFFB, 0xFFFC, 0xFFFD,
                                                        0xFFFE, 0xFFFF, 0xFF80]
    assert lanes(ex["load16x4_u"](store, 0), 32, 4) == [0x0201, 0x0403, 0x0605, 0x0807]
    assert lanes(ex["load16_splat"](store, 14), 16, 8) == [0x80FF] * 8
    assert ex["load32_zero"](store, 4) == 0x08070605
    with pytest.raises(Trap):
        ex["load32_zero"](store, 65533)


def test_lane_loads_and_stores():
    store, ex = instantiate(SIMD)
    v = ex["load8_lane"](store, 8, 0)
    assert v == 0xF9 << 24
    ex["store16_lane"](store, 200, 0xBEEF << 16)
    assert ex["memory"].read(store, 200, 202) == b"\xef\xbe"
    with pytest.raises(Trap):
        ex["load8_lane"](store, 65536, 0)


def test_lane_immediate_ops_call_numerics():
    store, ex = instantiate(SIMD)
    v = int.from_bytes(DATA, "little")
    assert ex["extract"](store, v) == -128
    assert lanes(ex["replace"](store, 0, -1), 32, 4) == [0, 0, 0xFFFFFFFF, 0]
    a = int.from_bytes(bytes(range(16)), "little")
    b = int.from_bytes(bytes(range(100, 116)), "little")
    out = ex["shuffle"](store, a, b).to_bytes(16, "little")
    assert list(out) == [100, 0, 101, 1, 102, 2, 103, 3, 104, 4, 105, 5, 106, 6, 107, 7]
