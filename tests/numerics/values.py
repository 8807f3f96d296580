"""Operand generators shared by the numerics tests: edge cases of each type, as bit patterns."""

from __future__ import annotations

import random

I32_EDGES = [0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 33, 63, 64, 65, 0xFF, 0x80, 0x7F, 0x7FFF, 0x8000,
             0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0x8000_0001, 0xFFFF_FFFF, 0xFFFF_FFFE,
             0xFFFF_FF80, 0xFFFF_8000, 0x0123_4567, 0xFEDC_BA98, 0x00FF_FF00, 0x0100_0000,
             0x0100_0001, 0x00FF_FFFF]
I64_EDGES = [0, 1, 2, 3, 31, 32, 33, 63, 64, 65, 127, 128, 0xFF, 0x7FFF_FFFF, 0x8000_0000,
             0xFFFF_FFFF, 0x1_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000,
             0x8000_0000_0000_0001, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFE,
             0xFFFF_FFFF_8000_0000, 0xFFFF_FFFF_FFFF_FF80, 0x0123_4567_89AB_CDEF,
             0x0020_0000_0000_0000, 0x0020_0000_0000_0001, 0x001F_FFFF_FFFF_FFFF,
             0x0040_0000_0000_0001, 0x0000_0000_0100_0001, 0x0000_0000_0100_0003,
             0x8000_0080_0000_0001, 0xFFFF_FFFF_FEFF_FFFF, 0x7FFF_FF80_0000_0000,
             0x7FFF_FFBF_FFFF_FFFF, 0x7FFF_FFC0_0000_0000, 0xFFFF_FF80_0000_0000,
             0xFFFF_FF7F_FFFF_FFFF]
F32_EDGES = [
    0x0000_0000, 0x8000_0000,                      # +-0
    0x7F80_0000, 0xFF80_0000,                      # +-inf
    0x7FC0_0000, 0xFFC0_0000, 0x7FC1_2345, 0xFFC0_0001,   # quiet NaNs
    0x7FA0_0000, 0x7F80_0001, 0xFFA1_2345, 0x7FBF_FFFF,   # signalling NaNs
    0x0000_0001, 0x8000_0001, 0x007F_FFFF, 0x0080_0000,   # subnormals, min normal
    0x7F7F_FFFF, 0xFF7F_FFFF,                      # +-max
    0x3F80_0000, 0xBF80_0000, 0x3F00_0000, 0xBF00_0000,   # +-1, +-0.5
    0x3FC0_0000, 0xBFC0_0000, 0x4020_0000, 0xC020_0000,   # +-1.5, +-2.5
    0x3F7F_FFFF, 0x3F00_0001, 0xBEFF_FFFF,         # just below 1, around 0.5
    0x4B00_0000, 0x4AFF_FFFF, 0xCAFF_FFFF, 0x4B00_0001, 0x4B7F_FFFF,  # around 2**23
    0x4EFF_FFFF, 0x4F00_0000, 0xCF00_0000, 0xCF00_0001,   # around 2**31
    0x4F7F_FFFF, 0x4F80_0000, 0xBF7F_FFFF,         # around 2**32, just above -1
    0x5EFF_FFFF, 0x5F00_0000, 0xDF00_0000, 0xDF00_0001,   # around 2**63
    0x5F7F_FFFF, 0x5F80_0000,                      # around 2**64
    0x4049_0FDB, 0x3DCC_CCCD,                      # pi, 0.1
]
F64_EDGES = [
    0x0000_0000_0000_0000, 0x8000_0000_0000_0000,
    0x7FF0_0000_0000_0000, 0xFFF0_0000_0000_0000,
    0x7FF8_0000_0000_0000, 0xFFF8_0000_0000_0000, 0x7FF8_0000_0001_2345, 0xFFF8_0000_0000_0001,
    0x7FF4_0000_0000_0000, 0x7FF0_0000_0000_0001, 0xFFF4_1234_5678_9ABC, 0x7FF7_FFFF_FFFF_FFFF,
    0x7FF4_0000_2000_0000,                         # sNaN that fits an f32 payload
    0x0000_0000_0000_0001, 0x8000_0000_0000_0001, 0x000F_FFFF_FFFF_FFFF, 0x0010_0000_0000_0000,
    0x7FEF_FFFF_FFFF_FFFF, 0xFFEF_FFFF_FFFF_FFFF,
    0x3FF0_0000_0000_0000, 0xBFF0_0000_0000_0000, 0x3FE0_0000_0000_0000, 0xBFE0_0000_0000_0000,
    0x3FF8_0000_0000_0000, 0xBFF8_0000_0000_0000, 0x4004_0000_0000_0000, 0xC004_0000_0000_0000,
    0x3FEF_FFFF_FFFF_FFFF, 0x3FE0_0000_0000_0001, 0xBFDF_FFFF_FFFF_FFFF,
    0x4330_0000_0000_0000, 0x432F_FFFF_FFFF_FFFF, 0xC32F_FFFF_FFFF_FFFF, 0x4330_0000_0000_0001,
    0x41DF_FFFF_FFC0_0000, 0x41DF_FFFF_FFFF_FFFF, 0x41E0_0000_0000_0000,   # around 2**31
    0xC1E0_0000_0000_0000, 0xC1E0_0000_0010_0000, 0xC1E0_0000_001F_FFFF,   # -2**31 - (0..2)
    0xC1E0_0000_0020_0000,                                                 # -2**31 - 1
    0x41EF_FFFF_FFFF_FFFF, 0x41F0_0000_0000_0000, 0xBFEF_FFFF_FFFF_FFFF,   # around 2**32, -1
    0x43DF_FFFF_FFFF_FFFF, 0x43E0_0000_0000_0000, 0xC3E0_0000_0000_0000, 0xC3E0_0000_0000_0001,
    0x43EF_FFFF_FFFF_FFFF, 0x43F0_0000_0000_0000,                          # around 2**64
    0x47EF_FFFF_E000_0000, 0x47EF_FFFF_F000_0000, 0x47EF_FFFF_EFFF_FFFF,   # f32 max / overflow
    0x47EF_FFFF_F000_0001, 0x3690_0000_0000_0000, 0x36A0_0000_0000_0001,   # f32 tiny rounding
    0x400921FB54442D18, 0x3FB999999999999A,
]


