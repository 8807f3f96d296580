"""The glue runtime: one instantiated wasm-bindgen module plus its JS-side state.

`Bindgen` owns the engine adapter, the object heap, the JS environment (clock, PRNG, console,
global object) and does what the generated JS does around every call: strings through the
malloc/realloc exports (ASCII first, then realloc and UTF-8, as `passStringToWasm0`), typed
arrays through malloc, results through the retptr protocol (`__wbindgen_add_to_stack_pointer`),
returned buffers freed through the free export.  Memory is re-read from the engine on every
access: no view is kept across a call that may grow memory.

The numbered exports are the glue's (`ruv_swarm_wasm.js`), checked against their signatures at
load time (the shipped `_bg.wasm.d.ts` lists them with the wrong arities):
  __wbindgen_export_0(idx)                  store a thrown JS value (handleError)
  __wbindgen_export_1(ptr, len, align)      free
  __wbindgen_export_2(size, align) -> ptr   malloc
  __wbindgen_export_3(ptr, old, new, align) -> ptr   realloc
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import struct
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .engines import EngineAdapter, MissingExportError, make_adapter
from .heap import Heap
from .jsvalues import JsError, JsException, JsGlobal, JsMemory, WasmPanic, utf16_length

EXN_STORE = "__wbindgen_export_0"
FREE = "__wbindgen_export_1"
MALLOC = "__wbindgen_export_2"
REALLOC = "__wbindgen_export_3"
ADD_TO_STACK_POINTER = "__wbindgen_add_to_stack_pointer"
START = "__wbindgen_start"

CONSOLE_LOGGER = "bindgen.console"


class WasmTrap(Exception):
    """The module trapped (engine trap, not a JS exception); `cause` is the engine's error."""


class WasmBindgenError(Exception):
    """Misuse of the binding layer: bad argument types or lengths, a freed object, ..."""


class FreedObjectError(WasmBindgenError):
    """A wrapper whose wasm object was already freed (or moved) was used again."""


# ------------------------------------------------------------------ determinism

