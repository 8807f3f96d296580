"""Small helpers to build `syntax.Module`s by hand for validator tests (no decoder needed)."""

from __future__ import annotations

from pywasm_core import syntax
from pywasm_core.opcodes import BY_NAME
from pywasm_core.types import FuncType

_offset = [0]


def i(name: str, *imm) -> syntax.Instr:
    """One instruction by its text name; offsets count up so errors can be located."""
    _offset[0] += 1
    return syntax.Instr(BY_NAME[name], tuple(imm), _offset[0])


def code(*instrs) -> list:
    """A body: the instructions plus the final `end`."""
    return list(instrs) + [i("end")]


def const(*instrs) -> list:
    return code(*instrs)


def module_with(body, params=(), results=(), locals_=(), **fields) -> syntax.Module:
    """A module whose last defined function has type params -> results and body `body`."""
    m = syntax.Module(**fields)
    m.types.append(FuncType(params, results))
    m.funcs.append(syntax.Func(len(m.types) - 1, list(locals_), body))
    return m
