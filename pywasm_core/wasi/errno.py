"""The numbers of `wasi_snapshot_preview1` (witx): errno, file types, flags and rights.

Kept in one module so the host, the sandboxed file system and the tests speak the same names.
"""

from __future__ import annotations

import errno as _host_errno
import enum


class Errno(enum.IntEnum):
    """`$errno` of preview1 (16-bit); every host function returns one of these."""

    SUCCESS = 0
    TOOBIG = 1
    ACCES = 2
    ADDRINUSE = 3
    ADDRNOTAVAIL = 4
    AFNOSUPPORT = 5
    AGAIN = 6
    ALREADY = 7
    BADF = 8
    BADMSG = 9
    BUSY = 10
    CANCELED = 11
    CHILD = 12
    CONNABORTED = 13
    CONNREFUSED = 14
    CONNRESET = 15
    DEADLK = 16
    DESTADDRREQ = 17
    DOM = 18
    DQUOT = 19
    EXIST = 20
    FAULT = 21
    FBIG = 22
    HOSTUNREACH = 23
    IDRM = 24
    ILSEQ = 25
    INPROGRESS = 26
    INTR = 27
    INVAL = 28
    IO = 29
    ISCONN = 30
    ISDIR = 31
    LOOP = 32
    MFILE = 33
    MLINK = 34
    MSGSIZE = 35
    MULTIHOP = 36
    NAMETOOLONG = 37
    NETDOWN = 38
    NETRESET = 39
    NETUNREACH = 40
    NFILE = 41
    NOBUFS = 42
    NODEV = 43
    NOENT = 44
    NOEXEC = 45
    NOLCK = 46
    NOLINK = 47
    NOMEM = 48
    NOMSG = 49
    NOPROTOOPT = 50
    NOSPC = 51
    NOSYS = 52
    NOTCONN = 53
    NOTDIR = 54
    NOTEMPTY = 55
    NOTRECOVERABLE = 56
    NOTSOCK = 57
    NOTSUP = 58
    NOTTY = 59
    NXIO = 60
    OVERFLOW = 61
    OWNERDEAD = 62
    PERM = 63
    PIPE = 64
    PROTO = 65
    PROTONOSUPPORT = 66
    PROTOTYPE = 67
    RANGE = 68
    ROFS = 69
    SPIPE = 70
    SRCH = 71
    STALE = 72
    TIMEDOUT = 73
    TXTBSY = 74
    XDEV = 75
    NOTCAPABLE = 76


class WasiError(Exception):
    """Internal: a host function ends with this errno (never escapes the host)."""

    def __init__(self, errno: Errno):
        self.errno = Errno(errno)
        super().__init__(self.errno.name)


# Host (Linux) errno -> WASI errno, by name so it works wherever Python runs.
_BY_HOST: dict[int, Errno] = {}
for _name, _member in Errno.__members__.items():
    _code = getattr(_host_errno, "E" + _name, None)
    if _code is not None:
        _BY_HOST.setdefault(_code, _member)
_BY_HOST[_host_errno.E2BIG] = Errno.TOOBIG
if hasattr(_host_errno, "EOPNOTSUPP"):
    _BY_HOST.setdefault(_host_errno.EOPNOTSUPP, Errno.NOTSUP)
if hasattr(_host_errno, "EWOULDBLOCK"):
    _BY_HOST.setdefault(_host_errno.EWOULDBLOCK, Errno.AGAIN)


def from_os_error(exc: OSError) -> Errno:
    """The WASI errno for a host OSError (EIO when the host code has no WASI counterpart)."""
    return _BY_HOST.get(exc.errno or 0, Errno.IO)


class Filetype(enum.IntEnum):
    UNKNOWN = 0
    BLOCK_DEVICE = 1
    CHARACTER_DEVICE = 2
    DIRECTORY = 3
    REGULAR_FILE = 4
    SOCKET_DGRAM = 5
    SOCKET_STREAM = 6
    SYMBOLIC_LINK = 7


class Clock(enum.IntEnum):
    REALTIME = 0
    MONOTONIC = 1
    PROCESS_CPUTIME_ID = 2
    THREAD_CPUTIME_ID = 3


class Whence(enum.IntEnum):
    SET = 0
    CUR = 1
    END = 2


class EventType(enum.IntEnum):
    CLOCK = 0
    FD_READ = 1
    FD_WRITE = 2


# $fdflags
FDFLAGS_APPEND = 1
FDFLAGS_DSYNC = 2
FDFLAGS_NONBLOCK = 4
FDFLAGS_RSYNC = 8
FDFLAGS_SYNC = 16
FDFLAGS_ALL = 31

