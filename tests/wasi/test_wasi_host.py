"""The preview1 functions one by one, called directly on a WasiHost with a fake guest memory:
results, memory layouts and the spec's errno values."""

from __future__ import annotations

import os
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pywasm_core.errors import ExitTrap, Trap, TrapCode
from pywasm_core.wasi import Errno, Rights, WasiConfig
from pywasm_core.wasi.errno import (FDFLAGS_APPEND, FSTFLAGS_ATIM, FSTFLAGS_ATIM_NOW,
                                    FSTFLAGS_MTIM, OFLAGS_CREAT, OFLAGS_DIRECTORY, OFLAGS_EXCL,
                                    OFLAGS_TRUNC, RIGHTS_ALL, RIGHTS_DIR,
                                    Filetype)
from pywasm_core.wasi.host import (DETERMINISTIC_EPOCH_NS, DETERMINISTIC_MONOTONIC_START_NS,
                                   DETERMINISTIC_TICK_NS, SIGNATURES)

from wasi_util import BUF, IOV, MEMORY_SIZE, OUT, PATH2, Guest

DIR = 3


@pytest.fixture
def guest(tmp_path):
    config = WasiConfig()
    config.preopen_dir(tmp_path, "/data")
    g = Guest(config)
    yield g
    g.close()


def test_every_preview1_function_is_provided():
    names = {name for name, *_ in Guest().host.functions()}
    assert names == set(SIGNATURES)
    assert len(names) == 46


# ---- args / environ ----------------------------------------------------------------------
def test_args_layout():
    config = WasiConfig()
    config.argv = ["prog", "a b", "ünï"]
    g = Guest(config)
    assert g.call("args_sizes_get", OUT, OUT + 4) == Errno.SUCCESS
    encoded = b"prog\0a b\0\xc3\xbcn\xc3\xaf\0"
    assert (g.u32(OUT), g.u32(OUT + 4)) == (3, len(encoded))
    assert g.call("args_get", 0x200, 0x400) == Errno.SUCCESS
    assert [g.u32(0x200 + 4 * i) for i in range(3)] == [0x400, 0x405, 0x409]
    assert g.get(0x400, len(encoded)) == encoded


def test_environ_layout_and_isolation():
    config = WasiConfig()
    config.env = {"A": "1", "EMPTY": ""}
    g = Guest(config)
    assert g.call("environ_sizes_get", OUT, OUT + 4) == Errno.SUCCESS
    assert (g.u32(OUT), g.u32(OUT + 4)) == (2, len(b"A=1\0EMPTY=\0"))
    assert g.call("environ_get", 0x200, 0x400) == Errno.SUCCESS
    assert g.get(0x400, 11) == b"A=1\0EMPTY=\0"
    assert Guest().call("environ_sizes_get", OUT, OUT + 4) == Errno.SUCCESS


def test_inherit_env_and_argv(monkeypatch):
    monkeypatch.setenv("PYWASM_WASI_TEST", "yes")
    config = WasiConfig()
    config.inherit_env()
    config.inherit_argv()
    assert ("PYWASM_WASI_TEST", "yes") in config.env
    assert config.argv == list(__import__("sys").argv)


@pytest.mark.parametrize("name", ["args_get", "environ_get"])
def test_string_tables_fault_out_of_bounds(name):
    config = WasiConfig()
    config.argv = ["x" * 10]
    config.env = {"K": "v" * 10}
    g = Guest(config)
    assert g.call(name, MEMORY_SIZE - 2, 0x400) == Errno.FAULT
    assert g.call(name, 0x200, MEMORY_SIZE - 4) == Errno.FAULT
    assert g.call(name.replace("_get", "_sizes_get"), MEMORY_SIZE, OUT) == Errno.FAULT


