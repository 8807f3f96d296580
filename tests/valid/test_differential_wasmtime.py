"""Differential property: on mutated testsuite modules, our validator agrees with wasmtime's.

Seeds are the valid modules of the 2.0 testsuite.  A mutation changes a body instruction (another
opcode with the same immediate kind, a shifted index, an inserted / removed / duplicated
instruction) or a module-level definition (global types and initialisers, exports, start, limits,
table and segment types, function type indices).  The result is re-encoded; whenever our decoder
reads it back, `validate_module` must accept exactly when wasmtime (restricted to 2.0 features)
does, and must never raise anything but `ValidationError`.
"""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pywasm_core import syntax
from pywasm_core.binary import decode_module
from pywasm_core.binary.encode import encode_module
from pywasm_core.errors import DecodeError, ValidationError
from pywasm_core.opcodes import INFO, Imm, Op
from pywasm_core.types import (EXTERNREF, F32, FUNCREF, I32, I64, GlobalType, Limits, MemoryType,
                               TableType)
from pywasm_core.testing.oracle import wasmtime_config
from pywasm_core.valid import validate_module

wasmtime = pytest.importorskip("wasmtime")


@pytest.fixture(scope="module")
def engine():
    # wasmtime-py's feature switches are write-only properties (hasattr() is False for them);
    # the oracle's config sets each one, for exactly the 2.0 feature set.
    return wasmtime.Engine(wasmtime_config(fuel=False))


@pytest.fixture(scope="module")
def seeds(wast_json) -> list[bytes]:
    out = []
    for json_path, wasm_dir in wast_json.values():
        for cmd in json.loads(json_path.read_text())["commands"]:
            if cmd["type"] == "module" and cmd.get("module_type") == "binary":
                data = (wasm_dir / cmd["filename"]).read_bytes()
                if len(data) < 20000:
                    out.append(data)
    return out


_BY_IMM: dict[Imm, list[Op]] = {}
for _op, _info in INFO.items():
    if _info.feature is None:            # the 2.0 instruction set
        _BY_IMM.setdefault(_info.imm, []).append(_op)
_STRUCTURE = (Op.BLOCK, Op.LOOP, Op.IF, Op.ELSE, Op.END)
_VALUE_IMMS = (Imm.I32, Imm.I64, Imm.F32, Imm.F64, Imm.V128, Imm.BLOCK, Imm.SELECT_T,
               Imm.REFTYPE, Imm.SHUFFLE, Imm.BR_TABLE)


def _mutate_body(m: syntax.Module, rng: random.Random) -> None:
    funcs = [f for f in m.funcs if len(f.body) > 1]
    if not funcs:
        return
    body = rng.choice(funcs).body
    k = rng.randrange(len(body) - 1)          # never the final end
    ins = body[k]
    r = rng.random()
    if r < 0.35:
        body[k] = ins._replace(op=rng.choice(_BY_IMM[INFO[ins.op].imm]))
        if body[k].op in _STRUCTURE and ins.op not in _STRUCTURE:
            body[k] = ins
    elif r < 0.6 and ins.imm and INFO[ins.op].imm not in _VALUE_IMMS:
        imm = list(ins.imm)
        j = rng.randrange(len(imm))
        imm[j] = max(0, imm[j] + rng.choice([-2, -1, 1, 2, 5]))
        body[k] = ins._replace(imm=tuple(imm))
    elif r < 0.75:
        op = rng.choice([op for op in _BY_IMM[Imm.NONE] if op not in _STRUCTURE])
        body.insert(k, syntax.Instr(op, ()))
    elif ins.op not in _STRUCTURE:
        if r < 0.9:
            del body[k]
        else:
            body.insert(k, ins)


def _mutate_module(m: syntax.Module, rng: random.Random) -> None:
    r = rng.randrange(9)
    if r == 0 and m.globals:
        g = rng.choice(m.globals)
        g.type = GlobalType(rng.choice([I32, I64, F32, FUNCREF, EXTERNREF]), rng.random() < 0.5)
    elif r == 1 and m.exports:
        e = rng.choice(m.exports)
        if rng.random() < 0.5:
            e.index = max(0, e.index + rng.choice([-1, 1, 3]))
        else:
            e.name = rng.choice(m.exports).name
    elif r == 2:
        m.start = rng.randrange(len(m.funcs) + 2)
    elif r == 3 and m.memories:
        m.memories[0] = MemoryType(Limits(rng.choice([0, 1, 2, 65536, 65537]),
                                          rng.choice([None, 0, 1, 65536, 65537])))
    elif r == 4 and m.tables:
        k = rng.randrange(len(m.tables))
        lo = m.tables[k].limits.min
        m.tables[k] = TableType(rng.choice([FUNCREF, EXTERNREF]),
                                Limits(lo, rng.choice([None, 0, lo])))
    elif r == 5 and m.elems:
        e = rng.choice(m.elems)
        e.type = rng.choice([FUNCREF, EXTERNREF])
        if rng.random() < 0.3:
            e.table = rng.randrange(3)
    elif r == 6 and m.datas:
        d = rng.choice(m.datas)
        if d.mode == "active":
            d.memory = rng.randrange(2)
    elif r == 7 and m.funcs:
        rng.choice(m.funcs).type_index = rng.randrange(len(m.types) + 1)
    elif r == 8 and m.globals:
        rng.choice(m.globals).init = [syntax.Instr(Op.GLOBAL_GET, (rng.randrange(3),)),
                                      syntax.Instr(Op.END)]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rng=st.randoms(use_true_random=False), steps=st.integers(1, 3))
def test_validator_agrees_with_wasmtime(seeds, engine, rng, steps):
    module = decode_module(rng.choice(seeds))
    for _ in range(steps):
        if rng.random() < 0.3:
            _mutate_module(module, rng)
        else:
            _mutate_body(module, rng)
    try:
        data = encode_module(module)
        module = decode_module(data)
    except (ValueError, DecodeError):
        return                   # not encodable / not well formed: nothing to validate
    try:
        validate_module(module)
        ours, why = True, ""
    except ValidationError as err:
        ours, why = False, str(err)
    try:
        wasmtime.Module.validate(engine, data)
        theirs = True
    except wasmtime.WasmtimeError:
        theirs = False
    assert ours == theirs, f"ours={ours} ({why}) wasmtime={theirs}: {data.hex()}"
