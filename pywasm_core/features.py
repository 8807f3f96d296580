"""Feature switches: which rules of which WebAssembly version the decoder and validator apply.

`WASM2` (all off) is WebAssembly 2.0, the default everywhere; `WASM3` turns on every proposal
merged into WebAssembly 3.0.  `WASM3_LEGACY` adds the legacy exception instructions
(try/catch/delegate/rethrow), which 3.0 does not contain but its testsuite still exercises.
Field names are also the `feature` tags of the rows in `opcodes.INFO`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

__all__ = ["Features", "WASM2", "WASM3", "WASM3_LEGACY"]


@dataclass(frozen=True)
class Features:
    multi_memory: bool = False          # several memories; memory index immediates
    extended_const: bool = False        # i32/i64 add, sub, mul in constant expressions
    const_defined_globals: bool = False  # global.get of an earlier defined global in constants
    memory64: bool = False              # i64 addresses for memories and tables, 64-bit limits
    typed_refs: bool = False            # (ref null? $t), call_ref, br_on_null, ...
    gc: bool = False                    # rec/sub types, structs, arrays, i31, casts
    exceptions: bool = False            # tags, throw, throw_ref, try_table, exnref
    tail_call: bool = False             # return_call, return_call_indirect, return_call_ref
    relaxed_simd: bool = False          # 0xFD 0x100..0x113
    legacy_exceptions: bool = False     # try/catch/catch_all/delegate/rethrow (not part of 3.0)

    def enabled(self, name: str | None) -> bool:
        """Whether the feature `name` is on (None, a 2.0 instruction's tag, always is)."""
        return name is None or bool(getattr(self, name, False))

    def names(self) -> frozenset[str]:
        return frozenset(f.name for f in fields(self) if getattr(self, f.name))


WASM2 = Features()
WASM3 = Features(**{f.name: True for f in fields(Features) if f.name != "legacy_exceptions"})
WASM3_LEGACY = replace(WASM3, legacy_exceptions=True)
