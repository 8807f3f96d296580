"""Tokens of the WebAssembly text format (spec 6.2 "Lexical Format") and its numeric literals.

The lexer turns the whole source into three parallel lists (kind, text, start offset) plus, for
every `(`, the index of its matching `)`: the module parser uses that to skip whole fields in its
first pass.  Comments, whitespace and annotations `(@name ...)` never become tokens; the few
annotations the parser understands (`@custom`, `@name`, `@metadata.code.branch_hint`) are kept
aside in `Tokens.annotations` with where they stood.

Numbers are classified lazily: an atom is kept as text and converted only when the grammar asks
for a u32, an i64, an f32..., because the same atom means different things in different places.
Floats are converted to their exact bit patterns with round-to-nearest-even done on integers, so
no double rounding can occur (f32 literals are never rounded through a double).
"""

from __future__ import annotations

import bisect
import re

from ..errors import ParseError

# Token kinds.
LPAR, RPAR, ATOM, ID, STRING, EOF = range(6)
KIND_NAMES = {LPAR: "(", RPAR: ")", ATOM: "keyword", ID: "identifier", STRING: "string",
              EOF: "end of input"}

_IDCHAR = r"0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~"
_STRING = r'"(?:[^"\\\x00-\x1f\x7f]|\\[^\x00-\x1f\x7f])*"'
# One regex skips whitespace and line comments (which end at LF or CR) and recognises the next
# lexeme; the group number says which kind it is (none: end of text or an illegal character).
_LEXEME = re.compile(
    r"(?:[ \t\n\r]+|;;[^\n\r]*)*"
    r"(?:(\(;)"                                     # 1 block comment (nested, handled by hand)
    r"|(\(@)"                                       # 2 annotation (skipped by hand)
    r"|(\()"                                        # 3
    r"|(\))"                                        # 4
    rf"|((?:[{_IDCHAR}]|{_STRING})+))?"             # 5 atom / id / string / reserved
)
_PLAIN_ATOM = re.compile(rf"[{_IDCHAR}]+\Z")
_SINGLE_STRING = re.compile(rf"{_STRING}\Z")
_BLOCK_COMMENT_MARK = re.compile(r"\(;|;\)")


class Source:
    """The text being parsed: maps offsets to (line, column) for error messages."""

    def __init__(self, text: str, file: str | None):
        self.text = text
        self.file = file
        self._line_starts: list[int] | None = None

    def position(self, offset: int) -> tuple[int, int]:
        if self._line_starts is None:
            starts = [0]
            starts.extend(m.end() for m in re.finditer("\n", self.text))
            self._line_starts = starts
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def error(self, reason: str, offset: int) -> ParseError:
        line, column = self.position(min(max(offset, 0), len(self.text)))
        return ParseError(reason, self.file, line, column)


# Annotations whose contents the parser reads (all others are skipped like comments).
KNOWN_ANNOTATIONS = frozenset(("custom", "name", "metadata.code.branch_hint"))


class Annotation:
    """A kept annotation `(@id ...)`: `at` is the index of the token that follows it, `parent`
    the index of the `(` of the innermost group around it (None at top level), `offset` where
    it starts in the text, `items` its contents as (kind, text, offset) triples (`(`/`)` as
    LPAR/RPAR; a reserved token has kind ATOM)."""

    __slots__ = ("id", "at", "parent", "offset", "items")

    def __init__(self, id_: str, at: int, parent: int | None, offset: int):
        self.id = id_
        self.at = at
        self.parent = parent
        self.offset = offset
        self.items: list[tuple[int, str, int]] = []

    def __repr__(self) -> str:
        return f"Annotation(@{self.id}, at={self.at}, parent={self.parent})"


