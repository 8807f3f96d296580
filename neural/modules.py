"""Where the ruv-swarm wasm files live and which one a short name means.

`bg` is ruv_swarm_wasm_bg.wasm (scalar), `simd` ruv_swarm_simd.wasm (same exports, v128 code),
`fann` ruv-fann.wasm (a subset of the exports).  Files are checked against
wasm/ruv-swarm.SHA256SUMS before use.  The directory: RUV_SWARM_DIR, else wasm/ruv-swarm when
fetched, else ../shared/ruv-swarm next to the repo (where CI and the tests find it).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SUMS_FILE = REPO / "wasm" / "ruv-swarm.SHA256SUMS"

MODULE_FILES = {
    "bg": "ruv_swarm_wasm_bg.wasm",
    "simd": "ruv_swarm_simd.wasm",
    "fann": "ruv-fann.wasm",
}


class ModuleNotFound(FileNotFoundError):
    """The ruv-swarm files are not where they were looked for."""


class ChecksumMismatch(ValueError):
    """A wasm file's SHA256 differs from wasm/ruv-swarm.SHA256SUMS."""


def default_dir() -> Path:
    """RUV_SWARM_DIR, else wasm/ruv-swarm (where fetch_ruv_swarm.py puts them), else
    ../shared/ruv-swarm next to the repo."""
    env = os.environ.get("RUV_SWARM_DIR")
    if env:
        return Path(env)
    fetched = REPO / "wasm" / "ruv-swarm"
    if (fetched / MODULE_FILES["bg"]).is_file():
        return fetched
    return (REPO.parent / "shared" / "ruv-swarm").resolve()


def expected_sums(path: Path = SUMS_FILE) -> dict[str, str]:
    sums = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 2:
            sums[parts[1].lstrip("*")] = parts[0].lower()
    return sums


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def module_path(name: str, directory: str | Path | None = None) -> Path:
    if name not in MODULE_FILES:
        raise ValueError(f"unknown module {name!r}; choose one of {sorted(MODULE_FILES)}")
    return Path(directory or default_dir()) / MODULE_FILES[name]


def load_module_bytes(name: str, directory: str | Path | None = None,
                      verify: bool = True) -> bytes:
    """The bytes of module `name`, SHA256-checked against the committed sums."""
    path = module_path(name, directory)
    if not path.is_file():
        raise ModuleNotFound(f"{path} not found (set RUV_SWARM_DIR or run "
                             "wasm/fetch_ruv_swarm.py)")
    data = path.read_bytes()
    if verify:
        want = expected_sums().get(path.name)
        if want is None:
            raise ChecksumMismatch(f"no checksum for {path.name} in {SUMS_FILE}")
        got = sha256(data)
        if got != want:
            raise ChecksumMismatch(f"{path}: sha256 {got} != expected {want}")
    return data
