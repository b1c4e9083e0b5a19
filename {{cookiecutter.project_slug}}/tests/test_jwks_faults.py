"""The key set (JWKS) under faults, against a real HTTP server on 127.0.0.1.

Requests go through the Django test client. Time for the TTL and the cool-down is a fake
clock on the process-wide key set, moved by the tests: nothing here sleeps for them.
"""

import socket
import threading
import time

import pytest
from rest_framework.test import APIClient

from djognito.jwt_utils import get_verifier
from djognito.testing import SigningKey, b64url, jwks_document

UNAVAILABLE = "signing keys unavailable"
UNKNOWN_KEY = "token signed with an unknown key"
FOREIGN_ISSUER = "token issued by another issuer"
CODES = {
    UNAVAILABLE: "signing_keys_unavailable",
    UNKNOWN_KEY: "unknown_key",
    FOREIGN_ISSUER: "invalid_issuer",
}


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: float = 10_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def key_set_on(clock: FakeClock):
    """The process-wide key set, driven by ``clock`` (call after changing settings)."""
    keyset = get_verifier().keyset
    keyset.clock = clock
    return keyset


def me(token, client=None):
    client = client or APIClient()
    return client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {token}")


def assert_refused(response, reason):
    assert response.status_code == 401
    assert response.json() == {"detail": reason, "code": CODES[reason]}
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def closed_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture(scope="module")
def new_key():
    """The key the pool rotates to."""
    return SigningKey.generate("test-key-2")


def test_key_set_is_fetched_once_for_many_requests(tokens, jwks_server):
    for name in ("alice", "bob", "carol", "dave"):
        assert me(tokens.token(name)).status_code == 200
    assert jwks_server.fetches == 1


def test_unreachable_key_set_fails_closed(tokens, settings, clock, caplog):
    settings.AWS_COGNITO_JWKS_URL = f"http://127.0.0.1:{closed_port()}/pool/.well-known/jwks.json"
    keyset = key_set_on(clock)
    assert_refused(me(tokens.token()), UNAVAILABLE)
    assert "JWKS fetch from" in caplog.text
    # Within the cool-down, further requests fail fast without another attempt.
    assert_refused(me(tokens.token()), UNAVAILABLE)
    assert keyset.fetch_count == 1


def test_slow_key_set_fails_closed_within_the_timeout(tokens, settings, jwks_server):
    settings.AWS_COGNITO_JWKS_TIMEOUT_SECONDS = 0.4
    jwks_server.behaviour, jwks_server.delay = "slow", 3.0
    started = time.monotonic()
    response = me(tokens.token())
    elapsed = time.monotonic() - started
    assert_refused(response, UNAVAILABLE)
    assert elapsed < 1.5
    assert jwks_server.fetches == 1  # the whole budget went to the first attempt


@pytest.mark.parametrize(
    ("behaviour", "requests_made"),
    [
        ("error", 2),  # HTTP 500: may pass, retried once
        ("close", 2),  # connection dropped: retried once
        ("html", 1),  # a login page instead of JSON: not retried
        ("garbage", 1),
        ("wrong-shape", 1),
    ],
)
def test_broken_key_set_response_fails_closed(tokens, jwks_server, behaviour, requests_made):
    jwks_server.behaviour = behaviour
    assert_refused(me(tokens.token()), UNAVAILABLE)
    assert jwks_server.fetches == requests_made


def public_jwk_of_size(bits):
    return SigningKey.generate("test-key-1", bits=bits).jwk()