# ---- clocks / random ---------------------------------------------------------------------
def test_clocks_host():
    g = Guest()
    for clock in range(4):
        assert g.call("clock_res_get", clock, OUT) == Errno.SUCCESS
        assert g.u64(OUT) >= 1
        assert g.call("clock_time_get", clock, 0, OUT) == Errno.SUCCESS
    import time
    assert g.call("clock_time_get", 0, 1, OUT) == Errno.SUCCESS
    assert abs(g.u64(OUT) - time.time_ns()) < 10**10
    assert g.call("clock_time_get", 4, 0, OUT) == Errno.INVAL
    assert g.call("clock_res_get", 99, OUT) == Errno.INVAL
    assert g.call("clock_time_get", 0, 0, MEMORY_SIZE - 4) == Errno.FAULT


def test_deterministic_clocks_are_virtual():
    config = WasiConfig()
    config.deterministic = True
    g = Guest(config)
    assert g.call("clock_time_get", 0, 0, OUT) == Errno.SUCCESS
    assert g.u64(OUT) == DETERMINISTIC_EPOCH_NS + DETERMINISTIC_TICK_NS
    assert g.call("clock_time_get", 1, 0, OUT) == Errno.SUCCESS
    assert g.u64(OUT) == DETERMINISTIC_MONOTONIC_START_NS + 2 * DETERMINISTIC_TICK_NS
    assert g.call("clock_time_get", 2, 0, OUT) == Errno.SUCCESS
    assert g.u64(OUT) == 3 * DETERMINISTIC_TICK_NS
    assert g.call("clock_res_get", 0, OUT) == Errno.SUCCESS
    assert g.u64(OUT) == DETERMINISTIC_TICK_NS


def random_bytes(seed, size=32, deterministic=True):
    config = WasiConfig()
    config.deterministic = deterministic
    config.seed = seed
    g = Guest(config)
    assert g.call("random_get", BUF, size) == Errno.SUCCESS
    return g.get(BUF, size)


def test_random_seeded_in_deterministic_mode():
    assert random_bytes(7) == random_bytes(7)
    assert random_bytes(7) != random_bytes(8)
    assert random_bytes(0, deterministic=False) != random_bytes(0, deterministic=False)
    g = Guest()
    assert g.call("random_get", BUF, 0) == Errno.SUCCESS
    assert g.call("random_get", MEMORY_SIZE - 8, 9) == Errno.FAULT


# ---- process -------------------------------------------------------------------------------
def test_proc_exit_raises_exit_trap():
    with pytest.raises(ExitTrap) as info:
        Guest().call("proc_exit", 42)
    assert info.value.code == 42


def test_proc_raise_sched_yield_and_sockets():
    g = Guest()
    assert g.call("proc_raise", 6) == Errno.NOSYS
    assert g.call("proc_raise", 31) == Errno.INVAL
    assert g.call("sched_yield") == Errno.SUCCESS
    for fd, errno in ((1, Errno.NOTSOCK), (99, Errno.BADF)):
        assert g.call("sock_accept", fd, 0, OUT) == errno
        assert g.call("sock_recv", fd, IOV, 1, 0, OUT, OUT + 4) == errno
        assert g.call("sock_send", fd, IOV, 1, 0, OUT) == errno
        assert g.call("sock_shutdown", fd, 3) == errno


# ---- stdio ------------------------------------------------------------------------------------
def test_stdio_buffers():
    config = WasiConfig()
    config.stdin_bytes = b"input data"
    out = config.capture_stdout()
    err = config.capture_stderr()
    g = Guest(config)
    assert g.read(0, 5) == (Errno.SUCCESS, b"input")
    assert g.read(0, 100) == (Errno.SUCCESS, b" data")
    assert g.read(0, 100) == (Errno.SUCCESS, b"")
    assert g.write(1, b"hello") == (Errno.SUCCESS, 5)
    assert g.write(2, b"oops") == (Errno.SUCCESS, 4)
    assert out.getvalue() == b"hello" and err.getvalue() == b"oops"
    # wrong direction is BADF and positioning a stream is SPIPE, before any rights check
    assert g.read(1, 4)[0] == Errno.BADF
    assert g.write(0, b"x")[0] == Errno.BADF
    assert g.call("fd_seek", 1, 0, 0, OUT) == Errno.SPIPE
    assert g.call("fd_tell", 1, OUT) == Errno.SPIPE
    assert g.call("fd_pread", 0, IOV, 0, 0, OUT) == Errno.SPIPE
    assert g.call("fd_advise", 1, 0, 0, 0) == Errno.BADF
    assert g.call("fd_allocate", 1, 0, 1) == Errno.BADF
    assert g.write(7, b"x")[0] == Errno.BADF


