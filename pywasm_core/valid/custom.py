"""Checks of custom sections that have a defined meaning (the branch hinting proposal's
`metadata.code.branch_hint` section).

The spec requires modules with broken custom sections to stay loadable, so this is never part
of ordinary validation: the spec runner's `assert_invalid_custom` and the optional
`check_custom_sections` API use it.  Offsets of instructions are computed on the canonical
encoding of each function body (what our encoder and `wasm-tools` write), since a decoded body
keeps only absolute instruction offsets of possibly non-canonical LEB128s.
"""

from __future__ import annotations

from ..errors import ValidationError
from ..opcodes import Op
from ..syntax import Module

BRANCH_HINT = "metadata.code.branch_hint"
# Instructions a branch hint may stand on.
_HINTABLE = frozenset((Op.IF, Op.BR_IF))


def check_custom_sections(module: Module) -> None:
    """Raise ValidationError for the first custom section whose contents break its own rules."""
    for custom in module.customs:
        if custom.name == BRANCH_HINT:
            check_branch_hints(module, bytes(custom.data))


class _Reader:
    """A tiny LEB128 reader whose failures are ValidationErrors (the section is not decoded
    by the module decoder, so its malformations are custom-section errors here)."""

    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise _error("unexpected end of section")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def u32(self) -> int:
        result = shift = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                break
            shift += 7
            if shift >= 35:
                raise _error("integer representation too long")
        if result >> 32:
            raise _error("integer too large")
        return result


def _error(reason: str) -> ValidationError:
    return ValidationError(f"@{BRANCH_HINT} annotation: {reason}")


def _instruction_offsets(module: Module, defined: int) -> dict[int, Op]:
    """Byte offset in the function body (locals included) -> opcode, for every instruction."""
    from ..binary.encode import instr, local_runs, u32, valtype, vec
    func = module.funcs[defined]
    position = len(vec(u32(n) + valtype(t) for n, t in local_runs(func.locals)))
    offsets = {}
    for ins in func.body:
        offsets[position] = ins.op
        position += len(instr(ins))
    return offsets


def check_branch_hints(module: Module, data: bytes) -> None:
    """Functions in increasing index order, each a defined one; in each, hints in increasing
    offset order, each of size 1 with value 0 or 1, on an `if` or `br_if`."""
    reader = _Reader(data)
    imported = len(module.imported("func"))
    previous_func = -1
    for _ in range(reader.u32()):
        func = reader.u32()
        if func <= previous_func:
            raise _error("functions out of order")
        previous_func = func
        if not imported <= func < imported + len(module.funcs):
            raise _error(f"unknown function {func}")
        offsets = _instruction_offsets(module, func - imported)
        previous_offset = -1
        for _ in range(reader.u32()):
            offset = reader.u32()
            if offset <= previous_offset:
                raise _error("hints out of order")
            previous_offset = offset
            if reader.u32() != 1:
                raise _error("invalid hint size")
            if reader.byte() > 1:
                raise _error("invalid hint value")
            if offsets.get(offset) not in _HINTABLE:
                raise _error("invalid target")
    if reader.pos != len(data):
        raise _error("trailing bytes at end of section")
