"""The lexer: tokens, comments, annotations, strings, and numeric literal conversion."""

import math
import struct
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pywasm_core.errors import ParseError
from pywasm_core.text.lexer import (ATOM, EOF, ID, LPAR, RPAR, STRING, OutOfRange, decode_string,
                                    parse_float, parse_int, parse_unsigned, tokenize)


def kinds_texts(text):
    tokens = tokenize(text)
    n = tokens.eof
    return list(zip(tokens.kinds[:n], tokens.texts[:n]))


def test_basic_tokens():
    assert kinds_texts('(func $f "s" 1.5)') == [
        (LPAR, "("), (ATOM, "func"), (ID, "$f"), (STRING, '"s"'), (ATOM, "1.5"), (RPAR, ")")]


def test_parens_delimit_tokens():
    assert kinds_texts("(nop)nop(nop)") == [
        (LPAR, "("), (ATOM, "nop"), (RPAR, ")"), (ATOM, "nop"), (LPAR, "("), (ATOM, "nop"),
        (RPAR, ")")]


def test_comments_and_whitespace_are_skipped():
    text = "a ;; line comment (\n(; block (; nested ;) still ;) b\t\r\nc"
    assert [t for _, t in kinds_texts(text)] == ["a", "b", "c"]


def test_line_comment_delimits_token():
    assert [t for _, t in kinds_texts("nop;;x\nnop")] == ["nop", "nop"]


@pytest.mark.parametrize("newline", ["\n", "\r", "\r\n"])
def test_line_comment_ends_at_any_newline(newline):
    assert [t for _, t in kinds_texts(f"a ;; comment{newline}b")] == ["a", "b"]


def test_annotations_are_skipped():
    text = '(module (@custom "name" (after func) "data" (; c ;)) (@x) (func))'
    assert [t for _, t in kinds_texts(text)] == ["(", "module", "(", "func", ")", ")"]


def test_matching_paren_indices():
    tokens = tokenize("(a (b) (c (d)))")
    assert tokens.close == {0: 11, 2: 4, 5: 10, 7: 9}


def test_unclosed_paren_is_matched_by_eof():
    tokens = tokenize("(a (b)")
    assert tokens.close[0] == tokens.eof


def test_quoted_identifier():
    tokens = tokenize('$"a b"')
    assert tokens.kinds[0] == ID


@pytest.mark.parametrize("text, reason", [
    ("(; never closed", "unclosed block comment"),
    ('"open string', "unclosed string"),
    ("a ; b", "unexpected character"),
    ("\u00e9", "illegal character"),
    ('"a"b', "unknown operator"),          # reserved: string glued to an atom
    ('"a""b"', "unknown operator"),
    ("$", "empty identifier"),              # the 3.0 testsuite wording (id.wast)
    ("(@x never closed", "unclosed annotation"),
    ('$""', "empty identifier"),
])
def test_lexical_errors(text, reason):
    with pytest.raises(ParseError) as info:
        tokenize(text)
    assert info.value.reason.startswith(reason)


def test_error_position_line_and_column():
    with pytest.raises(ParseError) as info:
        tokenize("(module\n  (func)\n    \x01)", file="x.wat")
    assert (info.value.file, info.value.line, info.value.column) == ("x.wat", 3, 5)
    assert "x.wat:3:5" in str(info.value)


def test_stray_close_paren_is_reported_after_parsing():
    tokens = tokenize("(a) ) (b")
    assert tokens.stray == 4
    with pytest.raises(ParseError):
        tokens.check_balanced()


def string_of(lexeme):
    return decode_string(tokenize(lexeme).source, lexeme, 0)


@pytest.mark.parametrize("lexeme, value", [
    ('""', b""),
    ('"abc"', b"abc"),
    (r'"\t\n\r\"\'\\"', b"\t\n\r\"'\\"),
    (r'"\00\ff\7F"', b"\x00\xff\x7f"),
    (r'"\u{0}\u{41}\u{e9}\u{10FFFF}"', b"\x00A" + "\u00e9".encode() + "\U0010ffff".encode()),
    ('"\u00e9\u4e2d"', "\u00e9\u4e2d".encode()),
    (r'"\u{1_F600}"', "\U0001f600".encode()),
])
def test_string_escapes(lexeme, value):
    assert string_of(lexeme) == value


