"""The `wasi_snapshot_preview1` host functions, written once against an abstract guest memory.

`WasiHost(config)` owns the guest's descriptor table, clocks and random source.  Each preview1
function is a method named as in the witx, taking a `GuestMemory` and the raw wasm arguments;
`host.functions()` lists (name, params, results, callable(caller, *args)) so any engine whose
Caller has `.get("memory")` returning an object with wasmtime-py's `read/write/data_len` can link
them: pywasm_core (`Linker.define_func(..., access_caller=True)`) and wasmtime-py alike.

Every function returns an `Errno`.  Host OS errors become the matching errno, bad guest pointers
become FAULT, `proc_exit` raises `ExitTrap`, and the output limit raises a RESOURCE_LIMIT `Trap`.
"""

from __future__ import annotations

import os
import random
import select
import stat as _stat
import struct
import time

from ..errors import ExitTrap, Trap, TrapCode, WasmError
from .errno import (ADVICE_MAX, FDFLAGS_ALL, FDFLAGS_APPEND, FDFLAGS_DSYNC,
                    FDFLAGS_NONBLOCK, FDFLAGS_RSYNC, FDFLAGS_SYNC, FSTFLAGS_ATIM,
                    FSTFLAGS_ATIM_NOW, FSTFLAGS_MTIM, FSTFLAGS_MTIM_NOW, LOOKUP_SYMLINK_FOLLOW,
                    OFLAGS_CREAT, OFLAGS_DIRECTORY, OFLAGS_EXCL, OFLAGS_TRUNC, RIGHTS_DIR,
                    RIGHTS_FILE, SIGNAL_MAX, SUBCLOCK_ABSTIME, Clock,
                    Errno, EventType, Filetype, Rights, WasiError, Whence, from_os_error)
from .fs import (MAX_DESCRIPTORS, DirDescriptor, FileDescriptor, StreamDescriptor,
                 check_dir_suffix, filetype_of_mode, resolve)

_MASK32 = 0xFFFF_FFFF
_MASK64 = 0xFFFF_FFFF_FFFF_FFFF
_I64_MAX = 2**63 - 1

# Deterministic mode: the realtime clock starts at 2000-01-01T00:00:00Z, the monotonic clock at
# one second, and every clock read advances virtual time by one microsecond.
DETERMINISTIC_EPOCH_NS = 946_684_800 * 10**9
DETERMINISTIC_MONOTONIC_START_NS = 10**9
DETERMINISTIC_TICK_NS = 1_000

# Rights whose presence makes path_open ask the host for read / write access (wasi-libc's split).
_READ_RIGHTS = Rights.FD_READ | Rights.FD_READDIR
_WRITE_RIGHTS = (Rights.FD_WRITE | Rights.FD_DATASYNC | Rights.FD_ALLOCATE
                 | Rights.FD_FILESTAT_SET_SIZE)

# name -> (param kinds, has an errno result); "i" is i32, "I" is i64.
SIGNATURES: dict[str, tuple[str, bool]] = {
    "args_get": ("ii", True), "args_sizes_get": ("ii", True),
    "environ_get": ("ii", True), "environ_sizes_get": ("ii", True),
    "clock_res_get": ("ii", True), "clock_time_get": ("iIi", True),
    "fd_advise": ("iIIi", True), "fd_allocate": ("iII", True), "fd_close": ("i", True),
    "fd_datasync": ("i", True), "fd_fdstat_get": ("ii", True), "fd_fdstat_set_flags": ("ii", True),
    "fd_fdstat_set_rights": ("iII", True), "fd_filestat_get": ("ii", True),
    "fd_filestat_set_size": ("iI", True), "fd_filestat_set_times": ("iIIi", True),
    "fd_pread": ("iiiIi", True), "fd_prestat_get": ("ii", True),
    "fd_prestat_dir_name": ("iii", True), "fd_pwrite": ("iiiIi", True), "fd_read": ("iiii", True),
    "fd_readdir": ("iiiIi", True), "fd_renumber": ("ii", True), "fd_seek": ("iIii", True),
    "fd_sync": ("i", True), "fd_tell": ("ii", True), "fd_write": ("iiii", True),
    "path_create_directory": ("iii", True), "path_filestat_get": ("iiiii", True),
    "path_filestat_set_times": ("iiiiIIi", True), "path_link": ("iiiiiii", True),
    "path_open": ("iiiiiIIii", True), "path_readlink": ("iiiiii", True),
    "path_remove_directory": ("iii", True), "path_rename": ("iiiiii", True),
    "path_symlink": ("iiiii", True), "path_unlink_file": ("iii", True),
    "poll_oneoff": ("iiii", True), "proc_exit": ("i", False), "proc_raise": ("i", True),
    "sched_yield": ("", True), "random_get": ("ii", True),
    "sock_accept": ("iii", True), "sock_recv": ("iiiiii", True), "sock_send": ("iiiii", True),
    "sock_shutdown": ("ii", True),
}