class Tokens:
    """The token stream of one source: `kinds[i]`, `texts[i]`, `starts[i]`; `close[i]` is the
    index of the `)` matching the `(` at i.  The list ends with one EOF token.  `annotations`
    lists the kept annotations (see `Annotation`) in source order."""

    __slots__ = ("source", "kinds", "texts", "starts", "close", "eof", "stray", "annotations")

    def __init__(self, source: Source, kinds, texts, starts, close, stray, annotations=None):
        self.source = source
        self.kinds = kinds
        self.texts = texts
        self.starts = starts
        self.close = close
        self.eof = len(kinds) - _EOF_PADDING
        self.stray = stray
        self.annotations: list[Annotation] = annotations if annotations is not None else []

    def check_balanced(self) -> None:
        """Report a `)` without its `(`: lexing stopped there, so that errors in the text before
        it (found by the parser) take precedence, as in a streaming parser."""
        if self.stray is not None:
            raise self.source.error("unexpected token \")\"", self.stray)


_EOF_PADDING = 4


def tokenize(text: str, file: str | None = None) -> Tokens:
    """Split `text` into tokens; raises ParseError for characters or comments that are not valid."""
    source = Source(text, file)
    kinds: list[int] = []
    texts: list[str] = []
    starts: list[int] = []
    close: dict[int, int] = {}
    stack: list[int] = []
    match = _LEXEME.match
    plain = _PLAIN_ATOM.match
    single_string = _SINGLE_STRING.match
    pos = 0
    end = len(text)
    skip_depth = 0          # > 0 while inside an annotation
    stray = None
    annotations: list[Annotation] = []
    kept: Annotation | None = None      # the known annotation being read, if any
    while pos < end:
        m = match(text, pos)
        group = m.lastindex
        new_pos = m.end()
        if group is None:
            if skip_depth and new_pos < end and text[new_pos] in ",;[]{}":
                pos = new_pos + 1       # 3.0 reserved characters, harmless inside annotations
                continue
            if new_pos < end:
                raise _bad_character(source, text, new_pos)
            break
        pos = m.start(group)
        if group == 1:
            pos = _skip_block_comment(source, text, pos)
            continue
        if group == 2:
            if not re.match(rf'[{_IDCHAR}]|"', text[new_pos:new_pos + 1]):
                if skip_depth:          # inside an annotation `(@)` is just `(` and `@`
                    skip_depth += 1
                    pos = new_pos - 1
                    continue
                raise source.error("empty annotation id", new_pos)
            if text.startswith('"', new_pos):       # a string id: non-empty, valid UTF-8
                id_string = re.compile(_STRING).match(text, new_pos)
                if id_string is None:
                    raise source.error("empty annotation id", new_pos)
                name = decode_string(source, id_string.group(), new_pos)
                if not name:
                    raise source.error("empty annotation id", new_pos)
                try:
                    name.decode("utf-8")
                except UnicodeDecodeError:
                    raise source.error("malformed UTF-8 encoding", new_pos) from None
            if skip_depth and kept is not None:     # `(@` nested in a kept one: a group
                kept.items.append((LPAR, "(", pos))
            skip_depth += 1
            start = pos
            pos = new_pos
            id_match = re.compile(rf'[{_IDCHAR}]+').match(text, pos)
            if id_match is not None:      # the annotation id: any idchars (`(@$)` is fine)
                pos = id_match.end()
                if skip_depth == 1 and id_match.group() in KNOWN_ANNOTATIONS and \
                        (pos >= end or text[pos] not in '"'):
                    kept = Annotation(id_match.group(), len(kinds),
                                      stack[-1] if stack else None, start)
            continue
        if skip_depth:
            if group == 3:
                skip_depth += 1
                if kept is not None:
                    kept.items.append((LPAR, "(", pos))
            elif group == 4:
                skip_depth -= 1
                if kept is not None:
                    if skip_depth:
                        kept.items.append((RPAR, ")", pos))
                    else:
                        annotations.append(kept)
                        kept = None
            else:
                try:
                    item_kind = _check_atom(source, m.group(5), pos, plain, single_string)
                except ParseError as error:     # reserved tokens are fine inside annotations
                    if "reserved token" not in error.reason:
                        raise
                    item_kind = ATOM
                if kept is not None:
                    kept.items.append((item_kind, m.group(5), pos))
            pos = new_pos
            continue
        if group == 3:
            stack.append(len(kinds))
            kinds.append(LPAR)
            texts.append("(")
        elif group == 4:
            if not stack:
                stray = pos
                break
            close[stack.pop()] = len(kinds)
            kinds.append(RPAR)
            texts.append(")")
        else:
            lexeme = m.group(5)
            if '"' in lexeme or lexeme[0] == "$":
                kinds.append(_check_atom(source, lexeme, pos, plain, single_string))
            else:
                kinds.append(ATOM)
            texts.append(lexeme)
        starts.append(pos)
        pos = new_pos
    if skip_depth:
        raise source.error("unclosed annotation", end)
    eof = len(kinds)
    for open_index in stack:
        close[open_index] = eof
    stop = end if stray is None else stray
    for _ in range(_EOF_PADDING):
        kinds.append(EOF)
        texts.append("")
        starts.append(stop)
    return Tokens(source, kinds, texts, starts, close, stray, annotations)


