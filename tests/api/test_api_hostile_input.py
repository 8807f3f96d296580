"""Hostile input at the API boundary: whatever bytes a user hands to `Module(...)`, only
`DecodeError` or `ValidationError` come out (never IndexError, struct.error, RecursionError,
MemoryError...), and a guest asking for more memory than the store allows gets -1 from
`memory.grow` without the engine allocating it."""

import tracemalloc
from pathlib import Path

from api_util import instantiate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pywasm_core import DecodeError, Engine, Module, Store, ValidationError

ROOT = Path(__file__).resolve().parents[2]
SEEDS = [(ROOT / "wasm" / name).read_bytes() for name in ("fib.wasm", "loop.wasm", "float.wasm")]
ENGINE = Engine()


def load(data: bytes) -> None:
    try:
        Module(ENGINE, data)
    except (DecodeError, ValidationError):
        pass


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(SEEDS), data=st.data())
def test_truncated_modules(seed, data):
    load(seed[:data.draw(st.integers(0, len(seed)))])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(SEEDS),
       flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 7)), min_size=1, max_size=8))
def test_bit_flipped_modules(seed, flips):
    mutated = bytearray(seed)
    for position, bit in flips:
        mutated[position % len(mutated)] ^= 1 << bit
    load(bytes(mutated))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_with_and_without_the_header(tail):
    load(tail)
    load(b"\0asm\x01\0\0\0" + tail)


def test_memory_grow_past_the_store_limit_allocates_nothing():
    store = Store(Engine())
    store.set_limits(memory_size=4 * 65536)
    store, ex = instantiate("""
      (module (memory (export "memory") 1)
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))""",
                            store=store)
    assert ex["grow"](store, 0) == 1                  # translate the function before measuring
    tracemalloc.start()
    try:
        assert ex["grow"](store, 60000) == -1         # almost 4 GiB asked, no maximum declared
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20
    assert ex["memory"].data_len(store) == 65536
    assert ex["grow"](store, 3) == 1                  # up to the limit still works
    assert ex["grow"](store, 1) == -1
