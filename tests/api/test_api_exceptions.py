"""The embedding API of exception handling (3.0): `Tag` / `TagType` (wasmtime-py's names and
shapes), tags as imports and exports, and `WasmException`, how wasm exceptions reach Python and
how Python code throws them into wasm."""

import pytest

import pywasm_core
from pywasm_core import (Config, Engine, ExportType, Func, FuncType, ImportType, Instance,
                         LinkError, Linker, Module, Store, Tag, TagType, Trap, ValType, WasmError,
                         WasmException)
from pywasm_core.features import WASM3

I32, I64, F32 = ValType.i32(), ValType.i64(), ValType.f32()


def engine(tier="fast"):
    return Engine(Config(features=WASM3, tier=tier))


def test_names_are_exported():
    for name in ("Tag", "TagType", "WasmException"):
        assert name in pywasm_core.__all__
        assert getattr(pywasm_core, name) is not None
    assert issubclass(WasmException, WasmError) and not issubclass(WasmException, Trap)


def test_tag_and_tag_type():
    store = Store(engine())
    ft = FuncType([I32, F32], [])
    tag = Tag(store, TagType(ft))
    assert tag.type(store).functype == ft
    assert tag.type(store) == TagType(ft)
    assert tag.eq(store, tag)
    assert not tag.eq(store, Tag(store, TagType(ft)))      # identity, not type
    with pytest.raises(TypeError):
        Tag(store, ft)                                       # a TagType is required
    with pytest.raises(TypeError):
        Tag(store, TagType(FuncType([], [I32])))             # no results
    assert "i32" in str(TagType(ft))


MOD = """
(module
  (import "env" "t" (tag $t (param i32)))
  (tag $own (export "own") (param i64))
  (export "t" (tag $t))
  (func (export "throw-own") (param i64) (throw $own (local.get 0)))
  (func (export "catch") (param funcref) (result i32) (i32.const 0))
)
"""


def test_tags_in_module_imports_exports_and_instances():
    eng = engine()
    store = Store(eng)
    module = Module(eng, MOD)
    assert module.imports[0] == ImportType("env", "t", module.imports[0].type)
    assert module.imports[0].type.functype == FuncType([I32], [])
    exports = {e.name: e.type for e in module.exports}
    assert isinstance(exports["own"], TagType) and exports["own"].functype == FuncType([I64], [])
    assert exports["t"] == module.imports[0].type == TagType(FuncType([I32], []))
    assert isinstance(module.exports[0], ExportType)
    tag = Tag(store, TagType(FuncType([I32], [])))
    inst = Instance(store, module, [tag])
    ex = inst.exports(store)
    assert ex["t"] is tag                                  # an imported tag is re-exported as is
    assert isinstance(ex["own"], Tag) and ex["own"].type(store) == exports["own"]
    other = Instance(store, module, [tag]).exports(store)
    assert other["own"] is not ex["own"]                   # a new tag per instance
    with pytest.raises(WasmException) as info:
        ex["throw-own"](store, -3)
    assert info.value.tag is ex["own"] and info.value.payload == (-3,)
    assert info.value.values == [2**64 - 3]


def test_tag_import_type_checks():
    eng = engine()
    store = Store(eng)
    module = Module(eng, MOD)
    with pytest.raises(LinkError, match="incompatible import type"):
        Instance(store, module, [Tag(store, TagType(FuncType([I64], [])))])
    with pytest.raises(LinkError, match="incompatible import type"):
        Instance(store, module, [Func(store, FuncType([I32], []), lambda x: None)])
    linker = Linker(eng)
    linker.define(store, "env", "t", Tag(store, TagType(FuncType([F32], []))))
    with pytest.raises(LinkError, match="incompatible import type"):
        linker.instantiate(store, module)
    linker = Linker(eng)
    with pytest.raises(LinkError, match="unknown import"):
        linker.instantiate(store, module)


def test_linker_define_and_define_instance_with_tags():
    eng = engine()
    store = Store(eng)
    linker = Linker(eng)
    tag = Tag(store, TagType(FuncType([I32], [])))
    linker.define(store, "env", "t", tag)
    inst = linker.instantiate(store, Module(eng, MOD))
    linker.define_instance(store, "m", inst)
    assert linker.get(store, "m", "t") is tag
    assert isinstance(linker.get(store, "m", "own"), Tag)


@pytest.mark.parametrize("tier", ["fast", "interp"])
def test_python_throws_into_wasm_and_catches_from_wasm(tier):
    eng = engine(tier)
    store = Store(eng)
    tag = Tag(store, TagType(FuncType([I32, I64], [])))
    seen = []

    def host(x):
        seen.append(x)
        raise WasmException(tag, [x, -x])          # API values: signed ints accepted

    text = """
    (module
      (import "env" "t" (tag $t (param i32 i64)))
      (import "env" "host" (func $host (param i32)))
      (func (export "run") (param i32) (result i64)
        (local $b i64)
        (block $h (result i32 i64)
          (try_table (catch $t $h) (call $host (local.get 0)))
          (unreachable))
        (local.set $b)
        (i64.add (i64.extend_i32_s) (local.get $b)))
      (func (export "pass") (param i32) (call $host (local.get 0))))"""
    inst = Instance(store, Module(eng, text), [tag, Func(store, FuncType([I32], []), host)])
    ex = inst.exports(store)
    assert ex["run"](store, 5) == 0                 # 5 + -5
    with pytest.raises(WasmException) as info:      # uncaught: back to Python unchanged
        ex["pass"](store, -2)
    assert info.value.tag is tag and info.value.payload == (-2, 2)
    assert seen == [5, -2]


def test_wasm_exception_constructor_checks_the_payload():
    store = Store(engine())
    tag = Tag(store, TagType(FuncType([I32], [])))
    with pytest.raises(TypeError):
        WasmException(tag, [])                       # wrong count
    with pytest.raises(TypeError):
        WasmException(tag, ["x"])                    # wrong type
    with pytest.raises(ValueError):
        WasmException(tag, [2**40])                  # out of range
    with pytest.raises(TypeError):
        WasmException("not a tag", [])
    exn = WasmException(tag, [2**32 - 1])
    assert exn.payload == (-1,) and exn.values == [2**32 - 1]
    assert "uncaught exception" in str(exn)


@pytest.mark.parametrize("tier", ["fast", "interp"])
def test_exnref_values_cross_the_api(tier):
    """An exnref result is the WasmException itself; passed back in, throw_ref rethrows it.
    Anything else is refused as an exnref argument."""
    eng = engine(tier)
    store = Store(eng)
    text = """
    (module
      (tag $t (param i32))
      (func (export "catch") (param i32) (result exnref)
        (block $h (result exnref)
          (try_table (catch_all_ref $h) (throw $t (local.get 0)))
          (unreachable)))
      (func (export "rethrow") (param exnref) (throw_ref (local.get 0))))"""
    ex = Instance(store, Module(eng, text), []).exports(store)
    exn = ex["catch"](store, 6)
    assert isinstance(exn, WasmException) and exn.payload == (6,)
    with pytest.raises(WasmException) as info:
        ex["rethrow"](store, exn)
    assert info.value is exn
    with pytest.raises(Trap, match="null exception reference"):
        ex["rethrow"](store, None)
    with pytest.raises(TypeError):
        ex["rethrow"](store, object())
