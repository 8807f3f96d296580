"""The NUMERIC table: exactly the scalar numeric instructions, plus simd.SIMD_OPS; every function
is named after its instruction and returns values in the engine's representation."""

from __future__ import annotations

import random

from pywasm_core.errors import Trap
from pywasm_core.numerics import NUMERIC, SCALAR_OPS, simd
from pywasm_core.numerics.floats import (f32_from_bits, f32_to_bits, f64_from_bits, f64_to_bits,
                                         round_f32)
from pywasm_core.opcodes import INFO, Imm, Op

from .values import random_bits

NUMERIC_TYPES = {"i32", "i64", "f32", "f64"}


def expected_scalar_ops() -> set[Op]:
    ops = set()
    for op, info in INFO.items():
        if info.imm != Imm.NONE or info.sig is None:
            continue
        params, results = info.sig
        if params and results and set(params) | set(results) <= NUMERIC_TYPES:
            ops.add(op)
    return ops


def test_scalar_set_is_mvp_numeric_sign_extension_and_saturating_truncation():
    expected = expected_scalar_ops()
    assert SCALAR_OPS == expected
    one_byte = {op for op in expected if op <= 0xFF}
    assert one_byte == set(range(0x45, 0xC5))            # i32.eqz .. i64.extend32_s
    assert expected - one_byte == {0xFC << 16 | sub for sub in range(8)}
    assert len(expected) == 136


def test_table_covers_exactly_the_scalar_ops_and_simd():
    scalar = {op: func for op, func in NUMERIC.items() if op in SCALAR_OPS}
    assert set(scalar) == SCALAR_OPS
    assert set(NUMERIC) == SCALAR_OPS | set(simd.SIMD_OPS)
    for op, func in simd.SIMD_OPS.items():
        assert NUMERIC[op] is func


def test_functions_are_named_after_their_instruction():
    for op in SCALAR_OPS:
        assert NUMERIC[op].__name__ == INFO[op].name.replace(".", "_")


FROM_BITS = {"i32": int, "i64": int, "f32": f32_from_bits, "f64": f64_from_bits}


def test_results_are_in_the_value_representation():
    """Random operands of every op: a canonical int / float result or a Trap, nothing else."""
    rng = random.Random(7)
    for op in sorted(SCALAR_OPS):
        params, (result_type,) = INFO[op].sig
        func = NUMERIC[op]
        for _ in range(200):
            args = [FROM_BITS[t](random_bits(rng, t)) for t in params]
            try:
                result = func(*args)
            except Trap:
                continue
            if result_type in ("i32", "i64"):
                assert type(result) is int
                assert 0 <= result < 2 ** int(result_type[1:])
            else:
                assert type(result) is float
                if result_type == "f32":       # exactly an f32, NaNs f32-encoded
                    assert f64_to_bits(f32_from_bits(f32_to_bits(result))) == f64_to_bits(result)
                    assert f64_to_bits(round_f32(result)) == f64_to_bits(result)
