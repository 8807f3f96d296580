"""Trace plans (exec/vectorize.py) with float conversions (f32.demote_f64, f64.promote_f32,
f32/f64.convert_i32_s/u: the bg module converts its f64 weights to f32 on every forward pass) and
with strided loads and stores that interleave or whose chunk was cut after the load: memory
bit-identical to the interpreter and wasmtime (NaN payloads, rounding ties, subnormals, overflow
to infinity), and numpy really runs the loops."""

from __future__ import annotations

import os
import random
import struct
import sys

import pytest
from hypothesis import given, settings, strategies as st

from pywasm_core.exec import vectorize

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from exec_util import ThreeEngines, assert_same, wat2wasm  # noqa: E402

PAGE = 65536

KERNELS = r"""
(module
  (memory (export "mem") 1)
  (func $f64 (param $p i32) (param $i i32) (result f64)
    (f64.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 3)))))

  ;; out32[i] = demote(a64[i]) (read through a call, as the bg module does)
  (func (export "demote") (param $out i32) (param $a i32) (param $n i32)
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
                   (f32.demote_f64 (call $f64 (local.get $a) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l))))

  ;; acc = acc + promote(b32[i]) * a64[i]
  (func (export "promote") (param $a i32) (param $b i32) (param $n i32)
    (local $i i32) (local $acc f64)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (f64.add (local.get $acc)
          (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $b)
                                                       (i32.shl (local.get $i) (i32.const 2)))))
                   (call $f64 (local.get $a) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (f64.store (i32.const 0) (local.get $acc)))

  ;; out64[i] = convert_s(x[i]) - convert_u(x[i]); out32[i] = convert_s(x[i]) + convert_u(i*k)
  (func (export "convert") (param $out i32) (param $x i32) (param $n i32) (param $k i32)
    (local $i i32) (local $v i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $v (i32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 4)))
          (f64.sub (f64.convert_i32_s (local.get $v)) (f64.convert_i32_u (local.get $v))))
        (f32.store offset=8 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 4)))
          (f32.add (f32.convert_i32_s (local.get $v))
                   (f32.convert_i32_u (i32.mul (local.get $i) (local.get $k)))))
        (local.set $i (i32.add (local.get $i) (call $one)))
        (br $l))))
  (func $one (result i32) (i32.const 1))

  ;; straight-line (a LoopPlan): out[i] = a[i] * 2
  (func (export "double") (param $out i32) (param $a i32) (param $n i32)
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (f32.mul (f32.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
                   (f32.const 2)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l))))

  ;; read the even f32 slots, write the odd ones: a[2i+1] = a[2i] * 2 (interleaved)
  (func (export "evenodd") (param $a i32) (param $n i32)
    (local $i i32) (local $p i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $p (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3))))
        (f32.store offset=4 (local.get $p)
          (f32.mul (f32.load (local.get $p)) (f32.const 2)))
        (local.set $i (i32.add (local.get $i) (call $one)))
        (br $l))))
)
"""


@pytest.fixture(autouse=True)
def small_threshold(monkeypatch):
    monkeypatch.setattr(vectorize, "_MIN_RUN", 8)


@pytest.fixture(scope="module")
def engines():
    return ThreeEngines(KERNELS)


SPECIAL64 = [0x7FF8000000000000, 0xFFF8000000000000, 0x7FF4000000000000, 0x7FF4123456789ABC,
             0x8000000000000000, 0x0000000000000001, 0x47EFFFFFE0000000, 0x47EFFFFFF0000000,
             0x3FF0000010000000, 0x3FF0000030000000, 0x36A0000000000000, 0x7FF0000000000000,
             0xC7F0000000000000]                   # NaNs, -0, tiny, f32 max +- half ulp, ties,
SPECIAL32 = [0x7FC00000, 0xFFA00123, 0x80000000, 0x00000001, 0x7F800000, 0xFF7FFFFF]
SPECIAL_I = [0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x01000001, 0x7FFFFFC0, 0xFFFFFF7F]


