"""Byte cursor for the binary format: LEB128 integers with the spec's size and value limits,
names (UTF-8), byte lengths checked against the bytes left, and vector counts.

Two layers:
- module-level functions `read_u32(data, pos) -> (value, pos)` etc., used by the hot instruction
  loop in decode.py (no object, no method call, single-byte fast path inlined by the caller);
- `Reader`, a small cursor object (`data`, `pos`) for the section grammar, where clarity matters
  more than the last nanosecond.

Malformed values raise `DecodeError`.  Running off the end of the bytes raises IndexError, which
the decoder turns into "unexpected end ..." in one place per section (`decode.py`), so the common
path pays no explicit bounds check; code using these helpers directly must do the same.  Reads are
bounded by the end of the module bytes, as in the reference interpreter: a section or a function
body that runs past its declared size is caught afterwards ("section size mismatch").

LEB128 limits (spec 5.2.2): an N-bit integer uses at most ceil(N/7) bytes ("integer representation
too long" otherwise), and the unused high bits of the last byte must be zero (unsigned) or copies
of the sign bit (signed) ("integer too large" otherwise).
"""

from __future__ import annotations

from ..errors import DecodeError

UNEXPECTED_END = "unexpected end"
UNEXPECTED_END_SECTION = "unexpected end of section or function"


def _leb_limits(bits: int, signed: bool) -> tuple[int, int, int]:
    """(max byte count, mask of the payload bits of the last byte that must be clear/sign copies,
    the sign-bit mask within the last byte) for an N-bit LEB128."""
    count = (bits + 6) // 7
    used = bits - 7 * (count - 1)            # payload bits the last byte may carry
    unused_mask = 0x7F & ~((1 << used) - 1)  # payload bits above them
    sign_mask = 1 << (used - 1) if signed else 0
    return count, unused_mask, sign_mask


_LIMITS: dict[tuple[int, bool], tuple[int, int, int]] = {}


def _limits(bits: int, signed: bool) -> tuple[int, int, int]:
    key = (bits, signed)
    limits = _LIMITS.get(key)
    if limits is None:
        limits = _LIMITS[key] = _leb_limits(bits, signed)
    return limits


def read_uleb(data: bytes, pos: int, bits: int) -> tuple[int, int]:
    """Unsigned LEB128 of at most `bits` bits starting at `pos`; returns (value, next pos)."""
    count, unused_mask, _ = _limits(bits, False)
    result = 0
    shift = 0
    start = pos
    for i in range(count):
        b = data[pos]
        pos += 1
        if i == count - 1:
            if b & 0x80:
                raise DecodeError("integer representation too long", start)
            if b & unused_mask:
                raise DecodeError("integer too large", pos - 1)
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
    raise DecodeError("integer representation too long", start)  # pragma: no cover (bits <= 0)


def read_sleb(data: bytes, pos: int, bits: int) -> tuple[int, int]:
    """Signed LEB128 of at most `bits` bits; returns (signed value, next pos)."""
    count, unused_mask, sign_mask = _limits(bits, True)
    result = 0
    shift = 0
    start = pos
    for i in range(count):
        b = data[pos]
        pos += 1
        if i == count - 1:
            if b & 0x80:
                raise DecodeError("integer representation too long", start)
            high = b & unused_mask
            if high != (unused_mask if b & sign_mask else 0):
                raise DecodeError("integer too large", pos - 1)
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            if b & 0x40:
                result -= 1 << shift
            return result, pos
    raise DecodeError("integer representation too long", start)  # pragma: no cover


def read_u32(data: bytes, pos: int) -> tuple[int, int]:
    """u32 with a fast path for the common one- and two-byte forms."""
    b = data[pos]
    if b < 0x80:
        return b, pos + 1
    c = data[pos + 1]
    if c < 0x80:
        return (b & 0x7F) | c << 7, pos + 2
    return read_uleb(data, pos, 32)


def read_s32(data: bytes, pos: int) -> tuple[int, int]:
    b = data[pos]
    if b < 0x80:
        return (b - 0x80 if b & 0x40 else b), pos + 1
    return read_sleb(data, pos, 32)


def read_s33(data: bytes, pos: int) -> tuple[int, int]:
    return read_sleb(data, pos, 33)


def read_s64(data: bytes, pos: int) -> tuple[int, int]:
    b = data[pos]
    if b < 0x80:
        return (b - 0x80 if b & 0x40 else b), pos + 1
    return read_sleb(data, pos, 64)


def read_u64(data: bytes, pos: int) -> tuple[int, int]:
    b = data[pos]
    if b < 0x80:
        return b, pos + 1
    return read_uleb(data, pos, 64)


def decode_name(raw: bytes, offset: int) -> str:
    """UTF-8 as the spec defines it (no surrogates, no overlong forms, at most U+10FFFF):
    exactly Python's strict codec."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DecodeError("malformed UTF-8 encoding", offset) from None


class Reader:
    """A cursor over module bytes.  `pos` is public: the decoder hands it to the fast functions
    above and stores the result back."""

    __slots__ = ("data", "pos", "end")

    def __init__(self, data: bytes, pos: int = 0):
        self.data = data
        self.pos = pos
        self.end = len(data)

    def at_end(self) -> bool:
        return self.pos >= self.end

    def remaining(self) -> int:
        return self.end - self.pos

    def byte(self) -> int:
        b = self.data[self.pos]
        self.pos += 1
        return b

    def peek(self) -> int | None:
        return self.data[self.pos] if self.pos < self.end else None

    def expect_zero(self) -> None:
        """A reserved byte that must be 0x00 (memory index of 2.0 instructions)."""
        if self.byte() != 0:
            raise DecodeError("zero byte expected", self.pos - 1)

    def u32(self) -> int:
        value, self.pos = read_u32(self.data, self.pos)
        return value

    def u64(self) -> int:
        value, self.pos = read_u64(self.data, self.pos)
        return value

    def s32(self) -> int:
        value, self.pos = read_s32(self.data, self.pos)
        return value

    def s33(self) -> int:
        value, self.pos = read_s33(self.data, self.pos)
        return value

    def s64(self) -> int:
        value, self.pos = read_s64(self.data, self.pos)
        return value

    def raw(self, size: int, reason: str = UNEXPECTED_END_SECTION) -> bytes:
        """`size` bytes; `reason` is the message when fewer remain."""
        start = self.pos
        end = start + size
        if end > self.end:
            raise DecodeError(reason, self.end)
        self.pos = end
        return self.data[start:end]

    def count(self) -> int:
        """A vector's element count.  Not checked up front (the testsuite wants "unexpected end"
        when the elements run out); callers read elements one by one without preallocating, and
        every element takes at least one byte, so a count of 2**32-1 fails after at most
        `remaining()` iterations."""
        return self.u32()

    def length(self) -> int:
        """A u32 byte length (section, body, name), checked against the bytes left: a larger
        length can never be satisfied ("length out of bounds") and must not be sliced."""
        start = self.pos
        n = self.u32()
        if n > self.end - self.pos:
            raise DecodeError("length out of bounds", start)
        return n

    def name(self) -> str:
        n = self.length()
        start = self.pos
        return decode_name(self.raw(n), start)

    def byte_vec(self) -> bytes:
        """vec(byte) whose payload may be cut short (data segments)."""
        n = self.u32()
        return self.raw(n)
