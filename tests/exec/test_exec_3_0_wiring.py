"""WebAssembly 3.0 execution, part 1: `Config.features` reaches the decoder, text parser and
validator; memory64, multi-memory data segments, extended constant expressions, table64 and
table initialisers run on both tiers."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pywasm_core import (Config, Engine, Instance, Module, Store, Trap, TrapCode, ValidationError,
                         WasmError)
from pywasm_core.errors import DecodeError
from pywasm_core.features import WASM2, WASM3
from pywasm_core.script.adapter import PywasmCoreAdapter

TIERS = ["fast", "interp"]


def run(text: str, tier: str = "fast", imports=()):
    engine = Engine(Config(features=WASM3, tier=tier))
    store = Store(engine)
    instance = Instance(store, Module(engine, text), list(imports))
    return store, instance.exports(store)


MEM64 = """
(module
  (memory (export "mem") i64 1 3)
  (data (i64.const 8) "\\2a\\00\\00\\00")
  (func (export "load") (param i64) (result i32) (i32.load (local.get 0)))
  (func (export "load_off") (param i64) (result i32) (i32.load offset=4 (local.get 0)))
  (func (export "store") (param i64 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "size") (result i64) (memory.size))
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
  (func (export "fill") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
)
"""


def test_default_engine_keeps_2_0_rules():
    assert Config().features is WASM2
    with pytest.raises(DecodeError):
        Module(Engine(), _binary(MEM64))
    with pytest.raises(ValidationError):
        Module(Engine(), MULTI)
    for source in (MEM64, _binary(MEM64), MULTI):
        Module(Engine(Config(features=WASM3)), source)
        Module.validate(Engine(Config(features=WASM3)), source)


def test_features_must_be_a_features_value():
    with pytest.raises(WasmError):
        Engine(Config(features="wasm3"))


def test_adapter_use_features_switches_engine():
    adapter = PywasmCoreAdapter()
    assert adapter.engine.config.features is WASM2
    adapter.use_features(WASM3)
    assert adapter.engine.config.features is WASM3
    assert adapter.compile(_binary(MEM64)) is not None


def _binary(text: str) -> bytes:
    from pywasm_core.binary.encode import encode_module
    from pywasm_core.text import parse_module
    return encode_module(parse_module(text, wasm3=True))


@pytest.mark.parametrize("tier", TIERS)
def test_memory64_access_and_bounds(tier):
    store, ex = run(MEM64, tier)
    assert ex["load"](store, 8) == 42
    assert ex["load_off"](store, 4) == 42
    ex["store"](store, 65528, -1)
    assert ex["load"](store, 65532) == -1
    for addr in (65533, 1 << 32, (1 << 63) + 8, -1):     # -1 is 2**64 - 1 as an i64
        with pytest.raises(Trap) as info:
            ex["load"](store, addr)
        assert info.value.trap_code is TrapCode.MEMORY_OUT_OF_BOUNDS
    with pytest.raises(Trap):
        ex["load_off"](store, -2)     # address + offset overflows 64 bits: still a trap
    with pytest.raises(Trap):
        ex["store"](store, -8, 1)
    with pytest.raises(Trap):
        ex["fill"](store, 1 << 62, 0, 1 << 62)


@pytest.mark.parametrize("tier", TIERS)
def test_memory64_size_and_grow_are_i64(tier):
    store, ex = run(MEM64, tier)
    assert ex["size"](store) == 1
    assert ex["grow"](store, 1) == 1
    assert ex["grow"](store, 5) == -1          # past the maximum: -1 as an i64
    assert ex["grow"](store, 1 << 62) == -1
    assert ex["size"](store) == 2
    assert ex["mem"].type(store).is_64


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.integers(min_value=0, max_value=70000),
                 st.integers(min_value=0, max_value=(1 << 64) - 1)))
def test_memory64_any_address_loads_or_traps(addr):
    store, ex = run(MEM64, "interp")
    signed = addr - (1 << 64) if addr >> 63 else addr
    if addr + 4 <= 65536:
        model = bytearray(65536)
        model[8] = 42                       # the data segment
        assert ex["load"](store, signed) == int.from_bytes(model[addr:addr + 4], "little",
                                                           signed=True)
    else:
        with pytest.raises(Trap):
            ex["load"](store, signed)


MULTI = """
(module
  (memory $a 1)
  (memory $b i64 1)
  (data (memory $b) (i64.const 16) "hello")
  (data (memory $a) (i32.const 0) "abc")
  (func (export "copy") (memory.copy $a $b (i32.const 100) (i64.const 16) (i32.const 5)))
  (func (export "a") (param i32) (result i32) (i32.load8_u $a (local.get 0)))
  (func (export "b") (param i64) (result i32) (i32.load8_u $b (local.get 0)))
  (func (export "size_b") (result i64) (memory.size $b))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_multi_memory_segments_and_copy_between_memories(tier):
    store, ex = run(MULTI, tier)
    assert ex["a"](store, 0) == ord("a")
    assert ex["b"](store, 16) == ord("h")
    assert ex["a"](store, 100) == 0
    ex["copy"](store)
    assert bytes(ord(c) for c in "hello") == bytes(ex["a"](store, 100 + i) for i in range(5))
    assert ex["size_b"](store) == 1


def test_multi_memory_imports_and_exports():
    engine = Engine(Config(features=WASM3))
    store = Store(engine)
    provider = Instance(store, Module(engine, """
        (module (memory (export "m1") 1) (memory (export "m2") 2)
          (data (memory 1) (i32.const 3) "\\07"))"""), [])
    m1, m2 = provider.exports(store)["m1"], provider.exports(store)["m2"]
    user = Instance(store, Module(engine, """
        (module (import "p" "m1" (memory 1)) (import "p" "m2" (memory 2))
          (func (export "get") (result i32) (i32.load8_u 1 (i32.const 3))))"""), [m1, m2])
    assert user.exports(store)["get"](store) == 7
    assert m2.size(store) == 2 and m1.size(store) == 1


EXTENDED = """
(module
  (global $base (import "env" "base") i32)
  (global $k i32 (i32.const 10))
  (global $sum (export "sum") i32 (i32.add (global.get $base) (i32.mul (global.get $k) (i32.const 3))))
  (global $big (export "big") i64 (i64.sub (i64.const 0) (i64.const 1)))
  (memory 1)
  (data (i32.sub (global.get $sum) (i32.const 1)) "\\09")
  (table 8 funcref)
  (elem (i32.add (global.get $k) (i32.const -9)) $f)
  (func $f (result i32) (i32.const 5))
  (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "call") (param i32) (result i32) (call_indirect (result i32) (local.get 0)))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_extended_constant_expressions(tier):
    from pywasm_core import Global, GlobalType, ValType
    engine = Engine(Config(features=WASM3, tier=tier))
    store = Store(engine)
    base = Global(store, GlobalType(ValType.i32(), False), 12)
    ex = Instance(store, Module(engine, EXTENDED), [base]).exports(store)
    assert ex["sum"].value(store) == 42
    assert ex["big"].value(store) == -1
    assert ex["byte"](store, 41) == 9
    assert ex["call"](store, 1) == 5


TABLE64 = """
(module
  (table $t (export "t") i64 4 10 funcref (ref.func $seven))
  (table $u 2 (ref func) (ref.func $seven))
  (func $seven (result i32) (i32.const 7))
  (func (export "call") (param i64) (result i32) (call_indirect $t (result i32) (local.get 0)))
  (func (export "call_u") (param i32) (result i32) (call_indirect $u (result i32) (local.get 0)))
  (func (export "size") (result i64) (table.size $t))
  (func (export "grow") (param i64) (result i64) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "is_null") (param i64) (result i32) (ref.is_null (table.get $t (local.get 0))))
)
"""


@pytest.mark.parametrize("tier", TIERS)
def test_table64_and_table_initialisers(tier):
    store, ex = run(TABLE64, tier)
    assert [ex["call"](store, i) for i in range(4)] == [7] * 4
    assert ex["call_u"](store, 1) == 7
    assert ex["size"](store) == 4
    assert ex["grow"](store, 2) == 4
    assert ex["grow"](store, 100) == -1
    assert ex["is_null"](store, 5) == 1 and ex["is_null"](store, 0) == 0
    for index in (6, 1 << 40, -1):
        with pytest.raises(Trap) as info:
            ex["call"](store, index)
        assert info.value.trap_code is TrapCode.TABLE_OUT_OF_BOUNDS
    assert ex["t"].type(store).is_64


def test_spectest_has_table64_only_under_3_0():
    from pywasm_core.script.spectest import spectest_imports
    assert "table64" not in spectest_imports(Store(Engine()))
    store = Store(Engine(Config(features=WASM3)))
    table = spectest_imports(store)["table64"]
    assert table.type(store).is_64 and table.size(store) == 10
