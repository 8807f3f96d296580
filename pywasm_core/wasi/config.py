"""`WasiConfig`: what a WASI guest gets to see (wasmtime-py's names, plus in-memory stdio,
deterministic mode and an output limit)."""

from __future__ import annotations

import io
import os
import sys

from ..errors import WasmError
from .errno import Rights
from .fs import StreamDescriptor, open_preopen

# Rights a read-only preopen keeps (everything that does not create, change or remove).
_MUTATING = (Rights.FD_WRITE | Rights.FD_DATASYNC | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE
             | Rights.FD_FILESTAT_SET_TIMES | Rights.PATH_CREATE_DIRECTORY
             | Rights.PATH_CREATE_FILE | Rights.PATH_LINK_SOURCE | Rights.PATH_LINK_TARGET
             | Rights.PATH_RENAME_SOURCE | Rights.PATH_RENAME_TARGET
             | Rights.PATH_FILESTAT_SET_SIZE | Rights.PATH_FILESTAT_SET_TIMES
             | Rights.PATH_SYMLINK | Rights.PATH_REMOVE_DIRECTORY | Rights.PATH_UNLINK_FILE)


def _perm_is_read_only(perm) -> bool:
    """wasmtime-py DirPerms/FilePerms members, or the strings "read" / "read_write"."""
    if perm is None:
        return False
    name = getattr(perm, "name", perm)
    return str(name).lower() in ("read", "read_only", "readonly")


