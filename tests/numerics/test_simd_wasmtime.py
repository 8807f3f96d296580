"""Every SIMD instruction of simd.py against wasmtime on this machine, bit for bit.

wasmtime-py cannot pass v128 values, so each exported function reads its operands from memory
(offsets 0, 16, 32, with the load of the operand's type: f32.load/f64.load move bits, signalling
NaNs included), applies one instruction and stores the result at offset 64.  Float instructions
get every pair of edge lanes (NaNs with payloads, -0.0, infinities, subnormals, rounding edges)
plus random vectors; the others get random and edge vectors.  This is what pins the NaN rules
written in simd.py's docstring.  The lane, shuffle and memory helpers (load_extend, splat, zero,
load/store_lane) are compared the same way.
"""

from __future__ import annotations

import random

import pytest

from pywasm_core.numerics import simd
from pywasm_core.numerics.floats import f32_from_bits, f32_to_bits, f64_from_bits, f64_to_bits
from pywasm_core.opcodes import INFO, Imm

from .simd_values import edge_operands, random_scalar, random_v128

wasmtime = pytest.importorskip("wasmtime")

# 2.0's fixed-width SIMD only: relaxed SIMD (feature "relaxed_simd") is WebAssembly 3.0 work.
NONE_SIMD = sorted(op for op, info in INFO.items()
                   if op >> 16 == 0xFD and info.imm is Imm.NONE and info.feature is None)
SIZE = {"v128": 16, "i32": 4, "i64": 8, "f32": 4, "f64": 8}
RESULT_AT = 64
LANE_SHAPES = [("i8x16", 16, "i32", ("_s", "_u")), ("i16x8", 8, "i32", ("_s", "_u")),
               ("i32x4", 4, "i32", ("",)), ("i64x2", 2, "i64", ("",)),
               ("f32x4", 4, "f32", ("",)), ("f64x2", 2, "f64", ("",))]
SHUFFLES = [tuple(range(16)), tuple(range(16, 32)), tuple(range(31, -1, -2)),
            (0, 17, 2, 19, 4, 21, 6, 23, 8, 25, 10, 27, 12, 29, 14, 31), (5,) * 16]


def _func(export: str, params: tuple[str, ...], body: str, result: str) -> str:
    loads = " ".join(f"({t}.load (i32.const {16 * i}))" for i, t in enumerate(params))
    return (f'(func (export "{export}") (i32.const {RESULT_AT}) {loads} {body} '
            f'({result}.store))')


def _module_text() -> str:
    funcs = []
    for op in NONE_SIMD:
        info = INFO[op]
        funcs.append(_func(info.name, info.sig[0], f"({info.name})", info.sig[1][0]))
    for shape, lanes, scalar, suffixes in LANE_SHAPES:
        for lane in range(lanes):
            for sx in suffixes:
                name = f"{shape}.extract_lane{sx}"
                funcs.append(_func(f"{name} {lane}", ("v128",), f"({name} {lane})", scalar))
            name = f"{shape}.replace_lane"
            funcs.append(_func(f"{name} {lane}", ("v128", scalar), f"({name} {lane})", "v128"))
    for i, lanes in enumerate(SHUFFLES):
        funcs.append(_func(f"shuffle {i}", ("v128", "v128"),
                           f"(i8x16.shuffle {' '.join(map(str, lanes))})", "v128"))
    funcs += _memory_funcs()
    return '(module (memory (export "memory") 1)\n' + "\n".join(funcs) + ")"


MEMORY_LOADS = ["v128.load8x8_s", "v128.load8x8_u", "v128.load16x4_s", "v128.load16x4_u",
                "v128.load32x2_s", "v128.load32x2_u", "v128.load8_splat", "v128.load16_splat",
                "v128.load32_splat", "v128.load64_splat", "v128.load32_zero", "v128.load64_zero"]
LANE_WIDTHS = {8: 1, 16: 2, 32: 4, 64: 8}


