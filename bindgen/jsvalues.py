"""A small model of JavaScript values, just large enough for the wasm-bindgen imports.

Representation (chosen so Python equality and JS identity line up where the glue cares):
  undefined -> UNDEFINED (a singleton, distinct from None)   null -> None
  boolean   -> bool       number -> float (int is accepted and read as a number too)
  string    -> str        Error  -> JsErrorObject           Function -> JsFunction
  Array     -> JsArray    Float32Array / Uint8Array -> JsTypedArray
  ArrayBuffer -> JsArrayBuffer (standalone) or MemoryBuffer (the instance memory's buffer)
  WebAssembly.Memory -> JsMemory             the global object -> JsGlobal

Typed arrays over the instance memory never keep a numpy view: every access re-reads the engine
memory, and a buffer whose memory has grown since it was fetched is *detached* (byteLength 0), as
in JS, so stale views can never alias freshly grown memory.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

import numpy as np


class _Undefined:
    """The JS `undefined` value: a singleton, falsy, distinct from None (= null)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "undefined"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self):
        return (_Undefined, ())


UNDEFINED = _Undefined()


class JsException(Exception):
    """A JS value thrown across the wasm boundary (what `throw` would carry in JS)."""

    def __init__(self, value: Any):
        self.value = value
        super().__init__(to_string(value) if isinstance(value, JsErrorObject)
                         else to_display(value))


class JsError(JsException):
    """A JS `Error` thrown by the glue or by the module (e.g. `__wbindgen_throw`)."""

    def __init__(self, message: str, name: str = "Error"):
        super().__init__(JsErrorObject(message, name))

    @property
    def message(self) -> str:
        return self.value.message


class WasmPanic(JsException):
    """The module panicked: the wasm trapped after its panic hook reported `message`."""

    def __init__(self, message: str, trap: BaseException | None = None):
        self.trap = trap
        super().__init__(JsErrorObject(message, "RuntimeError"))

    @property
    def message(self) -> str:
        return self.value.message


# ------------------------------------------------------------------ objects

class JsObject:
    """Base of the object values (typeof 'object'); plain objects keep their own properties."""

    class_name = "Object"

    def __init__(self, props: dict | None = None):
        self.props: dict[str, Any] = dict(props or {})

    def get(self, key: Any) -> Any:
        """`obj[key]` for a property key (string or number)."""
        return self.props.get(to_property_key(key), UNDEFINED)


class JsErrorObject(JsObject):
    """`new Error(message)`: name, message and a deterministic stack (no real JS frames exist)."""

    class_name = "Error"

    def __init__(self, message: str = "", name: str = "Error", stack: str | None = None):
        super().__init__()
        self.name = name
        self.message = message
        self.stack = stack if stack is not None else (f"{name}: {message}" if message else name) + \
            "\n    at <wasm>"

    def get(self, key: Any) -> Any:
        key = to_property_key(key)
        if key in ("name", "message", "stack"):
            return getattr(self, key)
        return super().get(key)

    def __repr__(self) -> str:
        return f"{self.name}({self.message!r})"


class JsFunction(JsObject):
    """A function made by `new Function(body)`; only the bodies the modules use can run."""

    class_name = "Function"

    def __init__(self, body: str, global_object: "JsGlobal", name: str = "anonymous"):
        super().__init__()
        self.body = body
        self.name = name
        self.global_object = global_object

    def call(self, this: Any, *args: Any) -> Any:
        """`f.call(this, ...args)` with sloppy-mode `this` (null/undefined -> the global object)."""
        if self.body.strip().rstrip(";").strip() == "return this":
            if this is None or this is UNDEFINED:
                return self.global_object
            return this
        raise JsError(f"cannot evaluate function body {self.body!r} outside a JS engine",
                      name="EvalError")

    def get(self, key: Any) -> Any:
        key = to_property_key(key)
        if key == "name":
            return self.name
        if key == "length":
            return 0.0
        return super().get(key)


class JsArray(JsObject):
    """A JS Array (dense) of JS values."""

    class_name = "Array"

    def __init__(self, items=()):
        super().__init__()
        self.items: list[Any] = list(items)

    @property
    def length(self) -> int:
        return len(self.items)

    def get(self, key: Any) -> Any:
        index = array_index(key)
        if index is not None:
            return self.items[index] if index < len(self.items) else UNDEFINED
        if to_property_key(key) == "length":
            return float(len(self.items))
        return super().get(key)

    def __repr__(self) -> str:
        return f"JsArray({self.items!r})"