def _check_atom(source: Source, lexeme: str, pos: int, plain, single_string) -> int:
    """Classify an atom: keyword/number, `$id`, string; anything else is a reserved token."""
    if plain(lexeme):
        if lexeme[0] == "$":
            if len(lexeme) == 1:
                raise source.error("empty identifier", pos)
            return ID
        return ATOM
    if lexeme[0] == '"' and single_string(lexeme):
        return STRING
    if lexeme.startswith('$"') and single_string(lexeme, 1):
        name = decode_string(source, lexeme[1:], pos + 1)
        if not name:
            raise source.error("empty identifier", pos)
        try:
            name.decode("utf-8")
        except UnicodeDecodeError:
            raise source.error("malformed UTF-8 encoding", pos) from None
        return ID
    raise source.error(f"unknown operator: reserved token {lexeme[:40]!r}", pos)


def _bad_character(source: Source, text: str, pos: int) -> ParseError:
    ch = text[pos]
    if ch == '"':
        rest = text[pos + 1:]
        closed = re.match(r'(?:[^"\\\n]|\\.)*"', rest) is not None
        return source.error("malformed string" if closed else "unclosed string", pos)
    if ch == ";":
        return source.error("unexpected character ';'", pos)
    if "\udc80" <= ch <= "\udcff":        # a byte that was not UTF-8 (surrogateescape)
        return source.error("malformed UTF-8 encoding", pos)
    return source.error(f"illegal character {ch!r} (malformed source)", pos)


def _skip_block_comment(source: Source, text: str, pos: int) -> int:
    """Skip a nested `(; ... ;)` comment starting at pos; returns the offset after it."""
    depth = 0
    search = _BLOCK_COMMENT_MARK.search
    p = pos
    while True:
        m = search(text, p)
        if m is None:
            raise source.error("unclosed block comment", pos)
        if m.group() == "(;":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.end()
        p = m.end()


_ESCAPES = {"t": 9, "n": 10, "r": 13, '"': 34, "'": 39, "\\": 92}
_HEX = frozenset("0123456789abcdefABCDEF")


def decode_string(source: Source, lexeme: str, pos: int) -> bytes:
    """The bytes of a string token (quotes included in `lexeme`), escapes resolved."""
    try:
        return _decode_string(source, lexeme, pos)
    except UnicodeEncodeError:          # a lone surrogate smuggled in from undecodable input
        raise source.error("malformed UTF-8 encoding", pos) from None


def _decode_string(source: Source, lexeme: str, pos: int) -> bytes:
    body = lexeme[1:-1]
    if "\\" not in body:
        return body.encode("utf-8")
    out = bytearray()
    i = 0
    n = len(body)
    while i < n:
        j = body.find("\\", i)
        if j < 0:
            out += body[i:].encode("utf-8")
            break
        out += body[i:j].encode("utf-8")
        c = body[j + 1]          # the regex guarantees a character after each backslash
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
            i = j + 2
        elif c == "u":
            if body[j + 2:j + 3] != "{":
                raise source.error("malformed string escape \\u", pos + 1 + j)
            k = body.find("}", j + 3)
            digits = body[j + 3:k] if k >= 0 else ""
            if not _is_hexnum(digits):
                raise source.error("malformed string escape \\u", pos + 1 + j)
            value = int(digits.replace("_", ""), 16)
            if value >= 0x110000 or 0xD800 <= value < 0xE000:
                raise source.error("malformed string escape: invalid code point", pos + 1 + j)
            out += chr(value).encode("utf-8")
            i = k + 1
        elif c in _HEX and body[j + 2:j + 3] in _HEX and j + 2 < n:
            out.append(int(body[j + 1:j + 3], 16))
            i = j + 3
        else:
            raise source.error(f"malformed string escape \\{c}", pos + 1 + j)
    return bytes(out)


