"""Property tests: random strings and mutated real tokens only ever get a 401.

Hypothesis makes the inputs; each goes over HTTP (Django test client) by header and by
cookie. Never a 200 for anything but the untouched token, never a 500. Every token one
edit away from a real one is checked at the verifier, in process; a few of them over HTTP.
"""

import dataclasses
import os

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from djognito.conf import load_config
from djognito.core.verifier import TokenVerifier
from djognito.errors import TokenError
from djognito.testing import b64url_json, encode_token

BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

# HTTP headers reach Django as latin-1 text: nothing beyond U+00FF can arrive.
LATIN1_TEXT = st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=300)
TOKEN_LIKE = st.lists(st.text(alphabet=BASE64URL, max_size=80), min_size=1, max_size=5).map(
    ".".join
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=10,
)

PROPERTY_SETTINGS = settings(
    # Each example is two requests, most also an RSA signature: 100 per property and run.
    max_examples=100,
    deadline=None,
    database=None,
    # Fresh random examples on a developer's machine; the same examples on CI, so a run
    # there fails only when the code changed.
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def refused(api_client, settings):
    """Asserts that a token is refused with 401, by header and by cookie."""

    def check(token):
        by_header = api_client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {token}")
        api_client.cookies[settings.ACCESS_TOKEN_KEY] = token
        by_cookie = api_client.get("/api/me/")
        api_client.cookies.clear()
        for response in (by_header, by_cookie):
            assert response.status_code == 401, (response.status_code, response.content)
            assert "detail" in response.json()
            if len(token) > 40:
                assert token not in response.content.decode()

    return check


@PROPERTY_SETTINGS
@given(token=LATIN1_TEXT | TOKEN_LIKE)
def test_random_strings_are_refused(refused, token):
    refused(token)


def a_few_mutations(token: str) -> list[str]:
    """One edit of each kind (replace, delete, insert, reverse the rest) in each segment."""
    header, payload, _ = token.split(".")
    mutated = []
    for position in (len(header) // 2, len(header) + 1 + len(payload) // 2, len(token) - 3):
        other = "A" if token[position] != "A" else "B"
        mutated += [
            token[:position] + other + token[position + 1 :],
            token[:position] + token[position + 1 :],
            token[:position] + "." + token[position:],
            token[:position] + token[position:][::-1],
        ]
    return mutated


def test_mutated_tokens_are_refused_by_header_and_cookie(refused, tokens):
    # Every one-edit mutation is refused at the verifier (below); over HTTP, a few of them.
    token = tokens.token("alice", groups=["readers"])
    for mutated in set(a_few_mutations(token)) - {token}:  # a reversed palindrome is no edit
        refused(mutated)


@PROPERTY_SETTINGS
@given(header=st.dictionaries(st.text(max_size=10), JSON_VALUES, max_size=4), claims=JSON_VALUES)
def test_arbitrary_json_under_any_key_is_refused(refused, tokens, signing_key, header, claims):
    # Signed by the pool's own key, yet neither header nor claims are Cognito's: refused.
    refused(encode_token(header, claims, signing_key))


def acceptable(claim, value, config) -> bool:
    """Whether Cognito's rules allow ``value`` for ``claim`` (so it proves nothing)."""
    if claim in ("exp", "iat"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if claim == "sub":
        return isinstance(value, str) and bool(value)
    if claim == "cognito:groups":
        return value is None or (isinstance(value, list) and all(isinstance(g, str) for g in value))
    if claim == config.client_claim:
        return value in config.app_client_ids
    if claim in ("client_id", "aud"):
        return True  # the other token use's client claim: not checked
    return value == {"iss": config.issuer, "token_use": config.token_use}[claim]


@PROPERTY_SETTINGS
@given(
    claim=st.sampled_from(
        ["exp", "iat", "iss", "token_use", "client_id", "aud", "sub", "cognito:groups"]
    ),
    value=JSON_VALUES,
)
def test_a_claim_of_any_wrong_value_is_refused(refused, tokens, claim, value):
    assume(not acceptable(claim, value, load_config()))
    refused(tokens.token("alice", groups=["readers"], **{claim: value}))


def test_unsigned_header_and_claims_alone_are_refused(refused, tokens):
    claims = tokens.claims("alice")
    refused(f"{b64url_json({'alg': 'RS256', 'kid': tokens.key.kid})}.{b64url_json(claims)}.")


def single_character_mutations(token: str):
    """Every token one edit away: each character replaced, deleted, or preceded by another;
    and the token with the rest of it reversed from each position."""
    alphabet = BASE64URL + ".=+/ "
    for position in range(len(token)):
        yield token[:position] + token[position + 1 :]
        yield token[:position] + token[position:][::-1]
        for character in alphabet:
            yield token[:position] + character + token[position + 1 :]
            yield token[:position] + character + token[position:]
    for character in alphabet:
        yield token + character


def test_every_single_character_mutation_is_refused(tokens):
    # Exhaustive, at the verifier (no HTTP): about 111,000 tokens, a few seconds.
    verifier = TokenVerifier(dataclasses.replace(load_config(), token_cache_size=0))
    token = tokens.token("alice", groups=["readers"])
    assert verifier.verify(token)["sub"] == "sub-alice"
    accepted = []
    for mutated in single_character_mutations(token):
        if mutated == token:
            continue
        try:
            verifier.verify(mutated)
        except TokenError:
            continue
        accepted.append(mutated)
    assert accepted == []
