"""v128 operands for the SIMD tests: lane edge cases by lane shape, as hypothesis strategies and as
plain random generators (for the wasmtime differential), plus lane (un)packing helpers."""

from __future__ import annotations

import random
import re

from hypothesis import strategies as st

from pywasm_core.numerics.floats import f32_from_bits, f64_from_bits
from pywasm_core.opcodes import INFO

MASK128 = (1 << 128) - 1

INT_EDGES = {
    8: [0, 1, 2, 0x7F, 0x80, 0x81, 0xFE, 0xFF, 0x40, 0x3F, 0xC0],
    16: [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0x8001, 0xFFFF, 0xFFFE, 0x4000,
         0xC000, 0xFF80, 0xFF7F],
    32: [0, 1, 2, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x1_0000, 0xFFFF_8000, 0xFFFF_7FFF,
         0x7FFF_FFFF, 0x8000_0000, 0x8000_0001, 0xFFFF_FFFF, 0xFFFF_FFFE],
    64: [0, 1, 2, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000, 0xFFFF_FFFF_8000_0000,
         0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0x8000_0000_0000_0001,
         0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFE],
}
F32_EDGES = [
    0x0000_0000, 0x8000_0000, 0x7F80_0000, 0xFF80_0000,             # +-0, +-inf
    0x7FC0_0000, 0xFFC0_0000, 0x7FC1_2345, 0xFFC0_0001,             # quiet NaNs
    0x7FA0_0000, 0x7F80_0001, 0xFFA1_2345, 0x7FBF_FFFF,             # signalling NaNs
    0x0000_0001, 0x8000_0001, 0x007F_FFFF, 0x0080_0000,             # subnormals, min normal
    0x7F7F_FFFF, 0xFF7F_FFFF, 0x7F00_0000, 0x7E80_0000,             # near the top
    0x3F80_0000, 0xBF80_0000, 0x3F00_0000, 0xBF00_0000,             # +-1, +-0.5
    0x3FC0_0000, 0xBFC0_0000, 0x4020_0000, 0xC020_0000,             # +-1.5, +-2.5
    0x4B00_0000, 0x4AFF_FFFF, 0xCAFF_FFFF, 0x4B7F_FFFF,             # around 2**23
    0x4EFF_FFFF, 0x4F00_0000, 0xCF00_0000, 0xCF00_0001,             # around 2**31
    0x4F7F_FFFF, 0x4F80_0000, 0xBF7F_FFFF, 0x4049_0FDB,             # 2**32, -0.99.., pi
]
F64_EDGES = [
    0x0000_0000_0000_0000, 0x8000_0000_0000_0000, 0x7FF0_0000_0000_0000, 0xFFF0_0000_0000_0000,
    0x7FF8_0000_0000_0000, 0xFFF8_0000_0000_0000, 0x7FF8_0000_0001_2345, 0xFFF8_0000_0000_0001,
    0x7FF4_0000_0000_0000, 0x7FF0_0000_0000_0001, 0xFFF4_1234_5678_9ABC, 0x7FF7_FFFF_FFFF_FFFF,
    0x7FF4_0000_2000_0000, 0xFFFC_0000_E000_0000,                   # NaNs with an f32 payload
    0x0000_0000_0000_0001, 0x8000_0000_0000_0001, 0x000F_FFFF_FFFF_FFFF, 0x0010_0000_0000_0000,
    0x7FEF_FFFF_FFFF_FFFF, 0xFFEF_FFFF_FFFF_FFFF,
    0x3FF0_0000_0000_0000, 0xBFF0_0000_0000_0000, 0x3FE0_0000_0000_0000, 0xBFE0_0000_0000_0000,
    0x3FF8_0000_0000_0000, 0xC004_0000_0000_0000, 0x4330_0000_0000_0000, 0xC32F_FFFF_FFFF_FFFF,
    0x41DF_FFFF_FFC0_0000, 0x41E0_0000_0000_0000, 0xC1E0_0000_0000_0000, 0xC1E0_0000_0020_0000,
    0x41EF_FFFF_FFFF_FFFF, 0x41F0_0000_0000_0000, 0xBFEF_FFFF_FFFF_FFFF,
    0x47EF_FFFF_E000_0000, 0x47EF_FFFF_F000_0000, 0x47EF_FFFF_EFFF_FFFF,   # f32 max / overflow
    0x3690_0000_0000_0000, 0x36A0_0000_0000_0001, 0x3810_0000_0000_0000,   # f32 tiny rounding
    0x400921FB54442D18,
]
LANE_EDGES = {8: INT_EDGES[8], 16: INT_EDGES[16], 32: INT_EDGES[32] + F32_EDGES,
              64: INT_EDGES[64] + F64_EDGES}


