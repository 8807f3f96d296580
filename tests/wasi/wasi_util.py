"""Drive a WasiHost directly, without an engine: a bytearray stands in for the guest's memory
(it offers the same read/write/data_len calls the host uses on a real engine's Memory)."""

from __future__ import annotations

import struct

from pywasm_core.wasi import Errno, WasiConfig, WasiHost
from pywasm_core.wasi.errno import RIGHTS_ALL

# Scratch layout inside the fake memory.
PATH = 0x100        # path strings
PATH2 = 0x300       # a second path
OUT = 0x40          # small results (fd, sizes)
IOV = 0x500         # iovec arrays
BUF = 0x1000        # data buffers
MEMORY_SIZE = 0x10000


class FakeMemory:
    def __init__(self, size: int = MEMORY_SIZE):
        self.data = bytearray(size)

    def data_len(self, store) -> int:
        return len(self.data)

    def read(self, store, start: int, stop: int) -> bytearray:
        return bytearray(self.data[start:stop])

    def write(self, store, value, start: int) -> None:
        self.data[start:start + len(value)] = value


class FakeCaller:
    def __init__(self, memory):
        self.memory = memory

    def get(self, name: str):
        return self.memory if name == "memory" else None


class Guest:
    """A WasiHost plus a fake memory; `call(name, *args)` returns the Errno."""

    def __init__(self, config: WasiConfig | None = None):
        self.config = config or WasiConfig()
        self.host = WasiHost(self.config)
        self.memory = FakeMemory()
        self.caller = FakeCaller(self.memory)
        self.funcs = {name: fn for name, _, _, fn in self.host.functions()}

    def call(self, name: str, *args) -> Errno:
        return Errno(self.funcs[name](self.caller, *args))

    # memory helpers
    def put(self, ptr: int, data: bytes) -> None:
        self.memory.data[ptr:ptr + len(data)] = data

    def get(self, ptr: int, size: int) -> bytes:
        return bytes(self.memory.data[ptr:ptr + size])

    def u32(self, ptr: int) -> int:
        return struct.unpack_from("<I", self.memory.data, ptr)[0]

    def u64(self, ptr: int) -> int:
        return struct.unpack_from("<Q", self.memory.data, ptr)[0]

    def path(self, text: str, at: int = PATH) -> tuple[int, int]:
        data = text.encode()
        self.put(at, data)
        return at, len(data)

    def open(self, dirfd: int, path: str, oflags: int = 0, rights: int = RIGHTS_ALL,
             inheriting: int = RIGHTS_ALL, fdflags: int = 0, lookup: int = 1):
        """path_open; (errno, new fd or None)."""
        ptr, size = self.path(path)
        err = self.call("path_open", dirfd, lookup, ptr, size, oflags, rights, inheriting,
                        fdflags, OUT)
        return err, (self.u32(OUT) if err == Errno.SUCCESS else None)

    def write(self, fd: int, data: bytes, pwrite_at: int | None = None):
        self.put(BUF, data)
        self.put(IOV, struct.pack("<II", BUF, len(data)))
        if pwrite_at is None:
            err = self.call("fd_write", fd, IOV, 1, OUT)
        else:
            err = self.call("fd_pwrite", fd, IOV, 1, pwrite_at, OUT)
        return err, self.u32(OUT)

    def read(self, fd: int, size: int, pread_at: int | None = None):
        self.put(IOV, struct.pack("<II", BUF, size))
        if pread_at is None:
            err = self.call("fd_read", fd, IOV, 1, OUT)
        else:
            err = self.call("fd_pread", fd, IOV, 1, pread_at, OUT)
        return err, (self.get(BUF, self.u32(OUT)) if err == Errno.SUCCESS else None)

    def close(self) -> None:
        self.host.close()
