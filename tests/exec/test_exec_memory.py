"""Memory: loads/stores with unbounded effective addresses, exact NaN bits, bulk memory bounds
rules, memory.grow bounded by max / 65536 pages / store limit."""

import struct

import pytest
from exec_util import instantiate

from pywasm_core import Store, Engine, Trap, TrapCode
from pywasm_core.numerics.floats import f32_to_bits

MEMORY = """
(module
  (memory (export "memory") 1 3)
  (data $d "hello")
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "load_off") (param i32) (result i32) (i32.load offset=0xFFFFFFFF (local.get 0)))
  (func (export "load8_s") (param i32) (result i32) (i32.load8_s (local.get 0)))
  (func (export "load16_u") (param i32) (result i32) (i32.load16_u offset=2 (local.get 0)))
  (func (export "i64_load32_s") (param i32) (result i64) (i64.load32_s (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "store8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "i64_store") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "f32_copy") (param i32 i32) (f32.store (local.get 1) (f32.load (local.get 0))))
  (func (export "f32_load") (param i32) (result f32) (f32.load (local.get 0)))
  (func (export "f64_copy") (param i32 i32) (f64.store (local.get 1) (f64.load (local.get 0))))
  (func (export "f32_bits") (param i32) (result i32) (i32.reinterpret_f32 (f32.load (local.get 0))))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i32 i32 i32) (memory.init $d (local.get 0) (local.get 1) (local.get 2)))
  (func (export "drop") (data.drop $d))
)
"""


def setup():
    return instantiate(MEMORY)


def expect_oob(fn, *args):
    with pytest.raises(Trap) as info:
        fn(*args)
    assert info.value.trap_code is TrapCode.MEMORY_OUT_OF_BOUNDS
    assert str(info.value).startswith("out of bounds memory access")


def test_load_store_round_trip_and_widths():
    store, ex = setup()
    ex["store"](store, 8, -2)
    assert ex["load"](store, 8) == -2
    assert ex["load8_s"](store, 8) == -2
    assert ex["i64_load32_s"](store, 8) == -2
    ex["store8"](store, 100, 0x1FF)                 # wraps to one byte
    assert ex["load"](store, 100) == 0xFF
    ex["i64_store"](store, 16, -1)
    assert ex["memory"].read(store, 16, 24) == b"\xff" * 8
    ex["store"](store, 0, 0x12345678)
    assert ex["load16_u"](store, 0) == 0x1234


def test_bounds_at_the_edge_and_near_2_32():
    store, ex = setup()
    ex["store"](store, 65532, 7)                     # last full word
    assert ex["load"](store, 65532) == 7
    expect_oob(ex["load"], store, 65533)
    expect_oob(ex["store"], store, 65533, 1)
    expect_oob(ex["load"], store, -1)                # 0xFFFFFFFF
    expect_oob(ex["load_off"], store, 0)             # offset 2**32 - 1 is not wrapped
    expect_oob(ex["load_off"], store, 1)
    expect_oob(ex["load_off"], store, -1)
    expect_oob(ex["load16_u"], store, 65534)         # 65534 + 2 + 2 > 65536


def test_failed_store_writes_nothing():
    store, ex = setup()
    expect_oob(ex["i64_store"], store, 65530, -1)
    assert ex["memory"].read(store, 65528, 65536) == bytes(8)


def test_f32_and_f64_nan_bits_survive_memory():
    store, ex = setup()
    memory = ex["memory"]
    for bits in (0x7FA00001, 0xFF800001, 0x7FC00000, 0x7F800001):
        memory.write(store, struct.pack("<I", bits), 0)
        ex["f32_copy"](store, 0, 4)
        assert memory.read(store, 4, 8) == struct.pack("<I", bits)
        assert ex["f32_bits"](store, 0) & 0xFFFFFFFF == bits
        assert f32_to_bits(ex["f32_load"](store, 0)) == bits
    for bits in (0x7FF4000000000001, 0xFFF0000000000001):
        memory.write(store, struct.pack("<Q", bits), 0)
        ex["f64_copy"](store, 0, 8)
        assert memory.read(store, 8, 16) == struct.pack("<Q", bits)


def test_memory_grow_respects_max_and_store_limit():
    store, ex = setup()
    assert ex["size"](store) == 1
    assert ex["grow"](store, 1) == 1
    assert ex["grow"](store, 2) == -1                # max is 3 pages
    assert ex["grow"](store, 1) == 2
    assert ex["grow"](store, 0) == 3
    assert ex["grow"](store, 1) == -1

    store2 = Store(Engine())
    store2.set_limits(memory_size=2 * 65536)
    store2, ex2 = instantiate(MEMORY, store=store2)
    assert ex2["grow"](store2, 1) == 1
    assert ex2["grow"](store2, 1) == -1              # past the store limit: nothing allocated
    assert ex2["memory"].data_len(store2) == 2 * 65536


def test_grow_with_a_live_view_replaces_the_buffer():
    store, ex = setup()
    view = ex["memory"].buffer(store)
    ex["store"](store, 0, 5)
    assert ex["grow"](store, 1) == 1
    assert ex["load"](store, 0) == 5
    ex["store"](store, 65536, 9)                     # the new page is usable
    assert ex["load"](store, 65536) == 9
    assert len(ex["memory"].buffer(store)) == 2 * 65536
    view.release()


def test_bulk_memory_bounds_rules():
    store, ex = setup()
    memory = ex["memory"]
    ex["init"](store, 10, 1, 3)
    assert memory.read(store, 10, 13) == b"ell"
    ex["init"](store, 65536, 5, 0)                   # zero length exactly at both ends is fine
    expect_oob(ex["init"], store, 65537, 0, 0)
    expect_oob(ex["init"], store, 0, 6, 0)
    expect_oob(ex["init"], store, 65534, 0, 5)       # checked before any write
    assert memory.read(store, 65534, 65536) == bytes(2)
    ex["fill"](store, 20, 0x1AB, 4)
    assert memory.read(store, 20, 24) == b"\xab" * 4
    ex["fill"](store, 65536, 0, 0)
    expect_oob(ex["fill"], store, 65535, 1, 2)
    assert memory.read(store, 65535, 65536) == bytes(1)
    ex["copy"](store, 21, 20, 3)                     # overlapping
    ex["copy"](store, 10, 11, 2)
    assert memory.read(store, 10, 13) == b"lll"
    ex["copy"](store, 65536, 0, 0)
    expect_oob(ex["copy"], store, 0, 65530, 10)
    ex["drop"](store)
    ex["init"](store, 0, 0, 0)
    expect_oob(ex["init"], store, 0, 0, 1)           # dropped segment has length 0
