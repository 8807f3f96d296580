"""The `.wast` script model: what a front end (our text parser, or wasm-tools' JSON) produces and
what the engine-agnostic runner consumes.

Values in scripts use the engine's canonical representation:
- `i32`/`i64`: unsigned ints (0 <= v < 2**32 / 2**64),
- `f32`/`f64`: their bit patterns as ints (so NaN payloads are exact),
- `v128`: a 128-bit unsigned int, lane 0 in the low bits,
- references: `Const("funcref"/"externref"/..., None)` is a null reference;
  `Const("externref", n)` is the host reference `ref.extern n`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from ..syntax import Module as SyntaxModule


@dataclass(frozen=True)
class Const:
    type: str                 # i32 i64 f32 f64 v128 funcref externref (later: anyref, exnref, ...)
    value: object             # see the module docstring


@dataclass(frozen=True)
class NanPattern:
    """`nan:canonical` or `nan:arithmetic` for an f32/f64 result (or one lane of a v128)."""

    type: str                 # "f32" | "f64"
    kind: str                 # "canonical" | "arithmetic"


@dataclass(frozen=True)
class RefPattern:
    """`(ref.func)`, `(ref.extern)`, `(ref.extern N)`, `(ref.null)` and, later, the 3.0 kinds
    (`ref.any`, `ref.eq`, `ref.i31`, `ref.struct`, `ref.array`, ...): any non-null reference
    of that kind; `value` pins a host reference number when given."""

    kind: str                 # "func" | "extern" | "null" | ...
    value: object = None


@dataclass(frozen=True)
class V128Pattern:
    """A v128 result given lane by lane; each lane is an int (lane bits) or a NanPattern."""

    shape: str                # "i8x16" "i16x8" "i32x4" "i64x2" "f32x4" "f64x2"
    lanes: tuple


@dataclass(frozen=True)
class Either:
    """`(either r1 r2 ...)`: the result matches one of the alternatives."""

    alternatives: tuple


Expected = Union[Const, NanPattern, RefPattern, V128Pattern, Either]


@dataclass(frozen=True)
class ModuleSource:
    """A module as written in a script.

    kind "binary": `binary` holds the bytes (`(module binary ...)`, or any module once encoded).
    kind "text":   `text` holds the parsed module (`(module ...)`), to be encoded for the engine.
    kind "quote":  `quote` holds the source text (`(module quote ...)`), to be parsed at run time.
    """

    kind: str
    binary: bytes | None = None
    text: SyntaxModule | None = None
    quote: str | None = None


@dataclass
class Command:
    line: int


@dataclass
class ModuleCmd(Command):
    source: ModuleSource
    name: str | None = None
    definition: bool = False  # 3.0 `(module definition $M ...)`: compile, do not instantiate


@dataclass
class ModuleInstanceCmd(Command):
    """3.0 `(module instance $I $M)`: instantiate a module definition."""

    instance: str | None
    definition: str | None


@dataclass
class RegisterCmd(Command):
    as_name: str
    name: str | None = None   # None: the most recent module


@dataclass
class Action:
    kind: str                 # "invoke" | "get"
    field: str
    args: list[Const] = field(default_factory=list)
    module: str | None = None


@dataclass
class ActionCmd(Command):
    action: Action


@dataclass
class AssertReturn(Command):
    action: Action
    expected: list


@dataclass
class AssertTrap(Command):
    """Either an action that must trap, or (for `assert_trap (module ...)`) a module whose
    instantiation must trap."""

    action: Action | None
    module: ModuleSource | None
    text: str


@dataclass
class AssertExhaustion(Command):
    action: Action
    text: str


@dataclass
class AssertException(Command):
    """3.0: the action throws an uncaught wasm exception."""

    action: Action


@dataclass
class AssertModule(Command):
    """assert_invalid / assert_malformed / assert_unlinkable / assert_uninstantiable."""

    kind: str                 # "invalid" | "malformed" | "unlinkable" | "uninstantiable"
    #                           | "malformed_custom" | "invalid_custom" (custom annotations)
    module: ModuleSource
    text: str


@dataclass
class Script:
    file: str
    commands: list[Command]