_FILESTAT = struct.Struct("<QQB7xQQQQQ")          # 64 bytes
_FDSTAT = struct.Struct("<BxH4xQQ")               # 24 bytes
_DIRENT = struct.Struct("<QQIB3x")                # 24 bytes + name
_EVENT = struct.Struct("<QHB5xQH6x")              # 32 bytes
_SUBSCRIPTION = struct.Struct("<QB7xIxxxxQQH6x")  # 48 bytes (clock view of the union)


class GuestMemory:
    """The caller's exported "memory", reached through the engine-neutral wasmtime-py API
    (`memory.read(store, start, stop)`, `memory.write(store, data, start)`, `data_len(store)`).
    Every access is bounds-checked first, so a bad pointer is FAULT, never a Python error."""

    __slots__ = ("caller", "_memory")

    def __init__(self, caller):
        self.caller = caller
        self._memory = None

    @property
    def memory(self):
        memory = self._memory
        if memory is None:
            getter = getattr(self.caller, "get", None)
            memory = getter("memory") if getter is not None else None
            if memory is None or not hasattr(memory, "data_len"):
                raise WasiError(Errno.FAULT)      # a guest without an exported memory
            self._memory = memory
        return memory

    def _check(self, ptr: int, size: int) -> None:
        if ptr < 0 or size < 0 or ptr + size > self.memory.data_len(self.caller):
            raise WasiError(Errno.FAULT)

    def read(self, ptr: int, size: int) -> bytes:
        self._check(ptr, size)
        if size == 0:
            return b""
        return bytes(self.memory.read(self.caller, ptr, ptr + size))

    def write(self, ptr: int, data: bytes) -> None:
        self._check(ptr, len(data))
        if data:
            self.memory.write(self.caller, bytes(data), ptr)

    def u32(self, ptr: int) -> int:
        return int.from_bytes(self.read(ptr, 4), "little")

    def set_u32(self, ptr: int, value: int) -> None:
        self.write(ptr, (value & _MASK32).to_bytes(4, "little"))

    def set_u64(self, ptr: int, value: int) -> None:
        self.write(ptr, (value & _MASK64).to_bytes(8, "little"))

    def string(self, ptr: int, size: int) -> str:
        """A guest path: UTF-8 (ILSEQ otherwise)."""
        try:
            return self.read(ptr, size).decode("utf-8")
        except UnicodeDecodeError:
            raise WasiError(Errno.ILSEQ) from None

    def iovecs(self, ptr: int, count: int) -> list[tuple[int, int]]:
        """An array of (buf, buf_len) pairs, each of which must lie inside memory."""
        raw = self.read(ptr, count * 8)
        out = []
        for i in range(count):
            buf, size = struct.unpack_from("<II", raw, i * 8)
            self._check(buf, size)
            out.append((buf, size))
        return out


class Clocks:
    """Host clocks, or virtual ones in deterministic mode (time only moves when read or slept)."""

    def __init__(self, deterministic: bool):
        self.deterministic = deterministic
        self.virtual_ns = 0

    def now(self, clock_id: int) -> int:
        if self.deterministic:
            if clock_id not in (0, 1, 2, 3):
                raise WasiError(Errno.INVAL)
            self.virtual_ns += DETERMINISTIC_TICK_NS
            return self._virtual(clock_id)
        if clock_id == Clock.REALTIME:
            return time.time_ns()
        if clock_id == Clock.MONOTONIC:
            return time.monotonic_ns()
        if clock_id == Clock.PROCESS_CPUTIME_ID:
            return time.process_time_ns()
        if clock_id == Clock.THREAD_CPUTIME_ID:
            return time.thread_time_ns()
        raise WasiError(Errno.INVAL)

    def _virtual(self, clock_id: int) -> int:
        if clock_id == Clock.REALTIME:
            return DETERMINISTIC_EPOCH_NS + self.virtual_ns
        if clock_id == Clock.MONOTONIC:
            return DETERMINISTIC_MONOTONIC_START_NS + self.virtual_ns
        return self.virtual_ns

    def resolution(self, clock_id: int) -> int:
        if clock_id not in (0, 1, 2, 3):
            raise WasiError(Errno.INVAL)
        if self.deterministic:
            return DETERMINISTIC_TICK_NS
        name = {0: "time", 1: "monotonic", 2: "process_time", 3: "thread_time"}[clock_id]
        return max(1, round(time.get_clock_info(name).resolution * 1e9))

    def sleep_until(self, clock_id: int, deadline: int) -> None:
        """Block (or, virtually, jump) until `clock_id` reads at least `deadline`."""
        if self.deterministic:
            current = self._virtual(clock_id)
            if deadline > current:
                self.virtual_ns += deadline - current
            return
        remaining = deadline - self.now(clock_id)
        if remaining > 0:
            time.sleep(remaining / 1e9)


class OutputBudget:
    """Bytes the guest may still write to stdout + stderr (None: unlimited)."""

    def __init__(self, limit: int | None):
        self.limit = limit
        self.used = 0

    def spend(self, size: int) -> None:
        if self.limit is not None and self.used + size > self.limit:
            raise Trap(TrapCode.RESOURCE_LIMIT,
                       f"resource limit exceeded: the guest wrote more than {self.limit} bytes "
                       f"to stdout/stderr")
        self.used += size


