"""Engine and Config."""

import pytest

from pywasm_core import Config, Engine, WasmError


def test_defaults():
    config = Config()
    assert config.max_call_depth == 20000
    assert config.compilation_mode == "lazy"
    assert config.consume_fuel is False
    assert Engine().config.max_call_depth == 20000
    assert Engine(config).config is config


def test_bad_settings_are_rejected():
    with pytest.raises(WasmError):
        Engine(Config(compilation_mode="sometimes"))
    with pytest.raises(WasmError):
        Engine(Config(max_call_depth=0))
    with pytest.raises(WasmError):
        Engine(Config(tier="jit"))
    with pytest.raises(TypeError):
        Engine("fast")


def test_wasmtime_style_flags_are_accepted():
    config = Config()
    config.wasm_simd = True
    config.consume_fuel = True
    assert Engine(config).config.consume_fuel
