"""A lane-by-lane model of every SIMD instruction in SIMD_OPS, built on the scalar numerics.

Independent of simd.py's tricks: each v128 is split into lanes, each lane goes through the scalar
function of the same operation (ints.i32_add for an i32x4 lane, floats.f32_nearest for an f32x4
lane, convert.i32_trunc_sat_f32_s, ...) or, for 8/16-bit lanes that have no scalar instruction,
through the plain arithmetic definition from the spec, and the lanes are joined again.

The one place where SIMD and scalar results differ on purpose is f32x4/f64x2 min/max with a NaN
operand (see simd.py's docstring: Cranelift's vector sequence gives a canonical NaN); the model
spells that rule out separately, and the wasmtime differential test checks it.
"""

from __future__ import annotations

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