# $oflags
OFLAGS_CREAT = 1
OFLAGS_DIRECTORY = 2
OFLAGS_EXCL = 4
OFLAGS_TRUNC = 8

# $lookupflags
LOOKUP_SYMLINK_FOLLOW = 1

# $fstflags
FSTFLAGS_ATIM = 1
FSTFLAGS_ATIM_NOW = 2
FSTFLAGS_MTIM = 4
FSTFLAGS_MTIM_NOW = 8

# $subclockflags, $eventrwflags, $sdflags, $riflags
SUBCLOCK_ABSTIME = 1
EVENTRW_HANGUP = 1
SDFLAGS_ALL = 3
RIFLAGS_ALL = 3

# $advice: normal, sequential, random, willneed, dontneed, noreuse
ADVICE_MAX = 5
# $signal: none .. sys
SIGNAL_MAX = 30


class Rights(enum.IntFlag):
    FD_DATASYNC = 1 << 0
    FD_READ = 1 << 1
    FD_SEEK = 1 << 2
    FD_FDSTAT_SET_FLAGS = 1 << 3
    FD_SYNC = 1 << 4
    FD_TELL = 1 << 5
    FD_WRITE = 1 << 6
    FD_ADVISE = 1 << 7
    FD_ALLOCATE = 1 << 8
    PATH_CREATE_DIRECTORY = 1 << 9
    PATH_CREATE_FILE = 1 << 10
    PATH_LINK_SOURCE = 1 << 11
    PATH_LINK_TARGET = 1 << 12
    PATH_OPEN = 1 << 13
    FD_READDIR = 1 << 14
    PATH_READLINK = 1 << 15
    PATH_RENAME_SOURCE = 1 << 16
    PATH_RENAME_TARGET = 1 << 17
    PATH_FILESTAT_GET = 1 << 18
    PATH_FILESTAT_SET_SIZE = 1 << 19
    PATH_FILESTAT_SET_TIMES = 1 << 20
    FD_FILESTAT_GET = 1 << 21
    FD_FILESTAT_SET_SIZE = 1 << 22
    FD_FILESTAT_SET_TIMES = 1 << 23
    PATH_SYMLINK = 1 << 24
    PATH_REMOVE_DIRECTORY = 1 << 25
    PATH_UNLINK_FILE = 1 << 26
    POLL_FD_READWRITE = 1 << 27
    SOCK_SHUTDOWN = 1 << 28
    SOCK_ACCEPT = 1 << 29


RIGHTS_ALL = (1 << 30) - 1

# What makes sense on a regular file, on a directory, and on a stdio stream.
RIGHTS_FILE = (Rights.FD_DATASYNC | Rights.FD_READ | Rights.FD_SEEK | Rights.FD_FDSTAT_SET_FLAGS
               | Rights.FD_SYNC | Rights.FD_TELL | Rights.FD_WRITE | Rights.FD_ADVISE
               | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_GET | Rights.FD_FILESTAT_SET_SIZE
               | Rights.FD_FILESTAT_SET_TIMES | Rights.POLL_FD_READWRITE)
RIGHTS_DIR = (Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_SYNC | Rights.FD_ADVISE
              | Rights.PATH_CREATE_DIRECTORY | Rights.PATH_CREATE_FILE | Rights.PATH_LINK_SOURCE
              | Rights.PATH_LINK_TARGET | Rights.PATH_OPEN | Rights.FD_READDIR
              | Rights.PATH_READLINK | Rights.PATH_RENAME_SOURCE | Rights.PATH_RENAME_TARGET
              | Rights.PATH_FILESTAT_GET | Rights.PATH_FILESTAT_SET_SIZE
              | Rights.PATH_FILESTAT_SET_TIMES | Rights.FD_FILESTAT_GET
              | Rights.FD_FILESTAT_SET_TIMES | Rights.PATH_SYMLINK | Rights.PATH_REMOVE_DIRECTORY
              | Rights.PATH_UNLINK_FILE | Rights.POLL_FD_READWRITE)
RIGHTS_STDIO_IN = Rights.FD_READ | Rights.FD_FDSTAT_SET_FLAGS | Rights.POLL_FD_READWRITE \
    | Rights.FD_FILESTAT_GET
RIGHTS_STDIO_OUT = Rights.FD_WRITE | Rights.FD_FDSTAT_SET_FLAGS | Rights.POLL_FD_READWRITE \
    | Rights.FD_FILESTAT_GET | Rights.FD_DATASYNC | Rights.FD_SYNC
