"""Engine and Config: the settings shared by every store and module compiled with them.

`Config` uses wasmtime-py's names where one exists (`consume_fuel`); the rest are ours:
`max_call_depth` (wasm frames before `Exhausted`), `compilation_mode` ("lazy" lowers a function body
at its first call, "eager" lowers every body at instantiation), `tier`: "fast" (wasm functions
translated to Python functions, exec/fast.py; the default) or "interp" (the reference interpreter,
exec/interp.py), and `features` (features.WASM2 by default; features.WASM3 for WebAssembly 3.0):
the rules modules are decoded, parsed and validated with.  A store with fuel always runs on the
interpreter.
"""

from __future__ import annotations

from .errors import WasmError

_MODES = ("lazy", "eager")
_TIERS = ("interp", "fast")
# The default tier; the environment variable PYWASM_CORE_TIER overrides it (test runners use it
# to run a whole suite on either tier).
DEFAULT_TIER = "fast"


def _default_tier() -> str:
    import os
    return os.environ.get("PYWASM_CORE_TIER") or DEFAULT_TIER


class Config:
    """Engine settings; plain attributes, validated when an Engine is built from them."""

    def __init__(self, *, max_call_depth: int = 20000, compilation_mode: str = "lazy",
                 consume_fuel: bool = False, tier: str | None = None, features=None):
        from .features import WASM2
        self.max_call_depth = max_call_depth
        self.compilation_mode = compilation_mode
        self.consume_fuel = consume_fuel
        self.tier = tier if tier is not None else _default_tier()
        self.features = WASM2 if features is None else features
        # Feature flags (wasmtime-py names), accepted for compatibility: 2.0 features are always on.
        self.wasm_simd = True
        self.wasm_reference_types = True
        self.wasm_bulk_memory = True
        self.wasm_multi_value = True

    def _check(self) -> None:
        if not isinstance(self.max_call_depth, int) or self.max_call_depth < 1:
            raise WasmError(f"max_call_depth must be a positive int, got {self.max_call_depth!r}")
        if self.compilation_mode not in _MODES:
            raise WasmError(f"compilation_mode must be one of {_MODES}, "
                            f"got {self.compilation_mode!r}")
        if self.tier not in _TIERS:
            raise WasmError(f"tier must be one of {_TIERS}, got {self.tier!r}")
        from .features import Features
        if not isinstance(self.features, Features):
            raise WasmError(f"features must be a pywasm_core.features.Features, "
                            f"got {self.features!r}")

    def __repr__(self) -> str:
        return (f"Config(max_call_depth={self.max_call_depth}, compilation_mode="
                f"{self.compilation_mode!r}, consume_fuel={self.consume_fuel}, tier={self.tier!r})")


class Engine:
    """Holds a Config; modules and stores are tied to the engine they were made with."""

    def __init__(self, config: Config | None = None):
        config = config if config is not None else Config()
        if not isinstance(config, Config):
            raise TypeError(f"expected a Config, got {type(config).__name__}")
        config._check()
        self.config = config

    def __repr__(self) -> str:
        return f"Engine({self.config!r})"
