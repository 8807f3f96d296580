"""Link a WasiHost into an engine and run a command module's `_start`.

`link_pywasm_core` / `link_wasmtime` define every preview1 function on the engine's Linker;
`run_wasi` instantiates, runs and turns `proc_exit` into the returned exit code."""

from __future__ import annotations

import os

from ..errors import Exhausted, ExitTrap, Trap, TrapCode, WasmError
from .config import WasiConfig
from .host import WasiHost

MODULE = "wasi_snapshot_preview1"
ENGINES = ("pywasm_core", "wasmtime")


def link_pywasm_core(linker, host: WasiHost) -> None:
    from ..types import FuncType, ValType
    kinds = {"i32": ValType.i32(), "i64": ValType.i64()}
    for name, params, results, fn in host.functions():
        ty = FuncType([kinds[p] for p in params], [kinds[r] for r in results])
        linker.define_func(MODULE, name, ty, fn, access_caller=True)


def link_wasmtime(linker, host: WasiHost) -> None:
    import wasmtime
    kinds = {"i32": wasmtime.ValType.i32(), "i64": wasmtime.ValType.i64()}
    for name, params, results, fn in host.functions():
        ty = wasmtime.FuncType([kinds[p] for p in params], [kinds[r] for r in results])
        linker.define_func(MODULE, name, ty, fn, access_caller=True)


def _load(module_path_or_bytes) -> bytes | str:
    """The module: binary bytes as given, or the text of a .wat (both engines parse text)."""
    if isinstance(module_path_or_bytes, str) and module_path_or_bytes.lstrip().startswith("("):
        return module_path_or_bytes
    if isinstance(module_path_or_bytes, (bytes, bytearray, memoryview)):
        data = bytes(module_path_or_bytes)
    else:
        with open(os.fspath(module_path_or_bytes), "rb") as f:
            data = f.read()
    if not data.startswith(b"\0asm"):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return data                    # not text either: let the decoder report it
        if text.lstrip().startswith("("):
            return text
    return data


def run_wasi(module_path_or_bytes, config: WasiConfig, engine: str = "pywasm_core",
             fuel: int | None = None, max_memory: int | None = None) -> int:
    """Run a WASI command (.wasm bytes/path, or .wat text/path): 0 when `_start` returns, the
    `proc_exit` code otherwise.

    Traps (including fuel exhaustion: `Exhausted`, "all fuel consumed") propagate as
    pywasm_core errors whichever engine runs the module."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    wasm = _load(module_path_or_bytes)
    host = WasiHost(config)
    try:
        if engine == "pywasm_core":
            return _run_pywasm_core(wasm, host, fuel, max_memory)
        return _run_wasmtime(wasm, host, fuel, max_memory)
    finally:
        host.close()


def _run_pywasm_core(wasm: bytes, host: WasiHost, fuel, max_memory) -> int:
    from .. import Config, Engine, Linker, Module, Store
    engine = Engine(Config(consume_fuel=fuel is not None))
    store = Store(engine)
    if fuel is not None:
        store.set_fuel(fuel)
    if max_memory is not None:
        store.set_limits(memory_size=max_memory)
    module = Module(engine, wasm)
    linker = Linker(engine)
    link_pywasm_core(linker, host)
    try:
        instance = linker.instantiate(store, module)
        start = instance.exports(store).get("_start") if hasattr(
            instance.exports(store), "get") else instance.exports(store)["_start"]
        if start is None:
            raise WasmError("not a WASI command: the module exports no `_start` function")
        start(store)
    except ExitTrap as exc:
        return exc.code
    return 0


def _run_wasmtime(wasm: bytes, host: WasiHost, fuel, max_memory) -> int:
    import wasmtime
    config = wasmtime.Config()
    if fuel is not None:
        config.consume_fuel = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    if fuel is not None:
        store.set_fuel(fuel)
    if max_memory is not None:
        store.set_limits(memory_size=max_memory)
    linker = wasmtime.Linker(engine)
    link_wasmtime(linker, host)
    try:
        module = wasmtime.Module(engine, wasm)
        instance = linker.instantiate(store, module)
        start = instance.exports(store).get("_start")
        if start is None:
            raise WasmError("not a WASI command: the module exports no `_start` function")
        start(store)
    except ExitTrap as exc:
        return exc.code
    except wasmtime.Trap as exc:
        code = exc.trap_code
        if code is not None and code.name == "OUT_OF_FUEL":
            raise Exhausted(TrapCode.OUT_OF_FUEL) from None
        if code is not None and code.name in TrapCode.__members__:
            raise Trap(TrapCode[code.name]) from None     # our (testsuite) wording for the code
        lines = [line.strip() for line in (exc.message or "").splitlines() if line.strip()]
        raise Trap(TrapCode.UNREACHABLE, lines[-1] if lines else None) from None
    except wasmtime.WasmtimeError as exc:
        raise WasmError(str(exc).splitlines()[0]) from None
    return 0
