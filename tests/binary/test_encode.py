"""The encoder on hand-built modules: LEB128s, every immediate kind, the eight element and three
data segment encodings, local runs, section order, custom placement, the name and data count
sections.  wasm-tools is the independent judge (validate / print); hypothesis covers LEB128 and
random modules (decode(encode(m)) == m)."""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import given, settings, strategies as st

from pywasm_core.binary.decode import decode_module
from pywasm_core.binary.encode import (SECTION_ORDER, encode_module, instr, local_runs, sleb,
                                       u32, uses_data_count)
from pywasm_core.opcodes import INFO, Op
from pywasm_core.syntax import (Custom, Data, Elem, Export, Func, Global, Import, Instr, Module,
                                Names)
from pywasm_core.types import (EXTERNREF, F32, F64, FUNCREF, I32, I64, V128, FuncType, GlobalType,
                               Limits, MemoryType, TableType)

from .instr_samples import (ELEM_FORMS, END, const, is_2_0, kitchen_sink, random_modules,
                            sample_imms)
from .wast_corpus import module_diff, split_sections, validate, without_offsets

def wasm_tools_print(binary: bytes) -> str:
    result = subprocess.run(["wasm-tools", "print", "-"], input=binary, capture_output=True)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout.decode()


# --- LEB128 ------------------------------------------------------------------------------------

def _read_uleb(data: bytes) -> int:
    value = shift = 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        shift += 7
    return value


def _read_sleb(data: bytes) -> int:
    value = _read_uleb(data)
    bits = 7 * len(data)
    return value - (1 << bits) if value >> (bits - 1) & 1 else value


@pytest.mark.parametrize("value, encoded", [
    (0, "00"), (1, "01"), (127, "7f"), (128, "8001"), (624485, "e58e26"),
    (0xFFFF_FFFF, "ffffffff0f")])
def test_u32_known_vectors(value, encoded):
    assert u32(value).hex() == encoded


@pytest.mark.parametrize("value, encoded", [
    (0, "00"), (-1, "7f"), (63, "3f"), (64, "c000"), (-64, "40"), (-65, "bf7f"),
    (-123456, "c0bb78"), (-(1 << 31), "8080808078"), (-(1 << 63), "8080808080808080807f")])
def test_sleb_known_vectors(value, encoded):
    assert sleb(value).hex() == encoded


