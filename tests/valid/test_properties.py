"""Property tests: generated well-typed code validates, its mistyped variants do not, and arbitrary
instruction sequences never make the validator leak a Python error."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from pywasm_core import syntax
from pywasm_core.errors import ValidationError
from pywasm_core.opcodes import INFO, Imm, Op
from pywasm_core.types import (EXTERNREF, F32, F64, FUNCREF, I32, I64, V128, FuncType, GlobalType,
                               Limits, MemoryType, TableType, VALTYPE_BY_NAME)
from pywasm_core.valid import validate_module

NUMVEC = (I32, I64, F32, F64, V128)
CONST = {I32: Op.I32_CONST, I64: Op.I64_CONST, F32: Op.F32_CONST, F64: Op.F64_CONST,
         V128: Op.V128_CONST}
# fixed-signature instructions without immediates, by result type
PRODUCERS: dict = {}
for _op, _info in INFO.items():
    if _info.feature is None and _info.sig is not None and _info.imm is Imm.NONE \
            and len(_info.sig[1]) == 1:
        params = tuple(VALTYPE_BY_NAME[n] for n in _info.sig[0])
        PRODUCERS.setdefault(VALTYPE_BY_NAME[_info.sig[1][0]], []).append((_op, params))
LOCALS = (I32, I64, F32, F64, V128)


def ins(op, *imm):
    return syntax.Instr(op, tuple(imm))


@st.composite
def expr(draw, t, depth=0):
    """Instructions leaving exactly one value of type `t` on the stack."""
    choices = ["const", "local"]
    if depth < 4:
        choices += ["op", "op", "block", "if", "br", "unreachable"]
        if t in NUMVEC:
            choices.append("select")
    kind = draw(st.sampled_from(choices))
    if kind == "const":
        return [ins(CONST[t], 0)]
    if kind == "local":
        return [ins(Op.LOCAL_GET, LOCALS.index(t))]
    if kind == "op" and t in PRODUCERS:
        op, params = draw(st.sampled_from(PRODUCERS[t]))
        out = []
        for p in params:
            out += draw(expr(p, depth + 1))
        return out + [ins(op)]
    if kind == "block":
        return [ins(Op.BLOCK, t)] + draw(expr(t, depth + 1)) + [ins(Op.END)]
    if kind == "if":
        return (draw(expr(I32, depth + 1)) + [ins(Op.IF, t)] + draw(expr(t, depth + 1))
                + [ins(Op.ELSE)] + draw(expr(t, depth + 1)) + [ins(Op.END)])
    if kind == "br":
        return [ins(Op.BLOCK, t)] + draw(expr(t, depth + 1)) + [ins(Op.BR, 0), ins(Op.END)]
    if kind == "unreachable":
        return [ins(Op.BLOCK, t), ins(Op.UNREACHABLE), ins(Op.END)]
    if kind == "select":
        return (draw(expr(t, depth + 1)) + draw(expr(t, depth + 1)) + draw(expr(I32, depth + 1))
                + [ins(Op.SELECT)])
    return [ins(CONST[t], 0)]


def function_module(body, result) -> syntax.Module:
    return syntax.Module(types=[FuncType((), (result,))],
                         funcs=[syntax.Func(0, list(LOCALS), body + [ins(Op.END)])])


@settings(max_examples=300, deadline=None)
@given(data=st.data(), t=st.sampled_from(NUMVEC))
def test_generated_well_typed_code_validates(data, t):
    body = data.draw(expr(t))
    validate_module(function_module(body, t))


@settings(max_examples=200, deadline=None)
@given(data=st.data(), t=st.sampled_from(NUMVEC), other=st.sampled_from(NUMVEC))
def test_wrong_result_type_is_a_type_mismatch(data, t, other):
    body = data.draw(expr(t))
    if other is t:
        return
    try:
        validate_module(function_module(body, other))
    except ValidationError as err:
        assert err.reason == "type mismatch"
    else:
        raise AssertionError("a mistyped function validated")


# --- arbitrary instruction sequences -----------------------------------------------------------

def _imm(kind: Imm):
    small = st.integers(0, 4)
    return {
        Imm.NONE: st.just(()),
        Imm.BLOCK: st.tuples(st.one_of(st.none(), st.sampled_from((I32, F64, V128, FUNCREF)),
                                       small)),
        Imm.LABEL: st.tuples(small),
        Imm.BR_TABLE: st.tuples(st.lists(small, max_size=3).map(tuple), small),
        Imm.FUNC: st.tuples(small),
        Imm.CALL_INDIRECT: st.tuples(small, small),
        Imm.LOCAL: st.tuples(small),
        Imm.GLOBAL: st.tuples(small),
        Imm.TABLE: st.tuples(small),
        Imm.MEMARG: st.tuples(st.integers(0, 5), small, st.integers(0, 1)),
        Imm.MEMORY: st.tuples(st.integers(0, 1)),
        Imm.MEMORY_INIT: st.tuples(small, st.integers(0, 1)),
        Imm.DATA: st.tuples(small),
        Imm.MEMORY_COPY: st.tuples(st.integers(0, 1), st.integers(0, 1)),
        Imm.TABLE_INIT: st.tuples(small, small),
        Imm.ELEM: st.tuples(small),
        Imm.TABLE_COPY: st.tuples(small, small),
        Imm.I32: st.tuples(st.just(0)), Imm.I64: st.tuples(st.just(0)),
        Imm.F32: st.tuples(st.just(0)), Imm.F64: st.tuples(st.just(0)),
        Imm.V128: st.tuples(st.just(0)),
        Imm.SELECT_T: st.tuples(st.lists(st.sampled_from((I32, FUNCREF, V128)), max_size=2)
                                .map(tuple)),
        Imm.REFTYPE: st.tuples(st.sampled_from((FUNCREF, EXTERNREF))),
        Imm.SHUFFLE: st.tuples(st.lists(st.integers(0, 40), min_size=16, max_size=16).map(tuple)),
        Imm.LANE: st.tuples(st.integers(0, 20)),
        Imm.MEMARG_LANE: st.tuples(st.integers(0, 5), small, st.integers(0, 1),
                                   st.integers(0, 20)),
    }[kind]


_OPS = sorted(op for op, info in INFO.items() if info.feature is None)   # 2.0 rows
instruction = st.sampled_from(_OPS).flatmap(
    lambda op: _imm(INFO[op].imm).map(lambda imm: syntax.Instr(op, imm)))


@settings(max_examples=500, deadline=None)
@given(body=st.lists(instruction, max_size=12), with_end=st.booleans())
def test_arbitrary_code_raises_only_validation_errors(body, with_end):
    m = syntax.Module(
        types=[FuncType((I32,), (I32,)), FuncType((), ())],
        imports=[syntax.Import("m", "g", GlobalType(I32))],
        funcs=[syntax.Func(0, [F64, V128], body + ([syntax.Instr(Op.END)] if with_end else []))],
        tables=[TableType(FUNCREF, Limits(1)), TableType(EXTERNREF, Limits(1))],
        memories=[MemoryType(Limits(1))],
        globals=[syntax.Global(GlobalType(I64, True), [syntax.Instr(Op.I64_CONST, (0,)),
                                                       syntax.Instr(Op.END)])],
        elems=[syntax.Elem(FUNCREF, [], "passive")],
        datas=[syntax.Data(b"", "passive")], data_count=1)
    try:
        validate_module(m)
    except ValidationError:
        pass
