"""The error tree of pywasm-core.

Every error the engine raises derives from `WasmError`, so `except WasmError` catches all of them.
`str(err)` starts with the official testsuite's wording ("integer divide by zero", "unknown import",
"type mismatch"), so the spec runner can match by prefix.  Python exceptions raised by host
functions are never wrapped: they propagate to the caller of the export unchanged.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class WasmError(Exception):
    """Base class of every error the engine raises."""


class DecodeError(WasmError):
    """Malformed binary module (the testsuite's `assert_malformed`)."""

    def __init__(self, reason: str, offset: int | None = None):
        self.reason = reason
        self.offset = offset
        where = f" (at byte offset {offset:#x})" if offset is not None else ""
        super().__init__(f"{reason}{where}")


class ParseError(WasmError):
    """Malformed text (`.wat`/`.wast`): where it happened and what was expected."""

    def __init__(self, reason: str, file: str | None = None, line: int | None = None,
                 column: int | None = None):
        self.reason = reason
        self.file = file
        self.line = line
        self.column = column
        where = ""
        if line is not None:
            where = f" at {file or '<input>'}:{line}:{column}"
        super().__init__(f"{reason}{where}")


class ValidationError(WasmError):
    """Invalid module (the testsuite's `assert_invalid`): the rule that failed and where."""

    def __init__(self, reason: str, func_index: int | None = None, offset: int | None = None):
        self.reason = reason
        self.func_index = func_index
        self.offset = offset
        where = []
        if func_index is not None:
            where.append(f"in function {func_index}")
        if offset is not None:
            where.append(f"at byte offset {offset:#x}")
        super().__init__(reason + (f" ({', '.join(where)})" if where else ""))


class LinkError(WasmError):
    """An import could not be satisfied (the testsuite's `assert_unlinkable`)."""

    def __init__(self, reason: str, module: str | None = None, name: str | None = None):
        self.reason = reason
        self.module = module
        self.name = name
        where = f" ({module}.{name})" if module is not None else ""
        super().__init__(f"{reason}{where}")


class TrapCode(enum.Enum):
    """Why execution trapped; member names follow wasmtime-py's `TrapCode`."""

    STACK_OVERFLOW = 0
    MEMORY_OUT_OF_BOUNDS = 1
    HEAP_MISALIGNED = 2
    TABLE_OUT_OF_BOUNDS = 3
    INDIRECT_CALL_TO_NULL = 4
    BAD_SIGNATURE = 5
    INTEGER_OVERFLOW = 6
    INTEGER_DIVISION_BY_ZERO = 7
    BAD_CONVERSION_TO_INTEGER = 8
    UNREACHABLE = 9
    INTERRUPT = 10
    OUT_OF_FUEL = 11
    NULL_REFERENCE = 12
    ARRAY_OUT_OF_BOUNDS = 13
    ALLOCATION_TOO_LARGE = 14
    CAST_FAILURE = 15
    UNINITIALIZED_ELEMENT = 16
    RESOURCE_LIMIT = 17
    UNCAUGHT_EXCEPTION = 18


# The testsuite's wording for each trap; `Trap.message` defaults to this text.
TRAP_TEXT: dict[TrapCode, str] = {
    TrapCode.STACK_OVERFLOW: "call stack exhausted",
    TrapCode.MEMORY_OUT_OF_BOUNDS: "out of bounds memory access",
    TrapCode.HEAP_MISALIGNED: "unaligned atomic",
    TrapCode.TABLE_OUT_OF_BOUNDS: "out of bounds table access",
    TrapCode.INDIRECT_CALL_TO_NULL: "uninitialized element",
    TrapCode.BAD_SIGNATURE: "indirect call type mismatch",
    TrapCode.INTEGER_OVERFLOW: "integer overflow",
    TrapCode.INTEGER_DIVISION_BY_ZERO: "integer divide by zero",
    TrapCode.BAD_CONVERSION_TO_INTEGER: "invalid conversion to integer",
    TrapCode.UNREACHABLE: "unreachable",
    TrapCode.INTERRUPT: "interrupted",
    TrapCode.OUT_OF_FUEL: "all fuel consumed",
    TrapCode.NULL_REFERENCE: "null reference",
    TrapCode.ARRAY_OUT_OF_BOUNDS: "out of bounds array access",
    TrapCode.ALLOCATION_TOO_LARGE: "allocation too large",
    TrapCode.CAST_FAILURE: "cast failure",
    TrapCode.UNINITIALIZED_ELEMENT: "uninitialized element",
    TrapCode.RESOURCE_LIMIT: "resource limit exceeded",
    TrapCode.UNCAUGHT_EXCEPTION: "uncaught exception",
}


@dataclass(frozen=True)
class Frame:
    """One wasm frame of a trap's backtrace (the fields of wasmtime-py's `Frame`)."""

    func_index: int
    func_name: str | None
    module_name: str | None
    func_offset: int | None
    module_offset: int | None

    def __str__(self) -> str:
        name = self.func_name or f"<wasm function {self.func_index}>"
        module = f"{self.module_name}!" if self.module_name else ""
        where = f" @ {self.module_offset:#x}" if self.module_offset is not None else ""
        return f"{module}{name}{where}"


class Trap(WasmError):
    """Execution trapped; `.trap_code` says why and `.frames` is the wasm backtrace, innermost first."""

    def __init__(self, code: TrapCode, message: str | None = None,
                 frames: list[Frame] | None = None):
        self.trap_code = code
        self.message = message if message is not None else TRAP_TEXT[code]
        self.frames: list[Frame] = list(frames or [])
        super().__init__(self.message)

    def __str__(self) -> str:
        if not self.frames:
            return self.message
        lines = [self.message, "wasm backtrace:"]
        lines += [f"  {i:>2}: {frame}" for i, frame in enumerate(self.frames)]
        return "\n".join(lines)


class Exhausted(Trap):
    """A resource ran out: call depth, fuel, or a store limit (the testsuite's `assert_exhaustion`)."""


class ExitTrap(WasmError):
    """A WASI guest called `proc_exit`; `.code` is its exit status (wasmtime-py's name)."""

    def __init__(self, code: int):
        self.code = code
        super().__init__(f"exited with status {code}")


# ---- WebAssembly 3.0 exception handling (exec/exceptions work) -------------------------------

class WasmException(WasmError):
    """A wasm exception (`throw`): the tag instance it was thrown with and its payload.

    The same object is the exception reference (`exnref`) that `catch_ref` hands to wasm code, so
    `throw_ref` re-raises it unchanged.  Uncaught, it leaves the export as this Python exception;
    it is never a `Trap`, and wasm `catch_all` catches only these, never traps or host errors.
    A host function throws one with `raise WasmException(tag, [payload...])` (API values, as in a
    call: ints signed or unsigned, floats...); `.payload` gives them back as API values (signed
    ints), `.values` holds the engine representation.
    """

    def __init__(self, tag, payload=()):
        from .values import to_internal
        ftype = getattr(tag, "ftype", None)
        if ftype is None:
            raise TypeError(f"expected a Tag, got {type(tag).__name__}")
        payload = list(payload)
        if len(payload) != len(ftype.params):
            raise TypeError(f"tag payload takes {len(ftype.params)} values, got {len(payload)}")
        super().__init__()
        self.tag = tag
        self.values = [to_internal(t, v) for t, v in zip(ftype.params, payload)]

    @classmethod
    def _new(cls, tag, values: list) -> "WasmException":
        """What `throw` makes: engine values, no conversion (the code is validated)."""
        self = cls.__new__(cls)
        self.tag = tag
        self.values = values
        return self

    @property
    def payload(self) -> tuple:
        from .values import to_api
        return tuple(to_api(t, v) for t, v in zip(self.tag.ftype.params, self.values))

    def __str__(self) -> str:
        return f"uncaught exception: {self.tag!r} with payload {list(self.payload)!r}"

    def __repr__(self) -> str:
        return f"WasmException({self.tag!r}, {list(self.payload)!r})"