class JsArrayBuffer(JsObject):
    """A standalone ArrayBuffer: owns its bytes."""

    class_name = "ArrayBuffer"

    def __init__(self, data: bytes | bytearray | int = 0):
        super().__init__()
        self.data = bytearray(data) if not isinstance(data, int) else bytearray(data)

    @property
    def byte_length(self) -> int:
        return len(self.data)

    def read(self, start: int, stop: int) -> bytes:
        return bytes(self.data[start:stop])

    def write(self, start: int, data: bytes) -> None:
        self.data[start:start + len(data)] = data

    def get(self, key: Any) -> Any:
        if to_property_key(key) == "byteLength":
            return float(self.byte_length)
        return super().get(key)


class MemoryBuffer(JsArrayBuffer):
    """`memory.buffer`: the instance memory's bytes, read through the engine every time.

    Detached (byteLength 0) once the memory has grown past the size it had when fetched, which
    is exactly when JS detaches the old ArrayBuffer."""

    def __init__(self, memory: "JsMemory"):
        JsObject.__init__(self)
        self.memory = memory
        self.size_at_fetch = memory.access.size()

    @property
    def detached(self) -> bool:
        return self.memory.access.size() != self.size_at_fetch

    @property
    def byte_length(self) -> int:
        return 0 if self.detached else self.size_at_fetch

    def read(self, start: int, stop: int) -> bytes:
        if self.detached:
            raise JsError("Cannot perform operation on a detached ArrayBuffer", name="TypeError")
        return self.memory.access.read(start, stop)

    def write(self, start: int, data: bytes) -> None:
        if self.detached:
            raise JsError("Cannot perform operation on a detached ArrayBuffer", name="TypeError")
        self.memory.access.write(start, data)


class JsMemory(JsObject):
    """`WebAssembly.Memory` of the instance; `access` reads/writes/sizes the engine memory."""

    class_name = "WebAssembly.Memory"

    def __init__(self, access):
        super().__init__()
        self.access = access
        self._buffer: MemoryBuffer | None = None

    @property
    def buffer(self) -> MemoryBuffer:
        """The same ArrayBuffer object until the memory grows (then a fresh one), as in JS."""
        if self._buffer is None or self._buffer.detached:
            self._buffer = MemoryBuffer(self)
        return self._buffer

    def get(self, key: Any) -> Any:
        if to_property_key(key) == "buffer":
            return self.buffer
        return super().get(key)


TYPED_ARRAY_DTYPES = {"Float32Array": np.dtype("<f4"), "Float64Array": np.dtype("<f8"),
                      "Uint8Array": np.dtype("u1"), "Uint32Array": np.dtype("<u4"),
                      "Int32Array": np.dtype("<i4")}


class JsTypedArray(JsObject):
    """A typed array over an ArrayBuffer (standalone or the instance memory's)."""

    def __init__(self, kind: str, buffer: JsArrayBuffer, byte_offset: int = 0,
                 length: int | None = None):
        super().__init__()
        if kind not in TYPED_ARRAY_DTYPES:
            raise JsError(f"unsupported typed array {kind}", name="TypeError")
        self.class_name = kind
        self.dtype = TYPED_ARRAY_DTYPES[kind]
        size = self.dtype.itemsize
        if byte_offset % size:
            raise JsError(f"start offset of {kind} should be a multiple of {size}",
                          name="RangeError")
        total = buffer.byte_length
        if length is None:
            if (total - byte_offset) % size or byte_offset > total:
                raise JsError(f"byte length of {kind} should be a multiple of {size}",
                              name="RangeError")
            length = (total - byte_offset) // size
        if byte_offset + length * size > total:
            raise JsError(f"Invalid typed array length: {length}", name="RangeError")
        self.buffer = buffer
        self.byte_offset = byte_offset
        self._length = length

    @classmethod
    def from_values(cls, kind: str, values) -> "JsTypedArray":
        """`new Float32Array(arrayLike)`: a copy into a fresh standalone buffer (ToNumber each)."""
        dtype = TYPED_ARRAY_DTYPES[kind]
        numbers = [to_number(v) for v in values]
        if dtype.kind == "f":
            data = np.array(numbers, dtype=np.float64).astype(dtype)
        else:
            data = np.array([to_uint(n, dtype.itemsize * 8) for n in numbers],
                            dtype=np.uint64).astype(dtype)
        return cls(kind, JsArrayBuffer(data.tobytes()), 0, len(numbers))

    @property
    def length(self) -> int:
        """0 once the underlying buffer is detached (JS semantics)."""
        if isinstance(self.buffer, MemoryBuffer) and self.buffer.detached:
            return 0
        return self._length

    def to_numpy(self) -> np.ndarray:
        """A fresh copy of the elements (never a view that could outlive a memory growth)."""
        n = self.length
        if n == 0:
            return np.zeros(0, dtype=self.dtype)
        raw = self.buffer.read(self.byte_offset, self.byte_offset + n * self.dtype.itemsize)
        return np.frombuffer(bytes(raw), dtype=self.dtype).copy()

    def values(self) -> list[float]:
        return [float(x) for x in self.to_numpy()]

    def get(self, key: Any) -> Any:
        index = array_index(key)
        if index is not None:
            if index >= self.length:
                return UNDEFINED
            start = self.byte_offset + index * self.dtype.itemsize
            raw = self.buffer.read(start, start + self.dtype.itemsize)
            return float(np.frombuffer(bytes(raw), dtype=self.dtype)[0])
        key = to_property_key(key)
        if key == "length":
            return float(self.length)
        if key == "byteOffset":
            return float(self.byte_offset)
        if key == "byteLength":
            return float(self.length * self.dtype.itemsize)
        if key == "buffer":
            return self.buffer
        return super().get(key)

    def __repr__(self) -> str:
        return f"{self.class_name}({self.values()!r})"


