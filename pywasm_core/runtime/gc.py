"""GC heap values (WebAssembly 3.0): structs, arrays, i31 references and the extern <-> any
conversions.  They are ordinary Python objects, so Python's own garbage collector reclaims them.

Representation inside the engine (values on the operand stack, in locals, globals, tables, fields):
* a struct is a `Struct`: `rtt`, the canonical type id of its defined type (runtime/rtt.py: the
  engine-wide `TypeRegistry`, whose `ancestors[rtt]` are the ids it may be cast to), and
  `fields`, a list of field values;
* an array is an `Array`: `rtt` as for structs and `elems`, a list of element values;
* packed fields and elements (i8, i16) hold the unsigned pattern (0 <= v < 2**8 / 2**16):
  `*.get_u` returns it, `*.get_s` sign-extends it to an i32;
* an i31 reference is a plain Python int 0 <= v < 2**31 (the low 31 bits of `ref.i31`'s operand).
  Nothing else in the `any` hierarchy is an int: a host value that enters it (`any.convert_extern`)
  is always wrapped in an `Internalized`, so `type(v) is int` identifies an i31;
* `any.convert_extern` of a host value x is `Internalized(x)`; `extern.convert_any` of an internal
  value v (i31, struct, array) is `Externalized(v)`; each conversion unwraps the other one's
  wrapper, so `extern.convert_any(any.convert_extern(x)) is x` and an i31 or struct that makes
  the round trip the other way comes back as itself.  Null stays None throughout.
* `ref.eq` is `==`: identity for structs and arrays (no `__eq__`), value equality for i31s.

At the embedding API (`values.to_api` / `to_internal`): an i31 comes out as an `I31` object (so a
Python int stays an ordinary host value), an internalized host value as the host object itself;
structs, arrays and externalized values come out as they are, opaque, and can be passed back in.
"""

from __future__ import annotations

from ..errors import Trap, TrapCode

# Longest array an allocation may create (the tables' default element limit): past it
# `array.new*` traps ("allocation too large") instead of asking Python for gigabytes.
MAX_ARRAY_LENGTH = 1 << 24


class Struct:
    """A struct instance: canonical type id and field values."""

    __slots__ = ("rtt", "fields", "__weakref__")

    def __init__(self, rtt: int, fields: list):
        self.rtt = rtt
        self.fields = fields

    def __repr__(self) -> str:
        return f"<Struct type#{self.rtt} fields={len(self.fields)}>"


class Array:
    """An array instance: canonical type id and element values."""

    __slots__ = ("rtt", "elems", "__weakref__")

    def __init__(self, rtt: int, elems: list):
        self.rtt = rtt
        self.elems = elems

    def __repr__(self) -> str:
        return f"<Array type#{self.rtt} len={len(self.elems)}>"


class Internalized:
    """A host (extern) value inside the `any` hierarchy: `any.convert_extern(x)`."""

    __slots__ = ("host",)

    def __init__(self, host):
        self.host = host

    def __repr__(self) -> str:
        return f"<anyref host {self.host!r}>"


class Externalized:
    """An internal value (i31, struct, array) as an externref: `extern.convert_any(v)`."""

    __slots__ = ("ref",)

    def __init__(self, ref):
        self.ref = ref

    def __eq__(self, other) -> bool:
        if type(other) is not Externalized:
            return NotImplemented
        return self.ref is other.ref or (type(self.ref) is int and self.ref == other.ref)

    def __hash__(self) -> int:
        return hash(self.ref) if type(self.ref) is int else id(self.ref)

    def __repr__(self) -> str:
        return f"<externref of {to_api_any(self.ref)!r}>"


class I31:
    """An i31 reference at the API (the engine itself uses a plain int), made from a signed or
    unsigned 31-bit int: `.value` is the unsigned 31-bit payload, `.signed` its sign-extended
    reading.  Immutable; equal when the payloads are."""

    __slots__ = ("value",)

    def __init__(self, value: int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"expected an int for i31, got {type(value).__name__}")
        if not -(1 << 30) <= value < (1 << 31):
            raise ValueError(f"{value} is out of range for i31")
        object.__setattr__(self, "value", value & 0x7FFF_FFFF)

    def __setattr__(self, name, value):
        raise AttributeError("I31 is immutable")

    @property
    def signed(self) -> int:
        v = self.value
        return v - (1 << 31) if v >> 30 else v

    def __eq__(self, other) -> bool:
        return type(other) is I31 and other.value == self.value

    def __hash__(self) -> int:
        return hash(("i31", self.value))

    def __repr__(self) -> str:
        return f"I31({self.value})"


# ---- the conversion instructions ----

def any_convert_extern(x):
    """`any.convert_extern`: null stays null, an externalized internal value comes back as
    itself, any other host value is wrapped."""
    if x is None:
        return None
    if type(x) is Externalized:
        return x.ref
    return Internalized(x)


def extern_convert_any(v):
    """`extern.convert_any`: the inverse of any_convert_extern."""
    if v is None:
        return None
    if type(v) is Internalized:
        return v.host
    return Externalized(v)


# ---- i31 ----

def ref_i31(x: int) -> int:
    return x & 0x7FFF_FFFF


def i31_get_u(v) -> int:
    if v is None:
        raise Trap(TrapCode.NULL_REFERENCE, "null i31 reference")
    return v


def i31_get_s(v) -> int:
    if v is None:
        raise Trap(TrapCode.NULL_REFERENCE, "null i31 reference")
    return v | 0x8000_0000 if v & 0x4000_0000 else v


def ref_eq(a, b) -> int:
    return 1 if a == b else 0


# ---- the embedding API's view ----

def to_api_any(v):
    """An engine value of the `any` hierarchy as the API returns it."""
    if type(v) is int:
        return I31(v)
    if type(v) is Internalized:
        return v.host
    return v


def to_internal_ref(ty, v):
    """An API value for the GC reference type `ty` (heap any/eq/i31/struct/array/none, or a
    defined struct/array type) -> the engine value; TypeError for a value of another kind.
    A host object given where `anyref` is expected is internalized, as `any.convert_extern`
    does (so an externalized internal value comes back as itself)."""
    heap = ty.heap
    if v is None:
        if not ty.nullable:
            raise TypeError(f"null is not a value of the non-nullable type {ty}")
        return None
    if type(v) is I31:
        value = v.value
    elif type(v) is Externalized:
        value = v.ref
    elif type(v) in (Struct, Array, Internalized):
        value = v
    else:
        value = Internalized(v)
    kind = type(value)
    if heap == "any" or (heap == "eq" and kind is not Internalized) or \
            (heap == "i31" and kind is int) or (heap == "struct" and kind is Struct) or \
            (heap == "array" and kind is Array) or \
            (isinstance(heap, int) and (kind is Struct or kind is Array)):
        return value
    raise TypeError(f"expected a value of type {ty}, got {type(v).__name__}")


def new_array_length(n: int) -> int:
    """Check the length of an array about to be allocated."""
    if n > MAX_ARRAY_LENGTH:
        raise Trap(TrapCode.ALLOCATION_TOO_LARGE)
    return n
