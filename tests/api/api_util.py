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
