"""Nesting and numbers: whatever a token's JSON holds, the answer is 200 or 401, never 500,
and the same on every Python.

The verifier bounds the nesting itself (``MAX_JSON_DEPTH``) before any parser reads the
text, so the answer at each depth is fixed: accepted up to the bound when signed by the
pool, "not JSON" beyond it. Numbers are read as they are (integers up to the interpreter's
4,300 digits); the time claims, which the rules compute with, must be finite numbers within
I-JSON's exact range.
"""

import dataclasses
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from djognito.conf import load_config
from djognito.core.claims import MAX_TIMESTAMP
from djognito.core.jws import MAX_JSON_DEPTH
from djognito.core.verifier import TokenVerifier
from djognito.errors import InvalidSignature, MalformedToken
from djognito.testing import b64url

from .test_token_properties import PROPERTY_SETTINGS

MAX_TESTED_DEPTH = 1100
# Nine of every ten levels an array, one an object: the shortest text that reaches 1,100
# levels of both kinds, within the token size bound.
OBJECT_EVERY = 10
WRONG_SIGNATURE = b64url(bytes(256))
TIME_CLAIMS = ("exp", "iat", "nbf", "auth_time")

# The property tests' settings (fixtures, no deadline, the same examples on CI), with fewer
# examples: most of these are several kilobytes and an RSA signature each.
BOUNDS_SETTINGS = settings(PROPERTY_SETTINGS, max_examples=60)


def nested(levels: int, kinds=None) -> str:
    """JSON text ``levels`` deep (0: a number), each level an array or an object."""
    kinds = kinds or ["object" if level % OBJECT_EVERY == 1 else "array" for level in range(levels)]
    opening = "".join('{"a":' if kind == "object" else "[" for kind in kinds)
    closing = "".join("}" if kind == "object" else "]" for kind in reversed(kinds))
    return f"{opening}0{closing}"


def with_member(text: str, name: str, value_text: str) -> str:
    """The JSON object ``text`` with one more member, written as given."""
    return f'{text[:-1]},"{name}":{value_text}}}'


def token_from_texts(header_text: str, payload_text: str, key, signed: bool) -> str:
    signing_input = f"{b64url(header_text.encode())}.{b64url(payload_text.encode())}"
    signature = b64url(key.sign(signing_input.encode())) if signed else WRONG_SIGNATURE
    return f"{signing_input}.{signature}"


def json_text(value: dict) -> str:
    return json.dumps(value, separators=(",", ":"))


@pytest.fixture
def deep_token(tokens):
    """A token whose header or payload (``where``) nests ``depth`` levels in all."""

    def build(where: str, depth: int, signed: bool, kinds=None) -> str:
        header = json_text({"kid": tokens.key.kid, "alg": "RS256"})
        payload = json_text(tokens.claims("alice"))  # no groups: the payload is one level
        if depth > 1:
            extra = nested(depth - 1, kinds)
            if where == "header":
                header = with_member(header, "x-deep", extra)
            else:
                payload = with_member(payload, "custom:deep", extra)
        return token_from_texts(header, payload, tokens.key, signed)

    return build


def expected_refusal(where: str, depth: int, signed: bool):
    """What the verifier must raise for such a token (None: it is accepted)."""
    if depth > MAX_JSON_DEPTH:
        return MalformedToken, f"malformed token: {where} is not JSON"
    if not signed:
        return InvalidSignature, "invalid token signature"
    return None


def answer(api_client, token: str, by_cookie: bool, settings):
    if by_cookie:
        api_client.cookies[settings.ACCESS_TOKEN_KEY] = token
        response = api_client.get("/api/me/")
        api_client.cookies.clear()
        return response
    return api_client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
@pytest.mark.parametrize("where", ["header", "payload"])
def test_every_depth_up_to_1100_has_one_answer(deep_token, where, signed):
    # At the verifier, every depth: accepted (signed) or a TokenError up to the bound, "not
    # JSON" beyond it. The cache is off so that each token is read in full.
    verifier = TokenVerifier(dataclasses.replace(load_config(), token_cache_size=0))
    wrong = []
    for depth in range(1, MAX_TESTED_DEPTH + 1):
        token = deep_token(where, depth, signed)
        assert len(token) <= verifier.max_token_bytes
        expected = expected_refusal(where, depth, signed)
        try:
            verifier.verify(token)
            outcome = None
        except (MalformedToken, InvalidSignature) as exc:
            outcome = type(exc), str(exc)
        if outcome != expected:
            wrong.append((depth, outcome))
    assert wrong == []


