"""The binary format (spec chapter 5): `decode_module(bytes) -> syntax.Module`.

`reader` is the byte cursor (LEB128 with the spec's limits, names, vectors); `decode` is the
grammar.  The encoder (`encode.py`) lives next to them.
"""

from .decode import decode_module

__all__ = ["decode_module"]
