"""Linker: define, define_func, define_instance, instantiate, unknown/incompatible imports."""

import pytest
from api_util import wat2wasm

from pywasm_core import (Engine, FuncType, Global, GlobalType, LinkError, Linker, Module, Store,
                         ValType, WasmError)

I32 = ValType.i32()

LIB = """
(module
  (memory (export "mem") 1)
  (func (export "twice") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
)
"""
APP = """
(module
  (import "lib" "twice" (func $twice (param i32) (result i32)))
  (import "lib" "mem" (memory 1))
  (import "env" "log" (func $log (param i32)))
  (import "env" "base" (global i32))
  (func (export "run") (param i32) (result i32)
    (call $log (local.get 0))
    (i32.add (global.get 0) (call $twice (local.get 0))))
)
"""


def test_linking_two_modules_and_host_functions():
    engine = Engine()
    store = Store(engine)
    linker = Linker(engine)
    lib = linker.instantiate(store, Module(engine, wat2wasm(LIB)))
    linker.define_instance(store, "lib", lib)
    logged = []
    linker.define_func("env", "log", FuncType([I32], []), logged.append)
    linker.define(store, "env", "base", Global(store, GlobalType(I32, False), 100))
    app = linker.instantiate(store, Module(engine, wat2wasm(APP)))
    assert app.exports(store)["run"](store, 21) == 142
    assert logged == [21]
    assert linker.get(store, "lib", "twice") is lib.exports(store)["twice"]


def test_unknown_and_incompatible_imports():
    engine = Engine()
    store = Store(engine)
    linker = Linker(engine)
    module = Module(engine, wat2wasm(APP))
    with pytest.raises(LinkError) as info:
        linker.instantiate(store, module)
    assert str(info.value).startswith("unknown import")
    linker.define_func("lib", "twice", FuncType([I32], []), lambda x: None)
    linker.define_module(store, "other", Module(engine, wat2wasm(LIB)))
    linker.define(store, "lib", "mem", linker.get(store, "other", "mem"))
    linker.define_func("env", "log", FuncType([I32], []), lambda x: None)
    linker.define(store, "env", "base", Global(store, GlobalType(I32, False), 1))
    with pytest.raises(LinkError) as info:
        linker.instantiate(store, module)
    assert str(info.value).startswith("incompatible import type")


def test_shadowing():
    engine = Engine()
    store = Store(engine)
    linker = Linker(engine)
    linker.define_func("env", "f", FuncType([], []), lambda: None)
    with pytest.raises(WasmError):
        linker.define_func("env", "f", FuncType([], []), lambda: None)
    linker.allow_shadowing = True
    linker.define_func("env", "f", FuncType([], [I32]), lambda: 1)
    assert linker.get(store, "env", "f")(store) == 1
