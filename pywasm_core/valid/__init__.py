"""Validation (the spec's "Validation" chapter): `validate_module(module)` raises
`ValidationError` for an invalid `syntax.Module` and returns None otherwise."""

from .validate import WASM2, Features, ValidationContext, validate_module

__all__ = ["Features", "ValidationContext", "WASM2", "validate_module"]