def _memory_funcs() -> list[str]:
    """Loads read bytes 0.., a v128 operand sits at 16, results go to 64."""
    funcs = [f'(func (export "{name}") (i32.const {RESULT_AT}) ({name} (i32.const 0)) '
             f'(v128.store))' for name in MEMORY_LOADS]
    for bits, width in LANE_WIDTHS.items():
        for lane in range(16 // width):
            funcs.append(f'(func (export "load{bits}_lane {lane}") (i32.const {RESULT_AT}) '
                         f'(v128.load{bits}_lane {lane} (i32.const 0) (v128.load (i32.const 16)))'
                         f' (v128.store))')
            funcs.append(f'(func (export "store{bits}_lane {lane}") '
                         f'(v128.store{bits}_lane {lane} (i32.const {RESULT_AT}) '
                         f'(v128.load (i32.const 16))))')
    return funcs


class Reference:
    """The wasmtime side: write operand bits, call, read result bits."""

    def __init__(self):
        self.store = wasmtime.Store()
        module = wasmtime.Module(self.store.engine, wasmtime.wat2wasm(_module_text()))
        self.exports = wasmtime.Instance(self.store, module, []).exports(self.store)
        self.memory = self.exports["memory"]

    def run(self, export: str, params, bits, result: str) -> int:
        data = bytearray(48)
        for i, (t, b) in enumerate(zip(params, bits)):
            data[16 * i:16 * i + SIZE[t]] = b.to_bytes(SIZE[t], "little")
        self.memory.write(self.store, bytes(data), 0)
        self.exports[export](self.store)
        raw = self.memory.read(self.store, RESULT_AT, RESULT_AT + SIZE[result])
        return int.from_bytes(raw, "little")


@pytest.fixture(scope="module")
def reference():
    return Reference()


def _to_bits(t: str, x) -> int:
    return f32_to_bits(x) if t == "f32" else f64_to_bits(x) if t == "f64" else x


def _from_bits(t: str, b: int):
    return f32_from_bits(b) if t == "f32" else f64_from_bits(b) if t == "f64" else b


def _cases(op, rng: random.Random):
    params = INFO[op].sig[0]
    name = INFO[op].name
    is_float = "f32" in name or "f64" in name
    float_width = 64 if "f64" in name else 32
    if is_float:
        yield from edge_operands(op)
    for _ in range(200 if is_float else 60):
        yield tuple(random_v128(rng, float_width) if t == "v128"
                    else _from_bits(t, random_scalar(rng, t)) for t in params)


@pytest.mark.parametrize("op", NONE_SIMD, ids=lambda op: INFO[op].name)
def test_matches_wasmtime(reference, op):
    info = INFO[op]
    params, result = info.sig[0], info.sig[1][0]
    func = simd.SIMD_OPS[op]
    rng = random.Random(op)
    for args in _cases(op, rng):
        bits = [_to_bits(t, a) for t, a in zip(params, args)]
        want = reference.run(info.name, params, bits, result)
        got = func(*args)
        assert got == want, (f"{info.name}{tuple(hex(b) for b in bits)}: "
                             f"got {got:#x}, wasmtime {want:#x}")


def test_lanes_and_shuffles_match_wasmtime(reference):
    rng = random.Random(128)
    for _ in range(40):
        v = random_v128(rng, rng.choice((32, 64)))
        for shape, lanes, scalar, suffixes in LANE_SHAPES:
            for lane in range(lanes):
                for sx in suffixes:
                    name = f"{shape}.extract_lane{sx}"
                    want = reference.run(f"{name} {lane}", ("v128",), [v], scalar)
                    got = getattr(simd, name.replace(".", "_"))(v, lane)
                    assert _to_bits(scalar, got) == want, (name, lane, hex(v))
                name = f"{shape}.replace_lane"
                x = random_scalar(rng, scalar)
                want = reference.run(f"{name} {lane}", ("v128", scalar), [v, x], "v128")
                got = getattr(simd, name.replace(".", "_"))(v, _from_bits(scalar, x), lane)
                assert got == want, (name, lane, hex(v), hex(x))
        w = random_v128(rng)
        for i, lanes in enumerate(SHUFFLES):
            want = reference.run(f"shuffle {i}", ("v128", "v128"), [v, w], "v128")
            assert simd.i8x16_shuffle(v, w, lanes) == want


FLOAT_OPS = [op for op in NONE_SIMD if "f32" in INFO[op].name or "f64" in INFO[op].name]


@pytest.mark.parametrize("op", FLOAT_OPS, ids=lambda op: INFO[op].name)
def test_float_ops_match_wasmtime_on_hypothesis_lanes(reference, op):
    """A second draw of float operands, shrunk by hypothesis to a minimal case on failure."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from .simd_values import f32_bits, f64_bits, operand_shape, v128s, v128s_f32, v128s_f64

    info = INFO[op]
    params, result = info.sig[0], info.sig[1][0]
    lanes = v128s_f64 if operand_shape(info.name) == "f64x2" else v128s_f32
    draw = {"v128": st.one_of(lanes, v128s), "f32": f32_bits, "f64": f64_bits,
            "i32": st.integers(0, 0xFFFF_FFFF), "i64": st.integers(0, 2 ** 64 - 1)}
    func = simd.SIMD_OPS[op]

    @settings(max_examples=40, deadline=None, database=None)
    @given(st.tuples(*(draw[t] for t in params)))
    def check(bits):
        want = reference.run(info.name, params, bits, result)
        got = func(*(_from_bits(t, b) for t, b in zip(params, bits)))
        assert got == want, f"{info.name}{tuple(hex(b) for b in bits)}: {got:#x} != {want:#x}"

    check()


def test_memory_helpers_match_wasmtime(reference):
    """The bytes -> v128 helpers the interpreter's memory instructions use, on random bytes."""
    rng = random.Random(16)
    store, memory, exports = reference.store, reference.memory, reference.exports
    for _ in range(60):
        data = rng.randbytes(16)
        v = random_v128(rng)
        memory.write(store, data + v.to_bytes(16, "little") + bytes(64), 0)
        for name in MEMORY_LOADS:
            exports[name](store)
            want = int.from_bytes(memory.read(store, RESULT_AT, RESULT_AT + 16), "little")
            kind = name.removeprefix("v128.load")
            if kind.endswith("_splat"):
                width = int(kind.removesuffix("_splat")) // 8
                got = simd.v128_splat_bytes(data[:width], width)
            elif kind.endswith("_zero"):
                got = simd.v128_load_zero(data[:int(kind.removesuffix("_zero")) // 8])
            else:
                got = simd.v128_load_extend(data[:8], kind)
            assert got == want, name
        for bits, width in LANE_WIDTHS.items():
            for lane in range(16 // width):
                exports[f"load{bits}_lane {lane}"](store)
                want = int.from_bytes(memory.read(store, RESULT_AT, RESULT_AT + 16), "little")
                assert simd.v128_load_lane(v, data[:width], lane) == want, (bits, lane)
                exports[f"store{bits}_lane {lane}"](store)
                want_bytes = memory.read(store, RESULT_AT, RESULT_AT + width)
                assert simd.v128_store_lane(v, width, lane) == want_bytes, (bits, lane)
        assert simd.v128_to_bytes(simd.v128_from_bytes(data)) == data