class JsGlobal(JsObject):
    """The global object (Node-like: `global` and `globalThis`, no `window`/`self`)."""

    class_name = "global"

    def __init__(self, props: dict | None = None):
        super().__init__(props)


# ------------------------------------------------------------------ operations

def typeof(value: Any) -> str:
    """JS `typeof`."""
    if value is UNDEFINED:
        return "undefined"
    if value is None:
        return "object"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, JsFunction):
        return "function"
    return "object"


def is_like_none(value: Any) -> bool:
    return value is UNDEFINED or value is None


def array_index(key: Any) -> int | None:
    """The array index a property key denotes, or None (canonical numeric strings included)."""
    if isinstance(key, bool):
        return None
    if isinstance(key, (int, float)):
        if key >= 0 and float(key).is_integer() and key < 2**32 - 1:
            return int(key)
        return None
    if isinstance(key, str) and key.isdigit() and (key == "0" or not key.startswith("0")):
        return int(key) if int(key) < 2**32 - 1 else None
    return None


def to_property_key(key: Any) -> str:
    return key if isinstance(key, str) else to_string(key)


def number_to_string(x: float) -> str:
    """JS Number::toString (ECMAScript Number::toString with radix 10): the shortest round-trip
    digits (Python's repr finds the same ones), laid out by the spec's rules."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    if x < 0:
        return "-" + number_to_string(-x)
    _, digit_tuple, exponent = Decimal(repr(x)).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    exponent += len(digit_tuple) - len(digits)
    k = len(digits)
    n = k + exponent  # value = 0.digits * 10**n
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
    e = n - 1
    return f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"


def to_string(value: Any) -> str:
    """JS ToString (String(value))."""
    if value is UNDEFINED:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_to_string(value)
    if isinstance(value, str):
        return value
    if isinstance(value, JsErrorObject):
        return f"{value.name}: {value.message}" if value.message else value.name
    if isinstance(value, JsArray):
        return ",".join("" if is_like_none(v) else to_string(v) for v in value.items)
    if isinstance(value, JsTypedArray):
        return ",".join(number_to_string(v) for v in value.values())
    if isinstance(value, JsFunction):
        return f"function {value.name}() {{\n{value.body}\n}}"
    return f"[object {value.class_name}]"


def to_number(value: Any) -> float:
    """JS ToNumber for primitives (objects go through ToString)."""
    if value is UNDEFINED:
        return math.nan
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return 0.0
        try:
            if text.lower().startswith(("0x", "0o", "0b")):
                return float(int(text, 0))
            if text in ("Infinity", "+Infinity"):
                return math.inf
            if text == "-Infinity":
                return -math.inf
            if any(c.isalpha() and c not in "eE" for c in text):
                return math.nan
            return float(text)
        except ValueError:
            return math.nan
    if isinstance(value, (JsArray, JsTypedArray)):
        return to_number(to_string(value))
    return math.nan


def to_uint(x: float, bits: int) -> int:
    """ToUint32 / ToUint8 style modular conversion (NaN and infinities -> 0)."""
    if math.isnan(x) or math.isinf(x):
        return 0
    return int(math.trunc(x)) % (1 << bits)


def to_int32(x: Any) -> int:
    """JS ToInt32: what a wasm i32 import result becomes."""
    n = to_uint(to_number(x), 32)
    return n - (1 << 32) if n >= 1 << 31 else n


def array_from(value: Any) -> JsArray:
    """`Array.from(value)` for the iterables and array-likes the imports can meet."""
    if isinstance(value, JsArray):
        return JsArray(value.items)
    if isinstance(value, JsTypedArray):
        return JsArray(value.values())
    if isinstance(value, str):
        return JsArray(list(value))
    if is_like_none(value):
        raise JsError(f"{to_string(value)} is not iterable (cannot read property "
                      "Symbol(Symbol.iterator))", name="TypeError")
    if isinstance(value, JsObject):
        length = value.get("length")
        n = to_uint(to_number(length), 32) if length is not UNDEFINED else 0
        return JsArray(value.get(i) for i in range(n))
    return JsArray()


def get_length(value: Any) -> Any:
    """`value.length` (undefined for values without one; strings count UTF-16 units)."""
    if isinstance(value, str):
        return float(utf16_length(value))
    if is_like_none(value):
        raise JsError(f"Cannot read properties of {to_string(value)} (reading 'length')",
                      name="TypeError")
    if isinstance(value, JsObject):
        return value.get("length")
    return UNDEFINED


def get_property(target: Any, key: Any) -> Any:
    """`Reflect.get(target, key)`: TypeError on non-objects, as Reflect requires."""
    if not isinstance(target, JsObject):
        raise JsError("Reflect.get called on non-object", name="TypeError")
    return target.get(key)


def get_index(target: Any, index: int) -> Any:
    """`target[index]`."""
    if is_like_none(target):
        raise JsError(f"Cannot read properties of {to_string(target)} (reading '{index}')",
                      name="TypeError")
    if isinstance(target, str):
        units = target.encode("utf-16-le", "surrogatepass")
        if index < len(units) // 2:
            return units[2 * index:2 * index + 2].decode("utf-16-le", "surrogatepass")
        return UNDEFINED
    if isinstance(target, JsObject):
        return target.get(index)
    return UNDEFINED


def utf16_length(text: str) -> int:
    """`string.length` in JS: UTF-16 code units."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def json_stringify(value: Any) -> str | None:
    """JSON.stringify for plain data (None where JS returns undefined: undefined, functions).
    Numbers print as JS prints them; NaN and infinities become null; undefined and function
    properties are left out, and become null inside arrays."""
    def text(v) -> str | None:
        if v is UNDEFINED or isinstance(v, JsFunction):
            return None
        if v is None:
            return "null"
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return "null" if (math.isnan(v) or math.isinf(v)) else number_to_string(v)
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, JsArray):
            return "[" + ",".join(text(x) or "null" for x in v.items) + "]"
        if isinstance(v, JsTypedArray):
            items = v.values()
            return "{" + ",".join(f'"{i}":{text(x)}' for i, x in enumerate(items)) + "}"
        if isinstance(v, JsErrorObject):
            return "{}"
        if isinstance(v, JsObject):
            parts = []
            for key, item in v.props.items():
                rendered = text(item)
                if rendered is not None:
                    parts.append(f"{json.dumps(key, ensure_ascii=False)}:{rendered}")
            return "{" + ",".join(parts) + "}"
        return None
    return text(value)


