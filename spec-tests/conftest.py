"""Options and markers of the spec-test run (paths live in spec_paths.py)."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--wast-frontend", choices=["auto", "json", "text"], default="auto",
                     help="how .wast files are read: our text parser, wasm-tools json, or auto")
    parser.addoption("--wast-timeout", type=float, default=120.0,
                     help="seconds allowed per .wast command")
    parser.addoption("--wast-engine", choices=["pywasm-core", "wasmtime"], default="pywasm-core",
                     help="engine under test (wasmtime: to check the harness itself)")
    parser.addoption("--wast-tier", choices=["both", "fast", "interp"], default="both",
                     help="pywasm-core execution tier(s) (Config.tier); default: each script on both")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spec: an official testsuite script")
    config.addinivalue_line("markers", "simd: a script of the fixed-width SIMD scope list")
    config.addinivalue_line("markers", "wasm3: a script of the WebAssembly 3.0 scope lists")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every script on both execution tiers unless one is asked for (wasmtime has none)."""
    if "tier" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("--wast-tier")
        if metafunc.config.getoption("--wast-engine") != "pywasm-core":
            tiers = ["-"]
        else:
            tiers = ["fast", "interp"] if chosen == "both" else [chosen]
        metafunc.parametrize("tier", tiers)


@pytest.fixture
def wast_options(request: pytest.FixtureRequest) -> dict:
    return {"frontend": request.config.getoption("--wast-frontend"),
            "timeout": request.config.getoption("--wast-timeout"),
            "engine": request.config.getoption("--wast-engine")}
