"""The WebAssembly text format: `.wat` modules and `.wast` scripts (spec chapter 6).

`parse_module(text)` returns the same `syntax.Module` the binary decoder produces;
`parse_script(text)` returns the `.wast` command model of `script.commands`.  Both raise only
`ParseError` on bad input.
"""

from .parser import parse_module
from .wast import parse_script

__all__ = ["parse_module", "parse_script"]
