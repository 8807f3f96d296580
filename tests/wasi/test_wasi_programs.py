"""Real C programs (wasm/wasi/src, built by wasm/wasi/build.sh) under our host, compared with
wasmtime-py's own WASI: same stdout, stderr and exit code, on pywasm_core and on wasmtime-py
driven by our host functions."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from pywasm_core.wasi import WasiConfig, run_wasi

from wasi_reference import run_reference

WASM = Path(__file__).resolve().parents[2] / "wasm" / "wasi"
ENGINES = ["pywasm_core", "wasmtime"]
SPEC_DOC = Path("/work/shared/wasi-testsuite/doc/specification.md")


def run_ours(program, argv, engine, dirs=(), stdin=b"", **settings):
    config = WasiConfig()
    config.argv = argv
    config.stdin_bytes = stdin
    for host, guest in dirs:
        config.preopen_dir(host, guest)
    for key, value in settings.items():
        setattr(config, key, value)
    out = config.capture_stdout()
    err = config.capture_stderr()
    code = run_wasi(WASM / program, config, engine=engine)
    return code, out.getvalue(), err.getvalue()


def make_tree(root: Path) -> Path:
    top = root / "tree"
    (top / "b-dir" / "nested").mkdir(parents=True)
    (top / "a.txt").write_text("alpha\n" * 50)
    (top / "b-dir" / "z.bin").write_bytes(bytes(range(256)) * 9)
    (top / "b-dir" / "nested" / "empty").write_bytes(b"")
    os.symlink("a.txt", top / "link-to-a")
    os.symlink("b-dir/nested", top / "link-to-dir")
    os.symlink("missing", top / "dangling")
    return top


def test_programs_are_built():
    for name in ["tree", "textproc", "clockrand", "fsops", "escape", "probe"]:
        assert (WASM / f"{name}.wasm").read_bytes()[:4] == b"\0asm"
        assert (WASM / "src" / f"{name}.c").exists()


@pytest.mark.parametrize("engine", ENGINES)
def test_tree_walker_matches_wasmtime(tmp_path, engine):
    top = make_tree(tmp_path)
    argv = ["tree", "/t"]
    expected = run_reference(WASM / "tree.wasm", argv, dirs=[(top, "/t")])
    assert expected[0] == 0 and b"3 symlinks" in expected[1]
    assert run_ours("tree.wasm", argv, engine, dirs=[(top, "/t")]) == expected


@pytest.mark.parametrize("engine", ENGINES)
def test_tree_walker_on_missing_root(tmp_path, engine):
    argv = ["tree", "/t/nope"]
    expected = run_reference(WASM / "tree.wasm", argv, dirs=[(tmp_path, "/t")])
    assert expected[0] == 2
    assert run_ours("tree.wasm", argv, engine, dirs=[(tmp_path, "/t")]) == expected


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("pattern", [None, "test", "no-such-words-here"])
def test_text_processor_matches_wasmtime(engine, pattern):
    text = SPEC_DOC.read_bytes()
    argv = ["textproc"] + ([pattern] if pattern else [])
    expected = run_reference(WASM / "textproc.wasm", argv, stdin=text)
    assert expected[1].startswith(b"lines=")
    assert run_ours("textproc.wasm", argv, engine, stdin=text) == expected


@pytest.mark.parametrize("engine", ENGINES)
def test_fs_operations_match_wasmtime(tmp_path, engine):
    ref_dir, our_dir = tmp_path / "ref", tmp_path / "ours"
    ref_dir.mkdir()
    our_dir.mkdir()
    expected = run_reference(WASM / "fsops.wasm", ["fsops", "/w"], dirs=[(ref_dir, "/w")])
    assert expected[0] == 0 and b"No such file" in expected[1]
    assert run_ours("fsops.wasm", ["fsops", "/w"], engine, dirs=[(our_dir, "/w")]) == expected
    assert os.listdir(our_dir) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_escape_attempts_refused_like_wasmtime(tmp_path, engine):
    results = []
    for name, runner in (("ref", None), ("ours", engine)):
        top = tmp_path / name
        box = top / "box"
        (box / "sub").mkdir(parents=True)
        (top / "secret").write_text("s")
        (box / "sub" / "inner").write_text("i")
        os.symlink("..", box / "link-out")
        os.symlink(str(top / "secret"), box / "abs-link")
        os.symlink("loop", box / "loop")
        os.symlink("sub", box / "in-link")
        if runner is None:
            result = run_reference(WASM / "escape.wasm", ["escape", "/box"], dirs=[(box, "/box")])
        else:
            result = run_ours("escape.wasm", ["escape", "/box"], runner, dirs=[(box, "/box")])
        assert sorted(os.listdir(top)) == ["box", "secret"]
        results.append(result)
    assert results[0] == results[1]
    assert results[1][1].count(b"ALLOWED") == 2


def structure(stdout: bytes) -> list[str]:
    """clockrand's facts, minus the CPU-time clocks: wasmtime-py's WASI does not offer them
    (clock_getres fails), ours does."""
    return [line for line in stdout.decode().splitlines()
            if not line.startswith(("process:", "thread:"))]


@pytest.mark.parametrize("engine", ENGINES)
def test_clocks_and_random_structure_matches_wasmtime(engine):
    expected = run_reference(WASM / "clockrand.wasm", ["clockrand"])
    ours = run_ours("clockrand.wasm", ["clockrand"], engine)
    assert ours[0] == expected[0] == 0
    assert structure(ours[1]) == structure(expected[1])
    assert "process: getres=0 gettime=0 res_positive=1 nondecreasing=1" in ours[1].decode()
    assert "thread: getres=0 gettime=0 res_positive=1 nondecreasing=1" in ours[1].decode()
    det = run_ours("clockrand.wasm", ["clockrand"], engine, deterministic=True)
    assert structure(det[1]) == structure(expected[1])


@pytest.mark.parametrize("engine", ENGINES)
def test_clocks_and_random_deterministic_values(engine):
    first = run_ours("clockrand.wasm", ["clockrand", "--values"], engine, deterministic=True,
                     seed=1)
    again = run_ours("clockrand.wasm", ["clockrand", "--values"], engine, deterministic=True,
                     seed=1)
    other = run_ours("clockrand.wasm", ["clockrand", "--values"], engine, deterministic=True,
                     seed=2)
    assert first == again
    random_line = re.compile(rb"  random=[0-9a-f]{64}")
    assert random_line.search(first[1])
    assert random_line.search(first[1]).group() != random_line.search(other[1]).group()
    text = first[1].decode()
    assert "first=946684800" in text              # realtime starts at 2000-01-01T00:00:00Z
    # the nanosleep and poll timeouts advanced virtual time instead of waiting
    assert "slept_at_least_20ms=1" in text and "waited_5ms=1" in text


def test_both_engines_agree_exactly_in_deterministic_mode():
    runs = [run_ours("clockrand.wasm", ["clockrand", "--values"], engine, deterministic=True,
                     seed=5) for engine in ENGINES]
    assert runs[0] == runs[1]


@pytest.mark.parametrize("engine", ENGINES)
def test_raw_errno_probe_matches_wasmtime(tmp_path, engine):
    """probe.c calls the preview1 functions directly on ~110 edge cases (wrong descriptor kinds,
    missing files, existing targets, seek/readdir/poll corners) and prints every errno."""
    ref_dir, our_dir = tmp_path / "ref", tmp_path / "ours"
    ref_dir.mkdir()
    our_dir.mkdir()
    expected = run_reference(WASM / "probe.wasm", ["probe"], dirs=[(ref_dir, "/p")])
    assert expected[0] == 0 and len(expected[1].splitlines()) > 100
    ours = run_ours("probe.wasm", ["probe"], engine, dirs=[(our_dir, "/p")])
    assert ours[1].decode().splitlines() == expected[1].decode().splitlines()
    assert ours == expected


@pytest.mark.parametrize("engine", ENGINES)
def test_raw_escape_errnos_match_wasmtime(tmp_path, engine):
    """Every escape is refused by both hosts in the same places.  The one deliberate difference:
    wasmtime reports PERM (63) where we report preview1's capability error NOTCAPABLE (76)."""
    outputs = []
    for name in ("ref", "ours"):
        top = tmp_path / name
        box = top / "box"
        (box / "sub").mkdir(parents=True)
        (top / "secret").write_text("s")
        (box / "sub" / "inner").write_text("i")
        os.symlink("..", box / "link-out")
        os.symlink("/etc/passwd", box / "abs-link")
        os.symlink("loop", box / "loop")
        os.symlink("sub", box / "in-link")
        os.symlink("../nothing", box / "dangling-out")
        if name == "ref":
            result = run_reference(WASM / "escape_raw.wasm", ["e"], dirs=[(box, "/box")])
        else:
            result = run_ours("escape_raw.wasm", ["e"], engine, dirs=[(box, "/box")])
        assert sorted(os.listdir(top)) == ["box", "secret"]
        assert (top / "secret").read_text() == "s"
        outputs.append(result[1].decode())
    assert "=76" in outputs[1] and "=63" not in outputs[1]
    mapped = re.sub(r"(=|\s)63\b", r"\g<1>76", outputs[0])
    assert outputs[1] == mapped
