"""Every SIMD instruction of simd.py against wasmtime on this machine, bit for bit.

wasmtime-py cannot pass v128 values, so each exported function reads its operands from memory
(offsets 0, 16, 32, with the load of the operand's type: f32.load/f64.load move bits, signalling
NaNs included), applies one instruction and stores the result at offset 64.  Float instructions
get every pair of edge lanes (NaNs with payloads, -0.0, infinities, subnormals, rounding edges)
plus random vectors; the others get random and edge vectors.  This is what pins the NaN rules
written in simd.py's docstring.  The lane, shuffle and memory helpers (load_extend, splat, zero,
load/store_lane) are compared the same way.

Relaxed SIMD (3.0) runs on a wasmtime engine with the relaxed SIMD switch on and
`relaxed_simd_deterministic` left off (its default), so wasmtime uses the x86 instructions whose
behaviour simd.py reproduces (docs/relaxed-simd.md); fused multiply-add also gets operands where
fused and unfused results differ.
"""

from __future__ import annotations

import platform
import random

import pytest

from pywasm_core.numerics import simd
from pywasm_core.numerics.floats import (f32_from_bits, f32_to_bits, f64_from_bits, f64_to_bits,
                                         round_f32)
from pywasm_core.opcodes import BY_NAME, INFO, Imm

from .simd_values import edge_operands, random_scalar, random_v128

wasmtime = pytest.importorskip("wasmtime")

# 2.0's fixed-width SIMD and 3.0's relaxed SIMD (feature "relaxed_simd")
NONE_SIMD = sorted(op for op, info in INFO.items()
                   if op >> 16 == 0xFD and info.imm is Imm.NONE)
RELAXED = [op for op in NONE_SIMD if INFO[op].feature == "relaxed_simd"]
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


def relaxed_config(**cranelift_flags):
    """The oracle's 2.0 configuration plus relaxed SIMD, not forced deterministic."""
    from pywasm_core.testing.oracle import wasmtime_config

    config = wasmtime_config(fuel=False)
    config.wasm_relaxed_simd = True     # write-only property
    for flag, value in cranelift_flags.items():
        config.cranelift_flag_set(flag, value)
    return config


