"""Strict parsing of a compact JWS into header, claims, signing input and signature.

Nothing here trusts the token: it only checks that it is well formed. The signature and
the claims are checked by ``verifier`` and ``claims``.
"""

import binascii
import json
import re
from dataclasses import dataclass

import pybase64

from ..errors import MalformedToken, TokenTooLarge

BASE64URL_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
# Standard base64's two characters and its padding: none of them is base64url. Decoding
# with "-_" as the alternative characters still accepts "+" and "/" (as the standard
# library does), so these are refused first.
PLUS, SLASH, PAD = b"+/="
# By segment length modulo 4: the padding strict decoding needs, and the bits of the last
# character that encode nothing (None: no base64 text has that length).
PADDING = (b"", None, b"==", b"=")
UNUSED_BITS_MASK = (0, None, 0b1111, 0b11)
# The 6-bit value of each base64url byte; 0xFF for every other byte.
SEXTET_OF_BYTE = bytes(
    BASE64URL_ALPHABET.index(byte) if byte in BASE64URL_ALPHABET else 0xFF for byte in range(256)
)


@dataclass(frozen=True, slots=True)
class UnverifiedToken:
    """The parts of a token that has been parsed but not yet verified."""

    header: dict
    claims: dict
    signing_input: bytes
    signature: bytes


# Cognito writes two levels (the claims, and the groups list in them). Anything deeper is
# refused before it is parsed, so no parser's own recursion limit (which differs from one
# Python to the next) decides what a token means.
MAX_JSON_DEPTH = 16
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def nesting_exceeds(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when the JSON text ``raw`` nests objects and arrays deeper than ``limit``.

    Fewer opening brackets than the limit cannot nest deeper (the usual case: two counts).
    Otherwise strings are taken out, so that brackets inside them do not count, and the
    depth is followed bracket by bracket. Text that is not JSON may be answered either way:
    the parser refuses it next."""
    if raw.count(b"{") + raw.count(b"[") <= limit:
        return False
    depth = 0
    for bracket in _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS):
        if bracket in b"[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


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
    except UnicodeEncodeError:
        return False
    return True


# The one JSON parser of the verify path: the standard library's, strict (unique names, no
# NaN or Infinity constants; integers of at most 4,300 digits, the interpreter's own limit
# on every Python this supports). Numbers are otherwise read as they are: the claim rules
# bound the ones they compute with (the time claims).
_decoder = json.JSONDecoder(
    object_pairs_hook=_unique_object,
    parse_constant=_refuse_constant,
)


def decode_segment(segment: str, what: str) -> bytes:
    """Decode one unpadded base64url segment, refusing any other alphabet or padding."""
    return decode_base64url(segment.encode("ascii"), what)


def decode_base64url(raw: bytes, what: str) -> bytes:
    """``decode_segment`` of a segment already in ASCII bytes."""
    remainder = len(raw) % 4
    unused_bits = UNUSED_BITS_MASK[remainder]
    # The last character of an unpadded segment carries unused low bits: they must be zero,
    # or several spellings would decode to one signature. (A byte outside the alphabet has
    # every bit set; when no bit is unused, strict decoding refuses it below.)
    if (
        not raw
        or unused_bits is None
        or SEXTET_OF_BYTE[raw[-1]] & unused_bits
        or PLUS in raw
        or SLASH in raw
        or PAD in raw
    ):
        raise MalformedToken(f"malformed token: {what} is not base64url")
    try:
        # pybase64 decodes with SIMD; validate=True refuses every other byte outside the
        # alphabet. (An int's "in" is one memchr; a translation to standard base64 first
        # would cost as much as the decoding.)
        return pybase64.b64decode(raw + PADDING[remainder], altchars=b"-_", validate=True)
    except binascii.Error as exc:
        raise MalformedToken(f"malformed token: {what} is not base64url") from exc


def _parse(text: str):
    # raw_decode runs the scanner alone; decode() also matches whitespace around the value
    # (twice a regular expression), which Cognito never writes.
    try:
        value, end = _decoder.raw_decode(text)
    except ValueError:
        end = -1
    return value if end == len(text) else _decoder.decode(text)


def decode_json_object(segment: str, what: str) -> dict:
    """Decode a segment that must hold a JSON object with unique keys."""
    return parse_json_object(decode_segment(segment, what), what)


def parse_json_object(raw: bytes, what: str) -> dict:
    """The JSON object with unique keys, nested at most ``MAX_JSON_DEPTH`` deep, that the
    (decoded) ``raw`` must hold; raise ``MalformedToken`` otherwise."""
    if nesting_exceeds(raw):
        raise MalformedToken(f"malformed token: {what} is not JSON")
    try:
        text = raw.decode("utf-8")
        value = _parse(text)
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedToken(f"malformed token: {what} is not JSON") from exc
    if not isinstance(value, dict):
        raise MalformedToken(f"malformed token: {what} is not a JSON object")
    # Only an escape can produce a lone surrogate: plain tokens skip the check.
    if "\\u" in text and not _is_valid_unicode(value):
        raise MalformedToken(f"malformed token: {what} is not valid Unicode")
    return value


def split_token(token, max_bytes: int) -> list[str]:
    """The three segments of ``token``; raise ``MalformedToken`` or ``TokenTooLarge``."""
    _, first_dot, second_dot = split_token_bytes(token, max_bytes)
    return [token[:first_dot], token[first_dot + 1 : second_dot], token[second_dot + 1 :]]


def split_token_bytes(token, max_bytes: int) -> tuple[bytes, int, int]:
    """``token`` as ASCII bytes, with the positions of its two dots; raise
    ``MalformedToken`` or ``TokenTooLarge``.

    The verifier's split: the segments are sliced from one copy of the token, and the
    signing input (everything before the second dot) needs no copy of its own."""
    if not isinstance(token, str):
        raise MalformedToken("malformed token: not a string")
    if len(token) > max_bytes:
        raise TokenTooLarge()
    try:
        raw = token.encode("ascii")
    except UnicodeEncodeError:
        raise MalformedToken("malformed token: not ASCII") from None
    first = raw.find(b".")
    second = raw.find(b".", first + 1) if first >= 0 else -1
    if second < 0 or raw.find(b".", second + 1) >= 0:
        raise MalformedToken("malformed token: expected three dot-separated segments")
    return raw, first, second


def parse_token(token, max_bytes: int) -> UnverifiedToken:
    """Split and decode ``token``; raise ``MalformedToken`` or ``TokenTooLarge``."""
    header_segment, payload_segment, signature_segment = split_token(token, max_bytes)
    header = decode_json_object(header_segment, "header")
    claims = decode_json_object(payload_segment, "payload")
    signature = decode_segment(signature_segment, "signature")
    signing_input = f"{header_segment}.{payload_segment}".encode("ascii")
    return UnverifiedToken(header, claims, signing_input, signature)
