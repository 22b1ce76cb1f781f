"""The bitstring status list encoding (W3C Bitstring Status List v1.0)."""

from __future__ import annotations

import base64
import gzip

from app.accreditation.status import LIST_SIZE, bit, decode, encode


def test_a_list_holds_at_least_131072_entries():
    """The specification's minimum size, so one index says nothing about how many credentials exist."""
    assert LIST_SIZE >= 131_072
    assert len(decode(encode(set()))) * 8 == LIST_SIZE


def test_set_bits_round_trip_and_nothing_else_is_set():
    """Exactly the given indices read back as set, including the first and last."""
    indices = {0, 1, 7, 8, 4242, LIST_SIZE - 1}
    bits = decode(encode(indices))
    assert {i for i in range(LIST_SIZE) if bit(bits, i)} == indices


def test_encoding_is_multibase_base64url_gzip_with_the_first_bit_leftmost():
    """'u' prefix, base64url without padding, GZIP; index 0 is the most significant bit of byte 0."""
    encoded = encode({0})
    assert encoded.startswith("u") and "=" not in encoded and "+" not in encoded and "/" not in encoded
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert raw[0] == 0x80 and not any(raw[1:])
