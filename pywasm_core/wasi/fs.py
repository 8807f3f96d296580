"""The guest's view of the host: a descriptor table and openat-style path resolution.

The guest only ever reaches host files through a preopened directory.  Paths are resolved one
component at a time against directory descriptors (`dir_fd=`), opening each intermediate directory
with O_NOFOLLOW and reading symlinks ourselves, so `..`, absolute paths and symlinks can never climb
above the directory descriptor the guest named (the cap-std rule: every directory fd is a sandbox
root).  The final component is handed to the host call together with its parent's fd, never as a
host path, and with symlink following off.
"""

from __future__ import annotations

import os
import stat as _stat
from collections import deque

from .errno import (Errno, Filetype, RIGHTS_DIR, RIGHTS_FILE, RIGHTS_STDIO_IN, RIGHTS_STDIO_OUT,
                    WasiError)

# The same bound as Linux (MAXSYMLINKS = 40): more links in one lookup is a loop.
MAX_SYMLINKS = 40
# How many descriptors a guest may hold open at once.
MAX_DESCRIPTORS = 1024

_O_PATH = getattr(os, "O_PATH", os.O_RDONLY)
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def filetype_of_mode(mode: int) -> Filetype:
    if _stat.S_ISREG(mode):
        return Filetype.REGULAR_FILE
    if _stat.S_ISDIR(mode):
        return Filetype.DIRECTORY
    if _stat.S_ISLNK(mode):
        return Filetype.SYMBOLIC_LINK
    if _stat.S_ISCHR(mode):
        return Filetype.CHARACTER_DEVICE
    if _stat.S_ISBLK(mode):
        return Filetype.BLOCK_DEVICE
    if _stat.S_ISSOCK(mode):
        return Filetype.SOCKET_STREAM
    return Filetype.UNKNOWN


class Descriptor:
    """One entry of the guest's fd table: what it is, its rights and its fdflags."""

    filetype = Filetype.UNKNOWN

    def __init__(self, rights_base: int, rights_inheriting: int, fdflags: int = 0):
        self.rights_base = rights_base
        self.rights_inheriting = rights_inheriting
        self.fdflags = fdflags

    def close(self) -> None:
        """Release the host resource (idempotent)."""


class StreamDescriptor(Descriptor):
    """stdin/stdout/stderr: a byte stream that cannot seek.

    `reader(n) -> bytes` / `writer(data) -> int`, `fileno` (a host fd for poll, or None for
    in-memory buffers), `isatty` picks CHARACTER_DEVICE (what libc's isatty checks)."""

    def __init__(self, reader=None, writer=None, fileno: int | None = None, isatty: bool = False,
                 closer=None):
        rights = RIGHTS_STDIO_IN if reader is not None else RIGHTS_STDIO_OUT
        super().__init__(int(rights), 0)
        self.reader = reader
        self.writer = writer
        self.fileno = fileno
        self.isatty = isatty
        self.closer = closer
        self.filetype = Filetype.CHARACTER_DEVICE if isatty else Filetype.UNKNOWN

    def close(self) -> None:
        closer, self.closer = self.closer, None
        if closer is not None:
            closer()


class FileDescriptor(Descriptor):
    """A regular file (or other non-directory) opened on the host; the host fd keeps the offset."""

    filetype = Filetype.REGULAR_FILE

    def __init__(self, fd: int, rights_base: int, rights_inheriting: int, fdflags: int,
                 filetype: Filetype):
        super().__init__(rights_base, rights_inheriting, fdflags)
        self.fd = fd
        self.filetype = filetype

    def close(self) -> None:
        fd, self.fd = self.fd, -1
        if fd >= 0:
            os.close(fd)


class DirDescriptor(Descriptor):
    """A directory opened read-only on the host; the root of its own sandbox for path lookups.
    `preopen_name` is set for directories the embedder preopened (fd_prestat_*)."""

    filetype = Filetype.DIRECTORY

    def __init__(self, fd: int, rights_base: int, rights_inheriting: int,
                 preopen_name: str | None = None):
        super().__init__(rights_base, rights_inheriting)
        self.fd = fd
        self.preopen_name = preopen_name

    def close(self) -> None:
        fd, self.fd = self.fd, -1
        if fd >= 0:
            os.close(fd)


