"""The preopen sandbox: every way out of a preopened directory fails with the right errno and
leaves everything outside untouched; legitimate paths inside (also through symlinks) work."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pywasm_core.wasi import Errno, WasiConfig
from pywasm_core.wasi.errno import OFLAGS_CREAT, OFLAGS_DIRECTORY, RIGHTS_DIR

from wasi_util import OUT, PATH2, Guest

BOX_FD = 3


def make_tree(root: Path) -> tuple[Path, Path]:
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret").write_text("top secret")
    box = root / "box"
    (box / "sub" / "deeper").mkdir(parents=True)
    (box / "sub" / "inner").write_text("inner")
    (box / "file").write_text("file")
    os.symlink("..", box / "link-out")                     # relative, climbs out
    os.symlink(str(outside / "secret"), box / "abs-link")   # absolute
    os.symlink("loop", box / "loop")                       # itself
    os.symlink("sub", box / "in-link")                     # stays inside
    os.symlink("sub/../../outside/secret", box / "deep-out")
    os.symlink("chain2", box / "chain1")
    os.symlink("link-out/outside", box / "chain2")
    os.symlink("../inner", box / "sub" / "deeper" / "up")  # inside: sub/deeper/.. = sub
    return box, outside


def snapshot(root: Path) -> dict:
    """Everything observable about a tree: names, kinds, sizes, contents, link targets, mtimes."""
    seen = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            info = os.lstat(p)
            entry = (stat.S_IFMT(info.st_mode), info.st_size, info.st_mtime_ns)
            if p.is_symlink():
                entry += (os.readlink(p),)
            elif p.is_file():
                entry += (p.read_bytes(),)
            seen[str(p.relative_to(root))] = entry
    return seen


@pytest.fixture
def sandbox(tmp_path):
    box, outside = make_tree(tmp_path)
    config = WasiConfig()
    config.preopen_dir(box, "/box")
    guest = Guest(config)
    before = snapshot(outside), sorted(os.listdir(tmp_path))
    yield guest, box, outside
    guest.close()
    assert (snapshot(outside), sorted(os.listdir(tmp_path))) == before, "outside was touched"


ESCAPES = [
    ("../outside/secret", Errno.NOTCAPABLE),
    ("..", Errno.NOTCAPABLE),
    ("sub/../../outside/secret", Errno.NOTCAPABLE),
    ("sub/deeper/../../..", Errno.NOTCAPABLE),
    ("./././../outside", Errno.NOTCAPABLE),
    ("/etc/passwd", Errno.NOTCAPABLE),
    ("/", Errno.NOTCAPABLE),
    ("link-out/outside/secret", Errno.NOTCAPABLE),
    ("link-out", Errno.NOTCAPABLE),
    ("abs-link", Errno.NOTCAPABLE),
    ("deep-out", Errno.NOTCAPABLE),
    ("chain1/secret", Errno.NOTCAPABLE),
    ("in-link/../../outside/secret", Errno.NOTCAPABLE),
    ("loop", Errno.LOOP),
    ("loop/x", Errno.LOOP),
]


@pytest.mark.parametrize("path, errno", ESCAPES, ids=[p for p, _ in ESCAPES])
def test_open_escapes_are_refused(sandbox, path, errno):
    guest, _, _ = sandbox
    assert guest.open(BOX_FD, path) == (errno, None)
    assert guest.open(BOX_FD, path, oflags=OFLAGS_CREAT) == (errno, None)
    ptr, size = guest.path(path)
    assert guest.call("path_filestat_get", BOX_FD, 1, ptr, size, OUT) == errno


@pytest.mark.parametrize("path", ["../made", "link-out/made", "sub/../../made", "/made",
                                  "chain1/made"])
def test_mutations_through_escapes_are_refused(sandbox, path):
    guest, box, _ = sandbox
    ptr, size = guest.path(path)
    assert guest.call("path_create_directory", BOX_FD, ptr, size) == Errno.NOTCAPABLE
    assert guest.open(BOX_FD, path, oflags=OFLAGS_CREAT)[0] == Errno.NOTCAPABLE
    assert guest.call("path_unlink_file", BOX_FD, ptr, size) == Errno.NOTCAPABLE
    assert guest.call("path_remove_directory", BOX_FD, ptr, size) == Errno.NOTCAPABLE
    assert guest.call("path_symlink", ptr, size, BOX_FD, ptr, size) == Errno.NOTCAPABLE
    sptr, ssize = guest.path("file", PATH2)
    assert guest.call("path_rename", BOX_FD, sptr, ssize, BOX_FD, ptr, size) == Errno.NOTCAPABLE
    assert guest.call("path_link", BOX_FD, 0, sptr, ssize, BOX_FD, ptr, size) == Errno.NOTCAPABLE
    assert guest.call("path_link", BOX_FD, 0, ptr, size, BOX_FD, sptr, ssize) == Errno.NOTCAPABLE
    assert guest.call("path_filestat_set_times", BOX_FD, 1, ptr, size, 0, 0, 0) == \
        Errno.NOTCAPABLE
    assert (box / "file").read_text() == "file"


def test_unlink_and_rename_of_outside_files_are_refused(sandbox):
    guest, _, outside = sandbox
    ptr, size = guest.path("../outside/secret")
    assert guest.call("path_unlink_file", BOX_FD, ptr, size) == Errno.NOTCAPABLE
    dptr, dsize = guest.path("stolen", PATH2)
    assert guest.call("path_rename", BOX_FD, ptr, size, BOX_FD, dptr, dsize) == Errno.NOTCAPABLE
    assert guest.call("path_link", BOX_FD, 1, ptr, size, BOX_FD, dptr, dsize) == Errno.NOTCAPABLE
    assert (outside / "secret").read_text() == "top secret"


def test_symlinks_cannot_be_made_absolute_but_relative_ones_stay_inside(sandbox):
    guest, box, _ = sandbox
    tptr, tsize = guest.path("/etc/passwd", PATH2)
    ptr, size = guest.path("new-abs")
    assert guest.call("path_symlink", tptr, tsize, BOX_FD, ptr, size) == Errno.NOTCAPABLE
    assert not os.path.lexists(box / "new-abs")
    # A relative link that climbs out may be created (it is just text) but never followed.
    tptr, tsize = guest.path("../outside/secret", PATH2)
    ptr, size = guest.path("climber")
    assert guest.call("path_symlink", tptr, tsize, BOX_FD, ptr, size) == Errno.SUCCESS
    assert guest.open(BOX_FD, "climber") == (Errno.NOTCAPABLE, None)
    assert guest.open(BOX_FD, "climber", oflags=OFLAGS_CREAT) == (Errno.NOTCAPABLE, None)


def test_not_following_the_final_symlink(sandbox):
    guest, _, _ = sandbox
    # Without LOOKUP_SYMLINK_FOLLOW the link itself is the target: open refuses it (LOOP, as
    # O_NOFOLLOW does), stat describes the link.
    assert guest.open(BOX_FD, "abs-link", lookup=0) == (Errno.LOOP, None)
    ptr, size = guest.path("abs-link")
    assert guest.call("path_filestat_get", BOX_FD, 0, ptr, size, OUT) == Errno.SUCCESS
    assert guest.memory.data[OUT + 16] == 7          # SYMBOLIC_LINK
    assert guest.call("path_readlink", BOX_FD, ptr, size, 0x2000, 200, 0x60) == Errno.SUCCESS


def test_every_directory_fd_is_its_own_sandbox(sandbox):
    guest, _, _ = sandbox
    err, sub = guest.open(BOX_FD, "sub", oflags=OFLAGS_DIRECTORY, rights=RIGHTS_DIR)
    assert err == Errno.SUCCESS
    assert guest.open(sub, "inner")[0] == Errno.SUCCESS
    assert guest.open(sub, "deeper/up")[0] == Errno.SUCCESS    # ../inner from deeper: inside
    assert guest.open(sub, "../file") == (Errno.NOTCAPABLE, None)  # above the fd, though in box


@pytest.mark.parametrize("path", ["sub/inner", "in-link/inner", "./sub/./inner",
                                  "sub/deeper/../inner", "sub/deeper/up", "in-link/deeper/up"])
def test_paths_inside_work(sandbox, path):
    guest, _, _ = sandbox
    err, fd = guest.open(BOX_FD, path)
    assert err == Errno.SUCCESS
    assert guest.read(fd, 100) == (Errno.SUCCESS, b"inner")


def test_no_preopen_means_no_files(tmp_path):
    guest = Guest(WasiConfig())
    assert guest.open(3, "anything") == (Errno.BADF, None)
    assert guest.open(1, "anything") == (Errno.BADF, None)


COMPONENTS = ["..", ".", "sub", "deeper", "inner", "link-out", "abs-link", "in-link", "deep-out",
              "chain1", "outside", "secret", "up", "new", "", "loop"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.sampled_from(COMPONENTS), min_size=1, max_size=6),
       creat=st.booleans(), follow=st.booleans(), leading_slash=st.booleans())
def test_property_no_path_leaves_the_box(tmp_path_factory, parts, creat, follow, leading_slash):
    """Whatever the path, an opened file lies inside the box and nothing outside changes."""
    root = tmp_path_factory.mktemp("prop")
    box, outside = make_tree(root)
    before = snapshot(outside)
    inside = {os.lstat(p).st_ino for p in [box, *box.rglob("*")]}
    config = WasiConfig()
    config.preopen_dir(box, "/box")
    guest = Guest(config)
    path = ("/" if leading_slash else "") + "/".join(parts)
    err, fd = guest.open(BOX_FD, path, oflags=OFLAGS_CREAT if creat else 0,
                         lookup=1 if follow else 0)
    ptr, size = guest.path(path)
    guest.call("path_create_directory", BOX_FD, ptr, size)
    if err == Errno.SUCCESS:
        assert guest.call("fd_filestat_get", fd, OUT) == Errno.SUCCESS
        ino = guest.u64(OUT + 8)
        assert ino in inside or ino in {os.lstat(p).st_ino for p in box.rglob("*")}
    guest.close()
    assert snapshot(outside) == before
    assert sorted(os.listdir(root)) == ["box", "outside"]
