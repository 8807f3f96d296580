"""wasm/fetch_ruv_swarm.py: copying from a directory, extracting a tarball, checking SHA256."""

from __future__ import annotations

import importlib.util
import io
import tarfile
from pathlib import Path

import pytest

from neural.modules import SUMS_FILE, default_dir, expected_sums

SCRIPT = Path(__file__).resolve().parents[2] / "wasm" / "fetch_ruv_swarm.py"
spec = importlib.util.spec_from_file_location("fetch_ruv_swarm", SCRIPT)
fetch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fetch)


def test_sums_are_a_copy_of_the_shared_list():
    assert SUMS_FILE.read_text() == (default_dir() / "SHA256SUMS").read_text()
    assert set(expected_sums()) >= {"ruv_swarm_wasm_bg.wasm", "ruv_swarm_simd.wasm",
                                    "ruv-fann.wasm"}


def test_from_dir_copies_and_checks(tmp_path):
    names = fetch.from_dir(default_dir(), tmp_path / "out")
    assert sorted(names) == sorted(fetch.expected())
    assert fetch.main(["--check-only", "--dest", str(tmp_path / "out")]) == 0


def make_tarball(files: dict) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_extracts_the_wasm_files_from_an_npm_tarball(tmp_path):
    files = {f"package/wasm/{name}": (default_dir() / name).read_bytes()
             for name in fetch.expected()}
    files["package/package.json"] = b"{}"
    tarball = tmp_path / "ruv-swarm-1.0.20.tgz"
    tarball.write_bytes(make_tarball(files))
    assert fetch.main(["--tarball", str(tarball), "--dest", str(tmp_path / "x")]) == 0
    assert (tmp_path / "x" / "ruv_swarm_wasm_bg.wasm").is_file()


def test_tampered_or_incomplete_tarballs_are_refused(tmp_path):
    files = {f"package/wasm/{name}": (default_dir() / name).read_bytes()
             for name in fetch.expected()}
    first = next(iter(files))
    files[first] = files[first][:-1] + b"\x00"
    with pytest.raises(fetch.FetchError, match="does not match"):
        fetch.extract_tarball(make_tarball(files), tmp_path / "a")
    del files[first]
    with pytest.raises(fetch.FetchError, match="lacks"):
        fetch.extract_tarball(make_tarball(files), tmp_path / "b")
    with pytest.raises(fetch.FetchError, match="tarball"):
        fetch.extract_tarball(b"not a tarball", tmp_path / "c")
    assert fetch.main(["--from-dir", str(tmp_path / "missing"), "--dest", str(tmp_path)]) == 1
