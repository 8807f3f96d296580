"""Fixed-width SIMD semantics (v128 as a 128-bit int, lane 0 in the low bits).

SIMD_OPS maps each lane-wise SIMD instruction (immediate kind NONE) to a pure function of its
operands, as numerics.NUMERIC does for the scalar ones.
"""

SIMD_OPS: dict = {}