def open_preopen(host_path: str, guest_name: str) -> DirDescriptor:
    """Open a host directory to hand to the guest as a preopen (all directory/file rights)."""
    fd = os.open(host_path, os.O_RDONLY | _O_DIRECTORY | _O_CLOEXEC)
    return DirDescriptor(fd, int(RIGHTS_DIR), int(RIGHTS_DIR | RIGHTS_FILE), guest_name)


class Resolved:
    """The outcome of a lookup: the parent directory's host fd (owned) and the final name, which
    never contains '/' and is never a symlink that the lookup was asked to follow."""

    __slots__ = ("dirfd", "name", "must_be_dir")

    def __init__(self, dirfd: int, name: str, must_be_dir: bool):
        self.dirfd = dirfd
        self.name = name
        self.must_be_dir = must_be_dir

    def __enter__(self) -> "Resolved":
        return self

    def __exit__(self, *exc) -> None:
        fd, self.dirfd = self.dirfd, -1
        if fd >= 0:
            os.close(fd)


def _is_symlink_at(dirfd: int, name: str) -> str | None:
    """The link's target if `name` in `dirfd` is a symlink, else None (missing -> None too)."""
    try:
        return os.readlink(name, dir_fd=dirfd)
    except OSError:
        return None


def resolve(base_fd: int, path: str, follow_final: bool) -> Resolved:
    """Walk `path` below the directory `base_fd` without ever leaving it.

    Absolute paths, `..` above the base and symlinks whose target is absolute or climbs out give
    NOTCAPABLE; more than MAX_SYMLINKS links give LOOP.  A trailing '/' means the final component
    must be a directory (and is followed if it is a symlink, as POSIX says)."""
    if not path:
        raise WasiError(Errno.NOENT)
    if "\0" in path:
        raise WasiError(Errno.INVAL)
    if path.startswith("/"):
        raise WasiError(Errno.NOTCAPABLE)
    must_be_dir = path.endswith("/")
    parts = deque(part for part in path.split("/") if part)
    if not parts:                       # "//" style paths are absolute anyway; keep "." semantics
        parts.append(".")
    stack = [os.dup(base_fd)]
    links = 0
    try:
        while True:
            comp = parts.popleft()
            last = not parts
            if comp == ".":
                if last:
                    return Resolved(stack.pop(), ".", must_be_dir)
                continue
            if comp == "..":
                if len(stack) == 1:
                    raise WasiError(Errno.NOTCAPABLE)
                os.close(stack.pop())
                if last:
                    return Resolved(stack.pop(), ".", must_be_dir)
                continue
            if len(comp.encode("utf-8", "surrogateescape")) > 255:
                raise WasiError(Errno.NAMETOOLONG)
            if last and not (follow_final or must_be_dir):
                return Resolved(stack.pop(), comp, must_be_dir)
            target = _is_symlink_at(stack[-1], comp)
            if target is not None:
                links += 1
                if links > MAX_SYMLINKS:
                    raise WasiError(Errno.LOOP)
                if target.startswith("/"):
                    raise WasiError(Errno.NOTCAPABLE)
                if not target:
                    raise WasiError(Errno.NOENT)
                # The link's components replace it; its trailing '/' (or ours) keeps dir-ness.
                new = [part for part in target.split("/") if part] or ["."]
                if target.endswith("/") and last:
                    must_be_dir = True
                parts.extendleft(reversed(new))
                continue
            if last:
                return Resolved(stack.pop(), comp, must_be_dir)
            try:
                fd = os.open(comp, _O_PATH | _O_DIRECTORY | _O_NOFOLLOW | _O_CLOEXEC,
                             dir_fd=stack[-1])
            except OSError as exc:
                from .errno import from_os_error
                raise WasiError(from_os_error(exc)) from None
            stack.append(fd)
    finally:
        for fd in stack:
            os.close(fd)


def check_dir_suffix(res: Resolved) -> None:
    """A lookup of "name/" requires name to be a directory (NOTDIR otherwise, NOENT if absent)."""
    if res.must_be_dir and res.name not in (".", ".."):
        st = os.stat(res.name, dir_fd=res.dirfd, follow_symlinks=False)
        if not _stat.S_ISDIR(st.st_mode):
            raise WasiError(Errno.NOTDIR)
