"""Calls: direct, indirect (with its three traps), host functions (several results, exceptions,
caller access), call-depth exhaustion without Python recursion, traps with wasm frames."""

import pytest
from exec_util import instantiate

from pywasm_core import (Config, Exhausted, Func, FuncType, Store, Engine, Trap, TrapCode,
                         ValType)

I32 = ValType.i32()

INDIRECT = """
(module
  (type $ii (func (param i32) (result i32)))
  (type $v (func))
  (table 4 funcref)
  (elem (i32.const 0) $double $nop)
  (func $double (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (func $nop (type $v))
  (func (export "call") (param i32 i32) (result i32)
    (call_indirect (type $ii) (local.get 1) (local.get 0)))
)
"""


def test_call_indirect_dispatch_and_traps():
    store, ex = instantiate(INDIRECT)
    call = ex["call"]
    assert call(store, 0, 21) == 42
    with pytest.raises(Trap) as info:
        call(store, 1, 0)
    assert info.value.trap_code is TrapCode.BAD_SIGNATURE
    assert info.value.message == "indirect call type mismatch"
    with pytest.raises(Trap) as info:
        call(store, 2, 0)
    assert info.value.trap_code is TrapCode.INDIRECT_CALL_TO_NULL
    assert info.value.message.startswith("uninitialized element")
    with pytest.raises(Trap) as info:
        call(store, 4, 0)
    assert info.value.trap_code is TrapCode.TABLE_OUT_OF_BOUNDS
    assert info.value.message.startswith("undefined element")
    with pytest.raises(Trap) as info:
        call(store, -1, 0)
    assert info.value.message.startswith("undefined element")


RECURSE = """
(module
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1)))))))
  (func $forever (export "forever") (call $forever))
)
"""


def test_deep_recursion_is_exact_and_bounded():
    store, ex = instantiate(RECURSE)
    assert ex["down"](store, 19000) == 19000        # deeper than Python's recursion limit
    with pytest.raises(Exhausted) as info:
        ex["down"](store, 100000)
    assert info.value.trap_code is TrapCode.STACK_OVERFLOW
    assert str(info.value).startswith("call stack exhausted")
    assert isinstance(info.value, Trap)
    assert ex["down"](store, 10) == 10               # the store is usable afterwards


def test_infinite_recursion_and_custom_depth():
    store, ex = instantiate(RECURSE, config=Config(max_call_depth=50))
    assert ex["down"](store, 49) == 49
    with pytest.raises(Exhausted):
        ex["down"](store, 50)
    with pytest.raises(Exhausted):
        ex["forever"](store)


HOST = """
(module
  (import "env" "pair" (func $pair (param i32) (result i64 i32)))
  (import "env" "boom" (func $boom (param i32)))
  (import "env" "reenter" (func $reenter (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "use_pair") (param i32) (result i64)
    (call $pair (local.get 0))
    (i64.extend_i32_u)
    (i64.add))
  (func $inner (export "inner") (param i32) (result i32)
    (if (local.get 0) (then (call $boom (local.get 0))))
    (i32.const 7))
  (func (export "outer") (param i32) (result i32)
    (call $reenter (local.get 0)))
)
"""


class Boom(Exception):
    pass


def host_imports(store, holder):
    pair = Func(store, FuncType([I32], [ValType.i64(), I32]), lambda x: (-1, x + 1))

    def boom(x):
        raise Boom(f"boom {x}")

    def reenter(caller, x):
        assert caller.get("memory") is not None
        return holder["inner"](store, x)

    return [pair, Func(store, FuncType([I32], []), boom),
            Func(store, FuncType([I32], [I32]), reenter, access_caller=True)]


def test_host_function_with_several_results():
    engine = Engine()
    store = Store(engine)
    holder = {}
    _, ex = instantiate(HOST, host_imports(store, holder), store=store)
    # pair(5) = (-1 as i64, 6); -1 + 6 wraps to 5
    assert ex["use_pair"](store, 5) == 5


def test_host_exception_propagates_unchanged_with_note():
    store = Store(Engine())
    holder = {}
    _, ex = instantiate(HOST, host_imports(store, holder), store=store)
    with pytest.raises(Boom) as info:
        ex["inner"](store, 3)
    assert str(info.value) == "boom 3"
    assert any("wasm backtrace" in note for note in info.value.__notes__)


def test_host_reentry_and_traps_through_host():
    store = Store(Engine())
    holder = {}
    _, ex = instantiate(HOST, host_imports(store, holder), store=store)
    holder.update(ex)
    assert ex["outer"](store, 0) == 7
    with pytest.raises(Boom):
        ex["outer"](store, 1)


TRAPS = """
(module
  (func $inner (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  (func $middle (param i32) (result i32) (call $inner (local.get 0)))
  (func (export "outer") (param i32) (result i32) (call $middle (local.get 0)))
  (func (export "unreachable") (unreachable))
)
"""


def test_trap_frames_innermost_first_with_names():
    store, ex = instantiate(TRAPS)
    assert ex["outer"](store, 1) == 1
    with pytest.raises(Trap) as info:
        ex["outer"](store, 0)
    trap = info.value
    assert trap.trap_code is TrapCode.INTEGER_DIVISION_BY_ZERO
    assert str(trap).startswith("integer divide by zero")
    names = [f.func_name for f in trap.frames]
    assert names == ["inner", "middle", None]
    assert [f.func_index for f in trap.frames] == [0, 1, 2]
    assert all(f.module_offset is not None and f.module_offset > 0 for f in trap.frames)
    assert trap.frames[0].func_offset > 0
    with pytest.raises(Trap) as info:
        ex["unreachable"](store)
    assert info.value.trap_code is TrapCode.UNREACHABLE
    assert str(info.value).startswith("unreachable")


def test_wrong_argument_types_are_python_errors():
    store, ex = instantiate(TRAPS)
    with pytest.raises(TypeError):
        ex["outer"](store)
    with pytest.raises(TypeError):
        ex["outer"](store, 1.5)
    with pytest.raises(ValueError):
        ex["outer"](store, 2**32)


PINGPONG = """
(module
  (import "env" "pong" (func $pong (param i32) (result i32)))
  (func (export "ping") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (call $pong (i32.sub (local.get 0) (i32.const 1))))))
)
"""


def test_deep_host_wasm_nesting_ends_in_exhausted():
    store = Store(Engine())
    holder = {}
    pong = Func(store, FuncType([I32], [I32]), lambda n: holder["ping"](store, n))
    _, ex = instantiate(PINGPONG, [pong], store=store)
    holder.update(ex)
    assert ex["ping"](store, 50) == 0
    with pytest.raises(Exhausted) as info:
        ex["ping"](store, 100000)
    assert info.value.trap_code is TrapCode.STACK_OVERFLOW
    assert ex["ping"](store, 50) == 0                # still usable