def test_stdio_files_and_custom(tmp_path):
    (tmp_path / "in").write_bytes(b"from a file")
    config = WasiConfig()
    config.stdin_file = tmp_path / "in"
    config.stdout_file = tmp_path / "out"
    seen = []
    config.stderr_custom = seen.append
    g = Guest(config)
    assert g.read(0, 100) == (Errno.SUCCESS, b"from a file")
    assert g.write(1, b"to a file") == (Errno.SUCCESS, 9)
    assert g.write(2, b"custom") == (Errno.SUCCESS, 6)
    g.close()
    assert (tmp_path / "out").read_bytes() == b"to a file"
    assert seen == [b"custom"]


def test_output_limit_traps():
    config = WasiConfig()
    config.max_output = 10
    config.capture_stdout()
    g = Guest(config)
    assert g.write(1, b"x" * 10) == (Errno.SUCCESS, 10)
    with pytest.raises(Trap) as info:
        g.write(2, b"y")
    assert info.value.trap_code == TrapCode.RESOURCE_LIMIT
    assert "more than 10 bytes" in info.value.message


def test_iovec_faults():
    g = Guest()
    g.put(IOV, struct.pack("<II", MEMORY_SIZE - 2, 10))
    assert g.call("fd_write", 1, IOV, 1, OUT) == Errno.FAULT
    assert g.call("fd_write", 1, MEMORY_SIZE - 4, 1, OUT) == Errno.FAULT
    assert g.call("fd_write", 1, IOV, 0, MEMORY_SIZE) == Errno.FAULT
    assert g.call("fd_read", 0, IOV, 1, OUT) == Errno.FAULT


# ---- descriptors ---------------------------------------------------------------------------
def test_prestat(guest):
    assert guest.call("fd_prestat_get", DIR, OUT) == Errno.SUCCESS
    assert guest.get(OUT, 8) == struct.pack("<B3xI", 0, len("/data"))
    assert guest.call("fd_prestat_dir_name", DIR, BUF, 5) == Errno.SUCCESS
    assert guest.get(BUF, 5) == b"/data"
    assert guest.call("fd_prestat_dir_name", DIR, BUF, 4) == Errno.NAMETOOLONG
    assert guest.call("fd_prestat_get", 0, OUT) == Errno.BADF
    assert guest.call("fd_prestat_get", 4, OUT) == Errno.BADF


def test_fdstat(guest):
    assert guest.call("fd_fdstat_get", DIR, OUT) == Errno.SUCCESS
    filetype, flags, base, inheriting = struct.unpack_from("<BxH4xQQ", guest.memory.data, OUT)
    assert filetype == Filetype.DIRECTORY and flags == 0
    assert base & Rights.PATH_OPEN and inheriting & Rights.FD_READ
    assert guest.call("fd_fdstat_get", 1, OUT) == Errno.SUCCESS
    assert guest.memory.data[OUT] in (Filetype.UNKNOWN, Filetype.CHARACTER_DEVICE)
    assert guest.call("fd_fdstat_get", 50, OUT) == Errno.BADF


