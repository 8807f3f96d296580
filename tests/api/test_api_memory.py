"""Memory: read/write/grow/size/buffer."""

import pytest

from pywasm_core import Engine, Limits, Memory, MemoryType, Store, WasmError


def test_memory_basics():
    store = Store(Engine())
    mem = Memory(store, MemoryType(Limits(1, 2)))
    assert mem.size(store) == 1
    assert mem.data_len(store) == 65536
    assert mem.write(store, b"abc", 10) == 3
    assert mem.read(store, 10, 13) == bytearray(b"abc")
    assert isinstance(mem.read(store, 0, 1), bytearray)
    with pytest.raises(IndexError):
        mem.write(store, b"xy", 65535)
    with pytest.raises(IndexError):
        mem.read(store, 65530, 65537)
    assert mem.grow(store, 1) == 1
    with pytest.raises(WasmError):
        mem.grow(store, 1)
    assert mem.type(store).limits == Limits(2, 2)
    assert mem.read(store, 10, 13) == b"abc"


def test_buffer_views_and_growth():
    store = Store(Engine())
    mem = Memory(store, MemoryType(Limits(1)))
    view = mem.buffer(store)
    view[0] = 7
    assert mem.grow(store, 1) == 1                    # a live view forces a replacement
    assert mem.read(store, 0, 1) == b"\x07"
    fresh = mem.buffer(store)
    assert len(fresh) == 2 * 65536
    view.release()
    fresh.release()


def test_invalid_memory_types():
    store = Store(Engine())
    with pytest.raises(WasmError):
        Memory(store, MemoryType(Limits(65537)))
    with pytest.raises(WasmError):
        Memory(store, MemoryType(Limits(2, 1)))
    with pytest.raises(TypeError):
        Memory(store, Limits(1))
