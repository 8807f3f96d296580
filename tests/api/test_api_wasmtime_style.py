"""Scripts written for wasmtime-py run after changing the import (the README-style examples)."""

import pywasm_core as wasmtime                      # the point: same names, same calls


def test_hello_example(capsys):
    store = wasmtime.Store()
    module = wasmtime.Module(store.engine, """
      (module
        (func $hello (import "" "hello"))
        (func (export "run") (call $hello)))
    """)

    def say_hello():
        print("Hello from Python!")

    hello = wasmtime.Func(store, wasmtime.FuncType([], []), say_hello)
    instance = wasmtime.Instance(store, module, [hello])
    run = instance.exports(store)["run"]
    run(store)
    assert capsys.readouterr().out == "Hello from Python!\n"


def test_gcd_and_memory_example():
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    linker.define_func("env", "double", wasmtime.FuncType([wasmtime.ValType.i32()],
                                                          [wasmtime.ValType.i32()]),
                       lambda x: x * 2)
    module = wasmtime.Module(engine, """
      (module
        (import "env" "double" (func $double (param i32) (result i32)))
        (memory (export "memory") 1)
        (func $gcd (export "gcd") (param i32 i32) (result i32)
          (local i32)
          block
            block
              local.get 0
              br_if 0
              local.get 1
              local.set 2
              br 1
            end
            loop
              local.get 1
              local.get 0
              local.tee 2
              i32.rem_u
              local.set 0
              local.get 2
              local.set 1
              local.get 0
              br_if 0
            end
          end
          local.get 2)
        (func (export "store_double") (param i32 i32)
          (i32.store (local.get 0) (call $double (local.get 1)))))
    """)
    instance = linker.instantiate(store, module)
    exports = instance.exports(store)
    assert exports["gcd"](store, 6, 27) == 3
    exports["store_double"](store, 16, 21)
    memory = exports["memory"]
    assert memory.read(store, 16, 20) == (42).to_bytes(4, "little")
    assert memory.data_len(store) == 65536
    assert memory.grow(store, 1) == 1
    assert memory.size(store) == 2
