"""Validation (the spec's "Validation" chapter): `validate_module(module, features=WASM2)` raises
`ValidationError` for an invalid `syntax.Module` and returns None otherwise; `WASM3` validates
WebAssembly 3.0."""

from .validate import WASM2, WASM3, WASM3_LEGACY, Features, ValidationContext, validate_module

__all__ = ["Features", "ValidationContext", "WASM2", "WASM3", "WASM3_LEGACY", "validate_module"]
