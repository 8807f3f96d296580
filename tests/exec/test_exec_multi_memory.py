"""Multi-memory (WebAssembly 3.0, engine side): every memory instruction honours its memory index.
The decoder/validator gate this feature, so the module is built as syntax and wrapped unvalidated."""

from pywasm_core import Engine, FuncType, Instance, Limits, MemoryType, Module, Store, ValType
from pywasm_core import syntax
from pywasm_core.opcodes import Op

I32 = ValType.i32()


def ins(op, *imm):
    return syntax.Instr(op, tuple(imm))


def func(type_index, *body):
    return syntax.Func(type_index, [], [*body, ins(Op.END)])


def build():
    m = syntax.Module()
    m.types = [FuncType([I32, I32], []), FuncType([I32], [I32]), FuncType([], [I32]),
               FuncType([I32, I32, I32], [])]
    m.memories = [MemoryType(Limits(1)), MemoryType(Limits(1, 3))]
    m.funcs = [
        func(0, ins(Op.LOCAL_GET, 0), ins(Op.LOCAL_GET, 1), ins(Op.I32_STORE, 2, 0, 1)),
        func(1, ins(Op.LOCAL_GET, 0), ins(Op.I32_LOAD, 2, 0, 1)),
        func(1, ins(Op.LOCAL_GET, 0), ins(Op.I32_LOAD8_U, 0, 4, 0)),
        func(2, ins(Op.MEMORY_SIZE, 1)),
        func(1, ins(Op.LOCAL_GET, 0), ins(Op.MEMORY_GROW, 1)),
        func(3, ins(Op.LOCAL_GET, 0), ins(Op.LOCAL_GET, 1), ins(Op.LOCAL_GET, 2),
             ins(Op.MEMORY_COPY, 0, 1)),
        func(3, ins(Op.LOCAL_GET, 0), ins(Op.LOCAL_GET, 1), ins(Op.LOCAL_GET, 2),
             ins(Op.MEMORY_FILL, 1)),
    ]
    m.datas = [syntax.Data(b"xyz", "active", 1, [ins(Op.I32_CONST, 100), ins(Op.END)])]
    names = ["store1", "load1", "load0_8u", "size1", "grow1", "copy_1_to_0", "fill1"]
    m.exports = [syntax.Export(n, "func", i) for i, n in enumerate(names)]
    m.exports += [syntax.Export("mem0", "memory", 0), syntax.Export("mem1", "memory", 1)]
    return m


def test_memory_index_is_honoured():
    engine = Engine()
    store = Store(engine)
    ex = Instance(store, Module.from_syntax(engine, build(), validate=False), []).exports(store)
    mem0, mem1 = ex["mem0"], ex["mem1"]
    assert mem1.read(store, 100, 103) == b"xyz"
    ex["store1"](store, 8, 0x01020304)
    assert ex["load1"](store, 8) == 0x01020304
    assert mem0.read(store, 8, 12) == bytes(4)
    assert ex["size1"](store) == 1
    assert ex["grow1"](store, 2) == 1
    assert ex["grow1"](store, 1) == -1
    assert mem0.size(store) == 1
    ex["fill1"](store, 0, 0x41, 2)
    ex["copy_1_to_0"](store, 10, 0, 2)
    assert mem0.read(store, 10, 12) == b"AA"
    assert ex["load0_8u"](store, 6) == 0x41           # offset 4 + 6 = byte 10 of memory 0