@BOUNDS_SETTINGS
@given(
    where=st.sampled_from(["header", "payload"]),
    depth=st.integers(1, MAX_TESTED_DEPTH) | st.sampled_from([MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1]),
    signed=st.booleans(),
    by_cookie=st.booleans(),
    data=st.data(),
)
def test_any_nesting_over_http_is_200_or_401(
    api_client, settings, deep_token, where, depth, signed, by_cookie, data
):
    levels = data.draw(
        st.lists(st.sampled_from(["array", "object"]), min_size=depth - 1, max_size=depth - 1)
    )
    response = answer(
        api_client, deep_token(where, depth, signed, levels or None), by_cookie, settings
    )
    expected = expected_refusal(where, depth, signed)
    if expected is None:
        assert response.status_code == 200, response.content
    else:
        assert response.status_code == 401
        assert response.json()["detail"] == expected[1]


# Number texts of every size and kind JSON allows, and some it does not.
DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=5000)
NUMBER_TEXTS = st.one_of(
    st.integers().map(str),
    st.integers(min_value=-(10**400), max_value=10**400).map(str),
    st.tuples(st.sampled_from(["", "-"]), DIGITS).map("".join),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.tuples(st.integers(-(10**20), 10**20), st.integers(0, 10**6), st.integers(-500, 500)).map(
        lambda parts: f"{parts[0]}.{parts[1]}e{parts[2]}"
    ),
    st.sampled_from(["1e999", "-1e999", "0.5", "-0.0", "1E+2", "9" * 4301, "2e308"]),
)
NUMBER_CLAIMS = (
    *TIME_CLAIMS,
    "sub",
    "username",
    "client_id",
    "scope",
    "jti",
    "origin_jti",
    "custom:number",
)


@BOUNDS_SETTINGS
@given(
    numbers=st.dictionaries(st.sampled_from(NUMBER_CLAIMS), NUMBER_TEXTS, min_size=1, max_size=4),
    in_groups=st.booleans(),
)
def test_numbers_of_any_size_and_type_in_any_claim_are_200_or_401(
    api_client, tokens, numbers, in_groups
):
    claims = tokens.claims("alice", groups=["readers"] if not in_groups else ())
    for name in numbers:
        claims.pop(name, None)
    payload = json_text(claims)
    for name, text in numbers.items():
        payload = with_member(payload, name, text)
    if in_groups:
        payload = with_member(payload, "cognito:groups", f"[{next(iter(numbers.values()))}]")
    header = json_text({"kid": tokens.key.kid, "alg": "RS256"})
    token = token_from_texts(header, payload, tokens.key, signed=True)
    response = api_client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code in (200, 401), response.content
    if response.status_code == 401:
        assert set(response.json()) == {"detail", "code"}


@pytest.mark.parametrize("claim", TIME_CLAIMS)
@pytest.mark.parametrize(
    "text",
    [str(10**400), str(-(10**400)), str(MAX_TIMESTAMP + 1), "1e999", "-1e999"],
    ids=["huge", "huge-negative", "beyond-exact", "infinite", "minus-infinite"],
)
def test_a_time_claim_out_of_range_beside_a_fraction_is_401(api_client, tokens, claim, text):
    # A fraction in the other time claims: arithmetic between a float and a huge integer
    # would overflow.
    claims = tokens.claims("alice")
    now = claims["iat"]
    claims.update(exp=claims["exp"] + 0.5, iat=now + 0.5, nbf=now - 0.5, auth_time=now + 0.5)
    claims.pop(claim)
    payload = with_member(json_text(claims), claim, text)
    token = token_from_texts(
        json_text({"kid": tokens.key.kid, "alg": "RS256"}), payload, tokens.key, signed=True
    )
    response = api_client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401, response.content


@pytest.mark.parametrize("text", [str(MAX_TIMESTAMP), str(10**100), "-" + "9" * 4300, "1e999"])
def test_a_custom_number_of_any_size_is_read_as_it_is(api_client, tokens, text):
    payload = with_member(json_text(tokens.claims("alice")), "custom:n", text)
    token = token_from_texts(
        json_text({"kid": tokens.key.kid, "alg": "RS256"}), payload, tokens.key, signed=True
    )
    assert api_client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