@pytest.mark.parametrize("lexeme", [r'"\x"', r'"\u{}"', r'"\u{D800}"', r'"\u{110000}"',
                                    r'"\u41"', r'"\0"', r'"\u{_1}"'])
def test_bad_string_escapes(lexeme):
    with pytest.raises(ParseError):
        tokenize(lexeme)
        string_of(lexeme)


@pytest.mark.parametrize("lexeme", ['"\x00"', '"\x7f"', '"a\nb"', '"\t"'])
def test_control_characters_not_allowed_in_strings(lexeme):
    with pytest.raises(ParseError):
        tokenize(lexeme)


# ----------------------------------------------------------------------------- integers

@pytest.mark.parametrize("text, bits, value", [
    ("0", 32, 0), ("4294967295", 32, 0xFFFFFFFF), ("0xffff_ffff", 32, 0xFFFFFFFF),
    ("-1", 32, 0xFFFFFFFF), ("-2147483648", 32, 0x80000000), ("-0x8000_0000", 32, 0x80000000),
    ("+42", 32, 42), ("1_000_000", 32, 1000000), ("0x0_1", 32, 1),
    ("-9223372036854775808", 64, 1 << 63), ("18446744073709551615", 64, (1 << 64) - 1),
    ("0" * 5000, 32, 0),
])
def test_parse_int(text, bits, value):
    assert parse_int(text, bits) == value


@pytest.mark.parametrize("text", ["4294967296", "-2147483649", "0x1_0000_0000", "9" * 6000])
def test_parse_int_out_of_range(text):
    with pytest.raises(OutOfRange):
        parse_int(text, 32)


@pytest.mark.parametrize("text", ["_1", "1_", "1__0", "0x_1", "0x", "1x", "0xg", "--1", "+-1",
                                  "1.0", "", "x", "0x1_", "nan"])
def test_parse_int_bad_shape(text):
    assert parse_int(text, 32) is None


def test_parse_unsigned_rejects_sign():
    assert parse_unsigned("+1", 32) is None
    assert parse_unsigned("-1", 32) is None
    assert parse_unsigned("255", 8) == 255
    with pytest.raises(OutOfRange):
        parse_unsigned("256", 8)


# ----------------------------------------------------------------------------- floats

def f32_bits_numpy(value: Fraction) -> int:
    """Independent model: numpy rounds a double to float32; only used where the double is exact."""
    return int(np.array(float(value), dtype=np.float64).astype(np.float32).view(np.uint32))


@pytest.mark.parametrize("text, bits", [
    ("0", 0), ("-0", 0x80000000), ("1", 0x3F800000), ("1.5", 0x3FC00000), ("0x1p-149", 1),
    ("0x1p-150", 0), ("0x1.000002p-150", 1), ("0x1.8p-149", 2), ("0x1.fffffep127", 0x7F7FFFFF),
    ("3.4028235e38", 0x7F7FFFFF), ("1e-45", 1), ("0.1", 0x3DCCCCCD), ("inf", 0x7F800000),
    ("-inf", 0xFF800000), ("nan", 0x7FC00000), ("-nan", 0xFFC00000), ("nan:0x1", 0x7F800001),
    ("+nan:0x7f_ffff", 0x7FFFFFFF), ("0x1.fffffefffffffp127", 0x7F7FFFFF),
    ("1.", 0x3F800000), ("0x1.", 0x3F800000), ("1e1_0", 0x501502F9), ("0x1P+2", 0x40800000),
    # ties to even in the middle of the range and at the subnormal boundary
    ("0x1.000001p0", 0x3F800000), ("0x1.000003p0", 0x3F800002), ("0x1.fffffep-127", 0x00800000),
    # the classic double-rounding trap: 1 + 2^-24 + 2^-60 rounds up in f32
    ("0x1.0000010000001p0", 0x3F800001),
])
def test_parse_f32(text, bits):
    assert parse_float(text, 32) == bits


