"""Robustness: truncated, bit-flipped, spliced and random inputs only ever decode or raise
DecodeError (never IndexError, struct.error, UnicodeDecodeError, MemoryError, ...)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pywasm_core.binary import decode_module
from pywasm_core.errors import DecodeError

HEADER = b"\x00asm\x01\x00\x00\x00"

SEED_WAT = r"""
(module $seed
  (type $t (func (param i32 i64) (result f32)))
  (import "env" "f" (func $imp (type $t)))
  (import "env" "m" (memory 1 2))
  (import "env" "g" (global $g (mut f64)))
  (table $tab 4 funcref)
  (table $ext 1 externref)
  (global $h i32 (i32.const -7))
  (export "run" (func $run))
  (export "tab" (table $tab))
  (start $nop)
  (elem (i32.const 0) $run $nop)
  (elem func $run)
  (elem declare funcref (ref.func $nop))
  (elem $e2 (table $tab) (i32.const 1) funcref (ref.null func))
  (data (i32.const 8) "hello\ff")
  (data $p "passive")
  (func $nop)
  (func $run (param $a i32) (param i64) (result f32)
    (local $x v128) (local i32 f64)
    (block $b (result i32)
      (loop $l
        (br_if $l (i32.eqz (local.get $a)))
        (if (local.get 0) (then (nop)) (else (br $b (i32.const 1))))
      )
      (br_table 0 0 0 (i32.const 3) (i32.const 2)))
    drop
    (local.set $x (v128.const i32x4 1 -2 3 -4))
    (local.set $x (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x)))
    (drop (i32x4.extract_lane 2 (local.get $x)))
    (local.set $x (v128.load8_lane offset=3 7 (i32.const 0) (local.get $x)))
    (memory.init $p (i32.const 0) (i32.const 0) (i32.const 1))
    (data.drop $p)
    (table.init $tab $e2 (i32.const 0) (i32.const 0) (i32.const 0))
    (drop (select (result i64) (i64.const -1) (i64.const 5) (i32.const 1)))
    (drop (call_indirect $tab (type $t) (i32.const 1) (i64.const 2) (i32.const 0)))
    (drop (memory.grow (i32.const 1)))
    (i64.store offset=16 align=4 (i32.const 0) (i64.const 0x7fffffffffffffff))
    (drop (ref.is_null (ref.null extern)))
    (drop (i32.trunc_sat_f64_s (f64.const nan:0x4)))
    (f32.const -0x1.8p3))
)
"""


def _wasm_tools() -> str | None:
    local = Path(sys.executable).with_name("wasm-tools")
    return str(local) if local.exists() else shutil.which("wasm-tools")


def _seeds() -> list[bytes]:
    seeds = [
        HEADER,
        HEADER + b"\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x0a\x04\x01\x02\x00\x0b",
    ]
    tool = _wasm_tools()
    if tool is not None:
        wasm = subprocess.run([tool, "parse", "-", "-o", "/dev/stdout"], input=SEED_WAT.encode(),
                              check=True, capture_output=True).stdout
        seeds.append(wasm)
    return seeds


SEEDS = _seeds()


def decodes_or_decode_error(data: bytes) -> None:
    try:
        decode_module(data)
    except DecodeError as exc:
        assert isinstance(exc.reason, str) and exc.reason
        assert exc.offset is None or 0 <= exc.offset <= len(data)


def test_seeds_are_well_formed():
    assert len(SEEDS) == 3, "wasm-tools is needed for the feature-rich seed"
    for seed in SEEDS:
        decode_module(seed)
    m = decode_module(SEEDS[-1])
    assert m.names.module == "seed"
    run = next(i for i, n in m.names.funcs.items() if n == "run")
    assert m.names.locals[run][0] == "a" and m.names.locals[run][2] == "x"
    assert m.func_type_indices()[run] == 0


@pytest.mark.parametrize("seed_index", range(len(SEEDS)))
def test_every_truncation(seed_index):
    seed = SEEDS[seed_index]
    for k in range(len(seed)):
        decodes_or_decode_error(seed[:k])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_bit_flips(data):
    seed = bytearray(data.draw(st.sampled_from(SEEDS)))
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(seed) - 1), st.integers(0, 7)),
                               min_size=1, max_size=4))
    for position, bit in flips:
        seed[position] ^= 1 << bit
    decodes_or_decode_error(bytes(seed))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_byte_replacements_and_insertions(data):
    seed = bytearray(data.draw(st.sampled_from(SEEDS)))
    position = data.draw(st.integers(0, len(seed)))
    chunk = data.draw(st.binary(min_size=1, max_size=6))
    if data.draw(st.booleans()):
        seed[position:position + len(chunk)] = chunk
    else:
        seed[position:position] = chunk
    decodes_or_decode_error(bytes(seed))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64))
def test_random_bytes_after_header(tail):
    decodes_or_decode_error(HEADER + tail)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=32))
def test_random_bytes(data):
    decodes_or_decode_error(data)


# Large counts must fail fast, never allocate by the count.
@pytest.mark.parametrize("content", [
    b"\xff\xff\xff\xff\x0f",                         # 2**32-1 types, no bytes
    b"\xff\xff\xff\xff\x0f\x60\x00\x00",
])
def test_huge_vector_counts_fail_fast(content):
    data = HEADER + b"\x01" + bytes([len(content)]) + content
    with pytest.raises(DecodeError, match="^unexpected end"):
        decode_module(data)


def test_huge_br_table_and_locals():
    body = b"\x00\x41\x00\x0e\xff\xff\xff\xff\x0f\x00\x0b"
    data = (HEADER + b"\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00"
            + b"\x0a" + bytes([len(body) + 2, 1, len(body)]) + body)
    with pytest.raises(DecodeError, match="^unexpected end"):
        decode_module(data)
    body = b"\x01\xff\xff\xff\x0f\x7f\x0b"
    data = (HEADER + b"\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00"
            + b"\x0a" + bytes([len(body) + 2, 1, len(body)]) + body)
    with pytest.raises(DecodeError, match="^too many locals"):
        decode_module(data)


def test_every_single_bit_flip_of_the_rich_seed():
    """Exhaustive, deterministic complement to the hypothesis tests above."""
    seed = SEEDS[-1]
    outcomes = {"decoded": 0, "malformed": 0}
    for position in range(len(seed)):
        for bit in range(8):
            mutated = bytearray(seed)
            mutated[position] ^= 1 << bit
            try:
                decode_module(bytes(mutated))
                outcomes["decoded"] += 1
            except DecodeError:
                outcomes["malformed"] += 1
    assert outcomes["decoded"] and outcomes["malformed"]
