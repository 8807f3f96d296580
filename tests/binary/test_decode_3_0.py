"""WebAssembly 3.0 binary format: every module of the scoped 3.0 testsuite files decodes with
`features=WASM3`, binary `assert_malformed` modules fail with the testsuite's message, and every
decoded module survives encode -> decode unchanged.  Unit tests pin the new encodings (reference
types, recursion groups, tags, 64-bit limits, memargs with a memory index, casts, try_table)."""

from __future__ import annotations

import pytest

from pywasm_core.binary import decode_module
from pywasm_core.binary.decode import decode_code
from pywasm_core.binary.encode import encode_module
from pywasm_core.errors import DecodeError, WasmError
from pywasm_core.features import WASM2, WASM3, WASM3_LEGACY
from pywasm_core.opcodes import Op
from pywasm_core.types import (FUNCREF, I32, ArrayType, FieldType, RefType, StructType, SubType,
                               TagType)

from tests.valid.suite3 import commands, normalized, scope

HEADER = bytes.fromhex("0061736d01000000")


def section(section_id: int, payload: bytes) -> bytes:
    return bytes([section_id, len(payload)]) + payload


@pytest.mark.parametrize("rel", scope())
def test_testsuite_file_decodes_and_round_trips(rel):
    failures = []
    for cmd in commands(rel):
        path = cmd.get("path")
        if path is None or path.suffix != ".wasm":
            continue
        data = path.read_bytes()
        malformed = cmd["type"] == "assert_malformed"
        try:
            module = decode_module(data, features=WASM3)
        except DecodeError as error:
            if not (malformed and str(error).startswith(cmd["text"])):
                failures.append((cmd["line"], cmd["type"], str(error)))
            continue
        if malformed:
            failures.append((cmd["line"], "decoded a malformed module", cmd["text"]))
            continue
        again = decode_module(encode_module(module), features=WASM3)
        if normalized(again) != normalized(module):
            failures.append((cmd["line"], "round trip changed the module"))
    assert failures == []


def test_reference_value_types():
    code, end = decode_code(bytes([0xD0, 0x6E, 0x0B]), 0, features=WASM3)   # ref.null any
    assert code[0].imm == (RefType(True, "any"),) and end == 3
    code, _ = decode_code(bytes([0x02, 0x64, 0x05, 0x00, 0x0B, 0x0B]), 0, features=WASM3)
    assert code[0].imm == (RefType(False, 5),)                          # block (result (ref 5))
    with pytest.raises(DecodeError, match="illegal opcode"):
        decode_code(bytes([0xD4, 0x0B]), 0)                              # ref.as_non_null in 2.0
    with pytest.raises(DecodeError):
        decode_code(bytes([0xD0, 0x6E, 0x0B]), 0)                        # anyref in 2.0


def test_recursion_groups_and_subtypes():
    types = section(1, bytes([0x01, 0x4E, 0x02,
                              0x50, 0x00, 0x5F, 0x01, 0x7F, 0x01,      # sub (struct (mut i32))
                              0x4F, 0x01, 0x00, 0x5E, 0x78, 0x00]))   # sub final 0 (array i8)
    module = decode_module(HEADER + types, features=WASM3)
    assert module.rec_groups == [2]
    assert module.subtypes[0] == SubType(False, (), StructType([FieldType(I32, True)]))
    assert module.subtypes[1] == SubType(True, (0,), ArrayType(FieldType("i8", False)))
    assert decode_module(encode_module(module), features=WASM3).subtypes == module.subtypes


def test_tag_section_sits_between_memory_and_global():
    types = section(1, bytes([0x01, 0x60, 0x01, 0x7F, 0x00]))
    tags = section(13, bytes([0x01, 0x00, 0x00]))
    module = decode_module(HEADER + types + tags, features=WASM3)
    assert module.tags == [TagType(0)]
    with pytest.raises(DecodeError, match="malformed section id"):
        decode_module(HEADER + types + tags)                              # no tags in 2.0
    globals_ = section(6, bytes([0x01, 0x7F, 0x00, 0x41, 0x00, 0x0B]))
    with pytest.raises(DecodeError, match="unexpected content after last section"):
        decode_module(HEADER + types + globals_ + tags, features=WASM3)


def test_limits_flags():
    memory64 = section(5, bytes([0x01, 0x05, 0x01, 0x02]))                # i64, min 1 max 2
    module = decode_module(HEADER + memory64, features=WASM3)
    assert module.memories[0].is_64 and module.memories[0].limits.max == 2
    with pytest.raises(DecodeError, match="malformed limits flags"):
        decode_module(HEADER + section(5, bytes([0x01, 0x08, 0x00])), features=WASM3)
    with pytest.raises(DecodeError, match="integer too large"):
        decode_module(HEADER + memory64)                                  # 2.0 wording


