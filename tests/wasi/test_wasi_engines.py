"""`run_wasi` on both engines with small hand-written guests: exit codes, stdout, and the limits
that stop runaway guests (fuel, memory, output)."""

from __future__ import annotations

import pytest
import wasmtime

from pywasm_core.errors import Exhausted, Trap, TrapCode, WasmError
from pywasm_core.wasi import WasiConfig, run_wasi

ENGINES = ["pywasm_core", "wasmtime"]

PRELUDE = """
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1 100)
"""


def guest(body: str, data: str = "") -> bytes:
    return wasmtime.wat2wasm(f"(module {PRELUDE} {data} {body})")


HELLO = guest("""
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))""",
              '(data (i32.const 16) "hello\\n")')

EXIT_7 = guest('(func (export "_start") (call $proc_exit (i32.const 7)) unreachable)')

SPIN = guest('(func (export "_start") (loop $l (br $l)))')

FLOOD = guest("""
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 1000))
    (loop $l (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
             (br $l)))""")

# Grows memory one page at a time until memory.grow fails, then exits with the page count.
GROW = guest("""
  (func (export "_start")
    (loop $l (if (i32.ne (memory.grow (i32.const 1)) (i32.const -1)) (then (br $l))))
    (call $proc_exit (memory.size)))""")

BAD_POINTER = guest("""
  (func (export "_start")
    (call $proc_exit (call $fd_write (i32.const 1) (i32.const 65532) (i32.const 1) (i32.const 8))))""")


def captured(**settings):
    config = WasiConfig()
    for key, value in settings.items():
        setattr(config, key, value)
    return config, config.capture_stdout()


@pytest.mark.parametrize("engine", ENGINES)
def test_hello_and_exit_codes(engine):
    config, out = captured()
    assert run_wasi(HELLO, config, engine=engine) == 0
    assert out.getvalue() == b"hello\n"
    assert run_wasi(EXIT_7, WasiConfig(), engine=engine) == 7


@pytest.mark.parametrize("engine", ENGINES)
def test_bad_guest_pointer_is_efault(engine):
    assert run_wasi(BAD_POINTER, WasiConfig(), engine=engine) == 21       # FAULT


@pytest.mark.parametrize("engine", ENGINES)
def test_fuel_stops_a_spinning_guest(engine):
    with pytest.raises(Exhausted) as info:
        run_wasi(SPIN, WasiConfig(), engine=engine, fuel=10_000)
    assert info.value.trap_code == TrapCode.OUT_OF_FUEL
    assert info.value.message == "all fuel consumed"


@pytest.mark.parametrize("engine", ENGINES)
def test_fuel_is_enough_for_small_programs(engine):
    config, out = captured()
    assert run_wasi(HELLO, config, engine=engine, fuel=10_000) == 0
    assert out.getvalue() == b"hello\n"


@pytest.mark.parametrize("engine", ENGINES)
def test_output_limit_stops_a_flooding_guest(engine):
    config, out = captured(max_output=5_500)
    with pytest.raises(Trap) as info:
        run_wasi(FLOOD, config, engine=engine)
    assert info.value.trap_code == TrapCode.RESOURCE_LIMIT
    assert info.value.message.startswith("resource limit exceeded")
    assert len(out.getvalue()) == 5_000


@pytest.mark.parametrize("engine", ENGINES)
def test_memory_limit(engine):
    assert run_wasi(GROW, WasiConfig(), engine=engine, max_memory=4 * 65536) == 4
    assert run_wasi(GROW, WasiConfig(), engine=engine) == 100


@pytest.mark.parametrize("engine", ENGINES)
def test_not_a_command(engine):
    reactor = wasmtime.wat2wasm('(module (memory (export "memory") 1) (func (export "f")))')
    with pytest.raises(WasmError, match="no `_start`"):
        run_wasi(reactor, WasiConfig(), engine=engine)


def test_unknown_engine():
    with pytest.raises(ValueError):
        run_wasi(HELLO, WasiConfig(), engine="v8")


def test_run_from_path(tmp_path):
    path = tmp_path / "hello.wasm"
    path.write_bytes(HELLO)
    config, out = captured()
    assert run_wasi(path, config) == 0 and out.getvalue() == b"hello\n"


HELLO_WAT = f"""(module {PRELUDE}
  (data (i32.const 16) "hi\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 3))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"""


@pytest.mark.parametrize("engine", ENGINES)
def test_text_modules(tmp_path, engine):
    path = tmp_path / "hi.wat"
    path.write_text(HELLO_WAT)
    for source in (HELLO_WAT, path):
        config, out = captured()
        assert run_wasi(source, config, engine=engine) == 0
        assert out.getvalue() == b"hi\n"
