"""WASI preview 1 (`wasi_snapshot_preview1`) for pywasm-core, sandboxed and optionally
deterministic.

    from pywasm_core.wasi import WasiConfig, run_wasi
    config = WasiConfig(); config.argv = ["prog", "x"]; config.preopen_dir("data", "/data")
    out = config.capture_stdout()
    code = run_wasi("prog.wasm", config)            # engine="wasmtime" for differential runs

The host functions (host.py) are engine-neutral: they reach guest memory only through the
wasmtime-py Memory API on `caller.get("memory")`, so the same code runs under pywasm_core and
wasmtime-py (`link_pywasm_core` / `link_wasmtime`).  Files are reached only through preopened
directories, resolved component by component (fs.py).

Choices where preview1 leaves room (checked against wasmtime-py's own WASI by
tests/wasi/test_wasi_programs.py, which matches it call for call otherwise):
- leaving a directory fd (`..` above it, absolute paths, symlinks pointing out) is NOTCAPABLE,
  preview1's capability error; wasmtime reports PERM;
- rights are enforced (missing right: NOTCAPABLE; rights can only shrink), after the kind checks
  (wrong descriptor kind: BADF; positioning a stream: SPIPE), as wasmtime orders them;
- all four clocks work (wasmtime has no CPU-time clocks); proc_raise is NOSYS; the sock_* calls
  are BADF or NOTSOCK (there are no sockets); invalid enum values are INVAL, not a trap;
- fd_readdir lists ".", ".." then the entries sorted by name (stable cookies).
"""

from .config import WasiConfig
from .errno import Errno, Filetype, Rights
from .host import WasiHost
from .run import MODULE, link_pywasm_core, link_wasmtime, run_wasi

__all__ = ["WasiConfig", "WasiHost", "Errno", "Filetype", "Rights", "MODULE", "run_wasi",
           "link_pywasm_core", "link_wasmtime"]