def memory(rng, special: float) -> bytes:
    """A page: f64 words in the first half, f32 words / ints in the second."""
    out = bytearray()
    for _ in range(PAGE // 2 // 8):
        if rng.random() < special:
            out += struct.pack("<Q", rng.choice(SPECIAL64))
        else:
            out += struct.pack("<d", rng.uniform(-1e3, 1e3) * 10.0 ** rng.randint(-50, 50))
    for _ in range(PAGE // 2 // 4):
        c = rng.random()
        if c < special:
            out += struct.pack("<I", rng.choice(SPECIAL32 + SPECIAL_I))
        elif c < 0.5:
            out += struct.pack("<I", rng.getrandbits(32))
        else:
            out += struct.pack("<f", rng.uniform(-1e3, 1e3) * 10.0 ** rng.randint(-30, 30))
    return bytes(out)


H = PAGE // 2
CALLS = [
    ("demote", lambda n: (H, 64, n)),
    ("promote", lambda n: (64, H, n)),
    ("convert", lambda n: (64, H, n, 0x01234567)),
    ("evenodd", lambda n: (H, n)),
]


@pytest.mark.parametrize("export,args", CALLS, ids=[c[0] for c in CALLS])
@pytest.mark.parametrize("special", [0.0, 0.02, 0.3])
def test_bit_identical_on_random_data(engines, export, args, special):
    rng = random.Random(f"{export}{special}")
    vectorize.reset_backoff()
    for n in (1500, 100, 9, 0):
        before = vectorize.STATS["iterations"]
        assert_same(engines.run(memory(rng, special), export, *args(n)))
        if special == 0.0 and n == 1500 and export in ("demote", "convert"):
            # (promote reads random f32 bit patterns: NaNs cut it early, as they should)
            assert vectorize.STATS["iterations"] - before >= n - 16


def test_interleaved_stores_and_loads_run_on_numpy(engines):
    """Loads of the even slots and stores to the odd ones never meet: numpy runs them."""
    rng = random.Random(1)
    mem = bytearray(memory(rng, 0.0))
    for i in range(2 * 1500):
        struct.pack_into("<f", mem, H + 4 * i, rng.uniform(-100, 100))
    vectorize.reset_backoff()
    before = vectorize.STATS["iterations"]
    assert_same(engines.run(bytes(mem), "evenodd", H, 1500))
    assert vectorize.STATS["iterations"] - before >= 1400


def test_load_span_measured_after_a_later_cut(engines):
    """The f64 loads of a chunk are recorded before the NaN at iteration 60 cuts it; the stores
    start right after the loads of those 60 iterations, so the chunk must still run."""
    rng = random.Random(2)
    mem = bytearray(memory(rng, 0.0))
    a = 1024
    struct.pack_into("<Q", mem, a + 8 * 60, 0x7FF4000000000001)       # a signalling NaN
    vectorize.reset_backoff()
    before = vectorize.STATS["iterations"]
    assert_same(engines.run(bytes(mem), "demote", a + 8 * 60 + 8, a, 120))
    assert vectorize.STATS["iterations"] - before >= 60


def test_straight_loop_load_span_measured_after_a_later_cut(engines):
    """The same for the straight-line plan: a NaN product at iteration 60 cuts the chunk after
    the f32 loads were recorded; the stores begin after the loads of the first 60 iterations."""
    rng = random.Random(3)
    mem = bytearray(memory(rng, 0.0))
    a = H
    for i in range(200):
        struct.pack_into("<f", mem, a + 4 * i, i * 0.5 - 7.0)
    struct.pack_into("<I", mem, a + 4 * 60, 0x7FA00001)                # a signalling NaN
    vectorize.reset_backoff()
    before = vectorize.STATS["iterations"]
    assert_same(engines.run(bytes(mem), "double", a + 4 * 61, a, 120))
    assert vectorize.STATS["iterations"] - before >= 60


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2 ** 32), n=st.integers(0, 600),
       special=st.sampled_from([0.0, 0.01, 0.2, 0.8]), which=st.integers(0, len(CALLS) - 1))
def test_bit_identical_property(engines, seed, n, special, which):
    export, args = CALLS[which]
    assert_same(engines.run(memory(random.Random(seed), special), export, *args(n)))