def _is_hexnum(digits: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-fA-F](?:_?[0-9a-fA-F])*", digits))


# ---------------------------------------------------------------------------------------------
# Numeric literals (spec 6.3.1 - 6.3.2).  Each function returns None when the atom does not have
# the required shape (the caller reports "unexpected token"), and raises OutOfRange when it has
# the shape but the value does not fit ("constant out of range").

class OutOfRange(Exception):
    """A well-formed literal whose value does not fit the requested type."""


_UNSIGNED = re.compile(r"(?:0x([0-9a-fA-F](?:_?[0-9a-fA-F])*)|([0-9](?:_?[0-9])*))\Z")
_SIGNED = re.compile(r"([+-]?)(?:0x([0-9a-fA-F](?:_?[0-9a-fA-F])*)|([0-9](?:_?[0-9])*))\Z")
_DEC_FLOAT = re.compile(r"([+-]?)([0-9](?:_?[0-9])*)(?:\.((?:[0-9](?:_?[0-9])*)?))?"
                        r"(?:[eE]([+-]?[0-9](?:_?[0-9])*))?\Z")
_HEX_FLOAT = re.compile(r"([+-]?)0x([0-9a-fA-F](?:_?[0-9a-fA-F])*)"
                        r"(?:\.((?:[0-9a-fA-F](?:_?[0-9a-fA-F])*)?))?"
                        r"(?:[pP]([+-]?[0-9](?:_?[0-9])*))?\Z")
_NAN = re.compile(r"([+-]?)nan(?::0x([0-9a-fA-F](?:_?[0-9a-fA-F])*))?\Z")
_INF = re.compile(r"([+-]?)inf\Z")


def _natural(hexdigits: str | None, decdigits: str | None, bits: int) -> int:
    """The value of a digit string; raises OutOfRange early for absurdly long decimals (CPython
    refuses to convert more than a few thousand decimal digits)."""
    if hexdigits is not None:
        return int(hexdigits.replace("_", ""), 16)
    digits = decdigits.replace("_", "").lstrip("0") or "0"
    if len(digits) > bits:                 # 10**bits > 2**bits: certainly out of range
        raise OutOfRange()
    return int(digits)


def parse_unsigned(text: str, bits: int) -> int | None:
    """`uN`: decimal or hex digits, no sign."""
    m = _UNSIGNED.match(text)
    if m is None:
        return None
    value = _natural(m.group(1), m.group(2), bits)
    if value >> bits:
        raise OutOfRange()
    return value


def parse_int(text: str, bits: int) -> int | None:
    """`iN` (uN or sN), returned as the canonical unsigned value."""
    m = _SIGNED.match(text)
    if m is None:
        return None
    sign, hexdigits, decdigits = m.groups()
    value = _natural(hexdigits, decdigits, bits)
    if sign == "-":
        if value > 1 << (bits - 1):
            raise OutOfRange()
        return -value & ((1 << bits) - 1)
    if value >> bits:
        raise OutOfRange()
    return value


# (exponent bits, mantissa bits) of the IEEE binary formats
_FORMATS = {32: (8, 23), 64: (11, 52)}


