"""Property: mutated text never makes the parsers leak a Python error.

Valid `.wat` modules and `.wast` scripts are mutated by deleting, inserting and replacing
characters and whole tokens; `parse_module`/`parse_script` must either succeed or raise ParseError.
When a mutated module still parses, it must also encode (the parser built well-formed immediates).
"""

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pywasm_core.errors import ParseError
from pywasm_core.text import parse_module, parse_script

from .test_parser import WAT_SAMPLES

SUITE = Path("/work/shared/wasm-testsuite/2.0")
SCRIPTS = [SUITE / name for name in ("block.wast", "elem.wast", "simd_lane.wast", "data.wast",
                                     "names.wast", "float_literals.wast", "select.wast")]
SCRIPT_TEXTS = [p.read_text(encoding="utf-8")[:6000] for p in SCRIPTS if p.exists()]
MODULES = list(WAT_SAMPLES.values())

TOKENS = ["(", ")", "$x", "$", '$"q"', "0", "-1", "+1", "0x", "1e999", "0x1p-99999", "nan:0x1",
          "nan:canonical", "inf", '"', '"\\ff"', '"\\u{110000}"', "\\", "end", "else", "then",
          "block", "loop", "if", "(then", "(else", "i32.const", "f32.const", "v128.const",
          "i8x16", "f64x2", "offset=", "align=3", "offset=99999999999", ";;", "(;", ";)",
          "(@a", "(;(;", "0_", "\u00e9", "\x00", "\t", "\n", "(param", "(result", "(type 9)",
          "(type $t)", "(local", "(export", "(import \"a\" \"b\"", "(elem", "(data", "(item",
          "(offset", "(table", "(memory", "func", "declare", "funcref", "externref", "(ref",
          "null", "mut", "(mut", "i8x16.shuffle", "call_indirect", "br_table", "select",
          "ref.null", "memory.init", "table.init", "table.copy", "v128.load8_lane", "99999"]

_TOKEN_SPLIT = re.compile(r'\s+|(?=[()])|(?<=[()])')


def mutate(text: str, data) -> str:
    steps = data.draw(st.integers(min_value=1, max_value=6))
    for _ in range(steps):
        action = data.draw(st.sampled_from(["delete", "insert", "replace", "token_insert",
                                            "token_replace", "token_delete", "truncate"]))
        if not text:
            text = data.draw(st.sampled_from(TOKENS))
            continue
        pos = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
        if action == "delete":
            length = data.draw(st.integers(min_value=1, max_value=8))
            text = text[:pos] + text[pos + length:]
        elif action == "insert":
            text = text[:pos] + data.draw(st.characters(max_codepoint=0x2FF)) + text[pos:]
        elif action == "replace":
            text = text[:pos] + data.draw(st.characters(max_codepoint=0x7F)) + text[pos + 1:]
        elif action == "truncate":
            text = text[:pos]
        else:
            pieces = [p for p in _TOKEN_SPLIT.split(text) if p]
            if not pieces:
                continue
            index = data.draw(st.integers(min_value=0, max_value=len(pieces) - 1))
            token = data.draw(st.sampled_from(TOKENS))
            if action == "token_insert":
                pieces.insert(index, token)
            elif action == "token_replace":
                pieces[index] = token
            else:
                del pieces[index]
            text = " ".join(pieces)
    return text


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(MODULES), st.data())
def test_mutated_modules_raise_only_parse_error(source, data):
    from pywasm_core.binary.encode import encode_module
    text = mutate(source, data)
    try:
        module = parse_module(text)
    except ParseError as err:
        assert err.reason
        assert err.line is None or err.line >= 1
        return
    encode_module(module)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SCRIPT_TEXTS), st.data())
def test_mutated_scripts_raise_only_parse_error(source, data):
    text = mutate(source, data)
    try:
        parse_script(text)
    except ParseError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("()$\"\\;@ 0x.e_+-nafi:=\n") + TOKENS), max_size=40)
       .map("".join))
def test_random_token_soup(text):
    for parse in (parse_module, parse_script):
        try:
            parse(text)
        except ParseError:
            pass
