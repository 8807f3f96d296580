"""Linear memory: a bytearray of whole 64 KiB pages.

A bytearray cannot be resized while a memoryview of it is alive (BufferError), so growth extends the
buffer in place when it can and otherwise replaces it with a larger copy; views handed out by
`buffer()` are then stale and must be fetched again (the JS "detached buffer" rule).
"""

from __future__ import annotations

from ..errors import WasmError
from ..types import MAX_PAGES_32, PAGE_SIZE, Limits, MemoryType

MAX_PAGES_64 = 1 << 48      # memory64 (3.0): 2**64 bytes of 64 KiB pages


class Memory:
    __slots__ = ("store", "ty", "data", "max_pages")

    def __init__(self, store, ty: MemoryType):
        if not isinstance(ty, MemoryType):
            raise TypeError(f"expected a MemoryType, got {type(ty).__name__}")
        limits = ty.limits
        cap = MAX_PAGES_64 if ty.is_64 else MAX_PAGES_32
        if limits.min > cap or (limits.max is not None and limits.max > cap):
            raise WasmError("memory size must be at most 65536 pages (4GiB)" if not ty.is_64
                            else "memory size must be at most 2**48 pages")
        if limits.max is not None and limits.max < limits.min:
            raise WasmError("size minimum must not be greater than maximum")
        size = limits.min * PAGE_SIZE
        if 0 <= store.limit_memory_size < size:
            raise WasmError("resource limit exceeded: "
                            "memory minimum is larger than the store limit")
        store._count("memories")
        self.store = store
        self.ty = ty
        self.max_pages = cap if limits.max is None else limits.max
        try:
            self.data = bytearray(size)
        except MemoryError:
            raise WasmError("resource limit exceeded: cannot allocate the memory") from None

    def grow_pages(self, delta: int) -> int:
        """memory.grow: the old size in pages, or -1 (nothing allocated) past the max or a limit."""
        data = self.data
        old = len(data) >> 16
        new = old + delta
        if delta < 0 or new > self.max_pages:
            return -1
        limit = self.store.limit_memory_size
        if limit >= 0 and new * PAGE_SIZE > limit:
            return -1
        if delta:
            try:
                try:
                    data.extend(bytes(delta * PAGE_SIZE))
                except BufferError:        # a live memoryview pins the buffer: replace it
                    bigger = bytearray(new * PAGE_SIZE)
                    bigger[:len(data)] = data
                    self.data = bigger
            except MemoryError:
                return -1
        return old

    # ---- public API (wasmtime-py names) ----
    def type(self, store=None) -> MemoryType:
        limits = self.ty.limits
        return MemoryType(Limits(len(self.data) >> 16, limits.max), self.ty.is_64, self.ty.shared,
                          self.ty.page_size_log2)

    def size(self, store=None) -> int:
        return len(self.data) >> 16

    def data_len(self, store=None) -> int:
        return len(self.data)

    def page_size(self, store=None) -> int:
        return PAGE_SIZE

    def grow(self, store, delta: int) -> int:
        if isinstance(delta, bool) or not isinstance(delta, int) or delta < 0:
            raise WasmError(f"memory.grow delta must be a non-negative int, got {delta!r}")
        old = self.grow_pages(delta)
        if old < 0:
            raise WasmError(f"failed to grow memory by {delta} pages")
        return old

    def buffer(self, store=None) -> memoryview:
        """A view of the live bytes; fetch a new one after any growth."""
        return memoryview(self.data)

    def read(self, store, start: int = 0, stop: int | None = None) -> bytearray:
        size = len(self.data)
        if stop is None:
            stop = size
        if start < 0 or stop < start or stop > size:
            raise IndexError(f"read [{start}, {stop}) out of bounds of memory of {size} bytes")
        return bytearray(self.data[start:stop])

    def write(self, store, value, start: int | None = None) -> int:
        start = 0 if start is None else start
        value = bytes(value)
        end = start + len(value)
        if start < 0 or end > len(self.data):
            raise IndexError(f"write [{start}, {end}) out of bounds of memory of "
                             f"{len(self.data)} bytes")
        self.data[start:end] = value
        return len(value)

    def __repr__(self) -> str:
        return f"<Memory {len(self.data) >> 16} pages>"