def test_file_io(guest, tmp_path):
    err, fd = guest.open(DIR, "f.txt", oflags=OFLAGS_CREAT)
    assert err == Errno.SUCCESS and fd == 4
    assert guest.write(fd, b"hello world") == (Errno.SUCCESS, 11)
    assert guest.call("fd_tell", fd, OUT) == Errno.SUCCESS and guest.u64(OUT) == 11
    assert guest.call("fd_seek", fd, -5, 1, OUT) == Errno.SUCCESS and guest.u64(OUT) == 6
    assert guest.read(fd, 100) == (Errno.SUCCESS, b"world")
    assert guest.call("fd_seek", fd, 2**64 - 100, 0, OUT) == Errno.INVAL   # negative offset
    assert guest.call("fd_seek", fd, 0, 3, OUT) == Errno.INVAL             # bad whence
    assert guest.write(fd, b"HELLO", pwrite_at=0) == (Errno.SUCCESS, 5)
    assert guest.read(fd, 5, pread_at=0) == (Errno.SUCCESS, b"HELLO")
    assert guest.call("fd_tell", fd, OUT) == Errno.SUCCESS and guest.u64(OUT) == 11
    assert guest.call("fd_filestat_get", fd, BUF) == Errno.SUCCESS
    assert guest.memory.data[BUF + 16] == Filetype.REGULAR_FILE
    assert guest.u64(BUF + 32) == 11
    assert guest.call("fd_filestat_set_size", fd, 3) == Errno.SUCCESS
    assert (tmp_path / "f.txt").read_bytes() == b"HEL"
    assert guest.call("fd_allocate", fd, 0, 100) == Errno.SUCCESS
    assert (tmp_path / "f.txt").stat().st_size == 100
    assert guest.call("fd_advise", fd, 0, 10, 1) == Errno.SUCCESS
    assert guest.call("fd_advise", fd, 0, 10, 6) == Errno.INVAL
    assert guest.call("fd_datasync", fd) == Errno.SUCCESS
    assert guest.call("fd_sync", fd) == Errno.SUCCESS
    assert guest.call("fd_filestat_set_times", fd, 10**18, 2 * 10**18,
                      FSTFLAGS_ATIM | FSTFLAGS_MTIM) == Errno.SUCCESS
    assert os.stat(tmp_path / "f.txt").st_mtime_ns == 2 * 10**18
    assert guest.call("fd_filestat_set_times", fd, 1, 1,
                      FSTFLAGS_ATIM | FSTFLAGS_ATIM_NOW) == Errno.INVAL
    assert guest.call("fd_close", fd) == Errno.SUCCESS
    assert guest.call("fd_close", fd) == Errno.BADF
    assert guest.read(fd, 1) == (Errno.BADF, None)


def test_append_and_fdflags(guest, tmp_path):
    (tmp_path / "log").write_bytes(b"start;")
    err, fd = guest.open(DIR, "log", fdflags=FDFLAGS_APPEND)
    assert err == Errno.SUCCESS
    assert guest.call("fd_seek", fd, 0, 0, OUT) == Errno.SUCCESS
    guest.write(fd, b"one;")
    assert (tmp_path / "log").read_bytes() == b"start;one;"
    assert guest.call("fd_fdstat_get", fd, OUT) == Errno.SUCCESS
    assert struct.unpack_from("<H", guest.memory.data, OUT + 2)[0] == FDFLAGS_APPEND
    assert guest.call("fd_fdstat_set_flags", fd, 0) == Errno.SUCCESS
    guest.call("fd_seek", fd, 0, 0, OUT)
    guest.write(fd, b"X")
    assert (tmp_path / "log").read_bytes() == b"Xtart;one;"
    assert guest.call("fd_fdstat_set_flags", fd, 64) == Errno.INVAL


def test_rights_can_only_shrink(guest):
    err, fd = guest.open(DIR, "r.txt", oflags=OFLAGS_CREAT)
    keep = Rights.FD_READ | Rights.FD_SEEK | Rights.FD_TELL
    assert guest.call("fd_fdstat_set_rights", fd, keep, 0) == Errno.SUCCESS
    assert guest.write(fd, b"x")[0] == Errno.NOTCAPABLE
    assert guest.read(fd, 1) == (Errno.SUCCESS, b"")
    assert guest.call("fd_fdstat_set_rights", fd, keep | Rights.FD_WRITE, 0) == Errno.NOTCAPABLE
    # A directory without PATH_CREATE_FILE cannot create, and its children inherit less.
    assert guest.call("fd_fdstat_set_rights", DIR, RIGHTS_DIR & ~Rights.PATH_CREATE_FILE,
                      Rights.FD_READ) == Errno.SUCCESS
    assert guest.call("fd_fdstat_set_rights", DIR, RIGHTS_ALL, 0) == Errno.NOTCAPABLE
    assert guest.open(DIR, "new", oflags=OFLAGS_CREAT) == (Errno.NOTCAPABLE, None)
    err, fd2 = guest.open(DIR, "r.txt")
    assert err == Errno.SUCCESS
    assert guest.write(fd2, b"x")[0] == Errno.NOTCAPABLE


