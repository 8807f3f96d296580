"""The official 2.0 testsuite through the text front end.

- every top-level .wast parses with `parse_script`, fast;
- every `(module quote ...)` of an `assert_malformed` is rejected by `parse_module` with a
  ParseError whose reason starts with the testsuite's expected text, and every other quoted
  module parses;
- every text module, once encoded, decodes to the same module as wasm-tools' binary for it
  (`wasm-tools json-from-wast`; modules appear in the JSON in script order).
"""

import json
import subprocess
import time
from pathlib import Path

import pytest

from pywasm_core.errors import ParseError
from pywasm_core.script.commands import AssertModule, ModuleCmd, ModuleSource
from pywasm_core.text import parse_module, parse_script

SUITE = Path("/work/shared/wasm-testsuite/2.0")
FILES = sorted(SUITE.glob("*.wast"))
pytestmark = pytest.mark.skipif(not FILES, reason="testsuite not present")


def _script(path: Path):
    return parse_script(path.read_text(encoding="utf-8"), str(path))


def _module_sources(script):
    """(command, ModuleSource) for every command that carries a module, in script order."""
    for command in script.commands:
        source = command.source if isinstance(command, ModuleCmd) else getattr(command, "module",
                                                                               None)
        if isinstance(source, ModuleSource):
            yield command, source


def test_whole_folder_parses_quickly():
    start = time.perf_counter()
    count = sum(len(_script(path).commands) for path in FILES)
    elapsed = time.perf_counter() - start
    assert count > 50000
    assert elapsed < 30, f"parsing the 2.0 folder took {elapsed:.1f}s"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_quoted_modules(path):
    rejected = 0
    for command, source in _module_sources(_script(path)):
        if source.kind != "quote":
            continue
        if isinstance(command, AssertModule) and command.kind == "malformed":
            with pytest.raises(ParseError) as info:
                parse_module(source.quote)
            assert info.value.reason.startswith(command.text), (command.line, info.value)
            rejected += 1
        else:
            parse_module(source.quote)


def _normal(module):
    code = lambda c: [(i.op, i.imm) for i in c]  # noqa: E731
    return dict(
        types=module.types, imports=module.imports,
        funcs=[(f.type_index, f.locals, code(f.body)) for f in module.funcs],
        tables=module.tables, memories=module.memories,
        globals=[(g.type, code(g.init)) for g in module.globals], exports=module.exports,
        start=module.start,
        elems=[(e.type, [code(x) for x in e.init], e.mode, e.table, e.offset and code(e.offset),
                e.func_indices) for e in module.elems],
        datas=[(d.init, d.mode, d.memory, d.offset and code(d.offset)) for d in module.datas],
        data_count=module.data_count,
        names=(module.names.module, module.names.funcs,
               {k: v for k, v in module.names.locals.items() if v}))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_text_modules_encode_like_wasm_tools(path, tmp_path):
    from pywasm_core.binary.decode import decode_module
    from pywasm_core.binary.encode import encode_module
    subprocess.run(["wasm-tools", "json-from-wast", str(path), "-o", str(tmp_path / "x.json"),
                    "--wasm-dir", str(tmp_path)], check=True, capture_output=True)
    reference = [c for c in json.loads((tmp_path / "x.json").read_text())["commands"]
                 if "filename" in c]
    ours = list(_module_sources(_script(path)))
    assert len(ours) == len(reference)
    compared = 0
    for (command, source), ref in zip(ours, reference):
        if source.kind != "text":
            continue
        theirs = decode_module((tmp_path / ref["filename"]).read_bytes())
        mine = decode_module(encode_module(source.text))
        assert _normal(mine) == _normal(theirs), f"{path.name}:{command.line}"
        compared += 1
