"""A lane-by-lane model of every SIMD instruction in SIMD_OPS, built on the scalar numerics.

Independent of simd.py's tricks: each v128 is split into lanes, each lane goes through the scalar
function of the same operation (ints.i32_add for an i32x4 lane, floats.f32_nearest for an f32x4
lane, convert.i32_trunc_sat_f32_s, ...) or, for 8/16-bit lanes that have no scalar instruction,
through the plain arithmetic definition from the spec, and the lanes are joined again.

The one place where SIMD and scalar results differ on purpose is f32x4/f64x2 min/max with a NaN
operand (see simd.py's docstring: Cranelift's vector sequence gives a canonical NaN); the model
spells that rule out separately, and the wasmtime differential test checks it.

Relaxed SIMD (3.0) allows several results per instruction; `relaxed_model` spells out, lane by
lane and from the x86 instruction definitions, the one this engine picks (wasmtime's on x86-64
with FMA): fused multiply-add computed exactly with Fractions and rounded by picking the nearest
neighbour, pshufb, blendv, cvttps2dq, pmulhrsw, pmaddubsw.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Callable

from pywasm_core.numerics import convert, floats, ints
from pywasm_core.numerics.floats import f32_from_bits, f32_to_bits, f64_from_bits, f64_to_bits

from .simd_values import join, signed, split

SHAPES = {"i8x16": 8, "i16x8": 16, "i32x4": 32, "i64x2": 64, "f32x4": 32, "f64x2": 64}
FROM_BITS = {32: f32_from_bits, 64: f64_from_bits}
TO_BITS = {32: f32_to_bits, 64: f64_to_bits}
DEFAULT_NAN = {32: 0xFFC0_0000, 64: 0xFFF8_0000_0000_0000}
CANONICAL_NAN = {32: 0x7FC0_0000, 64: 0x7FF8_0000_0000_0000}


def _sat(x: int, lo: int, hi: int) -> int:
    return lo if x < lo else hi if x > hi else x


def _is_nan(bits: int, w: int) -> bool:
    if w == 32:
        return (bits & 0x7FFF_FFFF) > 0x7F80_0000
    return (bits & 0x7FFF_FFFF_FFFF_FFFF) > 0x7FF0_0000_0000_0000


# ----------------------------------------------------------------------------------------------
# integer lanes: the scalar function where the lane is 32/64 bits wide, else the definition

def _int_binary(w: int, op: str) -> Callable[[int, int], int]:
    mask = (1 << w) - 1
    lo, hi = -(1 << (w - 1)), (1 << (w - 1)) - 1
    scalar = getattr(ints, f"i{w}_{op}", None) if w in (32, 64) else None
    if scalar is not None:
        if op in ("eq", "ne") or op[:2] in ("lt", "gt", "le", "ge"):
            return lambda x, y: mask if scalar(x, y) else 0
        return scalar
    s = lambda x: signed(x, w)  # noqa: E731
    table = {
        "add": lambda x, y: (x + y) & mask,
        "sub": lambda x, y: (x - y) & mask,
        "mul": lambda x, y: (x * y) & mask,
        "eq": lambda x, y: mask if x == y else 0,
        "ne": lambda x, y: mask if x != y else 0,
        "lt_s": lambda x, y: mask if s(x) < s(y) else 0,
        "lt_u": lambda x, y: mask if x < y else 0,
        "gt_s": lambda x, y: mask if s(x) > s(y) else 0,
        "gt_u": lambda x, y: mask if x > y else 0,
        "le_s": lambda x, y: mask if s(x) <= s(y) else 0,
        "le_u": lambda x, y: mask if x <= y else 0,
        "ge_s": lambda x, y: mask if s(x) >= s(y) else 0,
        "ge_u": lambda x, y: mask if x >= y else 0,
        "min_s": lambda x, y: x if s(x) <= s(y) else y,
        "min_u": lambda x, y: min(x, y),
        "max_s": lambda x, y: x if s(x) >= s(y) else y,
        "max_u": lambda x, y: max(x, y),
        "avgr_u": lambda x, y: (x + y + 1) >> 1,
        "add_sat_s": lambda x, y: _sat(s(x) + s(y), lo, hi) & mask,
        "add_sat_u": lambda x, y: min(x + y, mask),
        "sub_sat_s": lambda x, y: _sat(s(x) - s(y), lo, hi) & mask,
        "sub_sat_u": lambda x, y: max(x - y, 0),
        "q15mulr_sat_s": lambda x, y: _sat((s(x) * s(y) + 0x4000) >> 15, lo, hi) & mask,
    }
    return table[op]


def _int_unary(w: int, op: str) -> Callable[[int], int]:
    mask = (1 << w) - 1
    if op == "neg":
        return (lambda x: ints.i32_sub(0, x)) if w == 32 else (
            (lambda x: ints.i64_sub(0, x)) if w == 64 else (lambda x: -x & mask))
    if op == "abs":
        return lambda x: abs(signed(x, w)) & mask
    if op == "popcnt":
        return ints.i32_popcnt                    # the lanes are bytes: same count
    raise KeyError(op)


def _shift(w: int, op: str) -> Callable[[int, int], int]:
    if w in (32, 64):
        scalar = getattr(ints, f"i{w}_{op}")     # counts are taken modulo w there too
        return scalar
    mask = (1 << w) - 1
    if op == "shl":
        return lambda x, k: (x << (k % w)) & mask
    if op == "shr_u":
        return lambda x, k: x >> (k % w)
    return lambda x, k: (signed(x, w) >> (k % w)) & mask


# ----------------------------------------------------------------------------------------------
# float lanes: scalar functions on the engine's float representation

def _float_lanes(v: int, w: int) -> list[float]:
    return [FROM_BITS[w](x) for x in split(v, w)]


def _float_binary(w: int, op: str) -> Callable[[int, int], int]:
    """Lane function on bit patterns."""
    t = "f32" if w == 32 else "f64"
    fb, tb = FROM_BITS[w], TO_BITS[w]
    mask = (1 << w) - 1
    if op in ("eq", "ne", "lt", "gt", "le", "ge"):
        scalar = getattr(floats, f"{t}_{op}")
        return lambda x, y: mask if scalar(fb(x), fb(y)) else 0
    if op == "pmin":
        lt = getattr(floats, f"{t}_lt")
        return lambda x, y: y if lt(fb(y), fb(x)) else x
    if op == "pmax":
        lt = getattr(floats, f"{t}_lt")
        return lambda x, y: y if lt(fb(x), fb(y)) else x
    scalar = getattr(floats, f"{t}_{op}")
    if op in ("min", "max"):
        sign = 1 << (w - 1)

        def min_max(x: int, y: int) -> int:
            if _is_nan(x, w) or _is_nan(y, w):
                # the vector rule (wasmtime on x86-64): min -> default NaN; max -> canonical
                # NaN with the OR of the operands' signs
                if op == "min":
                    return DEFAULT_NAN[w]
                return CANONICAL_NAN[w] | ((x | y) & sign)
            return tb(scalar(fb(x), fb(y)))
        return min_max
    return lambda x, y: tb(scalar(fb(x), fb(y)))


def _float_unary(w: int, op: str) -> Callable[[int], int]:
    scalar = getattr(floats, f"{'f32' if w == 32 else 'f64'}_{op}")
    fb, tb = FROM_BITS[w], TO_BITS[w]
    return lambda x: tb(scalar(fb(x)))


# ----------------------------------------------------------------------------------------------

def _lanewise(w: int, fn: Callable, *vs: int) -> int:
    return join([fn(*lanes) for lanes in zip(*(split(v, w) for v in vs))], w)


def _bitmask(v: int, w: int) -> int:
    return sum(1 << i for i, x in enumerate(split(v, w)) if x >> (w - 1))


def _half(v: int, w: int, high: bool) -> list[int]:
    lanes = split(v, w)
    n = len(lanes) // 2
    return lanes[n:] if high else lanes[:n]


def _ext(x: int, w: int, sx: str) -> int:
    return signed(x, w) if sx == "s" else x


def model(name: str, *operands):
    """The expected result of SIMD instruction `name` (underscored, e.g. "i8x16_add")."""
    if "_relaxed_" in name:
        return relaxed_model(name, *operands)
    shape, _, op = name.partition("_")
    w = SHAPES.get(shape)
    v = operands[0] if operands else None

    # whole-register and scalar-result instructions
    if shape == "v128":
        m = (1 << 128) - 1
        return {
            "not": lambda: v ^ m,
            "and": lambda: v & operands[1],
            "andnot": lambda: v & ~operands[1] & m,
            "or": lambda: v | operands[1],
            "xor": lambda: v ^ operands[1],
            "bitselect": lambda: (v & operands[2]) | (operands[1] & ~operands[2] & m),
            "any_true": lambda: int(any(split(v, 8))),
        }[op]()
    if op == "splat":
        x = operands[0]
        bits = TO_BITS[w](x) if shape[0] == "f" else x & ((1 << w) - 1)
        return join([bits] * (128 // w), w)
    if op == "all_true":
        return int(all(split(v, w)))
    if op == "bitmask":
        return _bitmask(v, w)
    if name == "i8x16_swizzle":
        a, s = split(operands[0], 8), split(operands[1], 8)
        return join([a[j] if j < 16 else 0 for j in s], 8)
    if name == "i32x4_dot_i16x8_s":
        p = [signed(x, 16) * signed(y, 16) for x, y in zip(split(v, 16), split(operands[1], 16))]
        return join([ints.i32_add(p[i] & 0xFFFF_FFFF, p[i + 1] & 0xFFFF_FFFF)
                     for i in range(0, 8, 2)], 32)

    # widening / narrowing
    if op.startswith("narrow_"):
        src_w, sx = w * 2, op[-1]
        lo, hi = (-(1 << (w - 1)), (1 << (w - 1)) - 1) if sx == "s" else (0, (1 << w) - 1)
        both = split(v, src_w) + split(operands[1], src_w)
        lanes = [_sat(signed(x, src_w), lo, hi) for x in both]
        return join(lanes, w)
    if op.startswith("extend_"):
        src_w, sx, high = w // 2, op[-1], "_high_" in op
        if w == 64:
            scalar = convert.i64_extend_i32_s if sx == "s" else convert.i64_extend_i32_u
            return join([scalar(x) for x in _half(v, 32, high)], 64)
        return join([_ext(x, src_w, sx) for x in _half(v, src_w, high)], w)
    if op.startswith("extmul_"):
        src_w, sx, high = w // 2, op[-1], "_high_" in op
        xs = [_ext(x, src_w, sx) for x in _half(v, src_w, high)]
        ys = [_ext(y, src_w, sx) for y in _half(operands[1], src_w, high)]
        if w == 64:
            return join([ints.i64_mul(x & ints.MASK64, y & ints.MASK64)
                         for x, y in zip(xs, ys)], 64)
        return join([x * y for x, y in zip(xs, ys)], w)
    if op.startswith("extadd_pairwise_"):
        src_w, sx = w // 2, op[-1]
        xs = [_ext(x, src_w, sx) for x in split(v, src_w)]
        return join([xs[i] + xs[i + 1] for i in range(0, len(xs), 2)], w)

    # conversions
    if name in ("f32x4_convert_i32x4_s", "f32x4_convert_i32x4_u"):
        scalar = getattr(convert, f"f32_convert_i32_{name[-1]}")
        return join([f32_to_bits(scalar(x)) for x in split(v, 32)], 32)
    if name in ("f64x2_convert_low_i32x4_s", "f64x2_convert_low_i32x4_u"):
        scalar = getattr(convert, f"f64_convert_i32_{name[-1]}")
        return join([f64_to_bits(scalar(x)) for x in split(v, 32)[:2]], 64)
    if name in ("i32x4_trunc_sat_f32x4_s", "i32x4_trunc_sat_f32x4_u"):
        scalar = getattr(convert, f"i32_trunc_sat_f32_{name[-1]}")
        return join([scalar(x) for x in _float_lanes(v, 32)], 32)
    if name in ("i32x4_trunc_sat_f64x2_s_zero", "i32x4_trunc_sat_f64x2_u_zero"):
        scalar = getattr(convert, f"i32_trunc_sat_f64_{name[-6]}")
        return join([scalar(x) for x in _float_lanes(v, 64)] + [0, 0], 32)
    if name == "f32x4_demote_f64x2_zero":
        return join([f32_to_bits(convert.f32_demote_f64(x)) for x in _float_lanes(v, 64)]
                    + [0, 0], 32)
    if name == "f64x2_promote_low_f32x4":
        return join([f64_to_bits(convert.f64_promote_f32(x)) for x in _float_lanes(v, 32)[:2]],
                    64)

    # lane-wise
    if shape[0] == "f":
        if len(operands) == 2:
            return _lanewise(w, _float_binary(w, op), *operands)
        return _lanewise(w, _float_unary(w, op), v)
    if op in ("shl", "shr_s", "shr_u"):
        fn = _shift(w, op)
        count = operands[1]
        return join([fn(x, count) for x in split(v, w)], w)
    if len(operands) == 2:
        return _lanewise(w, _int_binary(w, op), *operands)
    return _lanewise(w, _int_unary(w, op), v)


# ----------------------------------------------------------------------------------------------
# relaxed SIMD: the x86 behaviour wasmtime shows on this machine (see docs/relaxed-simd.md)

PRECISION = {32: 24, 64: 53}
MAX_BITS = {32: 0x7F7F_FFFF, 64: 0x7FEF_FFFF_FFFF_FFFF}
INF_BITS = {32: 0x7F80_0000, 64: 0x7FF0_0000_0000_0000}


def _exact(bits: int, w: int) -> Fraction:
    """The value of finite float bits as an exact Fraction (the sign of zero is lost)."""
    return Fraction(FROM_BITS[w](bits))


def _nearest(value: Fraction, w: int) -> int:
    """Bits of the float nearest to `value` (> 0), ties to the even bit pattern; the first
    value at or past max + half an ulp is infinity."""
    top = _exact(MAX_BITS[w], w)
    if value >= top + (top - _exact(MAX_BITS[w] - 1, w)) / 2:
        return INF_BITS[w]
    if w == 64:
        guess = f64_to_bits(float(value))
    else:  # a double's rounding to f32 may be one ulp off the true nearest: look around it
        guess = f32_to_bits(floats.round_f32(float(value))) if float(value) else 0
    candidates = [c for c in (guess - 1, guess, guess + 1) if 0 <= c <= MAX_BITS[w]]
    return min(candidates, key=lambda c: (abs(_exact(c, w) - value), c & 1))


def _fma_lane(w: int, negate: bool) -> Callable[[int, int, int], int]:
    sign = 1 << (w - 1)

    def lane(x: int, y: int, z: int) -> int:
        for nan in (y, x, z):          # vfmadd's NaN priority as wasmtime's operands order it
            if _is_nan(nan, w):
                return nan | (1 << (PRECISION[w] - 2))
        xs, ys, zs = x & sign, y & sign, z & sign
        xa, ya, za = x ^ xs, y ^ ys, z ^ zs
        product_sign = (xs ^ ys) ^ (sign if negate else 0)
        if INF_BITS[w] in (xa, ya):
            if 0 in (xa, ya) or (za == INF_BITS[w] and zs != product_sign):
                return DEFAULT_NAN[w]
            return INF_BITS[w] | product_sign
        if za == INF_BITS[w]:
            return z
        p = _exact(xa, w) * _exact(ya, w)
        total = (-p if product_sign else p) + (-_exact(za, w) if zs else _exact(za, w))
        if total == 0:
            return sign if (p == 0 and za == 0 and product_sign and zs) else 0
        return _nearest(abs(total), w) | (sign if total < 0 else 0)
    return lane


def _cvtt(x: float) -> int:
    """cvttps2dq / cvttpd2dq on one lane."""
    if math.isnan(x) or math.isinf(x):
        return 0x8000_0000
    t = math.trunc(x)
    return t & 0xFFFF_FFFF if -(1 << 31) <= t < (1 << 31) else 0x8000_0000


def relaxed_model(name: str, *operands) -> int:
    """The expected result of a relaxed SIMD instruction (underscored name)."""
    shape, _, op = name.partition("_")
    w = SHAPES[shape]
    if op == "relaxed_swizzle":
        a, s = split(operands[0], 8), split(operands[1], 8)
        return join([0 if j & 0x80 else a[j & 15] for j in s], 8)
    if op in ("relaxed_trunc_f32x4_s", "relaxed_trunc_f32x4_u"):
        lanes = _float_lanes(operands[0], 32)
        if op.endswith("_s"):
            return join([_cvtt(x) for x in lanes], 32)
        return join([convert.i32_trunc_sat_f32_u(x) for x in lanes], 32)
    if op in ("relaxed_trunc_f64x2_s_zero", "relaxed_trunc_f64x2_u_zero"):
        lanes = _float_lanes(operands[0], 64)
        scalar = _cvtt if op.endswith("_s_zero") else convert.i32_trunc_sat_f64_u
        return join([scalar(x) for x in lanes] + [0, 0], 32)
    if op in ("relaxed_madd", "relaxed_nmadd"):
        return _lanewise(w, _fma_lane(w, op == "relaxed_nmadd"), *operands)
    if op == "relaxed_laneselect":
        a, b, c = operands
        if w == 16:                     # no 16-bit blend on x86: a plain bitwise select
            return (a & c) | (b & ~c & ((1 << 128) - 1))
        return _lanewise(w, lambda x, y, m: x if m >> (w - 1) else y, a, b, c)
    if op in ("relaxed_min", "relaxed_max"):
        lt = getattr(floats, f"f{w}_lt")
        fb = FROM_BITS[w]
        if op == "relaxed_min":        # b < a ? b : a (minps with a as the second source)
            return _lanewise(w, lambda x, y: y if lt(fb(y), fb(x)) else x, *operands)
        return _lanewise(w, lambda x, y: y if lt(fb(x), fb(y)) else x, *operands)
    if op == "relaxed_q15mulr_s":
        return _lanewise(16, lambda x, y: ((signed(x, 16) * signed(y, 16) + 0x4000) >> 15),
                         *operands)
    if op in ("relaxed_dot_i8x16_i7x16_s", "relaxed_dot_i8x16_i7x16_add_s"):
        a, b = split(operands[0], 8), split(operands[1], 8)
        pairs = [_sat(signed(a[i], 8) * b[i] + signed(a[i + 1], 8) * b[i + 1], -0x8000, 0x7FFF)
                 for i in range(0, 16, 2)]
        if op == "relaxed_dot_i8x16_i7x16_s":
            return join(pairs, 16)
        c = split(operands[2], 32)
        return join([c[j] + pairs[2 * j] + pairs[2 * j + 1] for j in range(4)], 32)
    raise KeyError(name)
