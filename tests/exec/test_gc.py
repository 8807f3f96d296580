"""WebAssembly 3.0 GC execution on both tiers: structs, arrays (packed storage, bulk operations,
segments), i31, casts against declared and cross-module canonical types, the extern/any
conversions, GC constant expressions, the embedding API's view of GC values, call_indirect's
canonical type check on the fast tier, and the GC spec scripts (0 failed, 0 skipped)."""

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pywasm_core import I31, Config, Engine, Instance, Module, Store, Trap, TrapCode
from pywasm_core.features import WASM3
from pywasm_core.numerics.floats import f32_to_bits
from pywasm_core.runtime.gc import Array, Externalized, Struct

TIERS = ["interp", "fast"]


def run(text, tier, imports=(), store=None):
    eng = store.engine if store is not None else Engine(Config(features=WASM3, tier=tier))
    store = store or Store(eng)
    module = Module(eng, text)
    return store, Instance(store, module, list(imports)).exports(store), module


def trap_of(fn, *args):
    with pytest.raises(Trap) as info:
        fn(*args)
    return info.value


def compiled_everything(module):
    """Every function the fast tier translated really was translated (no interpreter fallback)."""
    cache = module.__dict__.get("_fast_cache", {})
    return cache and all(cache.values())


STRUCTS = """
(module
  (type $s (struct (field $a (mut i32)) (field $b (mut i8)) (field $c (mut i16))
                   (field $d (mut f64)) (field $e (mut anyref))))
  (func (export "make") (param i32 i32 i32 f64) (result (ref $s))
    (struct.new $s (local.get 0) (local.get 1) (local.get 2) (local.get 3) (ref.null any)))
  (func (export "a") (param (ref null $s)) (result i32) (struct.get $s $a (local.get 0)))
  (func (export "b_s") (param (ref null $s)) (result i32) (struct.get_s $s $b (local.get 0)))
  (func (export "b_u") (param (ref null $s)) (result i32) (struct.get_u $s $b (local.get 0)))
  (func (export "c_s") (param (ref null $s)) (result i32) (struct.get_s $s $c (local.get 0)))
  (func (export "c_u") (param (ref null $s)) (result i32) (struct.get_u $s $c (local.get 0)))
  (func (export "d") (param (ref null $s)) (result f64) (struct.get $s $d (local.get 0)))
  (func (export "e") (param (ref null $s)) (result anyref) (struct.get $s $e (local.get 0)))
  (func (export "set_b") (param (ref null $s) i32) (struct.set $s $b (local.get 0) (local.get 1)))
  (func (export "set_e") (param (ref null $s) anyref)
    (struct.set $s $e (local.get 0) (local.get 1)))
  (func (export "zero") (result i32 i32 f64)
    (local $x (ref $s))
    (local.set $x (struct.new_default $s))
    (struct.get $s $a (local.get $x)) (struct.get_u $s $c (local.get $x))
    (struct.get $s $d (local.get $x)))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_struct_fields_packing_and_null_traps(tier):
    store, ex, module = run(STRUCTS, tier)
    s = ex["make"](store, 7, 0x1FF, 0x18000, 2.5)
    assert isinstance(s, Struct)
    assert ex["a"](store, s) == 7
    assert ex["b_u"](store, s) == 0xFF and ex["b_s"](store, s) == -1
    assert ex["c_u"](store, s) == 0x8000 and ex["c_s"](store, s) == -0x8000
    assert ex["d"](store, s) == 2.5
    assert ex["e"](store, s) is None
    ex["set_b"](store, s, 0x17F)
    assert ex["b_u"](store, s) == 0x7F and ex["b_s"](store, s) == 0x7F
    ex["set_e"](store, s, s)                   # a struct holding itself: plain Python objects
    assert ex["e"](store, s) is s
    assert ex["zero"](store) == [0, 0, 0.0]
    for name in ("a", "b_s", "c_u", "d"):
        trap = trap_of(ex[name], store, None)
        assert trap.trap_code is TrapCode.NULL_REFERENCE
        assert trap.message == "null structure reference"
    assert trap_of(ex["set_b"], store, None, 1).message == "null structure reference"
    if tier == "fast":
        assert compiled_everything(module)


ARRAYS = """
(module
  (type $a8 (array (mut i8)))
  (type $a16 (array (mut i16)))
  (type $af (array (mut f32)))
  (type $ar (array (mut anyref)))
  (data $d "\\01\\80\\ff\\7f\\00\\00\\c0\\7f\\01\\00\\a0\\7f")
  (elem $e anyref (ref.i31 (i32.const 1)) (ref.null none) (ref.i31 (i32.const 3)))
  (func (export "new") (param i32 i32) (result (ref $a8)) (array.new $a8 (local.get 0) (local.get 1)))
  (func (export "new_default") (param i32) (result (ref $a16)) (array.new_default $a16 (local.get 0)))
  (func (export "fixed") (result (ref $a16))
    (array.new_fixed $a16 3 (i32.const -1) (i32.const 0x12345) (i32.const 2)))
  (func (export "get_s") (param (ref null $a8) i32) (result i32) (array.get_s $a8 (local.get 0) (local.get 1)))
  (func (export "get_u") (param (ref null $a8) i32) (result i32) (array.get_u $a8 (local.get 0) (local.get 1)))
  (func (export "get16_s") (param (ref null $a16) i32) (result i32) (array.get_s $a16 (local.get 0) (local.get 1)))
  (func (export "set") (param (ref null $a8) i32 i32) (array.set $a8 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "len") (param (ref null $a8)) (result i32) (array.len (local.get 0)))
  (func (export "fill") (param (ref null $a8) i32 i32 i32)
    (array.fill $a8 (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "copy") (param (ref null $a8) i32 (ref null $a8) i32 i32)
    (array.copy $a8 $a8 (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)))
  (func (export "data8") (param i32 i32) (result (ref $a8)) (array.new_data $a8 $d (local.get 0) (local.get 1)))
  (func (export "data16") (param i32 i32) (result (ref $a16)) (array.new_data $a16 $d (local.get 0) (local.get 1)))
  (func (export "dataf") (param i32 i32) (result (ref $af)) (array.new_data $af $d (local.get 0) (local.get 1)))
  (func (export "getf") (param (ref $af) i32) (result f32) (array.get $af (local.get 0) (local.get 1)))
  (func (export "init_data") (param (ref null $a8) i32 i32 i32)
    (array.init_data $a8 $d (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "elem") (param i32 i32) (result (ref $ar)) (array.new_elem $ar $e (local.get 0) (local.get 1)))
  (func (export "init_elem") (param (ref null $ar) i32 i32 i32)
    (array.init_elem $ar $e (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "getr") (param (ref $ar) i32) (result anyref) (array.get $ar (local.get 0) (local.get 1)))
  (func (export "drop_data") (data.drop $d))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_array_instructions(tier):
    store, ex, module = run(ARRAYS, tier)
    a = ex["new"](store, 0x1FE, 4)
    assert isinstance(a, Array) and a.elems == [0xFE] * 4
    assert ex["get_s"](store, a, 0) == -2 and ex["get_u"](store, a, 3) == 0xFE
    assert ex["len"](store, a) == 4
    ex["set"](store, a, 1, 0x7F)
    assert ex["get_s"](store, a, 1) == 0x7F
    assert ex["new_default"](store, 3).elems == [0, 0, 0]
    fixed = ex["fixed"](store)
    assert fixed.elems == [0xFFFF, 0x2345, 2]
    assert ex["get16_s"](store, fixed, 0) == -1
    # bounds and nulls
    assert trap_of(ex["get_u"], store, a, 4).message == "out of bounds array access"
    assert trap_of(ex["set"], store, a, 2**32 - 1, 0).message == "out of bounds array access"
    assert trap_of(ex["len"], store, None).message == "null array reference"
    assert trap_of(ex["fill"], store, None, 0, 0, 0).message == "null array reference"
    assert trap_of(ex["fill"], store, a, 3, 0, 2).message == "out of bounds array access"
    ex["fill"](store, a, 1, 0x101, 2)
    assert a.elems == [0xFE, 1, 1, 0xFE]
    ex["fill"](store, a, 4, 9, 0)              # an empty range at the end is fine
    # data segments: little-endian, packed, f32 with a signalling NaN payload kept
    assert ex["data8"](store, 0, 4).elems == [1, 0x80, 0xFF, 0x7F]
    assert ex["data16"](store, 0, 2).elems == [0x8001, 0x7FFF]
    fs = ex["dataf"](store, 4, 2)
    assert f32_to_bits(ex["getf"](store, fs, 0)) == 0x7FC00000
    assert f32_to_bits(ex["getf"](store, fs, 1)) == 0x7FA00001
    assert trap_of(ex["data16"], store, 0, 7).message == "out of bounds memory access"
    assert trap_of(ex["data8"], store, 13, 0).message == "out of bounds memory access"
    b = ex["new"](store, 0, 6)
    ex["init_data"](store, b, 2, 1, 3)
    assert b.elems == [0, 0, 0x80, 0xFF, 0x7F, 0]
    assert trap_of(ex["init_data"], store, b, 5, 0, 2).message == "out of bounds array access"
    assert trap_of(ex["init_data"], store, b, 0, 11, 2).message == "out of bounds memory access"
    # element segments
    r = ex["elem"](store, 0, 3)
    assert [ex["getr"](store, r, i) for i in range(3)] == [I31(1), None, I31(3)]
    assert trap_of(ex["elem"], store, 2, 2).message == "out of bounds table access"
    ex["init_elem"](store, r, 0, 2, 1)
    assert ex["getr"](store, r, 0) == I31(3)
    assert trap_of(ex["init_elem"], store, r, 0, 3, 1).message == "out of bounds table access"
    # a dropped segment behaves as empty
    ex["drop_data"](store)
    assert ex["data8"](store, 0, 0).elems == []
    assert trap_of(ex["data8"], store, 0, 1).message == "out of bounds memory access"
    if tier == "fast":
        assert compiled_everything(module)


@pytest.mark.parametrize("tier", TIERS)
def test_huge_array_allocation_traps_instead_of_exhausting_memory(tier):
    store, ex, _ = run(ARRAYS, tier)
    trap = trap_of(ex["new"], store, 0, 2**32 - 1)
    assert trap.trap_code is TrapCode.ALLOCATION_TOO_LARGE
    assert trap_of(ex["new_default"], store, 2**31).message == "allocation too large"
    from pywasm_core.runtime.gc import MAX_ARRAY_LENGTH
    assert trap_of(ex["new_default"], store, MAX_ARRAY_LENGTH + 1).message == \
        "allocation too large"


COPY = """
(module
  (type $a (array (mut i32)))
  (func (export "copy_within") (param i32 i32 i32 i32) (result (ref $a))
    (local $x (ref $a)) (local $i i32)
    (local.set $x (array.new_default $a (local.get 0)))
    (block $done (loop $fill
      (br_if $done (i32.ge_u (local.get $i) (local.get 0)))
      (array.set $a (local.get $x) (local.get $i) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $fill)))
    (array.copy $a $a (local.get $x) (local.get 1) (local.get $x) (local.get 2) (local.get 3))
    (local.get $x))
)
"""


@pytest.mark.parametrize("tier", TIERS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_array_copy_overlapping_matches_a_python_model(tier, data):
    length = data.draw(st.integers(0, 12))
    d = data.draw(st.integers(0, 14))
    s = data.draw(st.integers(0, 14))
    n = data.draw(st.integers(0, 14))
    store, ex, _ = _copy_instance(tier)
    model = list(range(length))
    if d + n > length or s + n > length:
        assert trap_of(ex["copy_within"], store, length, d, s, n).message == \
            "out of bounds array access"
        return
    model[d:d + n] = list(range(length))[s:s + n]
    assert ex["copy_within"](store, length, d, s, n).elems == model


_COPY_CACHE: dict = {}


def _copy_instance(tier):
    if tier not in _COPY_CACHE:
        _COPY_CACHE[tier] = run(COPY, tier)
    return _COPY_CACHE[tier]


I31_MOD = """
(module
  (func (export "s") (param i32) (result i32) (i31.get_s (ref.i31 (local.get 0))))
  (func (export "u") (param i32) (result i32) (i31.get_u (ref.i31 (local.get 0))))
  (func (export "wrap") (param i32) (result i31ref) (ref.i31 (local.get 0)))
  (func (export "eq") (param i32 i32) (result i32)
    (ref.eq (ref.i31 (local.get 0)) (ref.i31 (local.get 1))))
  (func (export "null_s") (result i32) (i31.get_s (ref.null i31)))
  (func (export "null_u") (result i32) (i31.get_u (ref.null i31)))
)
"""
_I31 = {}


@pytest.mark.parametrize("tier", TIERS)
@settings(max_examples=200, deadline=None)
@given(x=st.integers(0, 2**32 - 1), y=st.integers(0, 2**32 - 1))
def test_i31_wrap_and_read_back_over_all_i32(tier, x, y):
    if tier not in _I31:
        _I31[tier] = run(I31_MOD, tier)
    store, ex, _ = _I31[tier]
    low = x & 0x7FFFFFFF
    signed = low - 2**31 if low & 0x40000000 else low
    assert ex["u"](store, x) == low
    assert ex["s"](store, x) == signed
    assert ex["wrap"](store, x) == I31(low)
    assert ex["eq"](store, x, y) == (1 if low == y & 0x7FFFFFFF else 0)


@pytest.mark.parametrize("tier", TIERS)
def test_i31_null_traps(tier):
    store, ex, _ = run(I31_MOD, tier)
    for name in ("null_s", "null_u"):
        trap = trap_of(ex[name], store)
        assert trap.trap_code is TrapCode.NULL_REFERENCE and trap.message == "null i31 reference"


CASTS = """
(module
  (type $base (sub (struct (field i32))))
  (type $mid (sub $base (struct (field i32) (field i64))))
  (type $leaf (sub final $mid (struct (field i32) (field i64) (field f32))))
  (type $other (struct (field i32)))
  (type $arr (array i8))
  (type $ft (sub (func)))
  (type $ft2 (sub $ft (func)))
  (func $f (type $ft))
  (func $g (type $ft2))
  (elem declare func $f $g)
  (table $t 16 anyref)
  (func (export "init") (param externref)
    (table.set $t (i32.const 1) (ref.i31 (i32.const 5)))
    (table.set $t (i32.const 2) (struct.new_default $base))
    (table.set $t (i32.const 3) (struct.new_default $mid))
    (table.set $t (i32.const 4) (struct.new_default $leaf))
    (table.set $t (i32.const 5) (struct.new_default $other))
    (table.set $t (i32.const 6) (array.new_default $arr (i32.const 2)))
    (table.set $t (i32.const 7) (any.convert_extern (local.get 0))))
  (func (export "test") (param i32) (result i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (local $v anyref)
    (local.set $v (table.get $t (local.get 0)))
    (ref.test anyref (local.get $v))
    (ref.test (ref any) (local.get $v))
    (ref.test (ref eq) (local.get $v))
    (ref.test (ref i31) (local.get $v))
    (ref.test (ref struct) (local.get $v))
    (ref.test (ref array) (local.get $v))
    (ref.test (ref $base) (local.get $v))
    (ref.test (ref $mid) (local.get $v))
    (ref.test (ref $leaf) (local.get $v))
    (ref.test (ref $other) (local.get $v))
    (ref.test nullref (local.get $v)))
  (func (export "cast_mid") (param i32) (result i32)
    (drop (ref.cast (ref $mid) (table.get $t (local.get 0)))) (i32.const 1))
  (func (export "branch") (param i32) (result i32)
    (block $is_base (result (ref $base))
      (block $not_struct (result anyref)
        (br_on_cast_fail $not_struct anyref (ref struct) (table.get $t (local.get 0)))
        (br_on_cast $is_base (ref struct) (ref $base))
        (return (i32.const 2)))
      (return (i32.const 3)))
    (drop) (i32.const 1))
  (func (export "func_test") (result i32 i32 i32 i32)
    (ref.test (ref $ft) (ref.func $f)) (ref.test (ref $ft) (ref.func $g))
    (ref.test (ref $ft2) (ref.func $f)) (ref.test (ref nofunc) (ref.func $g)))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_casts_follow_declared_subtyping_and_abstract_types(tier):
    store, ex, module = run(CASTS, tier)
    ex["init"](store, "host")
    #            any anyN eq i31 struct array base mid leaf other null
    expected = {0: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
                1: [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
                2: [1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 0],
                3: [1, 1, 1, 0, 1, 0, 1, 1, 0, 0, 0],
                4: [1, 1, 1, 0, 1, 0, 1, 1, 1, 0, 0],
                5: [1, 1, 1, 0, 1, 0, 0, 0, 0, 1, 0],
                6: [1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0],
                7: [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]}
    for i, want in expected.items():
        assert ex["test"](store, i) == want, i
    assert ex["cast_mid"](store, 3) == 1 and ex["cast_mid"](store, 4) == 1
    for i in (0, 1, 2, 5, 6, 7):
        trap = trap_of(ex["cast_mid"], store, i)
        assert trap.trap_code is TrapCode.CAST_FAILURE and trap.message == "cast failure"
    assert [ex["branch"](store, i) for i in range(8)] == [3, 3, 1, 1, 1, 2, 3, 3]
    assert ex["func_test"](store) == [1, 1, 0, 0]
    if tier == "fast":
        assert compiled_everything(module)


PRODUCER = """
(module
  (rec (type $node (sub (struct (field i32) (field (ref null $node))))))
  (type $pair (sub $node (struct (field i32) (field (ref null $node)) (field i64))))
  (func (export "make") (result anyref) (struct.new $pair (i32.const 1) (ref.null $node) (i64.const 2)))
  (func (export "node") (result anyref) (struct.new $node (i32.const 1) (ref.null $node)))
)
"""
CONSUMER = """
(module
  (rec (type $n (sub (struct (field i32) (field (ref null $n))))))
  (type $p (sub $n (struct (field i32) (field (ref null $n)) (field i64))))
  (rec (type $lookalike (sub (struct (field i32) (field (ref null $lookalike))))) (type $extra (struct)))
  (func (export "is_p") (param anyref) (result i32) (ref.test (ref $p) (local.get 0)))
  (func (export "is_n") (param anyref) (result i32) (ref.test (ref $n) (local.get 0)))
  (func (export "is_lookalike") (param anyref) (result i32) (ref.test (ref $lookalike) (local.get 0)))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_casts_use_iso_recursive_identity_across_modules(tier):
    store, producer, _ = run(PRODUCER, tier)
    _, consumer, _ = run(CONSUMER, tier, store=store)
    pair, node = producer["make"](store), producer["node"](store)
    assert consumer["is_p"](store, pair) == 1 and consumer["is_n"](store, pair) == 1
    assert consumer["is_p"](store, node) == 0 and consumer["is_n"](store, node) == 1
    # a structurally equal struct type in a different recursion group is a different type
    assert consumer["is_lookalike"](store, node) == 0


EXTERN = """
(module
  (func (export "internalize") (param externref) (result anyref) (any.convert_extern (local.get 0)))
  (func (export "externalize") (param anyref) (result externref) (extern.convert_any (local.get 0)))
  (func (export "round_extern") (param externref) (result externref)
    (extern.convert_any (any.convert_extern (local.get 0))))
  (func (export "round_i31") (param i32) (result i32)
    (i31.get_u (ref.cast (ref i31) (any.convert_extern (extern.convert_any (ref.i31 (local.get 0)))))))
  (func (export "i31_out") (param i32) (result externref) (extern.convert_any (ref.i31 (local.get 0))))
  (func (export "is_i31") (param externref) (result i32) (ref.test (ref i31) (any.convert_extern (local.get 0))))
  (func (export "null") (result externref) (extern.convert_any (any.convert_extern (ref.null noextern))))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_extern_any_conversions_round_trip(tier):
    store, ex, _ = run(EXTERN, tier)
    host = object()
    assert ex["round_extern"](store, host) is host
    assert ex["internalize"](store, host) is host          # the API unwraps a host value
    assert ex["externalize"](store, host) is host
    assert ex["round_extern"](store, 5) == 5                # a host int stays a host value ...
    assert ex["is_i31"](store, 5) == 0                      # ... never an i31
    assert ex["round_i31"](store, 123) == 123               # an i31 through extern stays an i31
    out = ex["i31_out"](store, 7)
    assert isinstance(out, Externalized)
    assert ex["is_i31"](store, out) == 1                    # passing it back in internalizes it
    assert ex["internalize"](store, out) == I31(7)
    assert ex["null"](store) is None
    assert ex["round_extern"](store, None) is None


CONSTS = """
(module
  (type $s (struct (field i32) (field (ref null $s))))
  (type $a (array i16))
  (global $g0 (ref $s) (struct.new $s (i32.const 3) (ref.null $s)))
  (global $g1 (ref $s) (struct.new $s (i32.const 4) (global.get $g0)))
  (global $g2 (ref $a) (array.new_fixed $a 3 (i32.const 1) (i32.const 2) (i32.const 0x10003)))
  (global $g3 (ref $a) (array.new $a (i32.const 9) (i32.const 2)))
  (global $g4 (ref $a) (array.new_default $a (i32.const 4)))
  (global $g5 i31ref (ref.i31 (i32.const -1)))
  (global $g6 (export "ext") externref (extern.convert_any (ref.i31 (i32.const 6))))
  (global $g7 (export "s") (ref $s) (struct.new_default $s))
  (table $t 2 (ref $a) (array.new_default $a (i32.const 4)))
  (func (export "read") (result i32 i32 i32 i32 i32 i32 i32)
    (struct.get $s 0 (struct.get $s 1 (global.get $g1)))
    (array.get_u $a (global.get $g2) (i32.const 2))
    (array.len (global.get $g3))
    (array.len (table.get $t (i32.const 1)))
    (i31.get_s (global.get $g5))
    (ref.eq (table.get $t (i32.const 0)) (table.get $t (i32.const 1)))
    (i31.get_u (ref.cast i31ref (any.convert_extern (global.get $g6)))))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_gc_constant_expressions(tier):
    store, ex, _ = run(CONSTS, tier)
    assert ex["read"](store) == [3, 3, 2, 4, -1, 1, 6]
    assert isinstance(ex["ext"].value(store), Externalized)
    assert isinstance(ex["s"].value(store), Struct)


API = """
(module
  (type $s (struct (field (mut i32))))
  (table (export "t") 4 anyref)
  (global (export "g") (mut anyref) (ref.null any))
  (func (export "make") (param i32) (result (ref $s)) (struct.new $s (local.get 0)))
  (func (export "get") (param (ref null $s)) (result i32) (struct.get $s 0 (local.get 0)))
  (func (export "id") (param anyref) (result anyref) (local.get 0))
  (func (export "eq") (param eqref eqref) (result i32) (ref.eq (local.get 0) (local.get 1)))
  (func (export "fill") (table.set (i32.const 0) (ref.i31 (i32.const 42))))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_embedding_api_sees_opaque_gc_values(tier):
    store, ex, _ = run(API, tier)
    s = ex["make"](store, 11)
    assert ex["get"](store, s) == 11                  # passing a struct back in works
    assert ex["id"](store, s) is s
    assert ex["eq"](store, s, s) == 1 and ex["eq"](store, s, ex["make"](store, 11)) == 0
    assert ex["eq"](store, I31(3), I31(3)) == 1 and ex["eq"](store, I31(3), s) == 0
    assert ex["id"](store, I31(-1)) == I31(2**31 - 1)
    host = ["a host list"]
    assert ex["id"](store, host) is host              # a host object is internalized and back
    ex["fill"](store)
    assert ex["t"].get(store, 0) == I31(42)
    ex["t"].set(store, 1, s)
    assert ex["t"].get(store, 1) is s
    ex["g"].set_value(store, I31(5))
    assert ex["g"].value(store) == I31(5)
    with pytest.raises(TypeError):
        ex["eq"](store, host, None)                   # a host object is not an eqref
    with pytest.raises(TypeError):
        ex["get"](store, 5)
    with pytest.raises(ValueError):
        I31(2**31)
    assert I31(-1).signed == -1 and I31(-1).value == 2**31 - 1


INDIRECT = """
(module
  (type $t (sub (func (result i32))))
  (type $u (sub $t (func (result i32))))
  (rec (type $v (func (result i32))) (type (struct)))
  (func $a (type $t) (i32.const 1))
  (func $b (type $u) (i32.const 2))
  (func $c (type $v) (i32.const 3))
  (table 3 funcref)
  (elem (i32.const 0) func $a $b $c)
  (func (export "call_t") (param i32) (result i32) (call_indirect (type $t) (local.get 0)))
  (func (export "call_u") (param i32) (result i32) (call_indirect (type $u) (local.get 0)))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_call_indirect_checks_canonical_subtypes(tier):
    store, ex, module = run(INDIRECT, tier)
    assert ex["call_t"](store, 0) == 1
    assert ex["call_t"](store, 1) == 2                # a subtype passes
    assert ex["call_u"](store, 1) == 2
    for fn, i in (("call_t", 2), ("call_u", 0), ("call_u", 2)):
        trap = trap_of(ex[fn], store, i)
        assert trap.trap_code is TrapCode.BAD_SIGNATURE
        assert trap.message == "indirect call type mismatch"
    if tier == "fast":                                # no interpreter workaround any more
        assert compiled_everything(module)


SPEC = ["array", "array_copy", "array_fill", "array_init_data", "array_init_elem",
        "array_new_data", "array_new_elem", "br_on_cast", "br_on_cast_fail", "extern", "i31",
        "ref_cast", "ref_eq", "ref_test", "ref_null", "struct", "type-subtyping", "table_init",
        "table_init64", "imports", "instance"]
SPEC_DIR = "/work/shared/wasm-testsuite/3.0"


@pytest.mark.skipif(not os.path.isdir(SPEC_DIR), reason="the 3.0 testsuite is not checked out")
@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("name", SPEC)
def test_gc_spec_script(name, tier):
    from pywasm_core.script.adapter import PywasmCoreAdapter
    from pywasm_core.script.runner import run_file
    result = run_file(os.path.join(SPEC_DIR, name + ".wast"), PywasmCoreAdapter(Config(tier=tier)))
    assert result.failed == 0 and result.skipped == 0, result.report()
    assert result.passed > 0




EXPORTER = """
(module
  (type $s (struct (field i32)))
  (global (export "g") (ref null $s) (ref.null $s))
  (table (export "t") 1 (ref null $s)))
"""


def test_imports_of_gc_types_compare_canonical_types_not_indices():
    from pywasm_core import LinkError, Linker
    eng = Engine(Config(features=WASM3))
    store = Store(eng)
    linker = Linker(eng)
    exporter = Instance(store, Module(eng, EXPORTER), [])
    linker.define_instance(store, "m", exporter)
    # the same struct type at another index: links
    same = """(module (type (func)) (type $s (struct (field i32)))
      (import "m" "g" (global (ref null $s))) (import "m" "t" (table 1 (ref null $s))))"""
    linker.instantiate(store, Module(eng, same))
    # a different struct type at the same index 0: both imports are unlinkable
    for desc in ('(global (ref null 0))', '(table 1 (ref null 0))'):
        other = f"""(module (type (struct (field f32))) (import "m" "{desc[1]}" {desc}))"""
        with pytest.raises(LinkError, match="incompatible import type"):
            linker.instantiate(store, Module(eng, other))
    # a table's element type must be the same type: a supertype is not enough
    wider = """(module (import "m" "t" (table 1 structref)))"""
    with pytest.raises(LinkError, match="incompatible import type"):
        linker.instantiate(store, Module(eng, wider))
    # an immutable global may be imported at a supertype
    linker.instantiate(store, Module(eng, """(module (import "m" "g" (global structref)))"""))


def test_runner_checks_gc_result_patterns_for_real():
    from pywasm_core.script.adapter import GcRef
    from pywasm_core.script.commands import Const, RefPattern
    from pywasm_core.script.runner import matches
    struct_, i31 = Const("anyref", GcRef("struct")), Const("anyref", GcRef("i31"))
    host = Const("anyref", 3)
    assert matches(RefPattern("struct"), struct_) and not matches(RefPattern("array"), struct_)
    assert matches(RefPattern("eq"), i31) and matches(RefPattern("i31"), i31)
    assert not matches(RefPattern("eq"), host) and matches(RefPattern("any"), host)
    assert matches(Const("anyref", 3), host) and not matches(Const("anyref", 4), host)
    assert not matches(Const("externref", 3), host)            # ref.extern 3 is not ref.host 3
    assert not matches(RefPattern("any"), Const("anyref", None))
    assert matches(RefPattern("null"), Const("anyref", None))
    # a typed null matches a null of its own hierarchy only
    assert matches(Const("nullref", None), Const("anyref", None))
    assert matches(Const("structref", None), Const("anyref", None))
    assert not matches(Const("funcref", None), Const("anyref", None))
    assert not matches(Const("nullexternref", None), Const("anyref", None))
    assert not matches(Const("anyref", None), struct_)
    extern_gc = Const("externref", GcRef("array"))
    assert matches(RefPattern("extern"), extern_gc) and not matches(Const("externref", 0), extern_gc)


def test_text_front_end_tells_ref_host_from_ref_extern():
    from pywasm_core.script.commands import AssertReturn, Const, RefPattern
    from pywasm_core.text import parse_script
    script = parse_script('(module) (assert_return (invoke "f" (ref.host 1) (ref.extern 2)) '
                          '(ref.host 3) (ref.null none) (ref.struct))', "t.wast", wasm3=True)
    command = script.commands[1]
    assert isinstance(command, AssertReturn)
    assert command.action.args == [Const("anyref", 1), Const("externref", 2)]
    assert command.expected == [Const("anyref", 3), Const("nullref", None), RefPattern("struct")]


HOST = """
(module
  (type $s (struct (field i32)))
  (import "env" "pass" (func $pass (param anyref) (result anyref)))
  (func (export "roundtrip_struct") (result i32)
    (struct.get $s 0 (ref.cast (ref $s) (call $pass (struct.new $s (i32.const 9))))))
  (func (export "roundtrip_i31") (result i32)
    (i31.get_u (ref.cast (ref i31) (call $pass (ref.i31 (i32.const 77))))))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_host_functions_see_and_return_gc_values(tier):
    from pywasm_core import Func, FuncType
    from pywasm_core.types import RefType
    anyref = RefType(True, "any")
    seen = []
    eng = Engine(Config(features=WASM3, tier=tier))
    store = Store(eng)

    def passthrough(v):
        seen.append(v)
        return v
    f = Func(store, FuncType([anyref], [anyref]), passthrough)
    _, ex, _ = run(HOST, tier, imports=[f], store=store)
    assert ex["roundtrip_struct"](store) == 9
    assert ex["roundtrip_i31"](store) == 77
    assert isinstance(seen[0], Struct) and seen[1] == I31(77)


def _subtype_forest(parents):
    """A module with struct types $t0..$tn-1 ($ti declares $t{parents[i]} as its supertype and
    adds i + 1 fields, so no two types are the same), a constructor per type and a ref.test for
    every target type."""
    types = []
    counts = []
    for i, p in enumerate(parents):
        counts.append((counts[p] if p is not None else 0) + i + 1)
        fields = " ".join("(field i8)" for _ in range(counts[i]))
        sup = f" $t{p}" if p is not None else ""
        types.append(f"(type $t{i} (sub{sup} (struct {fields})))")
    n = len(parents)
    funcs = [f'(func (export "new{i}") (result anyref) (struct.new_default $t{i}))'
             for i in range(n)]
    funcs += [f'(func (export "is{j}") (param anyref) (result i32) '
              f'(ref.test (ref $t{j}) (local.get 0)))' for j in range(n)]
    return "(module " + " ".join(types + funcs) + ")"


@pytest.mark.parametrize("tier", TIERS)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_ref_test_matches_the_declared_subtype_relation(tier, data):
    n = data.draw(st.integers(1, 6))
    parents = [None]
    for i in range(1, n):
        parents.append(data.draw(st.one_of(st.none(), st.integers(0, i - 1))))
    store, ex, _ = run(_subtype_forest(parents), tier)
    for i in range(n):
        value = ex[f"new{i}"](store)
        ancestors = {i}
        k = i
        while parents[k] is not None:
            k = parents[k]
            ancestors.add(k)
        for j in range(n):
            assert ex[f"is{j}"](store, value) == (1 if j in ancestors else 0), (parents, i, j)


FUEL = """
(module
  (type $s (struct (field i32)))
  (func (export "f") (param anyref) (result i32)
    (block $l (result (ref $s))
      (br_on_cast $l anyref (ref $s) (local.get 0))
      (drop)
      (return (i32.const -1)))
    (struct.get $s 0))
  (func (export "mk") (result anyref) (struct.new $s (i32.const 5)))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_fuel_charges_one_unit_per_gc_instruction(tier):
    store, ex, _ = run(FUEL, tier)
    s = ex["mk"](store)
    store.set_fuel(1000)
    assert ex["f"](store, s) == 5
    # local.get, br_on_cast (taken), struct.get, the function's final `end` (the block's is free)
    assert store.get_fuel() == 1000 - 4
    assert ex["f"](store, None) == -1
    # local.get, br_on_cast (not taken), drop, i32.const, return
    assert store.get_fuel() == 1000 - 4 - 5


WIDE = """
(module
  (type $i32 (array (mut i32)))
  (type $i64 (array (mut i64)))
  (type $f64 (array (mut f64)))
  (type $v (array (mut v128)))
  (data $d "\\01\\02\\03\\04\\05\\06\\07\\08\\09\\0a\\0b\\0c\\0d\\0e\\0f\\10\\01\\00\\00\\00\\00\\00\\f4\\7f")
  (func (export "i32") (param i32) (result i32)
    (array.get $i32 (array.new_data $i32 $d (i32.const 1) (i32.const 4)) (local.get 0)))
  (func (export "i64") (param i32) (result i64)
    (array.get $i64 (array.new_data $i64 $d (i32.const 0) (i32.const 3)) (local.get 0)))
  (func (export "f64") (result i64)
    (i64.reinterpret_f64 (array.get $f64 (array.new_data $f64 $d (i32.const 16) (i32.const 1))
                                         (i32.const 0))))
  (func (export "v") (result v128)
    (array.get $v (array.new_data $v $d (i32.const 0) (i32.const 1)) (i32.const 0)))
  (func (export "init64") (result i64)
    (local $a (ref $i64))
    (local.set $a (array.new_default $i64 (i32.const 3)))
    (array.init_data $i64 $d (local.get $a) (i32.const 2) (i32.const 8) (i32.const 1))
    (array.get $i64 (local.get $a) (i32.const 2)))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_array_new_data_reads_every_storage_type_little_endian(tier):
    store, ex, module = run(WIDE, tier)
    raw = bytes(range(1, 17)) + bytes([1, 0, 0, 0, 0, 0, 0xF4, 0x7F])
    for i in range(4):
        assert ex["i32"](store, i) == int.from_bytes(raw[1 + 4 * i:5 + 4 * i], "little")
    for i in range(3):
        want = int.from_bytes(raw[8 * i:8 * i + 8], "little")
        assert ex["i64"](store, i) == want - (1 << 64 if want >> 63 else 0)
    assert ex["f64"](store) == 0x7FF4000000000001      # a signalling NaN keeps its payload
    assert ex["v"](store) == int.from_bytes(raw[:16], "little")
    want = int.from_bytes(raw[8:16], "little")
    assert ex["init64"](store) == want - (1 << 64 if want >> 63 else 0)


@pytest.mark.parametrize("tier", TIERS)
def test_gc_objects_are_reclaimed_by_python(tier):
    import gc as python_gc
    import weakref
    store, ex, _ = run(STRUCTS, tier)
    s = ex["make"](store, 1, 2, 3, 4.0)
    ex["set_e"](store, s, s)                            # a cycle through a field
    ref = weakref.ref(s)
    del s
    python_gc.collect()
    assert ref() is None


@pytest.mark.parametrize("tier", TIERS)
def test_an_externalized_value_passed_as_anyref_is_the_internal_value(tier):
    store, ex, _ = run(EXTERN, tier)
    out = ex["i31_out"](store, 9)                       # extern.convert_any (ref.i31 9)
    assert ex["externalize"](store, out) == out         # internalized back to the i31 first
    assert isinstance(ex["externalize"](store, out), Externalized)
    store2, api, _ = run(API, tier)
    assert api["eq"](store2, api["id"](store2, I31(4)), I31(4)) == 1


TYPED_SLOTS = """
(module
  (type $s (struct (field i32)))
  (type $t (struct (field f64)))
  (table (export "tab") 1 (ref null $s))
  (global (export "g") (mut (ref null $s)) (ref.null $s))
  (func (export "s") (result (ref $s)) (struct.new $s (i32.const 1)))
  (func (export "t") (result (ref $t)) (struct.new $t (f64.const 1)))
  (func (export "read") (result i32) (struct.get $s 0 (table.get (i32.const 0))))
  (func (export "field") (param (ref null $s)) (result i32) (struct.get $s 0 (local.get 0)))
)
"""


def test_api_writes_into_defined_type_slots_are_type_checked():
    store, ex, _ = run(TYPED_SLOTS, "fast")
    s, t = ex["s"](store), ex["t"](store)
    ex["tab"].set(store, 0, s)
    ex["g"].set_value(store, s)
    assert ex["read"](store) == 1 and ex["g"].value(store) is s
    with pytest.raises(TypeError):
        ex["tab"].set(store, 0, t)
    with pytest.raises(TypeError):
        ex["tab"].grow(store, 1, t)
    with pytest.raises(TypeError):
        ex["g"].set_value(store, t)
    with pytest.raises(TypeError):
        ex["g"].set_value(store, I31(1))
    assert ex["read"](store) == 1                       # nothing was written


@pytest.mark.parametrize("tier", ["fast", "interp"])
def test_api_call_arguments_of_defined_types_are_type_checked(tier):
    """A struct of another type passed for a `(ref null $s)` parameter is a TypeError at the
    call, never a Python error from inside the engine."""
    store, ex, _ = run(TYPED_SLOTS, tier)
    s, t = ex["s"](store), ex["t"](store)
    assert ex["field"](store, s) == 1
    with pytest.raises(TypeError, match="expected a value of type"):
        ex["field"](store, t)
    with pytest.raises(TypeError):
        ex["field"](store, I31(3))
    with pytest.raises(TypeError):
        ex["field"](store, object())


TYPED = """
(module
  (type $ii (func (param i32) (result i32)))
  (type $box (struct (field (ref null $ii))))
  (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
  (elem declare func $inc)
  (func (export "via_box") (param i32 i32) (result i32)
    (local $b (ref null $box))
    (if (local.get 0) (then (local.set $b (struct.new $box (ref.func $inc)))))
    (block $none
      (return (call_ref $ii (local.get 1)
        (ref.as_non_null (struct.get $box 0 (br_on_null $none (local.get $b)))))))
    (i32.const -1))
  (func (export "null_call") (result i32)
    (call_ref $ii (i32.const 0) (ref.null $ii)))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_typed_reference_instructions_in_gc_code(tier):
    store, ex, module = run(TYPED, tier)
    assert ex["via_box"](store, 1, 41) == 42
    assert ex["via_box"](store, 0, 41) == -1
    trap = trap_of(ex["null_call"], store)
    assert trap.trap_code is TrapCode.NULL_REFERENCE and trap.message == "null function reference"
    if tier == "fast":
        assert compiled_everything(module)
