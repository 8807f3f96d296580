"""Module: binary and text input, eager rejection, imports/exports, name."""

import pytest
from api_util import wat2wasm

from pywasm_core import (DecodeError, Engine, ExportType, FuncType, GlobalType, ImportType, Limits,
                         MemoryType, Module, ParseError, TableType, ValidationError, ValType,
                         WasmError)

TEXT = """
(module $demo
  (import "env" "f" (func (param i32) (result i64)))
  (import "env" "m" (memory 1 2))
  (table (export "t") 1 funcref)
  (global (export "g") (mut f32) (f32.const 1))
  (func (export "run") (param i32) (result i64) (call 0 (local.get 0)))
  (export "mem" (memory 0))
)
"""


def test_binary_and_text_give_the_same_module():
    engine = Engine()
    for source in (wat2wasm(TEXT), TEXT):
        module = Module(engine, source)
        assert module.name == "demo"
        assert module.imports == [
            ImportType("env", "f", FuncType([ValType.i32()], [ValType.i64()])),
            ImportType("env", "m", MemoryType(Limits(1, 2))),
        ]
        assert [e.name for e in module.exports] == ["t", "g", "run", "mem"]
        assert module.exports[0] == ExportType("t", TableType(ValType.funcref(), Limits(1, None)))
        assert module.exports[1].type == GlobalType(ValType.f32(), True)
        assert module.exports[2].type == FuncType([ValType.i32()], [ValType.i64()])


def test_bad_input_is_rejected_eagerly(tmp_path):
    engine = Engine()
    with pytest.raises(DecodeError):
        Module(engine, b"\0asm\x02\0\0\0")
    with pytest.raises(ValidationError):
        Module(engine, wat2wasm("(module (func (result i32) (i64.const 1)))"))
    with pytest.raises(ParseError):
        Module(engine, "(module (func (oops)))")
    with pytest.raises(TypeError):
        Module(engine, 42)
    assert Module.validate(engine, wat2wasm(TEXT)) is None
    with pytest.raises(WasmError):
        Module.validate(engine, b"junk")


def test_from_file(tmp_path):
    engine = Engine()
    wasm = tmp_path / "m.wasm"
    wasm.write_bytes(wat2wasm(TEXT))
    wat = tmp_path / "m.wat"
    wat.write_text(TEXT)
    assert Module.from_file(engine, wasm).name == "demo"
    assert Module.from_file(engine, str(wat)).name == "demo"


def test_syntax_is_exposed():
    module = Module(Engine(), TEXT)
    assert len(module.syntax.funcs) == 1
