"""Run a WASI program under wasmtime-py's own WASI implementation (the reference for the
differential tests): returns (exit code, stdout bytes, stderr bytes)."""

from __future__ import annotations

import os
import tempfile

import wasmtime


def run_reference(wasm_path, argv, env=(), dirs=(), stdin: bytes = b"") -> tuple[int, bytes, bytes]:
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    with tempfile.TemporaryDirectory(prefix="wasi-ref-") as scratch:
        out_path = os.path.join(scratch, "stdout")
        err_path = os.path.join(scratch, "stderr")
        in_path = os.path.join(scratch, "stdin")
        with open(in_path, "wb") as f:
            f.write(stdin)
        config = wasmtime.WasiConfig()
        config.argv = list(argv)
        config.env = list(env)
        config.stdin_file = in_path
        config.stdout_file = out_path
        config.stderr_file = err_path
        for host, guest in dirs:
            config.preopen_dir(str(host), guest)
        store.set_wasi(config)
        module = wasmtime.Module.from_file(engine, str(wasm_path))
        instance = linker.instantiate(store, module)
        try:
            instance.exports(store)["_start"](store)
            code = 0
        except wasmtime.ExitTrap as exc:
            code = exc.code
        with open(out_path, "rb") as f:
            out = f.read()
        with open(err_path, "rb") as f:
            err = f.read()
    return code, out, err
