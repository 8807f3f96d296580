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
    parser.addoption("--wast-tier", choices=["default", "fast", "interp"], default="default",
                     help="pywasm-core execution tier (Config.tier); default: the engine's")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spec: an official testsuite script")
    config.addinivalue_line("markers", "simd: a script of the fixed-width SIMD scope list")


@pytest.fixture
def wast_options(request: pytest.FixtureRequest) -> dict:
    return {"frontend": request.config.getoption("--wast-frontend"),
            "timeout": request.config.getoption("--wast-timeout"),
            "engine": request.config.getoption("--wast-engine"),
            "tier": request.config.getoption("--wast-tier")}