class WasiConfig:
    """Arguments, environment, stdio and preopened directories of one guest.

    Defaults isolate the guest: no args, empty env, empty stdin, stdout/stderr discarded, no
    directories, host clocks and OS randomness.  `deterministic = True` pins the clocks and seeds
    the random source with `seed`.  `max_output` caps the bytes written to stdout + stderr."""

    def __init__(self):
        self._argv: list[str] = []
        self._env: list[tuple[str, str]] = []
        self._stdin: tuple = ("bytes", b"")
        self._stdout: tuple = ("null",)
        self._stderr: tuple = ("null",)
        self.preopens: list[tuple[str, str, bool]] = []
        self.deterministic = False
        self.seed = 0
        self.max_output: int | None = None

    # ---- argv / env ----
    @property
    def argv(self) -> list[str]:
        return list(self._argv)

    @argv.setter
    def argv(self, value) -> None:
        value = list(value)
        if not all(isinstance(a, str) for a in value):
            raise TypeError("argv must be a list of str")
        self._argv = value

    @property
    def env(self) -> list[tuple[str, str]]:
        return list(self._env)

    @env.setter
    def env(self, value) -> None:
        pairs = list(value.items()) if isinstance(value, dict) else [tuple(p) for p in value]
        for pair in pairs:
            if len(pair) != 2 or not all(isinstance(s, str) for s in pair):
                raise TypeError("env must be a dict or a list of (str, str) pairs")
        self._env = pairs

    def inherit_argv(self) -> None:
        self._argv = list(sys.argv)

    def inherit_env(self) -> None:
        self._env = list(os.environ.items())

    # ---- stdio ----
    def inherit_stdin(self) -> None:
        self._stdin = ("inherit",)

    def inherit_stdout(self) -> None:
        self._stdout = ("inherit",)

    def inherit_stderr(self) -> None:
        self._stderr = ("inherit",)

    @property
    def stdin_file(self):
        return self._stdin[1] if self._stdin[0] == "file" else None

    @stdin_file.setter
    def stdin_file(self, path) -> None:
        self._stdin = ("file", os.fspath(path))

    @property
    def stdin_bytes(self) -> bytes | None:
        return self._stdin[1] if self._stdin[0] == "bytes" else None

    @stdin_bytes.setter
    def stdin_bytes(self, data) -> None:
        self._stdin = ("bytes", bytes(data))

    @property
    def stdout_file(self):
        return self._stdout[1] if self._stdout[0] == "file" else None

    @stdout_file.setter
    def stdout_file(self, path) -> None:
        self._stdout = ("file", os.fspath(path))

    @property
    def stderr_file(self):
        return self._stderr[1] if self._stderr[0] == "file" else None

    @stderr_file.setter
    def stderr_file(self, path) -> None:
        self._stderr = ("file", os.fspath(path))

    @property
    def stdout_custom(self):
        return self._stdout[1] if self._stdout[0] == "custom" else None

    @stdout_custom.setter
    def stdout_custom(self, fn) -> None:
        if not callable(fn):
            raise TypeError("stdout_custom must be a callable taking bytes")
        self._stdout = ("custom", fn)

    @property
    def stderr_custom(self):
        return self._stderr[1] if self._stderr[0] == "custom" else None

    @stderr_custom.setter
    def stderr_custom(self, fn) -> None:
        if not callable(fn):
            raise TypeError("stderr_custom must be a callable taking bytes")
        self._stderr = ("custom", fn)

    def capture_stdout(self) -> io.BytesIO:
        """Collect the guest's stdout in a BytesIO (returned; also `self.stdout_buffer`)."""
        buffer = io.BytesIO()
        self._stdout = ("buffer", buffer)
        return buffer

    def capture_stderr(self) -> io.BytesIO:
        buffer = io.BytesIO()
        self._stderr = ("buffer", buffer)
        return buffer

    @property
    def stdout_buffer(self) -> io.BytesIO | None:
        return self._stdout[1] if self._stdout[0] == "buffer" else None

    @property
    def stderr_buffer(self) -> io.BytesIO | None:
        return self._stderr[1] if self._stderr[0] == "buffer" else None

    # ---- directories ----
    def preopen_dir(self, path, guest_path: str, dir_perms=None, file_perms=None) -> None:
        """Give the guest the host directory `path` under the name `guest_path`; a "read"
        dir_perms/file_perms makes it read-only."""
        host = os.fspath(path)
        if not os.path.isdir(host):
            raise WasmError(f"failed to open directory for preopen: {host} is not a directory")
        read_only = _perm_is_read_only(dir_perms) or _perm_is_read_only(file_perms)
        self.preopens.append((host, guest_path, read_only))

    # ---- building the guest's descriptors (used by WasiHost) ----
    def _make_stdin(self) -> StreamDescriptor:
        kind = self._stdin[0]
        if kind == "inherit":
            def read(n: int) -> bytes:
                # sys.stdin at call time (test runners swap it); read1 returns what is there
                # instead of blocking for all n bytes.
                binary = getattr(sys.stdin, "buffer", None)
                if binary is not None and hasattr(binary, "read1"):
                    return binary.read1(n)
                return os.read(0, n)
            try:
                fileno = sys.stdin.fileno()
                tty = os.isatty(fileno)
            except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
                fileno, tty = None, False
            return StreamDescriptor(reader=read, fileno=fileno, isatty=tty)
        if kind == "file":
            fd = os.open(self._stdin[1], os.O_RDONLY)
            return StreamDescriptor(reader=lambda n: os.read(fd, n), fileno=fd,
                                    closer=lambda: os.close(fd))
        data = io.BytesIO(self._stdin[1])
        return StreamDescriptor(reader=data.read)

    def _make_output(self, which: int, budget) -> StreamDescriptor:
        spec = self._stdout if which == 1 else self._stderr
        kind = spec[0]
        if kind == "inherit":
            stream = sys.stdout if which == 1 else sys.stderr

            def write(data: bytes) -> int:
                budget.spend(len(data))
                binary = getattr(stream, "buffer", None)
                if binary is not None:
                    stream.flush()
                    binary.write(data)
                    binary.flush()
                else:
                    stream.write(data.decode("utf-8", "replace"))
                    stream.flush()
                return len(data)
            try:
                fileno = stream.fileno()
                tty = os.isatty(fileno)
            except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
                fileno, tty = None, False
            return StreamDescriptor(writer=write, fileno=fileno, isatty=tty)
        if kind == "file":
            fd = os.open(spec[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)

            def write_file(data: bytes) -> int:
                budget.spend(len(data))
                return os.write(fd, data)
            return StreamDescriptor(writer=write_file, fileno=fd, closer=lambda: os.close(fd))
        if kind in ("buffer", "custom"):
            sink = spec[1].write if kind == "buffer" else spec[1]

            def write_sink(data: bytes) -> int:
                budget.spend(len(data))
                sink(data)
                return len(data)
            return StreamDescriptor(writer=write_sink)

        def discard(data: bytes) -> int:
            budget.spend(len(data))
            return len(data)
        return StreamDescriptor(writer=discard)

    def _open_preopens(self):
        out = []
        try:
            for host, guest, read_only in self.preopens:
                desc = open_preopen(host, guest)
                if read_only:
                    desc.rights_base &= ~int(_MUTATING)
                    desc.rights_inheriting &= ~int(_MUTATING)
                out.append(desc)
        except OSError:
            for desc in out:
                desc.close()
            raise
        return out
