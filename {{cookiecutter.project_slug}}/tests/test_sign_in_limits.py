"""The sign-in rate limits hold across processes: two gunicorn servers share one Redis.

Cognito is a local server speaking its JSON protocol that refuses every password but
tessa's (as it does a wrong one), so each attempt is a real failure without an emulator to
start; tessa's sign-in asks for an authenticator code, and a wrong code is a failure too.
"""

import itertools

import pytest
import redis
import requests

from djognito.testing import SigningKey
from scripts.cognito_challenges import ChallengeUser, CognitoChallengeServer
from scripts.redis_server import RedisServer

from .processes import ApiServer, server_environment

POOL_ID = "eu-west-1_Limits1"
CLIENT_ID = "limitsclient1"
WRONG_PASSWORD = "Wrong-Passw0rd!"
TESSA = ChallengeUser("tessa", "Tessa-Passw0rd!", ("SOFTWARE_TOKEN_MFA",), code="123456")


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    """Two gunicorn servers of the project, counting in the same Redis."""
    folder = tmp_path_factory.mktemp("limits")
    issuer = f"https://cognito-idp.eu-west-1.amazonaws.com/{POOL_ID}"
    cognito = CognitoChallengeServer(SigningKey.generate("limits"), issuer, CLIENT_ID, [TESSA])
    with cognito, RedisServer() as cache:
        environment = server_environment(
            folder,
            DJANGO_CACHE_URL=cache.url,
            AWS_COGNITO_USER_POOL_ID=POOL_ID,
            AWS_COGNITO_APP_CLIENT_ID=CLIENT_ID,
            AWS_COGNITO_ENDPOINT_URL=cognito.url,
            AWS_COGNITO_JWKS_URL="http://127.0.0.1:9/unused/.well-known/jwks.json",
        )
        servers = [ApiServer(environment, folder / f"server{n}.log") for n in (1, 2)]
        try:
            for server in servers:
                server.start()
            yield servers, cache
        finally:
            for server in servers:
                server.stop()


def post(server: ApiServer, path: str, body: dict, cookies=None) -> requests.Response:
    """``POST`` as a browser would, with the CSRF cookie and token (and ``cookies``) sent by
    hand: the served project is not in DEBUG, so its cookies are Secure."""
    csrf = requests.get(f"{server.url}/api/csrf/", timeout=10)
    return requests.post(
        f"{server.url}{path}",
        json=body,
        headers={"X-CSRFToken": csrf.json()["csrfToken"]},
        cookies={"csrftoken": csrf.cookies["csrftoken"], **(cookies or {})},
        timeout=10,
    )


def sign_in(server: ApiServer, username: str, password: str | None = None):
    """``POST /api/auth/login/`` (with a wrong password unless ``password`` is given)."""
    body = {"username": username, "password": password or WRONG_PASSWORD}
    return post(server, "/api/auth/login/", body)


def test_five_failures_on_either_server_lock_the_username_on_both(two_servers):
    servers, cache = two_servers
    redis.Redis.from_url(cache.url).flushall()  # no counts from another test
    alternating = itertools.cycle(servers)
    answers = [sign_in(next(alternating), "Harriet").status_code for _ in range(5)]
    assert answers == [401] * 5
    for server in servers:
        locked = sign_in(server, "harriet")
        assert locked.status_code == 429
        assert locked.json()["code"] == "too_many_attempts"
        assert int(locked.headers["Retry-After"]) > 0


def test_one_address_is_counted_across_both_servers(two_servers):
    servers, cache = two_servers
    redis.Redis.from_url(cache.url).flushall()  # no counts from another test
    alternating = itertools.cycle(servers)
    # Other usernames each time: only the address limit (30 a minute) applies.
    answers = [sign_in(next(alternating), f"user{n}").status_code for n in range(31)]
    assert answers == [401] * 30 + [429]


def test_five_wrong_codes_on_either_server_lock_the_username_on_both(two_servers):
    servers, cache = two_servers
    redis.Redis.from_url(cache.url).flushall()  # no counts from another test
    asked = sign_in(servers[0], TESSA.username, TESSA.password)
    assert asked.json()["challenge"] == "SOFTWARE_TOKEN_MFA"
    pending = {"cognitoChallenge": asked.cookies["cognitoChallenge"]}
    alternating = itertools.cycle(servers)
    answers = [
        post(next(alternating), "/api/auth/challenge/", {"code": "000000"}, pending).status_code
        for _ in range(5)
    ]
    assert answers == [400] * 5
    for server in servers:
        locked = post(server, "/api/auth/challenge/", {"code": TESSA.code}, pending)
        assert locked.status_code == 429
        assert int(locked.headers["Retry-After"]) > 0
