"""Strict parsing of a compact JWS into header, claims, signing input and signature.

Nothing here trusts the token: it only checks that it is well formed. The signature and
the claims are checked by ``verifier`` and ``claims``.
"""

import binascii
import json
from dataclasses import dataclass

from ..errors import MalformedToken, TokenTooLarge

BASE64URL_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
TO_STANDARD_BASE64 = bytes.maketrans(b"-_", b"+/")
# By segment length modulo 4: the bits of the last character that encode nothing.
UNUSED_BITS_MASK = (0, None, 0b1111, 0b11)


@dataclass(frozen=True, slots=True)
class UnverifiedToken:
    """The parts of a token that has been parsed but not yet verified."""

    header: dict
    claims: dict
    signing_input: bytes
    signature: bytes


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


# Names that Cognito tokens carry. A parsed name equal to one of these is replaced by this
# module's copy, so every cached token shares one string per name. Nothing that came from a
# token is interned: an attacker's made-up names would stay in memory for good.
KNOWN_NAMES = {
    name: name
    for name in (
        "alg",
        "kid",
        "typ",
        "sub",
        "iss",
        "aud",
        "client_id",
        "origin_jti",
        "event_id",
        "token_use",
        "scope",
        "auth_time",
        "exp",
        "iat",
        "nbf",
        "jti",
        "username",
        "cognito:username",
        "cognito:groups",
        "email",
        "email_verified",
        "version",
        "at_hash",
    )
}


def _unique_object(pairs):
    obj = {KNOWN_NAMES.get(name, name): value for name, value in pairs}
    if len(obj) != len(pairs):
        raise ValueError("duplicate key")
    return obj


def _is_valid_unicode(value) -> bool:
    # JSON's \ud800 escapes decode to lone surrogates, which no encoder can write out
    # (renderers, databases, logs): such a string is malformed input.
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, RecursionError):
        return False
    return True


_decoder = json.JSONDecoder(object_pairs_hook=_unique_object, parse_constant=_refuse_constant)


def decode_segment(segment: str, what: str) -> bytes:
    """Decode one unpadded base64url segment, refusing any other alphabet or padding."""
    raw = segment.encode("ascii")
    # Deleting every alphabet byte leaves nothing only for pure base64url (C speed, no regex).
    if not raw or raw.translate(None, BASE64URL_ALPHABET):
        raise MalformedToken(f"malformed token: {what} is not base64url")
    # The last character of an unpadded segment carries unused low bits: they must be zero,
    # or several spellings would decode to one signature.
    unused_bits = UNUSED_BITS_MASK[len(raw) % 4]
    if unused_bits is None or BASE64URL_ALPHABET.index(raw[-1]) & unused_bits:
        raise MalformedToken(f"malformed token: {what} is not base64url")
    try:
        padded = raw.translate(TO_STANDARD_BASE64) + b"=" * (-len(raw) % 4)
        return binascii.a2b_base64(padded, strict_mode=True)
    except binascii.Error as exc:
        raise MalformedToken(f"malformed token: {what} is not base64url") from exc


def decode_json_object(segment: str, what: str) -> dict:
    """Decode a segment that must hold a JSON object with unique keys."""
    raw = decode_segment(segment, what)
    try:
        text = raw.decode("utf-8")
        value = _decoder.decode(text)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise MalformedToken(f"malformed token: {what} is not JSON") from exc
    if not isinstance(value, dict):
        raise MalformedToken(f"malformed token: {what} is not a JSON object")
    # Only an escape can produce a lone surrogate: plain tokens skip the check.
    if "\\u" in text and not _is_valid_unicode(value):
        raise MalformedToken(f"malformed token: {what} is not valid Unicode")
    return value


def split_token(token, max_bytes: int) -> list[str]:
    """The three segments of ``token``; raise ``MalformedToken`` or ``TokenTooLarge``."""
    if not isinstance(token, str):
        raise MalformedToken("malformed token: not a string")
    if len(token) > max_bytes:
        raise TokenTooLarge()
    if not token.isascii():
        raise MalformedToken("malformed token: not ASCII")
    segments = token.split(".")
    if len(segments) != 3:
        raise MalformedToken("malformed token: expected three dot-separated segments")
    return segments


def parse_token(token, max_bytes: int) -> UnverifiedToken:
    """Split and decode ``token``; raise ``MalformedToken`` or ``TokenTooLarge``."""
    header_segment, payload_segment, signature_segment = split_token(token, max_bytes)
    header = decode_json_object(header_segment, "header")
    claims = decode_json_object(payload_segment, "payload")
    signature = decode_segment(signature_segment, "signature")
    signing_input = f"{header_segment}.{payload_segment}".encode("ascii")
    return UnverifiedToken(header, claims, signing_input, signature)