def host_mismatch() -> str | None:
    """Why wasmtime on this host would give other relaxed SIMD results than simd.py (which
    matches x86-64 with FMA, SSE4.1 and SSSE3), or None; see docs/relaxed-simd.md."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return f"relaxed SIMD follows x86-64; this host is {platform.machine()}"
    try:
        with open("/proc/cpuinfo") as handle:
            flags = next((line.split(":", 1)[1].split() for line in handle
                          if line.startswith("flags")), [])
    except OSError:
        return None                     # cannot tell: assume the reference machine's features
    missing = {"fma", "sse4_1", "ssse3"} - set(flags)
    return f"this CPU lacks {sorted(missing)}" if missing else None


HOST_MISMATCH = host_mismatch()


def _skip_foreign_host() -> None:
    if HOST_MISMATCH:
        pytest.skip(f"wasmtime picks other relaxed SIMD results here: {HOST_MISMATCH}")


class Reference:
    """The wasmtime side: write operand bits, call, read result bits."""

    def __init__(self):
        self.store = wasmtime.Store(wasmtime.Engine(relaxed_config()))
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
    if op in RELAXED:
        _skip_foreign_host()
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

    if op in RELAXED:
        _skip_foreign_host()
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


def _fma_lanes(rng: random.Random, w: int) -> tuple[int, int, int]:
    """One lane (a, b, c) of bits where fusing matters: c near -(a*b), or a*b on a rounding
    midpoint of the lane format with a tiny c, or operands near the top and bottom exponents."""
    mant, exp_bits = (23, 8) if w == 32 else (52, 11)
    top = (1 << exp_bits) - 1
    to_bits, from_bits = (f32_to_bits, f32_from_bits) if w == 32 else (f64_to_bits, f64_from_bits)

    def finite(lo: int, hi: int) -> int:
        return (rng.getrandbits(1) << (w - 1)) | (rng.randrange(lo, hi) << mant) | \
            rng.getrandbits(mant)

    kind = rng.randrange(4)
    if kind == 3:                       # b = 1.5 times an odd mantissa: an exact midpoint
        m = rng.randrange(1 << mant, (1 << (mant + 2)) // 3) | 1
        a = (rng.randrange(top // 4, top * 3 // 4) << mant) | (m & ((1 << mant) - 1))
        b = to_bits(1.5)
        tiny = from_bits(a) * 1.5 * 2.0 ** -rng.randrange(mant + 8, mant + 60)
        c = to_bits(tiny if w == 64 else round_f32(tiny)) ^ (rng.getrandbits(1) << (w - 1))
        return a, b, c
    ranges = [(1, top), (0, 4), (top - 8, top), (top // 2 - 40, top // 2 + 40)]
    a, b = finite(*rng.choice(ranges)), finite(*rng.choice(ranges))
    if kind == 0:
        return a, b, finite(*rng.choice(ranges))
    product = from_bits(a) * from_bits(b)
    if product != product or abs(product) == float("inf") or \
            (w == 32 and abs(product) >= 3.4e38):
        return a, b, finite(1, top)
    c = to_bits(-product if w == 64 else round_f32(-product))
    return a, b, c ^ rng.choice([0, 1, 2, 1 << (w - 1)])


@pytest.mark.parametrize("name", ["f32x4.relaxed_madd", "f32x4.relaxed_nmadd",
                                  "f64x2.relaxed_madd", "f64x2.relaxed_nmadd"])
def test_fused_multiply_add_matches_wasmtime(reference, name):
    """Cancellation, midpoints, subnormal and overflowing results: one rounding, as vfmadd."""
    _skip_foreign_host()
    w = 32 if name.startswith("f32") else 64
    func = getattr(simd, name.replace(".", "_"))
    rng = random.Random(name)
    for _ in range(1500):
        lanes = [_fma_lanes(rng, w) for _ in range(128 // w)]
        a, b, c = (sum(lane[k] << (w * i) for i, lane in enumerate(lanes)) for k in range(3))
        want = reference.run(name, ("v128",) * 3, [a, b, c], "v128")
        got = func(a, b, c)
        assert got == want, f"{name}({a:#x}, {b:#x}, {c:#x}): got {got:#x}, wasmtime {want:#x}"


def test_relaxed_choices_are_stable_across_code_shapes():
    """wasmtime's choice must not depend on how the operands reach the instruction (register,
    memory operand, constant): the NaN order of vfmadd and the blend masks are checked with
    operands from locals, loads and v128.const in one function each."""
    _skip_foreign_host()
    cases = {
        "f32x4.relaxed_madd": ("v128.const i32x4 0x7fc0000a 0x3f800000 0x3f800000 0x7f800000",
                               "v128.const i32x4 0x3f800000 0xffc0000b 0x3f800000 0",
                               "v128.const i32x4 0x7fa0000c 0x7fa0000c 0x7fa0000c 0x3f800000"),
        "f64x2.relaxed_nmadd": ("v128.const i64x2 0x7ff800000000000a 0x3ff0000000000000",
                                "v128.const i64x2 0x3ff0000000000000 0x3ff0000000000000",
                                "v128.const i64x2 0x7ff400000000000c 0xfff0000000000000"),
        "i8x16.relaxed_laneselect": ("v128.const i64x2 -1 -1", "v128.const i64x2 0 0",
                                     "v128.const i8x16 0x80 0x7f 0xff 1 0x80 0 0 0 "
                                     "0 0 0 0 0 0 0 0x81"),
        "i16x8.relaxed_laneselect": ("v128.const i64x2 -1 -1", "v128.const i64x2 0 0",
                                     "v128.const i16x8 0x8000 0x00ff 0xff00 1 0 0 0 0x7fff"),
        "i32x4.relaxed_dot_i8x16_i7x16_add_s": ("v128.const i8x16 0x80 0x80 0x7f 0x7f 0xff 1 0 0 "
                                                "0 0 0 0 0 0 0 0",
                                                "v128.const i8x16 0xff 0xff 0x80 0x80 0xff 1 0 0 "
                                                "0 0 0 0 0 0 0 0",
                                                "v128.const i32x4 0x7fffffff 1 2 3"),
    }
    funcs = []
    for name, consts in cases.items():
        for shape in range(3):
            # 0: all locals (set from constants), 1: all constants, 2: loads from memory
            if shape == 0:
                body = "".join(f"(local.set {i} ({c}))" for i, c in enumerate(consts))
                ops = " ".join(f"(local.get {i})" for i in range(3))
            elif shape == 1:
                body, ops = "", " ".join(f"({c})" for c in consts)
            else:
                body = "".join(f"(v128.store (i32.const {16 * i}) ({c}))"
                               for i, c in enumerate(consts))
                ops = " ".join(f"(v128.load (i32.const {16 * i}))" for i in range(3))
            funcs.append(f'(func (export "{name} {shape}") (local v128 v128 v128) {body} '
                         f'(v128.store (i32.const 64) ({name} {ops})))')
    text = '(module (memory (export "memory") 1)\n' + "\n".join(funcs) + ")"
    store = wasmtime.Store(wasmtime.Engine(relaxed_config()))
    module = wasmtime.Module(store.engine, wasmtime.wat2wasm(text))
    exports = wasmtime.Instance(store, module, []).exports(store)
    for name, consts in cases.items():
        values = []
        for c in consts:
            shape, *lanes = c.split()[1:]
            values.append(_v128_const(shape, lanes))
        ours = getattr(simd, name.replace(".", "_"))(*values)
        for shape in range(3):
            exports[f"{name} {shape}"](store)
            theirs = int.from_bytes(exports["memory"].read(store, 64, 80), "little")
            assert ours == theirs, (name, shape, hex(ours), hex(theirs))


def _v128_const(shape: str, lanes: list[str]) -> int:
    w = int(shape[1:].split("x")[0])
    return sum((int(x, 0) & ((1 << w) - 1)) << (w * i) for i, x in enumerate(lanes))


def test_wasmtime_alternatives_are_what_the_docs_say(reference):
    """docs/relaxed-simd.md's account of other settings: without FMA wasmtime's relaxed_madd is
    the unfused mul then add; with relaxed_simd_deterministic every relaxed instruction is its
    deterministic counterpart.  (Only the FMA case differs from simd.py's relaxed_madd.)"""
    _skip_foreign_host()
    rng = random.Random("alternatives")
    no_fma = Reference.__new__(Reference)
    no_fma.store = wasmtime.Store(wasmtime.Engine(relaxed_config(has_fma="false")))
    deterministic = Reference.__new__(Reference)
    config = relaxed_config()
    config.wasm_relaxed_simd_deterministic = True
    deterministic.store = wasmtime.Store(wasmtime.Engine(config))
    for ref in (no_fma, deterministic):
        module = wasmtime.Module(ref.store.engine, wasmtime.wat2wasm(_module_text()))
        ref.exports = wasmtime.Instance(ref.store, module, []).exports(ref.store)
        ref.memory = ref.exports["memory"]
    counterpart = {
        "i8x16.relaxed_swizzle": simd.i8x16_swizzle,
        "i32x4.relaxed_trunc_f32x4_s": simd.i32x4_trunc_sat_f32x4_s,
        "i32x4.relaxed_trunc_f32x4_u": simd.i32x4_trunc_sat_f32x4_u,
        "i32x4.relaxed_trunc_f64x2_s_zero": simd.i32x4_trunc_sat_f64x2_s_zero,
        "i32x4.relaxed_trunc_f64x2_u_zero": simd.i32x4_trunc_sat_f64x2_u_zero,
        "i8x16.relaxed_laneselect": simd.v128_bitselect,
        "i32x4.relaxed_laneselect": simd.v128_bitselect,
        "i64x2.relaxed_laneselect": simd.v128_bitselect,
        "f32x4.relaxed_min": simd.f32x4_min, "f32x4.relaxed_max": simd.f32x4_max,
        "f64x2.relaxed_min": simd.f64x2_min, "f64x2.relaxed_max": simd.f64x2_max,
        "i16x8.relaxed_q15mulr_s": simd.i16x8_q15mulr_sat_s,
        "f32x4.relaxed_madd": simd.f32x4_relaxed_madd,        # fused either way
    }
    for _ in range(40):
        a, b, c = (random_v128(rng, rng.choice((32, 64))) for _ in range(3))
        for name, func in counterpart.items():
            params = INFO[BY_NAME[name]].sig[0]
            want = deterministic.run(name, params, [a, b, c][:len(params)], "v128")
            assert func(*[a, b, c][:len(params)]) == want, name
        # no FMA: mul rounds, then add rounds
        unfused = simd.f32x4_add(simd.f32x4_mul(a, b), c)
        assert no_fma.run("f32x4.relaxed_madd", ("v128",) * 3, [a, b, c], "v128") == unfused
    one_up, one_down = f32_to_bits(1 + 2.0 ** -23), f32_to_bits(1 - 2.0 ** -23)
    a, b, c = (sum(x << (32 * i) for i in range(4)) for x in (one_up, one_down, 0xBF80_0000))
    assert no_fma.run("f32x4.relaxed_madd", ("v128",) * 3, [a, b, c], "v128") == 0
    assert reference.run("f32x4.relaxed_madd", ("v128",) * 3, [a, b, c], "v128") == \
        simd.f32x4_relaxed_madd(a, b, c) == sum(0xA880_0000 << (32 * i) for i in range(4))