def to_display(value: Any) -> str:
    """How console.log would show a single value (strings raw, errors with their stack)."""
    if isinstance(value, str):
        return value
    if isinstance(value, JsErrorObject):
        return value.stack
    if isinstance(value, JsArray):
        return "[ " + ", ".join(repr(v) if isinstance(v, str) else to_display(v)
                                for v in value.items) + " ]" if value.items else "[]"
    if isinstance(value, JsTypedArray):
        return f"{value.class_name}({value.length}) [ " + ", ".join(
            number_to_string(v) for v in value.values()) + " ]"
    return to_string(value)


def from_python(value: Any) -> Any:
    """Turn a Python value into the JS value an embedder means by it."""
    if value is UNDEFINED or value is None or isinstance(value, (bool, str, JsObject)):
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, np.ndarray):
        kind = {np.dtype("float32"): "Float32Array", np.dtype("float64"): "Float64Array",
                np.dtype("uint8"): "Uint8Array", np.dtype("uint32"): "Uint32Array",
                np.dtype("int32"): "Int32Array"}.get(value.dtype)
        if kind is None:
            return JsArray(float(x) for x in value.ravel())
        data = np.ascontiguousarray(value.ravel(), dtype=value.dtype.newbyteorder("<"))
        return JsTypedArray(kind, JsArrayBuffer(data.tobytes()), 0, data.size)
    if isinstance(value, BaseException):
        return JsErrorObject(str(value), type(value).__name__)
    if isinstance(value, (list, tuple)):
        return JsArray(from_python(v) for v in value)
    if isinstance(value, dict):
        return JsObject({str(k): from_python(v) for k, v in value.items()})
    raise TypeError(f"cannot convert {type(value).__name__} to a JS value")


def make_function(body: str, global_object: JsGlobal) -> JsFunction:
    return JsFunction(body, global_object)

