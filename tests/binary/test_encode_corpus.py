"""The encoder against every well-formed module of the 2.0 testsuite (core + SIMD), of the 3.0
testsuite, and the ruv-swarm modules: decode(encode(decode(b))) == decode(b); wasm-tools judges
encode(decode(b)) valid exactly when it judges b valid; and modules wasm-tools wrote come back
byte for byte (except where the text spelled out a longer form, see below)."""

from __future__ import annotations

import pytest

from pywasm_core.binary.decode import decode_module
from pywasm_core.binary.encode import encode_module

from .wast_corpus import (RUV_SWARM, SCOPES_3, corpus, features_for, module_diff, scope_files,
                          split_sections, validate, wast_verdicts, without_offsets)

WAST_FILES = scope_files() + scope_files(SCOPES_3)


def _round_trip(binary: bytes, features=None) -> tuple[bytes, list[str]]:
    original = decode_module(binary, features=features)
    encoded = encode_module(original)
    again = decode_module(encoded, features=features)
    return encoded, module_diff(without_offsets(again), without_offsets(original))


@pytest.mark.parametrize("wast", WAST_FILES)
def test_round_trip_equal_and_validity_kept(wast):
    failures = []
    checks = []
    for item in corpus(wast):
        encoded, diff = _round_trip(item.binary, features_for(wast))
        if diff:
            failures.append(f"{item}: fields differ after round trip: {diff}")
        checks.append((encoded, item.valid, item.message))
    assert not failures, "\n".join(failures)
    # wasm-tools may disagree with the 2.0 testsuite (it enables later proposals), so the
    # re-encoding must get wasm-tools' verdict on the original, not the testsuite's.
    originals = [(item.binary, item.valid, item.message) for item in corpus(wast)]
    assert wast_verdicts(checks) == wast_verdicts(originals)


@pytest.mark.parametrize("wast", WAST_FILES)
def test_canonical_binaries_come_back_byte_identical(wast):
    failures = []
    for item in corpus(wast):
        if not item.from_text:
            continue
        encoded = encode_module(decode_module(item.binary, features=features_for(wast)))
        if encoded == item.binary:
            continue
        # wasm-tools keeps what the text spelled out where the decoded module cannot tell:
        # an explicit `(table 0)` (element form 2 for our 0) and a one-type `(rec ...)` group
        # (0x4E 0x01 before it, which we write bare); those two sections may only be shorter
        ours, theirs = split_sections(encoded), split_sections(item.binary)
        if [s for s in ours if s[0] not in (1, 9)] != [s for s in theirs if s[0] not in (1, 9)]:
            failures.append(f"{item}: a section other than the type/element section differs")
        elif len(encoded) > len(item.binary):
            failures.append(f"{item}: our type or element section is longer than wasm-tools'")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("path", RUV_SWARM, ids=[p.name for p in RUV_SWARM])
def test_ruv_swarm_round_trip(path):
    binary = path.read_bytes()
    encoded, diff = _round_trip(binary)
    assert diff == []
    assert validate(encoded) == ""
    assert encoded == binary   # produced by a canonical toolchain (rustc / wasm-bindgen)