@given(st.integers(0, 2**64 - 1))
def test_u32_round_trips_minimally(value):
    data = u32(value)
    assert _read_uleb(data) == value
    assert all(b & 0x80 for b in data[:-1]) and not data[-1] & 0x80
    assert len(data) == max(1, -(-value.bit_length() // 7))


@given(st.integers(-(2**63), 2**63 - 1))
def test_sleb_round_trips_minimally(value):
    data = sleb(value)
    assert _read_sleb(data) == value
    fits = next(n for n in range(1, 11) if -(1 << (7 * n - 1)) <= value < 1 << (7 * n - 1))
    assert len(data) == fits


@pytest.mark.parametrize("bad", [-1, 1.5, "1", None])
def test_u32_rejects_non_naturals(bad):
    with pytest.raises(ValueError):
        u32(bad)


# --- instructions ------------------------------------------------------------------------------

@pytest.mark.parametrize("ins, encoded", [
    (Instr(Op.I32_CONST, (0xFFFF_FFFF,)), "417f"),            # canonical unsigned -> signed
    (Instr(Op.I32_CONST, (0x8000_0000,)), "418080808078"),
    (Instr(Op.I32_CONST, (64,)), "41c000"),
    (Instr(Op.I64_CONST, (0xFFFF_FFFF_FFFF_FFFF,)), "427f"),
    (Instr(Op.I64_CONST, (1 << 63,)), "428080808080808080807f"),
    (Instr(Op.F32_CONST, (0x7FA0_0000,)), "430000a07f"),      # bits kept (signalling NaN)
    (Instr(Op.F64_CONST, (0x3FF0_0000_0000_0000,)), "44000000000000f03f"),
    (Instr(Op.BLOCK, (None,)), "0240"),
    (Instr(Op.BLOCK, (I32,)), "027f"),
    (Instr(Op.LOOP, (V128,)), "037b"),
    (Instr(Op.IF, (0,)), "0400"),
    (Instr(Op.BLOCK, (64,)), "02c000"),                        # s33: bit 6 needs a 2nd byte
    (Instr(Op.BR_TABLE, ((1, 2), 0)), "0e02010200"),
    (Instr(Op.CALL_INDIRECT, (3, 1)), "110301"),
    (Instr(Op.I32_LOAD, (2, 0, 0)), "280200"),
    (Instr(Op.I32_LOAD, (2, 300, 0)), "2802ac02"),
    (Instr(Op.I64_STORE, (3, 8, 1)), "37430108"),              # bit 6 + memory index
    (Instr(Op.MEMORY_SIZE, (0,)), "3f00"),
    (Instr(Op.MEMORY_GROW, (2,)), "4002"),
    (Instr(Op.SELECT_T, ((EXTERNREF,),)), "1c016f"),
    (Instr(Op.REF_NULL, (FUNCREF,)), "d070"),
    (Instr(Op.I32_TRUNC_SAT_F32_S, ()), "fc00"),
    (Instr(Op.MEMORY_INIT, (5, 0)), "fc080500"),
    (Instr(Op.TABLE_INIT, (1, 2)), "fc0c0102"),
    (Instr(Op.TABLE_COPY, (1, 2)), "fc0e0102"),
    (Instr(Op.TABLE_FILL, (1,)), "fc1101"),
    (Instr(Op.V128_CONST, (1,)), "fd0c01" + "00" * 15),
    (Instr(Op.I8X16_SHUFFLE, (tuple(range(16)),)), "fd0d" + bytes(range(16)).hex()),
    (Instr(Op.I8X16_EXTRACT_LANE_S, (15,)), "fd150f"),
    (Instr(Op.V128_LOAD8_LANE, (0, 4, 0, 7)), "fd54000407"),
    (Instr(Op.V128_STORE64_LANE, (3, 0, 1, 1)), "fd5b43010001"),
    (Instr(Op.I64X2_MUL, ()), "fdd501"),                       # sub-opcode > 127: LEB128
    (Instr(Op.F64X2_CONVERT_LOW_I32X4_U, ()), "fdff01"),
])
def test_instruction_bytes(ins, encoded):
    assert instr(ins).hex() == encoded


# 2.0 instructions (what the decoder reads); end/else: in test_blocks
_STANDALONE = [op for op in INFO if is_2_0(op) and op not in (Op.END, Op.ELSE)]


@pytest.mark.parametrize("op", _STANDALONE, ids=[INFO[op].name for op in _STANDALONE])
def test_every_instruction_decodes_back(op):
    """Each instruction, with each sample immediate, alone in a function body."""
    for imm in sample_imms(op):
        body = [Instr(op, imm)] + ([END] if op in (Op.BLOCK, Op.LOOP, Op.IF) else []) + [END]
        module = Module(types=[FuncType([], []), FuncType([I32], [I32])],
                        funcs=[Func(0, [], body)], data_count=0)
        again = decode_module(encode_module(module), multi_memory=True)
        assert without_offsets(again).funcs == module.funcs, (INFO[op].name, imm)


@pytest.mark.parametrize("ins", [
    Instr(Op.I32_CONST, (1 << 32,)), Instr(Op.I32_CONST, ()), Instr(Op.I64_CONST, (-(1 << 64),)),
    Instr(Op.LOCAL_GET, (-1,)), Instr(Op.BLOCK, ("i32",)), Instr(Op.I8X16_SHUFFLE, ((0,) * 15,)),
    Instr(Op.V128_CONST, (1 << 128,)), Instr(Op.I32_LOAD, (2, 0)), Instr(Op.F32_CONST, (1.5,)),
    Instr(Op.I8X16_EXTRACT_LANE_S, (256,)), Instr(0x1234, ())])
def test_malformed_instructions_raise_value_error(ins):
    with pytest.raises(ValueError):
        instr(ins)


# --- module structure --------------------------------------------------------------------------

def test_empty_module_is_header_only():
    assert encode_module(Module()) == b"\x00asm\x01\x00\x00\x00"


def test_blocks():
    body = [Instr(Op.BLOCK, (None,)), Instr(Op.IF, (I32,)), Instr(Op.I32_CONST, (1,)),
            Instr(Op.ELSE), Instr(Op.I32_CONST, (2,)), END, Instr(Op.DROP), END, END]
    module = Module(types=[FuncType([I32], [])], funcs=[Func(0, [], body)])
    module.funcs[0].body.insert(1, Instr(Op.LOCAL_GET, (0,)))
    binary = encode_module(module)
    assert dict(split_sections(binary))[10].hex().endswith("02402000047f41010541020b1a0b0b")
    assert without_offsets(decode_module(binary)) == module


def test_kitchen_sink_is_valid_and_round_trips():
    module = kitchen_sink()
    binary = encode_module(module)
    again = decode_module(binary, multi_memory=True)
    assert module_diff(without_offsets(again), module) == []
    # every instruction with arbitrary operands does not type-check, but the rest must validate
    module.funcs[0].body = [END]
    assert validate(encode_module(module)) == ""


def test_sections_in_order_and_empty_ones_left_out():
    module = kitchen_sink()
    module.start = 1
    ids = [section_id for section_id, _ in split_sections(encode_module(module))]
    assert ids == [1, 3, 4, 5, 6, 7, 8, 9, 12, 10, 11]   # no imports; data count before code
    assert [i for i, _ in split_sections(encode_module(Module(types=[FuncType([], [])])))] == [1]


def test_locals_compressed_into_runs():
    assert local_runs([I32, I32, I64, I32, F32, F32, F32]) == [(2, I32), (1, I64), (1, I32),
                                                               (3, F32)]
    module = Module(types=[FuncType([], [])], funcs=[Func(0, [I32, I32, I64, I32], [END])])
    code = dict(split_sections(encode_module(module)))[10]
    assert code.hex() == "01" + "08" + "03" + "027f" + "017e" + "017f" + "0b"
    assert validate(encode_module(module)) == ""


def _elem_module(seg: Elem) -> Module:
    return Module(types=[FuncType([], [])], funcs=[Func(0, [], [END])],
                  tables=[TableType(FUNCREF, Limits(2)), TableType(FUNCREF, Limits(2)),
                          TableType(EXTERNREF, Limits(2))],
                  elems=[seg])


@pytest.mark.parametrize("seg, flag, text", ELEM_FORMS)
def test_element_segment_encodings(seg, flag, text):
    binary = encode_module(_elem_module(seg))
    assert dict(split_sections(binary))[9][1] == flag
    assert validate(binary) == ""
    assert "  " + text + "\n" in wasm_tools_print(binary)
    # func_indices comes back as the form says (forced to False when items are not plain)
    expected = Elem(seg.type, seg.init, seg.mode, seg.table, seg.offset, func_indices=flag < 4)
    assert without_offsets(decode_module(binary)).elems == [expected]


@pytest.mark.parametrize("seg, flag, text", [
    (Data(b"hi", "active", 0, const(8)), 0, '(data (;0;) (i32.const 8) "hi")'),
    (Data(b"\x00\xff", "passive"), 1, '(data (;0;) "\\00\\ff")'),
    (Data(b"", "active", 1, const(0)), 2, '(data (;0;) (memory 1) (i32.const 0) "")'),
])
def test_data_segment_encodings(seg, flag, text):
    module = Module(memories=[MemoryType(Limits(1)), MemoryType(Limits(1))], datas=[seg])
    binary = encode_module(module)
    assert dict(split_sections(binary))[11][1] == flag
    assert validate(binary) == ""
    assert "  " + text + "\n" in wasm_tools_print(binary)
    assert without_offsets(decode_module(binary, multi_memory=True)).datas == [seg]


def test_active_segment_without_offset_is_a_value_error():
    with pytest.raises(ValueError):
        encode_module(Module(memories=[MemoryType(Limits(1))], datas=[Data(b"", "active")]))
    with pytest.raises(ValueError):
        encode_module(_elem_module(Elem(FUNCREF, [], "active")))


def test_expressions_must_end_with_end():
    with pytest.raises(ValueError):
        encode_module(Module(types=[FuncType([], [])], funcs=[Func(0, [], [])]))
    with pytest.raises(ValueError):
        encode_module(Module(globals=[Global(GlobalType(I32), [Instr(Op.I32_CONST, (0,))])]))


@pytest.mark.parametrize("module", [
    Module(names=Names(funcs={0: None})), Module(names=Names(locals={0: [1]})),
    Module(types=[None]), Module(funcs=[Func(0, [I32], None)]), Module(imports=[Import(1, "", 0)]),
    Module(memories=[MemoryType(Limits(-1))]), Module(customs=[Custom("c", None)]),
    Module(globals=[Global(GlobalType("i32"), [END])]), Module(start=-1)])
def test_malformed_trees_raise_only_value_error(module):
    with pytest.raises(ValueError):
        encode_module(module)


def test_bad_kinds_are_value_errors():
    with pytest.raises(ValueError):
        encode_module(Module(exports=[Export("x", "event", 0)]))
    with pytest.raises(ValueError):
        encode_module(Module(datas=[Data(b"", "declarative")]))
    with pytest.raises(ValueError):
        encode_module(Module(customs=[Custom("c", b"", after=14)]))


# --- data count, names, custom sections --------------------------------------------------------

def _data_module(body: list[Instr], data_count: int | None = None) -> Module:
    return Module(types=[FuncType([], [])], funcs=[Func(0, [], body)],
                  memories=[MemoryType(Limits(1))], datas=[Data(b"x", "passive")],
                  data_count=data_count)


def test_data_count_written_when_needed_or_recorded():
    drop = [Instr(Op.DATA_DROP, (0,)), END]
    assert uses_data_count(_data_module(drop))
    needed = encode_module(_data_module(drop))
    assert dict(split_sections(needed))[12] == b"\x01"
    assert validate(needed) == ""
    plain = encode_module(_data_module([END]))
    assert 12 not in dict(split_sections(plain))
    recorded = encode_module(_data_module([END], data_count=1))
    assert dict(split_sections(recorded))[12] == b"\x01"
    assert decode_module(recorded).data_count == 1


def test_name_section_written_from_names():
    module = Module(types=[FuncType([I32], [])],
                    funcs=[Func(0, [I64], [END]), Func(0, [], [END])],
                    names=Names("mod", {1: "second", 0: "first"}, {0: {1: "tmp", 0: "arg"}}))
    binary = encode_module(module)
    sections = split_sections(binary)
    assert sections[-1][0] == 0 and sections[-1][1].startswith(b"\x04name")
    assert decode_module(binary).names == module.names
    text = wasm_tools_print(binary)
    assert "(module $mod" in text
    assert "(func $first (;0;) (type 0) (param $arg i32)" in text
    assert "(local $tmp i64)" in text and "(func $second (;1;)" in text


def test_existing_name_custom_section_wins():
    module = Module(names=Names("ignored"), customs=[Custom("name", b"\x00\x02\x01m", after=0)])
    binary = encode_module(module)
    assert [s for s in split_sections(binary) if s[0] == 0] == [(0, b"\x04name\x00\x02\x01m")]
    assert decode_module(binary).names.module == "m"


def test_custom_sections_placed_after_their_section():
    module = kitchen_sink()
    module.funcs[0].body = [END]
    module.data_count = len(module.datas)
    module.customs = [Custom("last", b"3", after=11), Custom("first", b"0", after=0),
                      Custom("after-type", b"1", after=1), Custom("before-code", b"12", after=12),
                      Custom("after-code", b"10", after=10), Custom("first-2", b"00", after=0)]
    binary = encode_module(module)
    layout = [(i, p[1:1 + p[0]].decode()) if i == 0 else (i, None)
              for i, p in split_sections(binary)]
    assert layout == [(0, "first"), (0, "first-2"), (1, None), (0, "after-type"), (3, None),
                      (4, None), (5, None), (6, None), (7, None), (9, None), (12, None),
                      (0, "before-code"), (10, None), (0, "after-code"), (11, None),
                      (0, "last")]
    assert validate(binary) == ""
    again = decode_module(binary)       # in file order: stable within one position
    assert again.customs == sorted(module.customs, key=lambda c: SECTION_ORDER.index(c.after)
                                   if c.after else -1)


def test_custom_after_an_absent_section_keeps_its_place():
    """A decoded module remembers a custom section after an empty section; writing that
    section (empty) keeps `after` through the round trip."""
    module = Module(customs=[Custom("d", b"", after=3), Custom("c", b"", after=4)])
    binary = encode_module(module)
    assert [i for i, _ in split_sections(binary)] == [3, 0, 4, 0, 10]
    assert decode_module(binary).customs == module.customs
    assert validate(binary) == ""


# --- imports, limits, types --------------------------------------------------------------------

def test_imports_and_limits():
    module = Module(
        types=[FuncType([I32, F64], [I64])],
        imports=[Import("m", "f", 0),
                 Import("m", "t", TableType(EXTERNREF, Limits(0, 5))),
                 Import("m", "mem", MemoryType(Limits(1, 65536))),
                 Import("m", "g", GlobalType(V128, True)),
                 Import("\u00e9\U0001F600", "", GlobalType(I32))],
        exports=[Export("f", "func", 0), Export("", "table", 0), Export("mem", "memory", 0),
                 Export("\u00e9", "global", 1)])
    binary = encode_module(module)
    assert validate(binary) == ""
    assert decode_module(binary) == module
    text = wasm_tools_print(binary)
    assert '(import "m" "t" (table (;0;) 0 5 externref))' in text
    assert '(import "m" "mem" (memory (;0;) 1 65536))' in text
    assert '(import "m" "g" (global (;0;) (mut v128)))' in text


def test_threads_and_memory64_flags():
    """3.0 / threads limits flags, for modules that carry them (wasm-tools judges)."""
    module = Module(memories=[MemoryType(Limits(1, 2), shared=True),
                              MemoryType(Limits(1), is_64=True)],
                    tables=[TableType(FUNCREF, Limits(1), is_64=True)])
    binary = encode_module(module)
    assert dict(split_sections(binary))[5] == bytes([2, 0x03, 1, 2, 0x04, 1])
    assert dict(split_sections(binary))[4] == bytes([1, 0x70, 0x04, 1])
    assert validate(binary) == ""


def test_globals_with_every_value_type():
    module = Module(globals=[
        Global(GlobalType(I32), const(0xFFFF_FFFF)),
        Global(GlobalType(I64, True), [Instr(Op.I64_CONST, (1 << 63,)), END]),
        Global(GlobalType(F32), [Instr(Op.F32_CONST, (0x7FC0_0001,)), END]),
        Global(GlobalType(F64), [Instr(Op.F64_CONST, (0xFFF0_0000_0000_0000,)), END]),
        Global(GlobalType(V128), [Instr(Op.V128_CONST, ((1 << 128) - 2,)), END]),
        Global(GlobalType(EXTERNREF), [Instr(Op.REF_NULL, (EXTERNREF,)), END]),
        Global(GlobalType(I32), [Instr(Op.GLOBAL_GET, (0,)), END])])
    binary = encode_module(module)
    assert validate(binary) == ""
    assert without_offsets(decode_module(binary)) == module
    text = wasm_tools_print(binary)
    assert "(global (;0;) i32 i32.const -1)" in text
    assert "(global (;2;) f32 f32.const nan:0x400001" in text


# --- property: random well-formed modules round-trip through the decoder -----------------------

@settings(max_examples=60, deadline=None)
@given(random_modules(with_data_count=True))
def test_random_modules_decode_back_equal(module):
    again = decode_module(encode_module(module), multi_memory=True)
    assert module_diff(without_offsets(again), module) == []