def parse_float(text: str, bits: int) -> int | None:
    """`fN` literal -> its bit pattern, rounded to nearest even; None if not a float literal."""
    exp_bits, mant_bits = _FORMATS[bits]
    sign_bit = 1 << (bits - 1)
    inf_bits = ((1 << exp_bits) - 1) << mant_bits
    c = text[:1]
    if c in "+-":
        c = text[1:2]
    if c == "n":
        m = _NAN.match(text)
        if m is None:
            return None
        sign = sign_bit if m.group(1) == "-" else 0
        if m.group(2) is None:
            payload = 1 << (mant_bits - 1)
        else:
            payload = int(m.group(2).replace("_", ""), 16)
            if not 1 <= payload < 1 << mant_bits:
                raise OutOfRange()
        return sign | inf_bits | payload
    if c == "i":
        m = _INF.match(text)
        if m is None:
            return None
        return (sign_bit if m.group(1) == "-" else 0) | inf_bits
    body = text[1:] if c != text[:1] else text
    if body[:2] == "0x":
        m = _HEX_FLOAT.match(text)
        if m is None:
            return None
        sign, whole, frac, exp = m.groups()
        frac = (frac or "").replace("_", "")
        mantissa = int(whole.replace("_", "") + frac, 16)
        exponent = _exponent(exp) - 4 * len(frac)
        num, den = mantissa, 1
        if exponent >= 0:
            # guard against astronomically large exponents before building the integer
            if mantissa and mantissa.bit_length() + exponent > (1 << exp_bits) + 8:
                raise OutOfRange()
            num <<= exponent
        else:
            if mantissa.bit_length() + exponent < -(1 << exp_bits) - mant_bits - 8:
                num = 0
            else:
                den <<= -exponent
    else:
        m = _DEC_FLOAT.match(text)
        if m is None:
            return None
        sign, whole, frac, exp = m.groups()
        frac = (frac or "").replace("_", "")
        digits = (whole.replace("_", "") + frac).lstrip("0") or "0"
        exponent = _exponent(exp) - len(frac)
        if len(digits) > _MAX_DIGITS:
            # Keep enough digits to decide the rounding, plus a sticky 1 if anything non-zero
            # was dropped: no rounding boundary of an f64 lies between the two values.
            tail = digits[_MAX_DIGITS:]
            digits = digits[:_MAX_DIGITS] + ("1" if tail.strip("0") else "0")
            exponent += len(tail) - 1
        mantissa = int(digits)
        magnitude = len(digits) + exponent   # value < 10**magnitude
        if mantissa and magnitude > 330:
            raise OutOfRange()
        if mantissa == 0 or magnitude < -400:
            num, den = 0, 1
        elif exponent >= 0:
            num, den = mantissa * 10 ** exponent, 1
        else:
            num, den = mantissa, 10 ** -exponent
    result = _round_to_bits(num, den, exp_bits, mant_bits)
    if result is None:
        raise OutOfRange()
    return (sign_bit if sign == "-" else 0) | result


_MAX_DIGITS = 1000


def _exponent(text: str | None) -> int:
    """An exponent's value, clamped far outside every float range (so it never builds a huge int)."""
    if not text:
        return 0
    digits = text.replace("_", "").lstrip("+-").lstrip("0") or "0"
    value = int(digits) if len(digits) <= 18 else 10 ** 18
    return -value if text[0] == "-" else value


def _round_to_bits(num: int, den: int, exp_bits: int, mant_bits: int) -> int | None:
    """Bits (without sign) of the float nearest to num/den (ties to even); None on overflow."""
    if num == 0:
        return 0
    precision = mant_bits + 1
    bias = (1 << (exp_bits - 1)) - 1
    emin = 1 - bias
    # e = floor(log2(num/den))
    e = num.bit_length() - den.bit_length()
    if (num << max(0, -e)) < (den << max(0, e)):
        e -= 1
    e = max(e, emin)                     # subnormals share the minimum exponent's scale
    shift = precision - 1 - e            # significand q ~ num/den * 2**shift
    if shift >= 0:
        scaled_num, scaled_den = num << shift, den
    else:
        scaled_num, scaled_den = num, den << -shift
    q, r = divmod(scaled_num, scaled_den)
    twice = 2 * r
    if twice > scaled_den or (twice == scaled_den and q & 1):
        q += 1
    if q >> precision:                   # rounding carried into a new binade
        q >>= 1
        e += 1
    if q >> (precision - 1) == 0:        # subnormal (or zero): exponent field 0
        return q
    if e > bias:
        return None
    return ((e + bias) << mant_bits) | (q & ((1 << mant_bits) - 1))
