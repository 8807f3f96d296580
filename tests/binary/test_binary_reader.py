"""The byte cursor: LEB128 size and value limits, names, lengths."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from pywasm_core.binary.reader import (Reader, read_s32, read_s33, read_s64, read_sleb, read_u32,
                                       read_u64, read_uleb)
from pywasm_core.errors import DecodeError


def uleb(value: int, pad_to: int = 0) -> bytes:
    """Independent encoder for the tests (optionally padded with 0x80 continuation bytes)."""
    out = []
    while True:
        b = value & 0x7F
        value >>= 7
        out.append(b)
        if value == 0:
            break
    while len(out) < pad_to:
        out.append(0)
    return bytes([b | 0x80 for b in out[:-1]] + [out[-1]])


def sleb(value: int, pad_to: int = 0) -> bytes:
    out = []
    while True:
        b = value & 0x7F
        value >>= 7
        out.append(b)
        if (value == 0 and not b & 0x40) or (value == -1 and b & 0x40):
            break
    fill = 0x7F if value < 0 else 0
    while len(out) < pad_to:
        out.append(fill)
    return bytes([b | 0x80 for b in out[:-1]] + [out[-1]])


def error_of(fn, data: bytes) -> str:
    with pytest.raises(DecodeError) as info:
        fn(data, 0)
    return info.value.reason


# --- u32 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("data,value", [
    (b"\x00", 0), (b"\x7f", 127), (b"\x80\x01", 128), (b"\xe5\x8e\x26", 624485),
    (b"\xff\xff\xff\xff\x0f", 2**32 - 1), (b"\x80\x80\x80\x80\x00", 0),   # padded to 5 bytes
    (b"\x82\x80\x80\x80\x00", 2),
])
def test_u32_values(data, value):
    assert read_u32(data, 0) == (value, len(data))


def test_u32_representation_too_long():
    assert error_of(read_u32, b"\x80\x80\x80\x80\x80\x00") == "integer representation too long"
    assert error_of(read_u32, b"\x82\x80\x80\x80\x80\x00") == "integer representation too long"


@pytest.mark.parametrize("last", [0x10, 0x20, 0x40, 0x70, 0x1F])
def test_u32_unused_bits_must_be_zero(last):
    assert error_of(read_u32, b"\x82\x80\x80\x80" + bytes([last])) == "integer too large"


def test_u32_truncated_raises_index_error_for_the_decoder_to_translate():
    # The decoder converts IndexError into "unexpected end" at one place.
    with pytest.raises(IndexError):
        read_u32(b"\x80\x80", 0)


# --- s32 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("data,value", [
    (b"\x00", 0), (b"\x3f", 63), (b"\x40", -64), (b"\x7f", -1), (b"\x80\x7f", -128),
    (b"\xff\xff\xff\xff\x07", 2**31 - 1), (b"\x80\x80\x80\x80\x78", -2**31),
    (b"\xff\xff\xff\xff\x7f", -1),
])
def test_s32_values(data, value):
    assert read_s32(data, 0) == (value, len(data))


@pytest.mark.parametrize("last", [0x70, 0x0F, 0x1F, 0x4F, 0x08, 0x77])
def test_s32_unused_bits_must_copy_the_sign(last):
    assert error_of(read_s32, b"\x80\x80\x80\x80" + bytes([last])) == "integer too large"


def test_s32_representation_too_long():
    assert error_of(read_s32, b"\x80\x80\x80\x80\x80\x00") == "integer representation too long"
    assert error_of(read_s32, b"\xff\xff\xff\xff\xff\x7f") == "integer representation too long"


# --- s33 (block types) ---------------------------------------------------------------------

def test_s33_limits():
    assert read_s33(b"\xff\xff\xff\xff\x0f", 0) == (2**32 - 1, 5)
    assert read_s33(b"\x80\x80\x80\x80\x70", 0) == (-2**32, 5)
    assert error_of(read_s33, b"\x80\x80\x80\x80\x20") == "integer too large"
    assert error_of(read_s33, b"\xff\xff\xff\xff\x4f") == "integer too large"
    assert error_of(read_s33, b"\x80\x80\x80\x80\x80\x00") == "integer representation too long"


# --- 64-bit --------------------------------------------------------------------------------

def test_s64_limits():
    assert read_s64(b"\xff" * 9 + b"\x00", 0) == (2**63 - 1, 10)
    assert read_s64(b"\x80" * 9 + b"\x7f", 0) == (-2**63, 10)
    for last in (0x7E, 0x01, 0x02, 0x41):
        assert error_of(read_s64, b"\x80" * 9 + bytes([last])) == "integer too large"
    assert error_of(read_s64, b"\x80" * 10 + b"\x00") == "integer representation too long"


def test_u64_limits():
    assert read_u64(b"\xff" * 9 + b"\x01", 0) == (2**64 - 1, 10)
    assert error_of(read_u64, b"\x80" * 9 + b"\x02") == "integer too large"
    assert error_of(read_u64, b"\x80" * 10 + b"\x00") == "integer representation too long"


# --- properties against the independent encoder ---------------------------------------------

@given(st.integers(0, 2**32 - 1), st.integers(0, 5))
def test_u32_roundtrip(value, pad):
    data = uleb(value, pad)
    if len(data) > 5:
        return
    assert read_u32(data + b"\x99", 0) == (value, len(data))


@given(st.integers(-2**31, 2**31 - 1), st.integers(0, 5))
def test_s32_roundtrip(value, pad):
    data = sleb(value, pad)
    if len(data) > 5:
        return
    assert read_s32(data, 0) == (value, len(data))


@given(st.integers(-2**63, 2**63 - 1), st.integers(0, 10))
def test_s64_roundtrip(value, pad):
    data = sleb(value, pad)
    if len(data) > 10:
        return
    assert read_s64(data, 0) == (value, len(data))


@given(st.integers(2**32, 2**35 - 1))
def test_u32_out_of_range_is_too_large(value):
    assert error_of(read_u32, uleb(value)) == "integer too large"


@given(st.one_of(st.integers(2**31, 2**34 - 1), st.integers(-2**34, -2**31 - 1)))
def test_s32_out_of_range_is_too_large(value):
    assert error_of(read_s32, sleb(value, 5)) == "integer too large"


@given(st.binary(min_size=0, max_size=12), st.sampled_from([7, 8, 16, 32, 33, 64]),
       st.booleans())
def test_leb_never_leaks_other_errors(data, bits, signed):
    fn = read_sleb if signed else read_uleb
    try:
        value, pos = fn(data, 0, bits)
    except (DecodeError, IndexError):
        return
    assert 0 < pos <= (bits + 6) // 7
    if signed:
        assert -2**(bits - 1) <= value < 2**(bits - 1)
    else:
        assert 0 <= value < 2**bits


# --- names, lengths, raw bytes ---------------------------------------------------------------

def test_name_utf8():
    text = "héllo \u2603 \U0001F600"
    raw = text.encode("utf-8")
    r = Reader(bytes([len(raw)]) + raw)
    assert r.name() == text and r.at_end()


@pytest.mark.parametrize("raw", [b"\xed\xa0\x80", b"\xc0\x80", b"\xf4\x90\x80\x80", b"\xff",
                                 b"\xe2\x82"])
def test_name_rejects_invalid_utf8(raw):
    with pytest.raises(DecodeError, match="^malformed UTF-8 encoding"):
        Reader(bytes([len(raw)]) + raw).name()


def test_length_out_of_bounds_does_not_allocate():
    r = Reader(b"\xff\xff\xff\xff\x0f" + b"abc")
    with pytest.raises(DecodeError, match="^length out of bounds") as info:
        r.name()
    assert info.value.offset == 0


def test_raw_past_end():
    r = Reader(b"\x05ab")
    with pytest.raises(DecodeError, match="^unexpected end"):
        r.byte_vec()


def test_expect_zero():
    assert Reader(b"\x00").expect_zero() is None
    with pytest.raises(DecodeError, match="^zero byte expected"):
        Reader(b"\x80\x00").expect_zero()
