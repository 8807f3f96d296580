"""The printer against every well-formed module of the 2.0 testsuite (core + SIMD), of the 3.0
testsuite, and the ruv-swarm modules: `wasm-tools parse (print_module(decode(b)))` decodes to a
module equal to decode(b), and so does our own text parser once it exists.

What text cannot carry is compared as text carries it: `$ids` only for names that are valid and
unique, no data count section unless an instruction needs one, custom sections only through
`(@custom ...)` annotations (which our parser need not read)."""

from __future__ import annotations

import dataclasses

import pytest

from pywasm_core.binary.decode import decode_module
from pywasm_core.binary.encode import encode_module, uses_data_count
from pywasm_core.syntax import Module, Names
from pywasm_core.types import FuncType
from pywasm_core.text.printer import is_id, print_module

from binary.wast_corpus import (RUV_SWARM, SCOPES_3, corpus, features_for, module_diff,
                                parse_texts, scope_files, without_offsets)

WAST_FILES = scope_files() + scope_files(SCOPES_3)


def _ids(names: dict[int, str], limit: int) -> dict[int, str]:
    """The names the printer can write as $ids: valid identifiers, in range, first holder wins."""
    out, seen = {}, set()
    for index in sorted(names):
        if 0 <= index < limit and is_id(names[index]) and names[index] not in seen:
            out[index] = names[index]
            seen.add(names[index])
    return out


_ORDER = (1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11)


def _placement(module: Module, after: int) -> int:
    """The last non-empty section at or before `after`: text has no empty sections, so a custom
    section after an empty one can only be placed after the last section that is there."""
    present = {1: module.types, 2: module.imports, 3: module.funcs, 4: module.tables,
               5: module.memories, 13: getattr(module, "tags", []), 6: module.globals,
               7: module.exports,
               8: module.start is not None, 9: module.elems, 12: uses_data_count(module),
               10: module.funcs, 11: module.datas}
    if after not in _ORDER:
        return after
    for section_id in reversed(_ORDER[:_ORDER.index(after) + 1]):
        if present[section_id]:
            return section_id
    return 0


def text_view(module: Module, keep_customs: bool) -> Module:
    """What of `module` its text form can say."""
    m = without_offsets(module)
    func_types = module.func_type_indices()
    local_counts = {}
    for index, type_index in enumerate(func_types):
        ft = module.types[type_index] if type_index < len(module.types) else None
        params = len(ft.params) if isinstance(ft, FuncType) else 0
        defined = index - (len(func_types) - len(module.funcs))
        local_counts[index] = params + (len(module.funcs[defined].locals) if defined >= 0 else 0)
    locals_ = {f: _ids(names, local_counts.get(f, 0)) for f, names in module.names.locals.items()}
    m.names = Names(module.names.module if is_id(module.names.module) else None,
                    _ids(module.names.funcs, len(func_types)),
                    {f: names for f, names in locals_.items() if names})
    m.customs = [dataclasses.replace(c, after=_placement(module, c.after))
                 for c in module.customs if c.name != "name"] if keep_customs else []
    if not uses_data_count(module):
        m.data_count = None
    return m


def check_printed(originals: list[Module], rebuilt: list[Module | str], keep_customs: bool,
                  labels: list[str]) -> list[str]:
    failures = []
    for original, again, label in zip(originals, rebuilt, labels):
        if isinstance(again, str):
            failures.append(f"{label}: printed text does not parse: {again[:500]}")
            continue
        diff = module_diff(text_view(again, keep_customs), text_view(original, keep_customs))
        if diff:
            failures.append(f"{label}: fields differ after print -> parse: {diff}")
    return failures


def _wasm_tools_round_trip(modules: list[Module], labels: list[str], features=None) -> list[str]:
    texts = [print_module(m, custom_sections=True) for m in modules]
    rebuilt = [decode_module(b, features=features) if isinstance(b, bytes) else b
               for b in parse_texts(texts)]
    return check_printed(modules, rebuilt, True, labels)


@pytest.mark.parametrize("wast", WAST_FILES)
def test_print_then_wasm_tools_parse(wast):
    items = corpus(wast)
    features = features_for(wast)
    modules = [decode_module(item.binary, features=features) for item in items]
    failures = _wasm_tools_round_trip(modules, [str(item) for item in items], features)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("path", RUV_SWARM, ids=[p.name for p in RUV_SWARM])
def test_ruv_swarm_print_then_wasm_tools_parse(path):
    module = decode_module(path.read_bytes())
    failures = _wasm_tools_round_trip([module], [path.name])
    assert not failures, "\n".join(failures)


def _own_parser():
    try:
        from pywasm_core.text import parse_module
    except ImportError:
        pytest.skip("pywasm_core.text.parse_module is not written yet")
    return parse_module


@pytest.mark.parametrize("wast", WAST_FILES)
def test_print_then_own_parser(wast):
    parse_module = _own_parser()
    items = corpus(wast)
    features = features_for(wast)
    modules = [decode_module(item.binary, features=features) for item in items]
    rebuilt = []
    for module in modules:
        try:
            # encode/decode: the parser's module need not match the decoder's in offsets or
            # func_indices bookkeeping, only in the binary it stands for
            parsed = parse_module(print_module(module), wasm3=features is not None)
            rebuilt.append(decode_module(encode_module(parsed), features=features))
        except Exception as exc:   # report every module, not just the first failure
            rebuilt.append(f"{type(exc).__name__}: {exc}")
    failures = check_printed(modules, rebuilt, False, [str(item) for item in items])
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("path", RUV_SWARM, ids=[p.name for p in RUV_SWARM])
def test_ruv_swarm_print_then_own_parser(path):
    parse_module = _own_parser()
    module = decode_module(path.read_bytes())
    again = decode_module(encode_module(parse_module(print_module(module))))
    assert check_printed([module], [again], False, [path.name]) == []
