"""Test helper: assemble inline WAT with wasm-tools and instantiate it in a fresh store."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from pywasm_core import Config, Engine, Instance, Module, Store


def wat2wasm(text: str) -> bytes:
    tool = os.path.join(os.path.dirname(sys.executable), "wasm-tools")
    if not os.path.exists(tool):
        tool = "wasm-tools"
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "m.wat")
        out = os.path.join(tmp, "m.wasm")
        with open(src, "w") as f:
            f.write(text)
        subprocess.run([tool, "parse", src, "-o", out], check=True, capture_output=True)
        with open(out, "rb") as f:
            return f.read()


def instantiate(text: str, imports=(), config: Config | None = None, store: Store | None = None):
    """-> (store, exports) for the module `text`."""
    engine = store.engine if store is not None else Engine(config or Config())
    store = store or Store(engine)
    module = Module(engine, wat2wasm(text))
    instance = Instance(store, module, list(imports))
    return store, instance.exports(store)


PAGE = 65536


class ThreeEngines:
    """One module on the fast tier, the interpreter and wasmtime, exporting its memory as "mem":
    `run` loads the same memory image into each, makes the same call and returns
    [(outcome, memory bytes)] for fast, interp, wasmtime (the numpy-path tests compare them)."""

    def __init__(self, wat: str, config: dict | None = None):
        import wasmtime
        wasm = wat2wasm(wat)
        self.pw = []
        for tier in ("fast", "interp"):
            engine = Engine(Config(tier=tier, **(config or {})))
            store = Store(engine)
            self.pw.append((store, Instance(store, Module(engine, wasm), []).exports(store)))
        self.wt_store = wasmtime.Store()
        inst = wasmtime.Instance(self.wt_store, wasmtime.Module(self.wt_store.engine, wasm), [])
        self.wt = inst.exports(self.wt_store)

    def run(self, memory: bytes, export: str, *args):
        import wasmtime

        from pywasm_core import Trap, TrapCode
        out = []
        for store, exports in self.pw:
            exports["mem"].write(store, memory, 0)
            try:
                exports[export](store, *args)
                outcome = "ok"
            except Trap as trap:
                outcome = ("trap", trap.trap_code)
            out.append((outcome, bytes(exports["mem"].read(store))))
        mem = self.wt["mem"]
        mem.write(self.wt_store, memory, 0)
        try:
            self.wt[export](self.wt_store, *args)
            outcome = "ok"
        except wasmtime.Trap as trap:
            text = str(trap)
            code = TrapCode.UNREACHABLE if "unreachable" in text else \
                TrapCode.MEMORY_OUT_OF_BOUNDS if "out of bounds" in text else text
            outcome = ("trap", code)
        out.append((outcome, bytes(mem.read(self.wt_store, 0, PAGE))))
        return out


def assert_same(results) -> None:
    """The three engines of `ThreeEngines.run` agree on the outcome and every memory byte."""
    fast, interp, wt = results
    assert fast[0] == interp[0] == wt[0]
    assert fast[1] == interp[1], "fast tier differs from the interpreter"
    assert fast[1] == wt[1], "fast tier differs from wasmtime"
