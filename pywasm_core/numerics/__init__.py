"""Numeric semantics: one pure function per numeric instruction, and the table `NUMERIC`.

The functions get operands and return results; they know nothing of stacks, frames or message
text.  A trapping operation raises `errors.Trap` with its `TrapCode` (the message defaults to the
testsuite's wording).  `NUMERIC[Op.I32_ADD] is ints.i32_add`: every instruction with no
immediates whose operands and results are all i32/i64/f32/f64 (the MVP numeric instructions, the
sign-extension and the saturating truncation ones), plus the lane-wise SIMD instructions of
`simd.SIMD_OPS`.

Value representation (the whole engine uses it)
-----------------------------------------------
* i32 and i64 are Python ints in canonical UNSIGNED form: 0 <= v < 2**32 (2**64).  Signed
  instructions reinterpret the pattern themselves; every result is masked back into range.
* f64 is a Python float.  NaN payloads, signalling ones included, survive moves, `struct`
  round trips, unary minus, `abs` and `math.copysign` (all sign-bit operations in CPython).
* f32 is a Python float whose value is exactly representable in f32.  A NaN keeps its sign and
  its 23-bit f32 payload in the top 23 mantissa bits of the double (bits 51..29), the low 29 bits
  zero; so an f32 signalling NaN is a double signalling NaN, and quieting the double quiets the
  f32.  CPython's `struct.unpack('<f')` quiets signalling NaNs, so bits <-> value conversion goes
  through `floats.f32_from_bits` / `floats.f32_to_bits`, which move NaN payloads by hand.
  `floats.round_f32` rounds a double to the nearest f32 (ties to even, overflow to +-inf; note that
  `struct.pack('<f')` raises OverflowError exactly when that rounded result is infinite).
* v128 is a Python int of 128 bits, lane 0 in the low bits (the memory order).
* funcref is a function instance or None (null); externref is any Python object or None (null).
* GC references (3.0, runtime/gc.py): a struct is a `gc.Struct` (canonical type id + field
  list), an array a `gc.Array` (canonical type id + element list), packed i8/i16 fields hold the
  unsigned pattern; an i31 is a plain int 0 <= v < 2**31; a host value inside `any`
  (`any.convert_extern`) is wrapped in `gc.Internalized`, an internal value as an externref
  (`extern.convert_any`) in `gc.Externalized`; null is None in every hierarchy.

NaN results follow x86-64 hardware, i.e. what wasmtime produces on this machine: an operation on a
NaN operand returns that NaN quieted (the first NaN operand for arithmetic, the second for
min/max); an invalid operation on non-NaN operands returns the negative default NaN (f64
0xFFF8000000000000, f32 0xFFC00000).  The details, each observed with wasmtime, are in floats.py.
"""

from __future__ import annotations

from typing import Callable

from pywasm_core.numerics import convert, floats, ints, simd
from pywasm_core.opcodes import INFO, Imm, Op, OpInfo

SCALAR_TYPES = frozenset({"i32", "i64", "f32", "f64"})


def is_scalar_numeric(info: OpInfo) -> bool:
    """True for the instructions `numerics` implements as scalar functions: no immediates, a fixed
    signature of i32/i64/f32/f64 only, with at least one operand and a result (so `nop` is out)."""
    if info.imm is not Imm.NONE or info.sig is None:
        return False
    params, results = info.sig
    return bool(params) and bool(results) and SCALAR_TYPES.issuperset(params + results)


SCALAR_OPS: frozenset[Op] = frozenset(op for op, info in INFO.items() if is_scalar_numeric(info))


def _scalar_table() -> dict[Op, Callable]:
    """Each scalar instruction mapped to the function named after it (dots become underscores)."""
    table: dict[Op, Callable] = {}
    for op in sorted(SCALAR_OPS):
        name = INFO[op].name.replace(".", "_")
        for module in (ints, floats, convert):
            func = getattr(module, name, None)
            if func is not None:
                table[op] = func
                break
    return table


NUMERIC: dict[Op, Callable] = {**simd.SIMD_OPS, **_scalar_table()}

__all__ = ["NUMERIC", "SCALAR_OPS", "SCALAR_TYPES", "is_scalar_numeric",
           "convert", "floats", "ints", "simd"]