def join(lanes, width: int) -> int:
    """The v128 with these lanes (lane 0 first), each masked to `width` bits."""
    mask = (1 << width) - 1
    return sum((x & mask) << (width * i) for i, x in enumerate(lanes))


def split(v: int, width: int) -> list[int]:
    """The unsigned lanes of a v128, lane 0 first."""
    mask = (1 << width) - 1
    return [(v >> (width * i)) & mask for i in range(128 // width)]


def signed(x: int, width: int) -> int:
    return x - (1 << width) if x >> (width - 1) else x


def operand_shape(name: str) -> str:
    """The lane shape of an instruction's v128 operand: the last shape in its name
    ("f32x4.demote_f64x2_zero" reads f64x2 lanes), "v128" for the bitwise ones."""
    shapes = re.findall(r"[if]\d+x\d+", name)
    return shapes[-1] if shapes else "v128"


# ----------------------------------------------------------------------------------------------
# hypothesis strategies

def _lane(width: int):
    return st.one_of(st.sampled_from(LANE_EDGES[width]), st.integers(0, (1 << width) - 1))


def _lanes(width: int):
    n = 128 // width
    return st.lists(_lane(width), min_size=n, max_size=n).map(lambda ls: join(ls, width))


v128s = st.one_of(st.integers(0, MASK128), _lanes(8), _lanes(16), _lanes(32), _lanes(64))
v128s_f32 = _lanes(32)
v128s_f64 = _lanes(64)
i32s = st.one_of(st.sampled_from(INT_EDGES[32] + [3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65]),
                 st.integers(0, (1 << 32) - 1))
i64s = st.one_of(st.sampled_from(INT_EDGES[64]), st.integers(0, (1 << 64) - 1))
f32_bits = st.one_of(st.sampled_from(F32_EDGES), st.integers(0, (1 << 32) - 1))
f64_bits = st.one_of(st.sampled_from(F64_EDGES), st.integers(0, (1 << 64) - 1))


# ----------------------------------------------------------------------------------------------
# plain random operands (the wasmtime differential draws many at once)

def random_v128(rng: random.Random, float_width: int | None = None) -> int:
    """A v128 of edge-case or random lanes; `float_width` favours that float lane shape."""
    kind = rng.randrange(6)
    if kind == 0:
        return rng.getrandbits(128)
    width = float_width if float_width and kind < 4 else rng.choice((8, 16, 32, 64))
    edges = LANE_EDGES[width]
    return join([rng.choice(edges) if rng.randrange(3) else rng.getrandbits(width)
                 for _ in range(128 // width)], width)


def random_scalar(rng: random.Random, valtype: str) -> int:
    """Bits of a random scalar operand of this type (edges half of the time)."""
    width = {"i32": 32, "i64": 64, "f32": 32, "f64": 64}[valtype]
    edges = {"i32": INT_EDGES[32] + [7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65],
             "i64": INT_EDGES[64], "f32": F32_EDGES, "f64": F64_EDGES}[valtype]
    return rng.choice(edges) if rng.randrange(2) else rng.getrandbits(width)


# ----------------------------------------------------------------------------------------------
# every pair of lane edge cases

def edge_operands(op):
    """Operand tuples covering all pairs of edge lanes at each lane width the op cares about."""
    name = INFO[op].name
    params = INFO[op].sig[0]
    if "f32" in name or "f64" in name:
        widths = {32: INT_EDGES[32] + F32_EDGES, 64: INT_EDGES[64] + F64_EDGES}
    else:
        widths = {w: INT_EDGES[w] for w in (8, 16, 32, 64)}
    for w, edges in widths.items():
        pairs = [(x, y) for x in edges for y in edges]
        n = 128 // w
        for i in range(0, len(pairs), n):
            chunk = pairs[i:i + n]
            a = join([p[0] for p in chunk], w)
            b = join([p[1] for p in chunk], w)
            third = join([p[0] ^ p[1] for p in chunk], w)
            args = []
            for t, v in zip(params, (a, b, third)):
                if t == "v128":
                    args.append(v)
                elif t == "i32":
                    args.append(chunk[0][1] & 0xFFFF_FFFF)
                elif t == "i64":
                    args.append(chunk[0][1] & 0xFFFF_FFFF_FFFF_FFFF)
                elif t == "f32":
                    args.append(f32_from_bits(chunk[0][1] & 0xFFFF_FFFF))
                else:
                    args.append(f64_from_bits(chunk[0][1]))
            yield tuple(args)
