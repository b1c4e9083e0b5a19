"""The RS256 signature check: exactly what OpenSSL's own RSASSA-PKCS1-v1_5 verification
accepts, nothing else.

``RS256PublicKey.verify`` is ``cryptography``'s ``verify`` behind a length check. Each case
is checked against that ``verify`` of the same bytes, and encodings that a parsing verifier
could be fooled by are made with the private key by hand (textbook RSA on the encoded
message) and refused.
"""

import hashlib
import os

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from djognito.core.jwks import build_keys
from djognito.testing import SigningKey, jwks_document

KEY = SigningKey.generate("signature-check")
KEY_BYTES = 256
# The DER DigestInfo prefix of a SHA-256 digest (RFC 8017, section 9.2, note 1).
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
MESSAGE = b"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9"


@pytest.fixture(scope="module")
def key():
    return build_keys(jwks_document(KEY))[KEY.kid]


def reference_accepts(message: bytes, signature: bytes) -> bool:
    """``cryptography``'s own verification of an RS256 signature."""
    try:
        KEY.private_key.public_key().verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def sign_encoded(encoded: bytes) -> bytes:
    """Textbook RSA with the private key: the signature whose public-key operation gives
    ``encoded`` (a 256-byte encoded message), whatever its padding says."""
    numbers = KEY.private_key.private_numbers()
    value = pow(int.from_bytes(encoded), numbers.d, numbers.public_numbers.n)
    return value.to_bytes(KEY_BYTES)


def encoded_message(content: bytes, block_type: bytes = b"\x01") -> bytes:
    """``00 <block type> FF ... FF 00 <content>``, 256 bytes."""
    return b"\x00" + block_type + b"\xff" * (KEY_BYTES - 3 - len(content)) + b"\x00" + content


def digest(message: bytes) -> bytes:
    return hashlib.sha256(message).digest()


def test_a_genuine_signature_verifies(key):
    signature = KEY.sign(MESSAGE)
    assert key.verify(MESSAGE, signature)
    assert key.verify(MESSAGE, sign_encoded(encoded_message(SHA256_DIGEST_INFO + digest(MESSAGE))))


def test_another_message_or_key_is_refused(key):
    signature = KEY.sign(MESSAGE)
    assert not key.verify(MESSAGE + b"x", signature)
    assert not key.verify(MESSAGE, SigningKey.generate("other").sign(MESSAGE))


# SHA-1 only to show that a signature made with it is refused.
@pytest.mark.parametrize("algorithm", [hashes.SHA1(), hashes.SHA384(), hashes.SHA512()])  # noqa: S303
def test_a_signature_made_with_another_hash_is_refused(key, algorithm):
    signature = KEY.sign(MESSAGE, algorithm)
    assert not reference_accepts(MESSAGE, signature)
    assert not key.verify(MESSAGE, signature)


def test_a_signature_of_another_length_is_refused(key):
    # One signature in 256 starts with a zero byte: without it, its number is the same.
    message = next(
        candidate
        for candidate in (MESSAGE + str(index).encode() for index in range(5000))
        if KEY.sign(candidate)[0] == 0
    )
    signature = KEY.sign(message)
    assert key.verify(message, signature)
    for variant in (signature[1:], b"\x00" + signature, signature + b"\x00", b""):
        assert not reference_accepts(message, variant)
        assert not key.verify(message, variant)


def test_a_number_not_below_the_modulus_is_refused(key):
    modulus = KEY.private_key.public_key().public_numbers().n
    for number in (modulus, modulus + 1, 2 ** (8 * KEY_BYTES) - 1):
        signature = number.to_bytes(KEY_BYTES)
        assert not reference_accepts(MESSAGE, signature)
        assert not key.verify(MESSAGE, signature)


@pytest.mark.parametrize(
    "name, encoded",
    [
        # Bytes hidden between the padding and the DigestInfo (a parser may skip them).
        (
            "garbage-before-digest-info",
            encoded_message(os.urandom(40) + SHA256_DIGEST_INFO + digest(MESSAGE)),
        ),
        # Bytes after the digest.
        (
            "garbage-after-digest",
            encoded_message(SHA256_DIGEST_INFO + digest(MESSAGE) + b"\x00" * 8),
        ),
        # The DigestInfo without its NULL parameters: another DER encoding of SHA-256.
        (
            "digest-info-without-null",
            encoded_message(
                bytes.fromhex("302f300b0609608648016503040201") + b"\x04\x20" + digest(MESSAGE)
            ),
        ),
        # Encryption padding (block type 2) instead of signature padding.
        (
            "block-type-2",
            encoded_message(SHA256_DIGEST_INFO + digest(MESSAGE), block_type=b"\x02"),
        ),
        # The bare digest, without a DigestInfo.
        ("bare-digest", encoded_message(digest(MESSAGE))),
        # Padding too short: fewer than eight FF bytes before the separator.
        (
            "short-padding",
            b"\x00\x01"
            + b"\xff" * 4
            + b"\x00"
            + os.urandom(KEY_BYTES - 58)
            + SHA256_DIGEST_INFO
            + digest(MESSAGE),
        ),
    ],
)
def test_an_encoding_other_than_the_standard_one_is_refused(key, name, encoded):
    assert len(encoded) == KEY_BYTES
    signature = sign_encoded(encoded)
    assert not reference_accepts(MESSAGE, signature)
    assert not key.verify(MESSAGE, signature)


def test_it_agrees_with_openssl_on_every_one_byte_change(key):
    signature = KEY.sign(MESSAGE)
    for position in range(0, KEY_BYTES, 7):
        for change in (0x01, 0x80, 0xFF):
            variant = bytearray(signature)
            variant[position] ^= change
            variant = bytes(variant)
            assert key.verify(MESSAGE, variant) is reference_accepts(MESSAGE, variant)