def test_table_with_initialiser():
    table = section(4, bytes([0x01, 0x40, 0x00, 0x64, 0x70, 0x00, 0x01, 0xD2, 0x00, 0x0B]))
    module = decode_module(HEADER + table, features=WASM3)
    assert module.tables[0].element == RefType(False, "func")
    assert [ins.op for ins in module.table_inits[0]] == [Op.REF_FUNC, Op.END]


def test_casts_and_try_table():
    # ref.test (ref null 3), br_on_cast 0 anyref (ref i31), try_table with two catch clauses
    code = bytes([0xFB, 21, 0x03, 0xFB, 24, 0x01, 0x00, 0x6E, 0x6C,
                  0x1F, 0x40, 0x02, 0x00, 0x00, 0x01, 0x03, 0x02, 0x0B, 0x0B])
    instrs, _ = decode_code(code, 0, features=WASM3)
    assert instrs[0].op == Op.REF_TEST and instrs[0].imm == (RefType(True, 3),)
    assert instrs[1].imm == (0, RefType(True, "any"), RefType(False, "i31"))
    assert instrs[2].imm == (None, ((0, 0, 1), (3, None, 2)))
    with pytest.raises(DecodeError, match="malformed br_on_cast flags"):
        decode_code(bytes([0xFB, 24, 0x04, 0x00, 0x6E, 0x6C, 0x0B]), 0, features=WASM3)


def test_memarg_with_memory_index_and_64_bit_offset():
    code = bytes([0x28, 0x42, 0x01, 0x80, 0x80, 0x80, 0x80, 0x10, 0x0B])  # i32.load mem 1
    instrs, _ = decode_code(code, 0, features=WASM3)
    assert instrs[0].imm == (2, 1 << 32, 1)


def test_legacy_exception_instructions_only_with_their_switch():
    code = bytes([0x06, 0x40, 0x07, 0x00, 0x19, 0x0B, 0x0B])               # try catch 0 catch_all end
    instrs, _ = decode_code(code, 0, features=WASM3_LEGACY)
    assert [i.op for i in instrs] == [Op.TRY, Op.CATCH, Op.CATCH_ALL, Op.END, Op.END]
    with pytest.raises(DecodeError, match="illegal opcode"):
        decode_code(code, 0, features=WASM3)
    with pytest.raises(DecodeError, match="END opcode expected"):      # catch outside try
        decode_code(bytes([0x02, 0x40, 0x07, 0x00, 0x0B, 0x0B]), 0, features=WASM3_LEGACY)


@pytest.mark.parametrize("data", [
    bytes([0xFB]), bytes([0xFB, 0x99, 0x01]), bytes([0x1F, 0x40, 0x01, 0x09]),
    bytes([0xD0, 0x80]), bytes([0xFB, 24, 0x00]), bytes([0x02, 0x63]),
])
def test_truncated_or_bad_3_0_code_raises_only_decode_errors(data):
    module = HEADER + section(1, bytes([0x01, 0x60, 0x00, 0x00])) + \
        section(3, bytes([0x01, 0x00])) + section(10, bytes([0x01, len(data) + 1, 0x00]) + data)
    with pytest.raises(WasmError):
        decode_module(module, features=WASM3)


def test_default_is_2_0():
    assert decode_module(HEADER).types == []
    assert FUNCREF.name == "funcref" and FUNCREF == RefType(True, "func")
    assert WASM2.names() == frozenset()


def test_reference_types_are_interned_and_backward_compatible():
    import pickle

    from pywasm_core.types import EXTERNREF, ValType
    assert RefType(True, "func") is FUNCREF is ValType.funcref()
    assert RefType(True, "extern") is EXTERNREF and repr(FUNCREF) == "ValType.funcref()"
    assert str(RefType(False, 3)) == "(ref 3)" and str(RefType(True, "none")) == "nullref"
    assert RefType(False, "func").code == 0x64 and RefType(True, 2).code == 0x63
    assert pickle.loads(pickle.dumps(RefType(False, 7))) is RefType(False, 7)
    assert FUNCREF.is_ref and not FUNCREF.is_num and RefType(True, "any").with_nullable(False) \
        is RefType(False, "any")
    with pytest.raises(ValueError):
        RefType(True, "funcs")
    with pytest.raises(TypeError):
        RefType(True, -1)