def test_read_only_preopen(tmp_path):
    (tmp_path / "f").write_text("x")
    config = WasiConfig()
    config.preopen_dir(tmp_path, "/ro", dir_perms="read", file_perms="read")
    g = Guest(config)
    assert g.open(DIR, "new", oflags=OFLAGS_CREAT) == (Errno.NOTCAPABLE, None)
    ptr, size = g.path("f")
    assert g.call("path_unlink_file", DIR, ptr, size) == Errno.NOTCAPABLE
    err, fd = g.open(DIR, "f")
    assert g.write(fd, b"y")[0] == Errno.NOTCAPABLE
    assert g.read(fd, 5) == (Errno.SUCCESS, b"x")


def test_renumber(guest):
    _, a = guest.open(DIR, "a", oflags=OFLAGS_CREAT)
    _, b = guest.open(DIR, "b", oflags=OFLAGS_CREAT)
    guest.write(a, b"from a")
    assert guest.call("fd_renumber", a, b) == Errno.SUCCESS
    assert guest.write(a, b"x")[0] == Errno.BADF
    assert guest.call("fd_seek", b, 0, 0, OUT) == Errno.SUCCESS
    assert guest.read(b, 10) == (Errno.SUCCESS, b"from a")
    assert guest.call("fd_renumber", b, b) == Errno.SUCCESS
    assert guest.call("fd_renumber", b, 77) == Errno.BADF
    assert guest.call("fd_renumber", 77, b) == Errno.BADF


def test_open_flags(guest, tmp_path):
    (tmp_path / "exists").write_text("data")
    (tmp_path / "d").mkdir()
    assert guest.open(DIR, "exists", oflags=OFLAGS_CREAT | OFLAGS_EXCL)[0] == Errno.EXIST
    assert guest.open(DIR, "missing")[0] == Errno.NOENT
    assert guest.open(DIR, "exists", oflags=OFLAGS_DIRECTORY)[0] == Errno.NOTDIR
    assert guest.open(DIR, "exists/")[0] == Errno.NOTDIR
    assert guest.open(DIR, "missing/x")[0] == Errno.NOENT
    assert guest.open(DIR, "exists/x")[0] == Errno.NOTDIR
    assert guest.open(DIR, "x", oflags=16)[0] == Errno.INVAL
    assert guest.open(DIR, "x", fdflags=32)[0] == Errno.INVAL
    assert guest.open(DIR, "d")[0] == Errno.ISDIR      # write rights asked on a directory
    err, dfd = guest.open(DIR, "d", rights=Rights.FD_READDIR)
    assert err == Errno.SUCCESS
    assert guest.call("fd_fdstat_get", dfd, OUT) == Errno.SUCCESS
    assert guest.memory.data[OUT] == Filetype.DIRECTORY
    err, fd = guest.open(DIR, "exists", oflags=OFLAGS_TRUNC)
    assert err == Errno.SUCCESS and (tmp_path / "exists").read_text() == ""
    assert guest.open(DIR, "")[0] == Errno.NOENT
    ptr, size = guest.path("bad\xff")
    guest.put(ptr, b"bad\xff")
    assert guest.call("path_open", DIR, 0, ptr, 4, 0, 0, 0, 0, OUT) == Errno.ILSEQ
    assert guest.call("path_open", DIR, 0, MEMORY_SIZE - 2, 4, 0, 0, 0, 0, OUT) == Errno.FAULT
    assert guest.call("path_open", 0, 0, ptr, 3, 0, 0, 0, 0, OUT) == Errno.BADF
    assert guest.call("path_open", 99, 0, ptr, 3, 0, 0, 0, 0, OUT) == Errno.BADF


