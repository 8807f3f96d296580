"""Tail calls (WebAssembly 3.0, engine side): `return_call` / `return_call_indirect` replace the
current frame, so a million-step tail recursion runs within the call-depth limit.  The decoder and
validator do not accept 3.0 yet, so the module is built as syntax and wrapped unvalidated."""

import pytest

from pywasm_core import (Config, Engine, Func, FuncType, Instance, Module, Store, Trap, TrapCode,
                         ValType)
from pywasm_core import syntax
from pywasm_core.opcodes import Op

pytestmark = pytest.mark.skipif(not hasattr(Op, "RETURN_CALL"), reason="no tail-call opcodes")

I32 = ValType.i32()
II_I = FuncType([I32, I32], [I32])


def ins(op, *imm):
    return syntax.Instr(op, tuple(imm))


def countdown(call):
    """if n == 0 then acc else tail-call(n - 1, acc + 1)"""
    return [
        ins(Op.LOCAL_GET, 0), ins(Op.I32_EQZ), ins(Op.IF, I32),
        ins(Op.LOCAL_GET, 1),
        ins(Op.ELSE),
        ins(Op.LOCAL_GET, 0), ins(Op.I32_CONST, 1), ins(Op.I32_SUB),
        ins(Op.LOCAL_GET, 1), ins(Op.I32_CONST, 1), ins(Op.I32_ADD),
        *call,
        ins(Op.END), ins(Op.END),
    ]


def build():
    m = syntax.Module()
    m.types = [II_I]
    m.imports = [syntax.Import("env", "host_add", 0)]
    m.funcs = [
        syntax.Func(0, [], countdown([ins(Op.RETURN_CALL, 1)])),                 # 1: direct
        syntax.Func(0, [], countdown([ins(Op.I32_CONST, 0),
                                      ins(Op.RETURN_CALL_INDIRECT, 0, 0)])),     # 2: indirect
        syntax.Func(0, [], [ins(Op.LOCAL_GET, 0), ins(Op.LOCAL_GET, 1),
                            ins(Op.RETURN_CALL, 0), ins(Op.END)]),              # 3: to host
        syntax.Func(0, [], [ins(Op.LOCAL_GET, 0), ins(Op.LOCAL_GET, 1),
                            ins(Op.I32_CONST, 1), ins(Op.RETURN_CALL_INDIRECT, 0, 0),
                            ins(Op.END)]),                                      # 4: null entry
    ]
    from pywasm_core.types import Limits, TableType
    m.tables = [TableType(ValType.funcref(), Limits(2, None))]
    m.elems = [syntax.Elem(ValType.funcref(), [[ins(Op.REF_FUNC, 2), ins(Op.END)]], "active", 0,
                           [ins(Op.I32_CONST, 0), ins(Op.END)])]
    m.exports = [syntax.Export(name, "func", i) for name, i in
                 (("direct", 1), ("indirect", 2), ("to_host", 3), ("to_null", 4))]
    return m


def setup(config=None):
    engine = Engine(config or Config(max_call_depth=100))
    store = Store(engine)
    module = Module.from_syntax(engine, build(), validate=False)
    host = Func(store, II_I, lambda a, b: a + b)
    return store, Instance(store, module, [host]).exports(store)


def test_tail_recursion_does_not_grow_the_stack():
    store, ex = setup()
    assert ex["direct"](store, 100000, 5) == 100005
    assert ex["indirect"](store, 20000, 0) == 20000


def test_tail_call_to_host_and_traps():
    store, ex = setup()
    assert ex["to_host"](store, 20, 22) == 42
    with pytest.raises(Trap) as info:
        ex["to_null"](store, 1, 2)
    assert info.value.trap_code is TrapCode.INDIRECT_CALL_TO_NULL


def test_tail_calls_are_metered():
    store, ex = setup()
    store.set_fuel(10**6)
    assert ex["direct"](store, 100, 0) == 100
    used = 10**6 - store.get_fuel()
    assert 100 * 9 <= used <= 100 * 13