def private_jwk(key):
    """The key pair itself, private exponent included: never to be used as a public key."""
    d = key.private_key.private_numbers().d
    return {**key.jwk(), "d": b64url(d.to_bytes((d.bit_length() + 7) // 8, "big"))}


UNUSABLE_DOCUMENTS = {
    "empty-key-set": lambda key: {"keys": []},
    "not-a-key-list": lambda key: {"keys": {"test-key-1": key.jwk()}},
    "json-array": lambda key: [key.jwk()],
    "ec-key-only": lambda key: {
        "keys": [{"kty": "EC", "kid": key.kid, "crv": "P-256", "x": "AAAA", "y": "AAAA"}]
    },
    "key-for-rs512": lambda key: {"keys": [key.jwk(alg="RS512")]},
    "key-for-encryption": lambda key: {"keys": [key.jwk(use="enc")]},
    "key-without-kid": lambda key: {"keys": [{**key.jwk(), "kid": ""}]},
    "private-key-published": lambda key: {"keys": [private_jwk(key)]},
    "key-of-1024-bits": lambda key: {"keys": [public_jwk_of_size(1024)]},
    "malformed-modulus": lambda key: {"keys": [key.jwk(n="!!")]},
    "same-kid-twice": lambda key: {"keys": [key.jwk(), public_jwk_of_size(2048)]},
    "too-large": lambda key: {"keys": [key.jwk()], "padding": "x" * 600_000},
}


@pytest.mark.parametrize("make", UNUSABLE_DOCUMENTS.values(), ids=UNUSABLE_DOCUMENTS.keys())
def test_key_set_without_a_usable_key_fails_closed(tokens, jwks_server, signing_key, make):
    jwks_server.document = make(signing_key)
    assert_refused(me(tokens.token()), UNAVAILABLE)


def test_rotation_is_picked_up_within_one_cool_down(
    tokens, jwks_server, signing_key, new_key, clock
):
    keyset = key_set_on(clock)
    assert me(tokens.token()).status_code == 200
    jwks_server.document = jwks_document(signing_key, new_key)
    rotated = tokens.token("bob", key=new_key)
    # Just after a fetch the new kid is not looked for yet (flood protection)...
    assert_refused(me(rotated), UNKNOWN_KEY)
    assert jwks_server.fetches == 1
    # ...and once the cool-down has passed, one refetch finds it.
    clock.advance(keyset.cooldown)
    assert me(rotated).status_code == 200
    assert me(tokens.token()).status_code == 200
    assert jwks_server.fetches == 2


def test_removed_key_stops_being_trusted_after_the_ttl(
    tokens, jwks_server, signing_key, new_key, clock
):
    keyset = key_set_on(clock)
    old_token = tokens.token("alice")
    assert me(old_token).status_code == 200
    jwks_server.document = jwks_document(new_key)
    clock.advance(keyset.ttl - 1)
    assert me(old_token).status_code == 200  # the key set is still fresh: no fetch yet
    assert jwks_server.fetches == 1
    clock.advance(1)
    assert_refused(me(old_token), UNKNOWN_KEY)
    assert_refused(me(tokens.token("bob")), UNKNOWN_KEY)
    assert me(tokens.token("carol", key=new_key)).status_code == 200
    assert jwks_server.fetches == 2


def test_failed_refresh_keeps_the_previous_keys(tokens, jwks_server, clock, caplog):
    keyset = key_set_on(clock)
    assert me(tokens.token()).status_code == 200
    jwks_server.behaviour = "error"
    clock.advance(keyset.ttl)
    assert me(tokens.token("bob")).status_code == 200
    assert "JWKS fetch from" in caplog.text
    assert keyset.fetch_count == 2
    # The failed attempt is not repeated before the cool-down, however many requests come.
    for name in ("carol", "dave", "erin"):
        assert me(tokens.token(name)).status_code == 200
    assert keyset.fetch_count == 2


def test_unknown_kid_flood_refetches_at_most_once_per_cool_down(
    tokens, jwks_server, other_key, clock
):
    keyset = key_set_on(clock)
    assert me(tokens.token()).status_code == 200
    made_up = [
        tokens.token("mallory", header={"kid": f"made-up-{n}", "alg": "RS256"}, key=other_key)
        for n in range(40)
    ]
    for token in made_up[:20]:
        assert_refused(me(token), UNKNOWN_KEY)
    assert jwks_server.fetches == 1  # within the cool-down of the first fetch
    clock.advance(keyset.cooldown)
    for token in made_up[20:]:
        assert_refused(me(token), UNKNOWN_KEY)
    assert jwks_server.fetches == 2
    assert keyset.fetch_count == 2


def test_a_foreign_issuer_costs_no_key_set_fetch(tokens, jwks_server, other_key, clock):
    # One pool, as with several: a token of an unconfigured iss is refused before its kid
    # is looked up, so made-up kids from another issuer never reach Cognito.
    keyset = key_set_on(clock)
    foreign = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Foreign9"

    def foreign_token(n):
        header = {"kid": f"foreign-{n}", "alg": "RS256"}
        return tokens.token("mallory", header=header, key=other_key, iss=foreign)

    assert_refused(me(foreign_token(1)), FOREIGN_ISSUER)  # cold: no key set yet
    assert jwks_server.fetches == 0
    assert me(tokens.token()).status_code == 200
    clock.advance(keyset.cooldown)  # an unknown kid could trigger a refetch now
    assert_refused(me(foreign_token(2)), FOREIGN_ISSUER)
    assert jwks_server.fetches == keyset.fetch_count == 1


def test_concurrent_cold_requests_share_one_fetch(tokens, jwks_server):
    jwks_server.behaviour, jwks_server.delay = "slow", 0.3  # keep the fetch in flight
    users = [f"user{n}" for n in range(8)]
    tokens_by_user = {user: tokens.token(user) for user in users}
    start = threading.Barrier(len(users))
    statuses = {}

    def call(user):
        client = APIClient()
        start.wait()
        statuses[user] = me(tokens_by_user[user], client).status_code

    threads = [threading.Thread(target=call, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert statuses == dict.fromkeys(users, 200)
    assert jwks_server.fetches == 1
    assert get_verifier().keyset.fetch_count == 1


def test_service_recovers_within_the_cool_down_after_an_outage(tokens, jwks_server, clock):
    keyset = key_set_on(clock)
    jwks_server.behaviour = "error"
    assert_refused(me(tokens.token()), UNAVAILABLE)
    jwks_server.behaviour = "ok"
    # Nothing from the outage is kept beyond the cool-down...
    clock.advance(keyset.cooldown - 1)
    assert_refused(me(tokens.token()), UNAVAILABLE)
    assert keyset.fetch_count == 1
    # ...after which the next request fetches again and is served.
    clock.advance(1)
    assert me(tokens.token()).status_code == 200
    assert keyset.fetch_count == 2
    assert keyset.status()["keys"] == 1


def test_key_set_defaults_follow_the_contract(settings):
    keyset = get_verifier().keyset
    assert (keyset.timeout, keyset.retries) == (3.0, 1)  # 3 s for a fetch, its retry included
    assert (keyset.ttl, keyset.cooldown) == (3600, 30)