def dirents(raw: bytes):
    out = []
    pos = 0
    while pos + 24 <= len(raw):
        d_next, ino, namlen, kind = struct.unpack_from("<QQIB", raw, pos)
        name = raw[pos + 24:pos + 24 + namlen]
        if len(name) < namlen:
            break
        out.append((d_next, name.decode(), kind))
        pos += 24 + namlen
    return out


def test_readdir_with_cookies(guest, tmp_path):
    for name in ["b", "a", "c"]:
        (tmp_path / name).write_text(name)
    (tmp_path / "sub").mkdir()
    os.symlink("a", tmp_path / "ln")
    assert guest.call("fd_readdir", DIR, BUF, 4096, 0, OUT) == Errno.SUCCESS
    entries = dirents(guest.get(BUF, guest.u32(OUT)))
    assert [e[1] for e in entries] == [".", "..", "a", "b", "c", "ln", "sub"]
    assert [e[0] for e in entries] == list(range(1, 8))
    kinds = {name: kind for _, name, kind in entries}
    assert kinds["a"] == Filetype.REGULAR_FILE and kinds["sub"] == Filetype.DIRECTORY
    assert kinds["ln"] == Filetype.SYMBOLIC_LINK
    # A small buffer is filled completely (bufused == buf_len signals "more"), and the guest
    # resumes from the last complete entry's d_next.
    assert guest.call("fd_readdir", DIR, BUF, 60, 0, OUT) == Errno.SUCCESS
    assert guest.u32(OUT) == 60
    first = dirents(guest.get(BUF, 60))
    assert [e[1] for e in first] == [".", ".."]
    assert guest.call("fd_readdir", DIR, BUF, 4096, first[-1][0], OUT) == Errno.SUCCESS
    assert [e[1] for e in dirents(guest.get(BUF, guest.u32(OUT)))] == ["a", "b", "c", "ln", "sub"]
    assert guest.call("fd_readdir", DIR, BUF, 4096, 1000, OUT) == Errno.SUCCESS
    assert guest.u32(OUT) == 0
    _, fd = guest.open(DIR, "a")
    assert guest.call("fd_readdir", fd, BUF, 100, 0, OUT) == Errno.BADF
    assert guest.read(DIR, 10)[0] == Errno.BADF
    assert guest.call("fd_seek", DIR, 0, 1, OUT) == Errno.BADF


def test_path_operations(guest, tmp_path):
    def p(text, at=0x100):
        return guest.path(text, at)
    assert guest.call("path_create_directory", DIR, *p("dir")) == Errno.SUCCESS
    assert guest.call("path_create_directory", DIR, *p("dir")) == Errno.EXIST
    assert guest.call("path_create_directory", DIR, *p("no/such")) == Errno.NOENT
    _, fd = guest.open(DIR, "dir/file", oflags=OFLAGS_CREAT)
    guest.write(fd, b"12345")
    assert guest.call("path_remove_directory", DIR, *p("dir")) == Errno.NOTEMPTY
    assert guest.call("path_unlink_file", DIR, *p("dir")) == Errno.ISDIR
    assert guest.call("path_remove_directory", DIR, *p("dir/file")) == Errno.NOTDIR
    assert guest.call("path_unlink_file", DIR, *p("dir/file/")) == Errno.NOTDIR
    assert guest.call("path_remove_directory", DIR, *p(".")) == Errno.INVAL
    # link, symlink, readlink
    assert guest.call("path_link", DIR, 0, *p("dir/file"), DIR, *p("hard", PATH2)) == Errno.SUCCESS
    assert (tmp_path / "hard").read_bytes() == b"12345"
    assert guest.call("path_link", DIR, 0, *p("dir/file"), DIR, *p("hard", PATH2)) == Errno.EXIST
    assert guest.call("path_symlink", *p("dir/file"), DIR, *p("soft", PATH2)) == Errno.SUCCESS
    assert guest.call("path_readlink", DIR, *p("soft"), BUF, 100, OUT) == Errno.SUCCESS
    assert guest.get(BUF, guest.u32(OUT)) == b"dir/file"
    assert guest.call("path_readlink", DIR, *p("soft"), BUF, 3, OUT) == Errno.SUCCESS
    assert guest.u32(OUT) == 3 and guest.get(BUF, 3) == b"dir"
    assert guest.call("path_readlink", DIR, *p("hard"), BUF, 100, OUT) == Errno.INVAL
    # filestat follows or not
    assert guest.call("path_filestat_get", DIR, 1, *p("soft"), BUF) == Errno.SUCCESS
    assert guest.memory.data[BUF + 16] == Filetype.REGULAR_FILE and guest.u64(BUF + 32) == 5
    assert guest.u64(BUF + 24) == 2                   # nlink: file + hard
    assert guest.call("path_filestat_get", DIR, 0, *p("soft"), BUF) == Errno.SUCCESS
    assert guest.memory.data[BUF + 16] == Filetype.SYMBOLIC_LINK
    assert guest.call("path_filestat_set_times", DIR, 0, *p("hard"), 5 * 10**17, 6 * 10**17,
                      FSTFLAGS_ATIM | FSTFLAGS_MTIM) == Errno.SUCCESS
    assert os.stat(tmp_path / "hard").st_atime_ns == 5 * 10**17
    # rename
    assert guest.call("path_rename", DIR, *p("hard"), DIR, *p("dir/moved", PATH2)) == \
        Errno.SUCCESS
    assert (tmp_path / "dir" / "moved").exists() and not (tmp_path / "hard").exists()
    assert guest.call("path_rename", DIR, *p("hard"), DIR, *p("x", PATH2)) == Errno.NOENT
    assert guest.call("path_unlink_file", DIR, *p("soft")) == Errno.SUCCESS
    assert (tmp_path / "dir" / "file").exists()


