"""The WebAssembly text format: `.wat` modules and `.wast` scripts (spec chapter 6).

`parse_module(text)` returns the same `syntax.Module` the binary decoder produces;
`parse_script(text)` returns the `.wast` command model of `script.commands`.  Both raise only
`ParseError` on bad input.  Both take `wasm3=True` for the WebAssembly 3.0 rules where the two
versions differ (GC/exception syntax is always accepted; 64-bit limits and offsets are then left
to the validator, and a few messages follow the 3.0 testsuite's wording).
"""

from .parser import parse_module
from .wast import parse_script

__all__ = ["parse_module", "parse_script"]
