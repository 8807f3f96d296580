"""`Val` and the conversions between API values and the engine's value representation.

Inside the engine (see pywasm_core/numerics): i32/i64 are canonical unsigned ints, f32/f64 Python
floats (f32 values exactly representable in f32, NaN payload in the top mantissa bits), v128 a
128-bit int, funcref a `Func` or None, externref any object or None.  At the API, integers are
accepted signed or unsigned and returned signed, as wasmtime-py does.  GC references (3.0, see
runtime/gc.py): structs and arrays cross as they are (opaque objects), an i31 as a `gc.I31`, and a
host object given for an `anyref` is internalized (and comes back out as itself).
"""

from __future__ import annotations

from .types import EXTERNREF, F32, F64, FUNCREF, I32, I64, V128, ValType


class Val:
    """A typed value, for references and v128 and wherever the type must be explicit."""

    __slots__ = ("type", "value")

    def __init__(self, type: ValType, value: object):
        if not isinstance(type, ValType):
            raise TypeError(f"expected a ValType, got {type!r}")
        self.type = type
        self.value = value

    @staticmethod
    def i32(v: int) -> "Val":
        return Val(I32, _signed(_check_int(v, 32), 32))

    @staticmethod
    def i64(v: int) -> "Val":
        return Val(I64, _signed(_check_int(v, 64), 64))

    @staticmethod
    def f32(v: float) -> "Val":
        return Val(F32, _to_f32(v))

    @staticmethod
    def f64(v: float) -> "Val":
        return Val(F64, _to_f64(v))

    @staticmethod
    def v128(v: int) -> "Val":
        return Val(V128, _check_v128(v))

    @staticmethod
    def funcref(f) -> "Val":
        return Val(FUNCREF, _check_funcref(f))

    @staticmethod
    def externref(x) -> "Val":
        return Val(EXTERNREF, x)

    @staticmethod
    def ref_null(ty: ValType) -> "Val":
        if not isinstance(ty, ValType) or not ty.is_ref:
            raise TypeError(f"ref_null needs a reference type, got {ty!r}")
        return Val(ty, None)

    def as_i32(self):
        return self.value if self.type is I32 else None

    def as_i64(self):
        return self.value if self.type is I64 else None

    def as_f32(self):
        return self.value if self.type is F32 else None

    def as_f64(self):
        return self.value if self.type is F64 else None

    def as_v128(self):
        return self.value if self.type is V128 else None

    def as_funcref(self):
        return self.value if self.type is FUNCREF else None

    def as_externref(self):
        return self.value if self.type is EXTERNREF else None

    def __eq__(self, other) -> bool:
        return isinstance(other, Val) and other.type is self.type and other.value == self.value

    def __hash__(self) -> int:
        return hash((self.type.name, id(self.value) if self.type.is_ref else self.value))

    def __repr__(self) -> str:
        return f"Val.{self.type.name}({self.value!r})"


def _check_int(v, bits: int) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError(f"expected an int for i{bits}, got {type(v).__name__}")
    if not -(1 << (bits - 1)) <= v < (1 << bits):
        raise ValueError(f"{v} is out of range for i{bits}")
    return v & ((1 << bits) - 1)


def _signed(v: int, bits: int) -> int:
    return v - (1 << bits) if v >> (bits - 1) else v


def _to_f64(v) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TypeError(f"expected a float for f64, got {type(v).__name__}")
    return float(v)


def _to_f32(v) -> float:
    from .numerics.floats import round_f32
    return round_f32(_to_f64(v))


def _check_v128(v) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError(f"expected an int for v128, got {type(v).__name__}")
    if not -(1 << 127) <= v < (1 << 128):
        raise ValueError(f"{v} is out of range for v128")
    return v & ((1 << 128) - 1)


def _check_funcref(f):
    from .runtime.func import Func
    if f is not None and not isinstance(f, Func):
        raise TypeError(f"expected a Func or None for funcref, got {type(f).__name__}")
    return f


def to_internal(ty: ValType, v):
    """An API value (plain Python value or `Val`) -> the engine representation of type `ty`."""
    if isinstance(v, Val):
        if v.type is not ty:
            raise TypeError(f"expected a value of type {ty}, got {v.type}")
        v = v.value
    if ty is I32:
        return _check_int(v, 32)
    if ty is I64:
        return _check_int(v, 64)
    if ty is F64:
        return _to_f64(v)
    if ty is F32:
        return _to_f32(v)
    if ty is V128:
        return _check_v128(v)
    if ty is FUNCREF:
        return _check_funcref(v)
    if ty is not EXTERNREF and getattr(ty, "heap", None) is not None:
        return _check_typed_ref(ty, v)
    return v


def _check_typed_ref(ty, v):
    """A 3.0 reference type `(ref null? heap)`: no null unless nullable; a Func (or null) for the
    function heap types.  Other heaps (extern, GC objects) take the value as it is."""
    if v is None:
        if not ty.nullable:
            raise TypeError(f"null is not a value of the non-nullable type {ty}")
        return v
    heap = ty.heap
    if isinstance(heap, int) or heap in ("any", "eq", "i31", "struct", "array", "none"):
        from .runtime.func import Func
        if not isinstance(v, Func):       # GC values (3.0); a Func for a function type index
            from .runtime.gc import to_internal_ref
            return to_internal_ref(ty, v)
        if not isinstance(heap, int):
            raise TypeError(f"expected a value of type {ty}, got a Func")
        return v
    if heap in ("func", "nofunc"):
        from .runtime.func import Func
        if heap == "nofunc" or not isinstance(v, Func):
            raise TypeError(f"expected a Func for {ty}, got {type(v).__name__}")
        return _check_funcref(v)
    if heap in ("none", "noextern", "noexn"):
        raise TypeError(f"only null is a value of {ty}")
    if heap == "exn":                     # exnref (3.0 exceptions): a caught WasmException
        from .errors import WasmException
        if not isinstance(v, WasmException):
            raise TypeError(f"expected a WasmException for {ty}, got {type(v).__name__}")
    return v


def to_api(ty: ValType, v):
    """An engine value of type `ty` -> what the API returns (signed ints, floats, refs)."""
    if ty is I32:
        return v - 0x1_0000_0000 if v & 0x8000_0000 else v
    if ty is I64:
        return v - 0x1_0000_0000_0000_0000 if v & 0x8000_0000_0000_0000 else v
    if type(ty) is ValType or v is None or ty is FUNCREF or ty is EXTERNREF:
        return v
    heap = ty.heap
    if isinstance(heap, int) or heap in ("any", "eq", "i31", "struct", "array", "none"):
        from .runtime.gc import to_api_any   # GC references (3.0): i31s, internalized hosts
        return to_api_any(v)
    return v


def default_value(ty: ValType):
    """The zero value of a type (locals, table and global defaults)."""
    if ty is I32 or ty is I64 or ty is V128:
        return 0
    if ty is F32 or ty is F64:
        return 0.0
    return None