class SeededRandom:
    """Math.random: xorshift128+ (the generator V8 uses), seeded through splitmix64."""

    def __init__(self, seed: int = 0):
        state = seed & 0xFFFFFFFFFFFFFFFF

        def splitmix():
            nonlocal state
            state = (state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
            z = state
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
            return z ^ (z >> 31)
        self.s0, self.s1 = splitmix(), splitmix()
        if self.s0 == 0 and self.s1 == 0:
            self.s1 = 1

    def random(self) -> float:
        """A double in [0, 1) built from the top 52 bits of the next state."""
        s1, s0 = self.s0, self.s1
        self.s0 = s0
        s1 ^= (s1 << 23) & 0xFFFFFFFFFFFFFFFF
        s1 ^= s1 >> 17
        s1 ^= s0
        s1 ^= s0 >> 26
        self.s1 = s1
        return (self.s0 >> 12) / float(1 << 52)


class SystemRandom:
    """OS randomness, only when asked for."""

    def random(self) -> float:
        return int.from_bytes(os.urandom(7), "little") / float(1 << 56)


class VirtualClock:
    """Date.now / performance.now in milliseconds: starts at `start`, advances `step` per read."""

    def __init__(self, start: float = 1_700_000_000_000.0, step: float = 1.0):
        self.current = float(start)
        self.step = float(step)

    def now(self) -> float:
        value = self.current
        self.current += self.step
        return value


class RealClock:
    """Wall-clock time, only when asked for."""

    def now(self) -> float:
        return float(time.time_ns() // 1_000_000)


@dataclass
class Environment:
    """What the JS host provides beyond the heap: time, randomness, console and globals."""

    random: Any = field(default_factory=SeededRandom)
    clock: Any = field(default_factory=VirtualClock)
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger(CONSOLE_LOGGER))
    globals: dict = field(default_factory=dict)

    @classmethod
    def deterministic(cls, seed: int = 0, clock=None) -> "Environment":
        return cls(random=SeededRandom(seed), clock=clock or VirtualClock())

    @classmethod
    def real(cls) -> "Environment":
        return cls(random=SystemRandom(), clock=RealClock())


# ------------------------------------------------------------------ memory access

class MemoryAccess:
    """Byte-level access to the instance memory through the adapter (no cached views)."""

    def __init__(self, adapter: EngineAdapter):
        self.adapter = adapter

    def size(self) -> int:
        return self.adapter.memory_size()

    def read(self, start: int, stop: int) -> bytes:
        if start < 0 or stop > self.size() or stop < start:
            raise JsError(f"offset is out of bounds ({start}..{stop})", name="RangeError")
        return self.adapter.memory_read(start, stop)

    def write(self, start: int, data: bytes) -> None:
        if start < 0 or start + len(data) > self.size():
            raise JsError(f"offset is out of bounds ({start}+{len(data)})", name="RangeError")
        self.adapter.memory_write(start, data)

    def get_i32(self, addr: int) -> int:
        return struct.unpack("<i", self.read(addr, addr + 4))[0]

    def get_u32(self, addr: int) -> int:
        return struct.unpack("<I", self.read(addr, addr + 4))[0]

    def set_i32(self, addr: int, value: int) -> None:
        self.write(addr, struct.pack("<I", int(value) & 0xFFFFFFFF))

    def set_f64(self, addr: int, value: float) -> None:
        self.write(addr, struct.pack("<d", float(value)))


def _js_string_units(text: str) -> str:
    """Lone surrogates become U+FFFD, as TextEncoder does."""
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    return text


ARRAY_KINDS = {
    "u8": (np.dtype("u1"), 1), "u32": (np.dtype("<u4"), 4), "i32": (np.dtype("<i4"), 4),
    "f32": (np.dtype("<f4"), 4), "f64": (np.dtype("<f8"), 8),
}


class Bindgen:
    """One wasm-bindgen module instance with its JS-side state."""

    def __init__(self, wasm: bytes, engine: str | EngineAdapter = "pywasm_core",
                 env: Environment | None = None, start: bool = True):
        self.adapter = make_adapter(engine)
        self.env = env or Environment.deterministic()
        self.heap = Heap()
        self.memory = MemoryAccess(self.adapter)
        self.js_memory = JsMemory(self.memory)
        self.global_object = JsGlobal(self.env.globals)
        self.vector_len = 0  # WASM_VECTOR_LEN
        self.panic_message: str | None = None
        self._depth = 0
        from .imports import make_imports
        module = self.adapter.compile(wasm)
        self.imports = make_imports(self)
        self.adapter.instantiate(module, self.imports)
        self._check_glue_exports()
        if start and self.adapter.has_export(START):
            self.call(START)

    # -- exports
    def _check_glue_exports(self) -> None:
        for name in (EXN_STORE, FREE, MALLOC, REALLOC, ADD_TO_STACK_POINTER):
            if not self.adapter.has_export(name):
                raise MissingExportError(f"not a wasm-bindgen module: no export {name!r}")

    def has_export(self, name: str) -> bool:
        return self.adapter.has_export(name)

    def call(self, name: str, *args):
        """Call an export; a trap after a panic report becomes WasmPanic with the message."""
        outer = self._depth == 0
        if outer:
            self.panic_message = None
        self._depth += 1
        try:
            return self.adapter.call(name, *args)
        except (JsException, WasmBindgenError, MissingExportError):
            raise
        except Exception as exc:
            if self.adapter.is_trap(exc):
                if self.panic_message is not None:
                    raise WasmPanic(self.panic_message, exc) from exc
                raise WasmTrap(f"{name}: {_trap_text(exc)}") from exc
            if isinstance(exc, (TypeError, ValueError, OverflowError)) and self._depth == 1:
                raise WasmBindgenError(f"bad argument for {name}: {exc}") from exc
            raise
        finally:
            self._depth -= 1

    # -- allocation
    def malloc(self, size: int, align: int) -> int:
        return self.call(MALLOC, size, align) & 0xFFFFFFFF

    def realloc(self, ptr: int, old: int, new: int, align: int) -> int:
        return self.call(REALLOC, ptr, old, new, align) & 0xFFFFFFFF

    def free(self, ptr: int, size: int, align: int) -> None:
        self.call(FREE, ptr, size, align)

    @contextlib.contextmanager
    def retptr(self, size: int = 16):
        """Reserve `size` bytes on the shadow stack for results, restored afterwards."""
        ptr = self.call(ADD_TO_STACK_POINTER, -size) & 0xFFFFFFFF
        try:
            yield ptr
        finally:
            self.call(ADD_TO_STACK_POINTER, size)

    def read_words(self, ptr: int, n: int) -> list[int]:
        """n little-endian i32 words at ptr (signed, as DataView.getInt32)."""
        return list(struct.unpack(f"<{n}i", self.memory.read(ptr, ptr + 4 * n)))

    # -- strings
    def pass_string(self, text: str) -> tuple[int, int]:
        """passStringToWasm0: ASCII prefix in place, the rest UTF-8 after a realloc to 3x."""
        if not isinstance(text, str):
            raise WasmBindgenError(f"expected a str, got {type(text).__name__}")
        text = _js_string_units(text)
        length = utf16_length(text)
        ptr = self.malloc(length, 1)
        offset = 0
        ascii_prefix = bytearray()
        for ch in text:
            if ord(ch) > 0x7F:
                break
            ascii_prefix.append(ord(ch))
        offset = len(ascii_prefix)
        if ascii_prefix:
            self.memory.write(ptr, bytes(ascii_prefix))
        if offset != length:
            rest = text[offset:]
            new_len = offset + utf16_length(rest) * 3
            ptr = self.realloc(ptr, length, new_len, 1)
            encoded = rest.encode("utf-8")
            self.memory.write(ptr + offset, encoded)
            offset += len(encoded)
            ptr = self.realloc(ptr, new_len, offset, 1)
        self.vector_len = offset
        return ptr, offset

    def get_string(self, ptr: int, length: int) -> str:
        """getStringFromWasm0: fatal UTF-8 decoding (a TypeError in JS)."""
        ptr &= 0xFFFFFFFF
        raw = self.memory.read(ptr, ptr + length)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsError(f"The encoded data was not valid for encoding utf-8 ({exc.reason})",
                          name="TypeError") from None

    def take_string(self, ptr: int, length: int) -> str:
        """A returned String: decode it, then free it (the glue's deferred free)."""
        try:
            return self.get_string(ptr, length)
        finally:
            self.free(ptr, length, 1)

    # -- arrays
    def pass_array(self, values, kind: str) -> tuple[int, int]:
        """passArray{8,32,F32,F64}ToWasm0: copy into fresh wasm memory from malloc."""
        dtype, align = ARRAY_KINDS[kind]
        array = to_typed_array(values, kind)
        ptr = self.malloc(array.size * dtype.itemsize, align)
        if array.size:
            self.memory.write(ptr, array.astype(dtype, copy=False).tobytes())
        self.vector_len = array.size
        return ptr, array.size

    def get_array(self, ptr: int, length: int, kind: str) -> np.ndarray:
        """A copy of `length` elements at ptr (the glue's `.slice()`)."""
        dtype, _ = ARRAY_KINDS[kind]
        ptr &= 0xFFFFFFFF
        raw = self.memory.read(ptr, ptr + length * dtype.itemsize)
        return np.frombuffer(raw, dtype=dtype).copy()

    def take_array(self, ptr: int, length: int, kind: str) -> np.ndarray:
        dtype, align = ARRAY_KINDS[kind]
        result = self.get_array(ptr, length, kind)
        self.free(ptr, length * dtype.itemsize, align)
        return result

    def take_js_array(self, ptr: int, length: int) -> list:
        """getArrayJsValueFromWasm0 + free: heap indices taken one by one."""
        ptr &= 0xFFFFFFFF
        indices = struct.unpack(f"<{length}I", self.memory.read(ptr, ptr + 4 * length)) \
            if length else ()
        values = [self.heap.take(i) for i in indices]
        self.free(ptr, length * 4, 4)
        return values

    # -- inspection
    def memory_hash(self) -> str:
        """sha256 of the whole linear memory (for cross-engine comparisons)."""
        return hashlib.sha256(self.memory.read(0, self.memory.size())).hexdigest()

    def memory_bytes(self) -> int:
        return self.memory.size()


def to_typed_array(values, kind: str) -> np.ndarray:
    """Coerce a Python/numpy argument to a 1-D array of `kind`, refusing lossy surprises."""
    dtype, _ = ARRAY_KINDS[kind]
    if isinstance(values, (str, bytes)) and kind != "u8":
        raise WasmBindgenError(f"expected a sequence of numbers, got {type(values).__name__}")
    if isinstance(values, (bytes, bytearray, memoryview)):
        return np.frombuffer(bytes(values), dtype=np.uint8).astype(dtype)
    try:
        array = np.asarray(values)
    except Exception as exc:
        raise WasmBindgenError(f"expected a sequence of numbers: {exc}") from None
    if array.ndim == 0:
        raise WasmBindgenError(f"expected a sequence of numbers, got {type(values).__name__}")
    if array.ndim != 1:
        raise WasmBindgenError(f"expected a 1-D sequence, got shape {array.shape}")
    if array.size == 0:
        return np.zeros(0, dtype=dtype)
    if array.dtype.kind not in "biuf":
        raise WasmBindgenError(f"expected numbers, got elements of type {array.dtype}")
    if dtype.kind in "ui":
        if array.dtype.kind == "f":
            if not np.all(np.isfinite(array)) or not np.all(array == np.trunc(array)):
                raise WasmBindgenError("expected integers, got non-integral values")
        info = np.iinfo(dtype)
        if array.min() < info.min or array.max() > info.max:
            raise WasmBindgenError(f"values out of range for {dtype}")
        return array.astype(dtype)
    return array.astype(dtype)


def _trap_text(exc: BaseException) -> str:
    """The spec wording of a trap, whichever engine raised it ("out of bounds memory access")."""
    text = str(exc)
    marker = "wasm trap: "
    if marker in text:
        return text[text.index(marker) + len(marker):].splitlines()[0].strip()
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        return message.splitlines()[0]
    return text.splitlines()[0] if text else type(exc).__name__