def _random_f32(rng: random.Random) -> int:
    kind = rng.randrange(4)
    if kind == 0:                                   # any pattern
        return rng.getrandbits(32)
    if kind == 1:                                   # moderate magnitudes: exponents near zero
        return rng.getrandbits(1) << 31 | rng.randrange(100, 160) << 23 | rng.getrandbits(23)
    if kind == 2:                                   # a half-integer or integer near rounding edges
        return rng.getrandbits(1) << 31 | rng.randrange(126, 152) << 23 | rng.getrandbits(23)
    return rng.choice(F32_EDGES)


def _random_f64(rng: random.Random) -> int:
    kind = rng.randrange(5)
    if kind == 0:
        return rng.getrandbits(64)
    if kind == 1:
        return rng.getrandbits(1) << 63 | rng.randrange(900, 1150) << 52 | rng.getrandbits(52)
    if kind == 2:
        return rng.getrandbits(1) << 63 | rng.randrange(1022, 1088) << 52 | rng.getrandbits(52)
    if kind == 3:                                   # an f32 value (for demote) or f32 NaN
        return rng.getrandbits(1) << 63 | rng.randrange(850, 1200) << 52 | rng.getrandbits(23) << 29
    return rng.choice(F64_EDGES)


def _random_int(rng: random.Random, bits: int, edges: list[int]) -> int:
    kind = rng.randrange(4)
    if kind == 0:
        return rng.getrandbits(bits)
    if kind == 1:                                   # small magnitude, either sign
        return rng.randrange(-300, 300) % (1 << bits)
    if kind == 2:                                   # a random number of significant bits
        return rng.getrandbits(rng.randrange(1, bits + 1))
    return rng.choice(edges)


def random_bits(rng: random.Random, type_name: str) -> int:
    """One operand of the given type, as its bit pattern, biased towards edge cases."""
    if type_name == "i32":
        return _random_int(rng, 32, I32_EDGES)
    if type_name == "i64":
        return _random_int(rng, 64, I64_EDGES)
    if type_name == "f32":
        return _random_f32(rng)
    return _random_f64(rng)


EDGES = {"i32": I32_EDGES, "i64": I64_EDGES, "f32": F32_EDGES, "f64": F64_EDGES}


# hypothesis strategies: raw patterns, edge cases, and hypothesis' own float generator (which
# favours boundaries, integers and near-integers)
def _strategies():
    import struct

    from hypothesis import strategies as st

    f32_bits = st.floats(width=32).map(lambda x: struct.unpack("<I", struct.pack("<f", x))[0])
    f64_bits = st.floats().map(lambda x: struct.unpack("<Q", struct.pack("<d", x))[0])
    return (st.one_of(st.integers(0, 2 ** 32 - 1), st.sampled_from(F32_EDGES), f32_bits),
            st.one_of(st.integers(0, 2 ** 64 - 1), st.sampled_from(F64_EDGES), f64_bits))


BITS32, BITS64 = _strategies()