@pytest.mark.parametrize("text, bits", [
    ("0", 0), ("1", 0x3FF0000000000000), ("0.1", 0x3FB999999999999A), ("0x1p-1074", 1),
    ("4.9e-324", 1), ("2.4703282292062328e-324", 1), ("2.4703282292062327e-324", 0),
    ("1.7976931348623157e308", 0x7FEFFFFFFFFFFFFF), ("nan:0xf_ffff_ffff_ffff", 0x7FFFFFFFFFFFFFFF),
    ("-nan", 0xFFF8000000000000), ("0x1.fffffffffffff7ffp1023", 0x7FEFFFFFFFFFFFFF),
    ("0." + "0" * 5000 + "1e5001", 0x3FF0000000000000),
])
def test_parse_f64(text, bits):
    assert parse_float(text, 64) == bits


@pytest.mark.parametrize("text, bits", [
    ("0x1p128", 32), ("1e39", 32), ("-0x1.ffffffp127", 32), ("nan:0x0", 32),
    ("nan:0x80_0000", 32), ("1.7976931348623159e308", 64), ("0x1p1024", 64), ("1e309", 64),
    ("nan:0x10_0000_0000_0000", 64), ("1e99999999999999999999999", 32),
    ("0x1p99999999999999999999", 64),
])
def test_parse_float_out_of_range(text, bits):
    with pytest.raises(OutOfRange):
        parse_float(text, bits)


@pytest.mark.parametrize("text", [".0", ".0e0", "0e", "0e+", "0.0e-", "0x", "0x.", "0x0.g",
                                  "0x0p", "0x0p+", "0x0pA", "1_", "1._0", "1e_1", "nan:1",
                                  "nan:0x", "infinity", "0x1p", "-", "1e1.5"])
def test_parse_float_bad_shape(text):
    assert parse_float(text, 32) is None
    assert parse_float(text, 64) is None


def test_tiny_values_round_to_zero():
    assert parse_float("1e-99999999999999999999", 64) == 0
    assert parse_float("-0x1p-99999999999999999999", 32) == 0x80000000


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=0, max_value=(1 << 64) - 1), st.integers(min_value=-200, max_value=200))
def test_f32_decimal_matches_exact_rounding(mantissa, exponent):
    """Property: the f32 of `m e x` equals the f32 nearest to the exact rational (checked by an
    independent search over the two neighbouring floats)."""
    text = f"{mantissa}e{exponent}"
    exact = Fraction(mantissa) * Fraction(10) ** exponent
    try:
        bits = parse_float(text, 32)
    except OutOfRange:
        assert exact >= Fraction(2) ** 128 - Fraction(2) ** 103     # rounds to infinity
        return
    assert _nearest_f32(exact) == bits


def _f32_value(bits: int) -> Fraction:
    return Fraction(struct.unpack("<f", struct.pack("<I", bits))[0])


def _nearest_f32(exact: Fraction) -> int:
    """Reference rounding: take numpy's float32 of a nearby double, then pick the best of it and its
    neighbours by exact comparison, ties to even."""
    guess = f32_bits_numpy(exact) if exact < 3.5e38 else 0x7F7FFFFF
    candidates = [b for b in (guess - 1, guess, guess + 1) if 0 <= b <= 0x7F7FFFFF]
    best = min(candidates, key=lambda b: (abs(_f32_value(b) - exact), b & 1))
    return best


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_f64_roundtrip_of_repr_and_hex(x):
    expected = struct.unpack("<Q", struct.pack("<d", x))[0]
    assert parse_float(repr(x), 64) == expected
    assert parse_float(x.hex(), 64) == expected


@settings(max_examples=300, deadline=None)
@given(st.floats(width=32, allow_nan=False, allow_infinity=False))
def test_f32_roundtrip_of_repr_and_hex(x):
    expected = struct.unpack("<I", struct.pack("<f", x))[0]
    assert parse_float(repr(x), 32) == expected
    assert parse_float(x.hex(), 32) == expected


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=(1 << 80)), st.integers(min_value=-1200, max_value=1100))
def test_hex_float_f64_matches_python(mantissa, exponent):
    text = f"{mantissa:#x}p{exponent}"
    try:
        expected = struct.unpack("<Q", struct.pack("<d", float.fromhex(text)))[0]
    except OverflowError:
        with pytest.raises(OutOfRange):
            parse_float(text, 64)
        return
    assert parse_float(text, 64) == expected
    assert not math.isinf(float.fromhex(text))


def test_eof_padding():
    tokens = tokenize("")
    assert tokens.eof == 0 and tokens.kinds[0] == EOF and tokens.kinds[1] == EOF