# ---- poll ---------------------------------------------------------------------------------
def clock_sub(userdata, timeout, clock=1, flags=0):
    return struct.pack("<QB7xIxxxxQQH6x", userdata, 0, clock, timeout, 0, flags)


def fd_sub(userdata, fd, kind):
    return struct.pack("<QB7xI28x", userdata, kind, fd)


def events(g, count):
    return [struct.unpack_from("<QHB", g.memory.data, BUF + 32 * i) for i in range(count)]


def test_poll_clock_deterministic():
    config = WasiConfig()
    config.deterministic = True
    g = Guest(config)
    g.put(0x2000, clock_sub(11, 5_000_000))
    assert g.call("poll_oneoff", 0x2000, BUF, 1, OUT) == Errno.SUCCESS
    assert g.u32(OUT) == 1 and events(g, 1) == [(11, 0, 0)]
    assert g.call("clock_time_get", 1, 0, OUT) == Errno.SUCCESS
    assert g.u64(OUT) >= DETERMINISTIC_MONOTONIC_START_NS + 5_000_000
    # absolute deadline in the past fires at once; an unknown clock is an event error
    g.put(0x2000, clock_sub(1, 0, clock=0, flags=1) + clock_sub(2, 10, clock=9))
    assert g.call("poll_oneoff", 0x2000, BUF, 2, OUT) == Errno.SUCCESS
    assert sorted(events(g, g.u32(OUT))) == [(1, 0, 0), (2, Errno.INVAL, 0)]


def test_poll_fds(guest):
    guest.put(0x2000, fd_sub(1, 1, 2) + fd_sub(2, 99, 1) + clock_sub(3, 10**9))
    assert guest.call("poll_oneoff", 0x2000, BUF, 3, OUT) == Errno.SUCCESS
    assert sorted(events(guest, guest.u32(OUT))) == [(1, 0, 2), (2, Errno.BADF, 1)]
    _, fd = guest.open(DIR, "data", oflags=OFLAGS_CREAT)
    guest.write(fd, b"0123456789")
    guest.call("fd_seek", fd, 4, 0, OUT)
    guest.put(0x2000, fd_sub(5, fd, 1))
    assert guest.call("poll_oneoff", 0x2000, BUF, 1, OUT) == Errno.SUCCESS
    assert events(guest, 1) == [(5, 0, 1)] and guest.u64(BUF + 16) == 6   # bytes available