def _filestat_bytes(st: os.stat_result) -> bytes:
    return _FILESTAT.pack(st.st_dev & _MASK64, st.st_ino & _MASK64,
                          filetype_of_mode(st.st_mode), st.st_nlink, max(st.st_size, 0),
                          st.st_atime_ns & _MASK64, st.st_mtime_ns & _MASK64,
                          st.st_ctime_ns & _MASK64)


def _signed64(value: int) -> int:
    value &= _MASK64
    return value - (1 << 64) if value >= 1 << 63 else value


class WasiHost:
    """The state of one WASI guest: argv/env, descriptors, clocks, random, output budget."""

    def __init__(self, config):
        self.config = config
        self.args = [a.encode("utf-8") + b"\0" for a in config.argv]
        self.environ = [f"{k}={v}".encode("utf-8") + b"\0" for k, v in config.env]
        self.clocks = Clocks(config.deterministic)
        self.rng = random.Random(config.seed) if config.deterministic else None
        self.budget = OutputBudget(config.max_output)
        self.fds: dict[int, object] = {}
        try:
            self.fds[0] = config._make_stdin()
            self.fds[1] = config._make_output(1, self.budget)
            self.fds[2] = config._make_output(2, self.budget)
            for fd, desc in enumerate(config._open_preopens(), start=3):
                self.fds[fd] = desc
        except OSError as exc:
            self.close()
            raise WasmError(f"cannot set up the WASI guest: {exc.filename}: {exc.strerror}") \
                from None

    # ---- plumbing -------------------------------------------------------------------------
    def functions(self):
        """(name, params, results, callable(caller, *args)) for every preview1 function; the
        params/results are "i32"/"i64" names, the callable turns host failures into errnos."""
        out = []
        for name, (kinds, has_result) in SIGNATURES.items():
            params = ["i32" if k == "i" else "i64" for k in kinds]
            results = ["i32"] if has_result else []
            out.append((name, params, results, self._wrap(name, kinds)))
        return out

    def _wrap(self, name: str, kinds: str):
        method = getattr(self, name)
        masks = [_MASK32 if k == "i" else _MASK64 for k in kinds]

        def call(caller, *args):
            args = [a & m for a, m in zip(args, masks)]
            try:
                return int(method(GuestMemory(caller), *args))
            except WasiError as exc:
                return int(exc.errno)
            except OSError as exc:
                return int(from_os_error(exc))
            except OverflowError:
                return int(Errno.OVERFLOW)
            except ValueError:              # a value the host call rejects outright
                return int(Errno.INVAL)

        call.__name__ = name
        return call

    def close(self) -> None:
        """Close every descriptor still open (files are flushed by the OS)."""
        for desc in list(self.fds.values()):
            try:
                desc.close()
            except OSError:
                pass
        self.fds.clear()

    def _get(self, fd: int, rights: int = 0):
        desc = self.fds.get(fd)
        if desc is None:
            raise WasiError(Errno.BADF)
        if desc.rights_base & rights != rights:
            raise WasiError(Errno.NOTCAPABLE)
        return desc

    def _file(self, fd: int, rights: int = 0, on_stream: Errno | None = None):
        """A non-directory descriptor with `rights`.  The kind is checked before the rights (as
        wasmtime does): a directory or a stream of the wrong direction is BADF, and
        `on_stream` (SPIPE for positioned operations) refuses stdio streams."""
        desc = self.fds.get(fd)
        if desc is None or isinstance(desc, DirDescriptor):
            raise WasiError(Errno.BADF)
        if isinstance(desc, StreamDescriptor):
            if on_stream is not None:
                raise WasiError(on_stream)
            if (rights & Rights.FD_READ and desc.reader is None) or (
                    rights & Rights.FD_WRITE and desc.writer is None):
                raise WasiError(Errno.BADF)
        if desc.rights_base & rights != rights:
            raise WasiError(Errno.NOTCAPABLE)
        return desc

    def _dir(self, fd: int, rights: int = 0) -> DirDescriptor:
        desc = self.fds.get(fd)
        if desc is None or not isinstance(desc, DirDescriptor):
            raise WasiError(Errno.BADF)
        if desc.rights_base & rights != rights:
            raise WasiError(Errno.NOTCAPABLE)
        return desc

    def _new_fd(self, desc) -> int:
        if len(self.fds) >= MAX_DESCRIPTORS:
            desc.close()
            raise WasiError(Errno.MFILE)
        fd = 0
        while fd in self.fds:
            fd += 1
        self.fds[fd] = desc
        return fd

    # ---- args / environ -------------------------------------------------------------------
    @staticmethod
    def _put_strings(m: GuestMemory, items: list[bytes], ptrs: int, buf: int) -> Errno:
        m._check(ptrs, 4 * len(items))
        m._check(buf, sum(len(s) for s in items))
        table = bytearray()
        offset = buf
        for s in items:
            table += offset.to_bytes(4, "little")
            offset += len(s)
        m.write(ptrs, bytes(table))
        m.write(buf, b"".join(items))
        return Errno.SUCCESS

    def args_get(self, m, argv, argv_buf):
        return self._put_strings(m, self.args, argv, argv_buf)

    def args_sizes_get(self, m, argc_ptr, size_ptr):
        m._check(argc_ptr, 4)
        m._check(size_ptr, 4)
        m.set_u32(argc_ptr, len(self.args))
        m.set_u32(size_ptr, sum(len(a) for a in self.args))
        return Errno.SUCCESS

    def environ_get(self, m, environ, environ_buf):
        return self._put_strings(m, self.environ, environ, environ_buf)

    def environ_sizes_get(self, m, count_ptr, size_ptr):
        m._check(count_ptr, 4)
        m._check(size_ptr, 4)
        m.set_u32(count_ptr, len(self.environ))
        m.set_u32(size_ptr, sum(len(e) for e in self.environ))
        return Errno.SUCCESS

    # ---- clocks / random / process ----------------------------------------------------------
    def clock_res_get(self, m, clock_id, ptr):
        m._check(ptr, 8)
        m.set_u64(ptr, self.clocks.resolution(clock_id))
        return Errno.SUCCESS

    def clock_time_get(self, m, clock_id, precision, ptr):
        m._check(ptr, 8)
        m.set_u64(ptr, self.clocks.now(clock_id))
        return Errno.SUCCESS

    def random_get(self, m, buf, size):
        m._check(buf, size)
        data = self.rng.randbytes(size) if self.rng is not None else os.urandom(size)
        m.write(buf, data)
        return Errno.SUCCESS

    def proc_exit(self, m, code):
        raise ExitTrap(code)

    def proc_raise(self, m, sig):
        if sig > SIGNAL_MAX:
            return Errno.INVAL
        return Errno.NOSYS          # no signal delivery inside the sandbox

    def sched_yield(self, m):
        return Errno.SUCCESS

    # ---- descriptors ----------------------------------------------------------------------
    def fd_advise(self, m, fd, offset, length, advice):
        if advice > ADVICE_MAX or offset > _I64_MAX or length > _I64_MAX:
            return Errno.INVAL
        desc = self._file(fd, Rights.FD_ADVISE, on_stream=Errno.BADF)
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(desc.fd, offset, length, advice)
        return Errno.SUCCESS

    def fd_allocate(self, m, fd, offset, length):
        desc = self._file(fd, Rights.FD_ALLOCATE, on_stream=Errno.BADF)
        end = offset + length
        if end > _I64_MAX:
            return Errno.FBIG
        if os.fstat(desc.fd).st_size < end:
            os.ftruncate(desc.fd, end)
        return Errno.SUCCESS

    def fd_close(self, m, fd):
        desc = self._get(fd)
        del self.fds[fd]
        desc.close()
        return Errno.SUCCESS

    def fd_datasync(self, m, fd):
        desc = self._get(fd, Rights.FD_DATASYNC)
        if isinstance(desc, StreamDescriptor):
            return Errno.SUCCESS if desc.fileno is None else Errno.INVAL
        os.fdatasync(desc.fd)
        return Errno.SUCCESS

    def fd_sync(self, m, fd):
        desc = self._get(fd, Rights.FD_SYNC)
        if isinstance(desc, StreamDescriptor):
            return Errno.SUCCESS if desc.fileno is None else Errno.INVAL
        os.fsync(desc.fd)
        return Errno.SUCCESS

    def fd_fdstat_get(self, m, fd, ptr):
        desc = self._get(fd)
        m.write(ptr, _FDSTAT.pack(desc.filetype, desc.fdflags, desc.rights_base,
                                  desc.rights_inheriting))
        return Errno.SUCCESS

    def fd_fdstat_set_flags(self, m, fd, flags):
        desc = self._get(fd, Rights.FD_FDSTAT_SET_FLAGS)
        if flags & ~FDFLAGS_ALL:
            return Errno.INVAL
        if isinstance(desc, FileDescriptor):
            import fcntl
            host = fcntl.fcntl(desc.fd, fcntl.F_GETFL) & ~(os.O_APPEND | os.O_NONBLOCK)
            if flags & FDFLAGS_APPEND:
                host |= os.O_APPEND
            if flags & FDFLAGS_NONBLOCK:
                host |= os.O_NONBLOCK
            fcntl.fcntl(desc.fd, fcntl.F_SETFL, host)
        desc.fdflags = flags
        return Errno.SUCCESS

    def fd_fdstat_set_rights(self, m, fd, base, inheriting):
        desc = self._get(fd)
        if base & ~desc.rights_base or inheriting & ~desc.rights_inheriting:
            return Errno.NOTCAPABLE          # rights can only be dropped
        desc.rights_base = base
        desc.rights_inheriting = inheriting
        return Errno.SUCCESS

    def fd_filestat_get(self, m, fd, ptr):
        desc = self._get(fd, Rights.FD_FILESTAT_GET)
        m._check(ptr, 64)
        if isinstance(desc, StreamDescriptor):
            m.write(ptr, _FILESTAT.pack(0, 0, desc.filetype, 1, 0, 0, 0, 0))
            return Errno.SUCCESS
        m.write(ptr, _filestat_bytes(os.fstat(desc.fd)))
        return Errno.SUCCESS

    def fd_filestat_set_size(self, m, fd, size):
        desc = self._file(fd, Rights.FD_FILESTAT_SET_SIZE, on_stream=Errno.INVAL)
        if size > _I64_MAX:
            return Errno.FBIG
        os.ftruncate(desc.fd, size)
        return Errno.SUCCESS

    def _times(self, st_atime_ns: int, st_mtime_ns: int, atim: int, mtim: int,
               flags: int) -> tuple[int, int]:
        if flags & ~0xF or (flags & FSTFLAGS_ATIM and flags & FSTFLAGS_ATIM_NOW) or (
                flags & FSTFLAGS_MTIM and flags & FSTFLAGS_MTIM_NOW):
            raise WasiError(Errno.INVAL)
        now = self.clocks.now(Clock.REALTIME) if flags & (FSTFLAGS_ATIM_NOW
                                                           | FSTFLAGS_MTIM_NOW) else 0
        a = atim if flags & FSTFLAGS_ATIM else now if flags & FSTFLAGS_ATIM_NOW else st_atime_ns
        t = mtim if flags & FSTFLAGS_MTIM else now if flags & FSTFLAGS_MTIM_NOW else st_mtime_ns
        if a > _I64_MAX or t > _I64_MAX:
            raise WasiError(Errno.OVERFLOW)
        return a, t

    def fd_filestat_set_times(self, m, fd, atim, mtim, flags):
        desc = self._get(fd, Rights.FD_FILESTAT_SET_TIMES)
        if isinstance(desc, StreamDescriptor):
            return Errno.SUCCESS if flags & ~0xF == 0 else Errno.INVAL
        st = os.fstat(desc.fd)
        os.utime(desc.fd, ns=self._times(st.st_atime_ns, st.st_mtime_ns, atim, mtim, flags))
        return Errno.SUCCESS

    def _gather(self, m, iovs, count) -> tuple[list[tuple[int, int]], bytes]:
        vecs = m.iovecs(iovs, count)
        return vecs, b"".join(m.read(p, n) for p, n in vecs)

    @staticmethod
    def _scatter(m, vecs, data: bytes) -> None:
        pos = 0
        for ptr, size in vecs:
            if pos >= len(data):
                break
            chunk = data[pos:pos + size]
            m.write(ptr, chunk)
            pos += len(chunk)

    def fd_read(self, m, fd, iovs, count, nread_ptr):
        desc = self._file(fd, Rights.FD_READ)
        vecs = m.iovecs(iovs, count)
        m._check(nread_ptr, 4)
        total = sum(n for _, n in vecs)
        if isinstance(desc, StreamDescriptor):
            data = desc.reader(total) if total else b""
        else:
            data = os.read(desc.fd, total) if total else b""
        self._scatter(m, vecs, data)
        m.set_u32(nread_ptr, len(data))
        return Errno.SUCCESS

    def fd_pread(self, m, fd, iovs, count, offset, nread_ptr):
        desc = self._file(fd, Rights.FD_READ | Rights.FD_SEEK, on_stream=Errno.SPIPE)
        vecs = m.iovecs(iovs, count)
        m._check(nread_ptr, 4)
        if offset > _I64_MAX:
            return Errno.INVAL
        total = sum(n for _, n in vecs)
        data = os.pread(desc.fd, total, offset) if total else b""
        self._scatter(m, vecs, data)
        m.set_u32(nread_ptr, len(data))
        return Errno.SUCCESS

    def fd_write(self, m, fd, iovs, count, nwritten_ptr):
        desc = self._file(fd, Rights.FD_WRITE)
        _, data = self._gather(m, iovs, count)
        m._check(nwritten_ptr, 4)
        if isinstance(desc, StreamDescriptor):
            written = desc.writer(data) if data else 0
        else:
            written = os.write(desc.fd, data) if data else 0
        m.set_u32(nwritten_ptr, written)
        return Errno.SUCCESS

    def fd_pwrite(self, m, fd, iovs, count, offset, nwritten_ptr):
        desc = self._file(fd, Rights.FD_WRITE | Rights.FD_SEEK, on_stream=Errno.SPIPE)
        _, data = self._gather(m, iovs, count)
        m._check(nwritten_ptr, 4)
        if offset > _I64_MAX:
            return Errno.INVAL
        written = os.pwrite(desc.fd, data, offset) if data else 0
        m.set_u32(nwritten_ptr, written)
        return Errno.SUCCESS

    def fd_prestat_get(self, m, fd, ptr):
        desc = self._get(fd)
        if not isinstance(desc, DirDescriptor) or desc.preopen_name is None:
            return Errno.BADF
        name = desc.preopen_name.encode("utf-8")
        m.write(ptr, struct.pack("<B3xI", 0, len(name)))
        return Errno.SUCCESS

    def fd_prestat_dir_name(self, m, fd, path, path_len):
        desc = self._get(fd)
        if not isinstance(desc, DirDescriptor) or desc.preopen_name is None:
            return Errno.BADF
        name = desc.preopen_name.encode("utf-8")
        if path_len < len(name):
            return Errno.NAMETOOLONG
        m.write(path, name)
        return Errno.SUCCESS

    def _dir_entries(self, desc: DirDescriptor) -> list[tuple[bytes, int, int]]:
        """(name, inode, filetype) of ".", ".." and the directory's entries sorted by name."""
        own = os.fstat(desc.fd)
        if desc.preopen_name is not None:
            parent_ino = own.st_ino            # never look above a preopen
        else:
            parent_ino = os.stat("..", dir_fd=desc.fd).st_ino
        entries = [(b".", own.st_ino, Filetype.DIRECTORY), (b"..", parent_ino, Filetype.DIRECTORY)]
        listed = []
        with os.scandir(desc.fd) as it:
            for entry in it:
                try:
                    mode = entry.stat(follow_symlinks=False).st_mode
                    kind = filetype_of_mode(mode)
                except OSError:
                    kind = Filetype.UNKNOWN
                listed.append((os.fsencode(entry.name), entry.inode(), kind))
        listed.sort()
        return entries + listed

    def fd_readdir(self, m, fd, buf, buf_len, cookie, bufused_ptr):
        desc = self._dir(fd, Rights.FD_READDIR)
        m._check(buf, buf_len)
        m._check(bufused_ptr, 4)
        entries = self._dir_entries(desc)
        out = bytearray()
        index = cookie
        while index < len(entries) and len(out) < buf_len:
            name, ino, kind = entries[index]
            out += _DIRENT.pack(index + 1, ino & _MASK64, len(name), kind) + name
            index += 1
        out = bytes(out[:buf_len])
        m.write(buf, out)
        m.set_u32(bufused_ptr, len(out))
        return Errno.SUCCESS

    def fd_renumber(self, m, fd, to):
        desc = self._get(fd)
        target = self._get(to)
        if fd == to:
            return Errno.SUCCESS
        target.close()
        self.fds[to] = desc
        del self.fds[fd]
        return Errno.SUCCESS

    def fd_seek(self, m, fd, offset, whence, newoffset_ptr):
        offset = _signed64(offset)
        rights = Rights.FD_TELL if offset == 0 and whence == Whence.CUR else Rights.FD_SEEK
        desc = self._file(fd, rights, on_stream=Errno.SPIPE)
        m._check(newoffset_ptr, 8)
        if whence > Whence.END:
            return Errno.INVAL
        m.set_u64(newoffset_ptr, os.lseek(desc.fd, offset, int(whence)))
        return Errno.SUCCESS

    def fd_tell(self, m, fd, ptr):
        desc = self._file(fd, Rights.FD_TELL, on_stream=Errno.SPIPE)
        m._check(ptr, 8)
        m.set_u64(ptr, os.lseek(desc.fd, 0, os.SEEK_CUR))
        return Errno.SUCCESS

    # ---- paths ----------------------------------------------------------------------------
    def _lookup(self, m, fd, rights, path_ptr, path_len, follow: bool):
        desc = self._dir(fd, rights)
        path = m.string(path_ptr, path_len)
        return resolve(desc.fd, path, follow)

    def path_create_directory(self, m, fd, path, path_len):
        with self._lookup(m, fd, Rights.PATH_CREATE_DIRECTORY, path, path_len, False) as res:
            os.mkdir(res.name, 0o777, dir_fd=res.dirfd)
        return Errno.SUCCESS

    def path_filestat_get(self, m, fd, flags, path, path_len, ptr):
        follow = bool(flags & LOOKUP_SYMLINK_FOLLOW)
        with self._lookup(m, fd, Rights.PATH_FILESTAT_GET, path, path_len, follow) as res:
            m._check(ptr, 64)
            check_dir_suffix(res)
            st = os.stat(res.name, dir_fd=res.dirfd, follow_symlinks=False)
        m.write(ptr, _filestat_bytes(st))
        return Errno.SUCCESS

    def path_filestat_set_times(self, m, fd, flags, path, path_len, atim, mtim, fst):
        follow = bool(flags & LOOKUP_SYMLINK_FOLLOW)
        with self._lookup(m, fd, Rights.PATH_FILESTAT_SET_TIMES, path, path_len, follow) as res:
            check_dir_suffix(res)
            st = os.stat(res.name, dir_fd=res.dirfd, follow_symlinks=False)
            times = self._times(st.st_atime_ns, st.st_mtime_ns, atim, mtim, fst)
            os.utime(res.name, ns=times, dir_fd=res.dirfd, follow_symlinks=False)
        return Errno.SUCCESS

    def path_link(self, m, old_fd, old_flags, old_path, old_len, new_fd, new_path, new_len):
        follow = bool(old_flags & LOOKUP_SYMLINK_FOLLOW)
        with self._lookup(m, old_fd, Rights.PATH_LINK_SOURCE, old_path, old_len, follow) as old:
            with self._lookup(m, new_fd, Rights.PATH_LINK_TARGET, new_path, new_len,
                              False) as new:
                check_dir_suffix(old)
                if new.must_be_dir:
                    return Errno.NOENT if not _exists(new) else Errno.EXIST
                os.link(old.name, new.name, src_dir_fd=old.dirfd, dst_dir_fd=new.dirfd,
                        follow_symlinks=False)
        return Errno.SUCCESS

    def path_open(self, m, fd, dirflags, path, path_len, oflags, base, inheriting, fdflags,
                  fd_ptr):
        parent = self._dir(fd, Rights.PATH_OPEN)
        m._check(fd_ptr, 4)
        if oflags & ~0xF or fdflags & ~FDFLAGS_ALL:
            return Errno.INVAL
        if oflags & OFLAGS_CREAT and not parent.rights_base & Rights.PATH_CREATE_FILE:
            return Errno.NOTCAPABLE
        if oflags & OFLAGS_TRUNC and not parent.rights_base & Rights.PATH_FILESTAT_SET_SIZE:
            return Errno.NOTCAPABLE
        base &= parent.rights_inheriting
        inheriting &= parent.rights_inheriting
        read = bool(base & _READ_RIGHTS)
        write = bool(base & _WRITE_RIGHTS)      # on a directory: ISDIR, as POSIX open does
        flags = os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
        flags |= os.O_RDWR if read and write else os.O_WRONLY if write else os.O_RDONLY
        if oflags & OFLAGS_CREAT:
            flags |= os.O_CREAT
        if oflags & OFLAGS_EXCL:
            flags |= os.O_EXCL
        if oflags & OFLAGS_TRUNC:
            flags |= os.O_TRUNC
        if oflags & OFLAGS_DIRECTORY:
            flags |= os.O_DIRECTORY
        if fdflags & FDFLAGS_APPEND:
            flags |= os.O_APPEND
        if fdflags & FDFLAGS_NONBLOCK:
            flags |= os.O_NONBLOCK
        if fdflags & FDFLAGS_DSYNC:
            flags |= getattr(os, "O_DSYNC", 0)
        if fdflags & FDFLAGS_SYNC:
            flags |= getattr(os, "O_SYNC", 0)
        if fdflags & FDFLAGS_RSYNC:
            flags |= getattr(os, "O_RSYNC", 0)
        follow = bool(dirflags & LOOKUP_SYMLINK_FOLLOW)
        path_str = m.string(path, path_len)
        with resolve(parent.fd, path_str, follow) as res:
            if res.must_be_dir:
                if oflags & OFLAGS_CREAT:
                    return Errno.ISDIR
                flags |= os.O_DIRECTORY
            # O_NOFOLLOW always: a symlink left in the final position was not to be followed
            # (LOOP), and O_CREAT never creates through a dangling link.
            host_fd = os.open(res.name, flags, 0o666, dir_fd=res.dirfd)
        st = os.fstat(host_fd)
        if _stat.S_ISDIR(st.st_mode):
            desc = DirDescriptor(host_fd, base & RIGHTS_DIR, inheriting)
        else:
            desc = FileDescriptor(host_fd, base & RIGHTS_FILE, inheriting & RIGHTS_FILE, fdflags,
                                  filetype_of_mode(st.st_mode))
        m.set_u32(fd_ptr, self._new_fd(desc))
        return Errno.SUCCESS

    def path_readlink(self, m, fd, path, path_len, buf, buf_len, bufused_ptr):
        with self._lookup(m, fd, Rights.PATH_READLINK, path, path_len, False) as res:
            m._check(buf, buf_len)
            m._check(bufused_ptr, 4)
            target = os.fsencode(os.readlink(res.name, dir_fd=res.dirfd))
        target = target[:buf_len]
        m.write(buf, target)
        m.set_u32(bufused_ptr, len(target))
        return Errno.SUCCESS

    def path_remove_directory(self, m, fd, path, path_len):
        with self._lookup(m, fd, Rights.PATH_REMOVE_DIRECTORY, path, path_len, False) as res:
            if res.name == ".":
                return Errno.INVAL
            os.rmdir(res.name, dir_fd=res.dirfd)
        return Errno.SUCCESS

    def path_rename(self, m, fd, old_path, old_len, new_fd, new_path, new_len):
        with self._lookup(m, fd, Rights.PATH_RENAME_SOURCE, old_path, old_len, False) as old:
            with self._lookup(m, new_fd, Rights.PATH_RENAME_TARGET, new_path, new_len,
                              False) as new:
                if old.name == "." or new.name == ".":
                    return Errno.BUSY
                if old.must_be_dir or new.must_be_dir:
                    st = os.stat(old.name, dir_fd=old.dirfd, follow_symlinks=False)
                    if not _stat.S_ISDIR(st.st_mode):
                        return Errno.NOTDIR
                os.rename(old.name, new.name, src_dir_fd=old.dirfd, dst_dir_fd=new.dirfd)
        return Errno.SUCCESS

    def path_symlink(self, m, old_path, old_len, fd, new_path, new_len):
        target = m.string(old_path, old_len)
        if target.startswith("/"):
            return Errno.NOTCAPABLE        # an absolute link could only ever point outside
        if "\0" in target:
            return Errno.INVAL
        with self._lookup(m, fd, Rights.PATH_SYMLINK, new_path, new_len, False) as res:
            if res.must_be_dir:
                return Errno.NOENT if not _exists(res) else Errno.EXIST
            os.symlink(target, res.name, dir_fd=res.dirfd)
        return Errno.SUCCESS

    def path_unlink_file(self, m, fd, path, path_len):
        with self._lookup(m, fd, Rights.PATH_UNLINK_FILE, path, path_len, False) as res:
            if res.must_be_dir:
                st = os.stat(res.name, dir_fd=res.dirfd, follow_symlinks=False)
                return Errno.ISDIR if _stat.S_ISDIR(st.st_mode) else Errno.NOTDIR
            os.unlink(res.name, dir_fd=res.dirfd)
        return Errno.SUCCESS

    # ---- poll -----------------------------------------------------------------------------
    def poll_oneoff(self, m, in_ptr, out_ptr, nsubscriptions, nevents_ptr):
        if nsubscriptions == 0:
            return Errno.INVAL
        raw = m.read(in_ptr, 48 * nsubscriptions)
        m._check(out_ptr, 32 * nsubscriptions)
        m._check(nevents_ptr, 4)
        events: list[bytes] = []
        clocks: list[tuple[int, int, int]] = []      # (userdata, clock_id, deadline)
        waits: list[tuple[int, int, object]] = []    # (userdata, type, descriptor)
        for i in range(nsubscriptions):
            userdata, tag, clock_id, timeout, _precision, flags = _SUBSCRIPTION.unpack_from(
                raw, i * 48)
            if tag == EventType.CLOCK:
                try:
                    now = self.clocks.now(clock_id)
                except WasiError as exc:
                    events.append(_EVENT.pack(userdata, exc.errno, tag, 0, 0))
                    continue
                deadline = timeout if flags & SUBCLOCK_ABSTIME else now + timeout
                clocks.append((userdata, clock_id, deadline))
            elif tag in (EventType.FD_READ, EventType.FD_WRITE):
                fd = int.from_bytes(raw[i * 48 + 16:i * 48 + 20], "little")
                try:
                    desc = self._get(fd, Rights.POLL_FD_READWRITE)
                except WasiError as exc:
                    events.append(_EVENT.pack(userdata, exc.errno, tag, 0, 0))
                    continue
                waits.append((userdata, tag, desc))
            else:
                return Errno.INVAL
        events += self._ready_fds(waits, 0.0)
        if not events and clocks:
            _, clock_id, deadline = min(clocks, key=lambda c: (c[2], c[1]))
            if waits and not self.clocks.deterministic:
                remaining = max(0, deadline - self.clocks.now(clock_id))
                events += self._ready_fds(waits, remaining / 1e9)
            if not events:
                self.clocks.sleep_until(clock_id, deadline)
        if not events and not clocks:
            events += self._ready_fds(waits, None)
        for userdata, clock_id, deadline in clocks:
            if self.clocks._virtual(clock_id) >= deadline if self.clocks.deterministic else \
                    self.clocks.now(clock_id) >= deadline:
                events.append(_EVENT.pack(userdata, 0, EventType.CLOCK, 0, 0))
        for i, event in enumerate(events):
            m.write(out_ptr + 32 * i, event)
        m.set_u32(nevents_ptr, len(events))
        return Errno.SUCCESS

    def _ready_fds(self, waits, timeout: float | None) -> list[bytes]:
        """Events for the fd subscriptions that are ready; waits up to `timeout` seconds (None:
        forever) on host streams, files and in-memory streams are always ready."""
        ready = []
        pending = []
        for userdata, tag, desc in waits:
            if isinstance(desc, StreamDescriptor) and desc.fileno is not None:
                pending.append((userdata, tag, desc))
                continue
            nbytes = 0
            if tag == EventType.FD_READ and isinstance(desc, FileDescriptor):
                try:
                    size = os.fstat(desc.fd).st_size
                    nbytes = max(0, size - os.lseek(desc.fd, 0, os.SEEK_CUR))
                except OSError:
                    nbytes = 0
            ready.append(_EVENT.pack(userdata, 0, tag, nbytes, 0))
        if pending and not ready:
            rlist = [d.fileno for _, t, d in pending if t == EventType.FD_READ]
            wlist = [d.fileno for _, t, d in pending if t == EventType.FD_WRITE]
            try:
                r, w, _ = select.select(rlist, wlist, [], timeout)
            except (OSError, ValueError):
                r, w = rlist, wlist
            for userdata, tag, desc in pending:
                if desc.fileno in (r if tag == EventType.FD_READ else w):
                    ready.append(_EVENT.pack(userdata, 0, tag, 0, 0))
        return ready

    # ---- sockets: this runtime has none ---------------------------------------------------
    def _not_socket(self, fd: int) -> Errno:
        self._get(fd)
        return Errno.NOTSOCK

    def sock_accept(self, m, fd, flags, fd_ptr):
        return self._not_socket(fd)

    def sock_recv(self, m, fd, ri_data, ri_data_len, ri_flags, ro_datalen_ptr, ro_flags_ptr):
        return self._not_socket(fd)

    def sock_send(self, m, fd, si_data, si_data_len, si_flags, so_datalen_ptr):
        return self._not_socket(fd)

    def sock_shutdown(self, m, fd, how):
        return self._not_socket(fd)


def _exists(res) -> bool:
    try:
        os.stat(res.name, dir_fd=res.dirfd, follow_symlinks=False)
        return True
    except OSError:
        return False