def test_poll_errors():
    g = Guest()
    assert g.call("poll_oneoff", 0x2000, BUF, 0, OUT) == Errno.INVAL
    assert g.call("poll_oneoff", MEMORY_SIZE - 10, BUF, 1, OUT) == Errno.FAULT
    g.put(0x2000, struct.pack("<QB", 1, 7) + bytes(39))
    assert g.call("poll_oneoff", 0x2000, BUF, 1, OUT) == Errno.INVAL


def test_poll_clock_real_sleeps():
    import time
    g = Guest()
    g.put(0x2000, clock_sub(9, 20_000_000))
    start = time.monotonic()
    assert g.call("poll_oneoff", 0x2000, BUF, 1, OUT) == Errno.SUCCESS
    assert time.monotonic() - start >= 0.019
    assert events(g, 1) == [(9, 0, 0)]


# ---- robustness -----------------------------------------------------------------------------
def test_missing_memory_export_is_fault():
    g = Guest()
    g.caller.memory = None
    assert g.call("args_sizes_get", 0, 4) == Errno.FAULT
    assert g.call("fd_close", 1) == Errno.SUCCESS       # no memory needed


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(sorted(set(SIGNATURES) - {"proc_exit", "poll_oneoff"})),
       data=st.data())
def test_property_any_arguments_give_an_errno(tmp_path_factory, name, data):
    """Arbitrary (also hostile) arguments never raise a Python error: always a valid Errno."""
    root = tmp_path_factory.mktemp("any")
    (root / "f").write_text("x")
    config = WasiConfig()
    config.preopen_dir(root, "/r")
    g = Guest(config)
    g.put(0x100, b"f\0../x")
    kinds = SIGNATURES[name][0]
    small = st.one_of(st.integers(0, 8), st.integers(0, MEMORY_SIZE + 8), st.just(0xFFFFFFFF))
    args = [data.draw(small if k == "i" else st.one_of(st.integers(0, 2**64 - 1),
                                                       st.integers(0, 100)))
            for k in kinds]
    try:
        result = g.call(name, *args)
    finally:
        g.close()
    assert isinstance(result, Errno)


def test_configuration_errors_are_wasm_errors(tmp_path):
    from pywasm_core.errors import WasmError
    config = WasiConfig()
    with pytest.raises(WasmError, match="preopen"):
        config.preopen_dir(tmp_path / "nope", "/x")
    config.stdin_file = tmp_path / "no-such-input"
    with pytest.raises(WasmError, match="no-such-input"):
        Guest(config)
    with pytest.raises(TypeError):
        config.argv = ["ok", 3]
    with pytest.raises(TypeError):
        config.env = [("only-one",)]


@settings(max_examples=200, deadline=None)
@given(subs=st.lists(st.tuples(st.integers(0, 2**64 - 1), st.integers(0, 3), st.integers(0, 8),
                               st.integers(0, 2**64 - 1), st.integers(0, 3)),
                     min_size=1, max_size=5))
def test_property_poll_oneoff_any_subscriptions(subs):
    """Random subscriptions (deterministic clocks, in-memory stdio): an errno, well-formed
    events for valid subscriptions, and nothing ever blocks or raises."""
    config = WasiConfig()
    config.deterministic = True
    g = Guest(config)
    raw = b""
    for userdata, tag, number, timeout, flags in subs:
        if tag == 0:
            raw += struct.pack("<QB7xIxxxxQQH6x", userdata, tag, number % 5, timeout, 0, flags)
        else:
            raw += struct.pack("<QB7xI28x", userdata, tag, number)
    g.put(0x2000, raw)
    err = g.call("poll_oneoff", 0x2000, BUF, len(subs), OUT)
    if any(tag > 2 for _, tag, *_ in subs):
        assert err == Errno.INVAL
        return
    assert err == Errno.SUCCESS
    count = g.u32(OUT)
    assert 1 <= count <= len(subs)
    userdatas = {s[0] for s in subs}
    for userdata, error, kind in events(g, count):
        assert userdata in userdatas and kind in (0, 1, 2)
        assert error in (0, Errno.BADF, Errno.INVAL, Errno.NOTCAPABLE)
