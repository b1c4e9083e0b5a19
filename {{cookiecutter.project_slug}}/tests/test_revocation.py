"""Revocation against a real redis-server: tokens revoked by sign-in or by user, shared by
every process, and a Redis outage answered with 503 (never 500)."""

import io
import logging
import time

import pytest
import redis
from django.core.cache import caches
from django.core.management import CommandError, call_command

from djognito import state
from djognito.checks import check_cognito_settings
from djognito.conf import load_config
from djognito.errors import RevocationUnavailable, TokenRevoked
from djognito.revocation.checks import check_revocation_cache
from djognito.revocation.deny_list import RevocationList, origin_jti_key, username_key
from djognito.testing import TokenFactory, jwks_document
from scripts.cognito_fakes import JWKSServer, PoolKeySetServer
from scripts.ports import free_port
from scripts.redis_server import RedisServer

from .processes import ApiServer, run_python, server_environment

REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"
POOL_A, POOL_B = "eu-west-1_PoolA1", "us-east-1_PoolB2"


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def redis_cache(url: str) -> dict:
    """A CACHES entry for Django's Redis backend, with the settings' short timeouts."""
    options = {"socket_connect_timeout": 1, "socket_timeout": 1}
    return {"default": {"BACKEND": REDIS_BACKEND, "LOCATION": url, "OPTIONS": options}}


@pytest.fixture(scope="module")
def redis_server():
    """A real redis-server on a free loopback port, stopped by pid after the module."""
    with RedisServer() as server:
        yield server


@pytest.fixture
def revocation_on(settings, redis_server):
    """Revocation on, with the deny-list in the real Redis, emptied for each test."""
    settings.CACHES = redis_cache(redis_server.url)
    settings.AWS_COGNITO_REVOCATION = True
    # Every request asks Redis, so a revocation shows on the very next request.
    settings.AWS_COGNITO_REVOCATION_RECHECK_SECONDS = 0
    caches["default"].clear()
    return state.revocation_list()


def test_a_revoked_sign_in_is_refused_and_other_sign_ins_are_not(api_client, tokens, revocation_on):
    alice, bob = tokens.token("alice"), tokens.token("bob")
    assert api_client.get("/api/me/", **bearer(alice)).status_code == 200
    revocation_on.revoke_origin_jti("origin-alice")
    response = api_client.get("/api/me/", **bearer(alice))
    assert response.status_code == 401
    assert response.json() == {
        "detail": "token revoked: its sign-in was revoked",
        "code": "token_revoked",
    }
    assert "token revoked" in response["WWW-Authenticate"]
    assert api_client.get("/api/me/", **bearer(bob)).status_code == 200


def test_a_username_cut_off_refuses_older_tokens_only(api_client, tokens, revocation_on):
    now = time.time()
    old = tokens.token("alice", iat=int(now) - 60, origin_jti="sign-in-1")
    call_command("revoke_tokens", username="alice", stdout=None)
    newer = tokens.token("alice", iat=int(now) + 2, origin_jti="sign-in-2")
    response = api_client.get("/api/me/", **bearer(old))
    assert response.status_code == 401
    assert response.json()["detail"] == "token revoked: the user's tokens were revoked"
    assert api_client.get("/api/me/", **bearer(newer)).status_code == 200
    assert api_client.get("/api/me/", **bearer(tokens.token("bob"))).status_code == 200


def test_a_username_cut_off_matches_the_username_in_any_case(api_client, tokens, revocation_on):
    token = tokens.token("gina", iat=int(time.time()) - 60)
    assert api_client.get("/api/me/", **bearer(token)).status_code == 200
    call_command("revoke_tokens", username="GINA", stdout=io.StringIO())
    response = api_client.get("/api/me/", **bearer(token))
    assert response.status_code == 401
    assert response.json()["detail"] == "token revoked: the user's tokens were revoked"


@pytest.fixture
def two_pools(settings, signing_key, revocation_on):
    """Pools A and B configured (one key set server for both), revocation on."""
    documents = {POOL_A: jwks_document(signing_key), POOL_B: jwks_document(signing_key)}
    with PoolKeySetServer(documents) as key_sets:
        settings.AWS_COGNITO_REGION = ""
        settings.AWS_COGNITO_USER_POOL_ID = f"{POOL_A},{POOL_B}"
        settings.AWS_COGNITO_JWKS_URL = key_sets.url_template
        yield settings


def pool_tokens(signing_key, pool_id: str) -> TokenFactory:
    """Tokens of ``pool_id`` (one of the two pools) for the configured client."""
    config = load_config()
    region = pool_id.split("_")[0]
    issuer = f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"
    return TokenFactory(signing_key, issuer, config.app_client_ids[0], config.token_use)


def test_a_username_cut_off_leaves_the_same_name_in_another_pool_alone(
    api_client, two_pools, signing_key
):
    iat = int(time.time()) - 60
    alice_a = pool_tokens(signing_key, POOL_A).token("alice", iat=iat, origin_jti="in-a")
    alice_b = pool_tokens(signing_key, POOL_B).token("alice", iat=iat, origin_jti="in-b")
    call_command("revoke_tokens", username="Alice", pool=POOL_A, stdout=io.StringIO())
    assert api_client.get("/api/me/", **bearer(alice_a)).status_code == 401
    assert api_client.get("/api/me/", **bearer(alice_b)).status_code == 200


def test_the_command_needs_the_pool_when_several_are_configured(two_pools):
    with pytest.raises(CommandError, match=f"--pool.*{POOL_A}.*{POOL_B}"):
        call_command("revoke_tokens", username="alice")
    with pytest.raises(CommandError, match="not a configured pool"):
        call_command("revoke_tokens", username="alice", pool="eu-west-1_Typo1")
    assert caches["default"].get(username_key("alice", POOL_A)) is None


def test_the_command_refuses_a_pool_other_than_the_configured_one(revocation_on):
    with pytest.raises(CommandError, match="not a configured pool"):
        call_command("revoke_tokens", username="alice", pool=POOL_B)


def revoke_and_report(**arguments) -> str:
    """What ``manage.py revoke_tokens`` prints for ``arguments``."""
    out = io.StringIO()
    call_command("revoke_tokens", stdout=out, **arguments)
    return out.getvalue()


def test_the_command_reports_the_cut_off_it_recorded(revocation_on):
    pool = load_config().user_pool_id
    first = revoke_and_report(username=" GINA ")
    assert f"pool {pool}, user 'gina' (normalised from 'GINA')" in first
    assert "no earlier cut-off" in first
    assert "cannot tell how many tokens" in first
    again = revoke_and_report(username="gina")
    assert "replaces the cut-off of" in again
    assert "normalised from" not in again


def test_the_command_reports_a_sign_in_already_revoked(revocation_on):
    assert "already" not in revoke_and_report(origin_jti="sign-in-of-ivan")
    assert "was already revoked" in revoke_and_report(origin_jti="sign-in-of-ivan")


def test_a_cut_off_never_moves_back(revocation_on):
    later = revocation_on.revoke_username("judy", POOL_A, at=2000.0)
    assert revocation_on.revoke_username("JUDY", POOL_A, at=1000.0) == later == 2000.0
    assert revocation_on.cut_off("judy", POOL_A) == 2000.0


def test_the_command_revokes_a_sign_in(api_client, tokens, revocation_on, capsys):
    token = tokens.token("carol", origin_jti="sign-in-of-carol")
    call_command("revoke_tokens", origin_jti="sign-in-of-carol")
    assert "Revoked every token of the sign-in" in capsys.readouterr().out
    assert api_client.get("/api/me/", **bearer(token)).status_code == 401


def test_entries_expire_with_the_longest_token_lifetime(redis_server, revocation_on):
    revocation_on.revoke_origin_jti("short-lived")
    revocation_on.revoke_username("dave", POOL_A)
    client = redis.Redis.from_url(redis_server.url)
    lifetime = 86400 + 5  # one day (Cognito's longest) plus the leeway
    for key in (origin_jti_key("short-lived"), username_key("dave", POOL_A)):
        assert lifetime - 5 <= client.ttl(caches["default"].make_key(key)) <= lifetime


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_process_trusts_a_clean_answer_for_the_recheck_window_only(revocation_on):
    clock = FakeClock()
    server = RevocationList(
        enabled=True, fail_open=False, entry_ttl_seconds=60, recheck_seconds=0.5, clock=clock
    )
    claims = {"origin_jti": "sign-in-w", "iat": 1}
    server.check(claims, "walter", POOL_A)
    revocation_on.revoke_origin_jti("sign-in-w")  # recorded by another process
    clock.now += 0.4
    server.check(claims, "walter", POOL_A)  # still inside the window: not asked again
    clock.now += 0.2
    with pytest.raises(TokenRevoked):
        server.check(claims, "walter", POOL_A)


def test_a_revocation_shows_at_once_in_the_process_that_made_it(revocation_on):
    local = RevocationList(
        enabled=True, fail_open=False, entry_ttl_seconds=60, recheck_seconds=0.9, clock=FakeClock()
    )
    claims = {"origin_jti": "sign-in-x", "iat": 1}
    local.check(claims, "xavier", POOL_A)
    local.revoke_origin_jti("sign-in-x")
    with pytest.raises(TokenRevoked):
        local.check(claims, "xavier", POOL_A)


def test_check_sign_in_refuses_a_revoked_sign_in(revocation_on):
    now = time.time()
    revocation_on.check_sign_in("sign-in-r", "rita", POOL_A, issued_at=now)
    revocation_on.revoke_origin_jti("sign-in-r")
    with pytest.raises(TokenRevoked, match="sign-in was revoked"):
        revocation_on.check_sign_in("sign-in-r", "rita", POOL_A, issued_at=now)
    revocation_on.check_sign_in("another-sign-in", "rita", POOL_A, issued_at=now)


def test_check_sign_in_refuses_sign_ins_up_to_the_users_cut_off(revocation_on):
    cutoff = revocation_on.revoke_username("RITA", POOL_A, at=time.time())
    for issued_at in (cutoff - 60, cutoff):
        with pytest.raises(TokenRevoked, match="user's tokens were revoked"):
            revocation_on.check_sign_in("sign-in-s", "rita", POOL_A, issued_at=issued_at)
    revocation_on.check_sign_in("sign-in-s", "rita", POOL_A, issued_at=cutoff + 1)
    revocation_on.check_sign_in("sign-in-s", "rita", POOL_B, issued_at=cutoff - 60)


def test_check_sign_in_asks_the_cache_every_time(revocation_on):
    # No recheck window: a refresh after a revocation by another process is refused at once.
    refresher = RevocationList(
        enabled=True, fail_open=False, entry_ttl_seconds=60, recheck_seconds=0.9, clock=FakeClock()
    )
    refresher.check_sign_in("sign-in-t", "trent", POOL_A, issued_at=time.time())
    revocation_on.revoke_origin_jti("sign-in-t")
    with pytest.raises(TokenRevoked):
        refresher.check_sign_in("sign-in-t", "trent", POOL_A, issued_at=time.time())


@pytest.mark.parametrize("fail_open", [False, True])
def test_check_sign_in_without_the_cache(settings, fail_open, caplog):
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{free_port()}/0")
    refresher = RevocationList(
        enabled=True, fail_open=fail_open, entry_ttl_seconds=60, recheck_seconds=0
    )
    with caplog.at_level(logging.ERROR, logger="djognito"):
        if fail_open:
            refresher.check_sign_in("sign-in-u", "uma", POOL_A, issued_at=time.time())
        else:
            with pytest.raises(RevocationUnavailable):
                refresher.check_sign_in("sign-in-u", "uma", POOL_A, issued_at=time.time())
    assert "revocation list unavailable" in caplog.text


def test_revocation_is_ignored_when_off(api_client, tokens, revocation_on, settings):
    revocation_on.revoke_origin_jti("origin-alice")
    settings.AWS_COGNITO_REVOCATION = False
    assert api_client.get("/api/me/", **bearer(tokens.token("alice"))).status_code == 200


def test_unreachable_cache_fails_closed_with_503(api_client, tokens, settings, caplog):
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{free_port()}/0")
    settings.AWS_COGNITO_REVOCATION = True
    token = tokens.token("alice")
    with caplog.at_level(logging.ERROR, logger="djognito"):
        response = api_client.get("/api/me/", **bearer(token))
    assert response.status_code == 503
    assert response.json() == {
        "detail": "token revocation list unavailable; try again later",
        "code": "revocation_unavailable",
    }
    assert "refusing the request" in caplog.text
    assert token not in caplog.text


def test_unreachable_cache_can_fail_open_with_an_error_log(api_client, tokens, settings, caplog):
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{free_port()}/0")
    settings.AWS_COGNITO_REVOCATION = True
    settings.AWS_COGNITO_REVOCATION_FAIL_OPEN = True
    with caplog.at_level(logging.ERROR, logger="djognito"):
        response = api_client.get("/api/me/", **bearer(tokens.token("alice")))
    assert response.status_code == 200
    assert [r.levelname for r in caplog.records if "fail open" in r.getMessage()] == ["ERROR"]


def test_redis_stopped_mid_run_gives_503_then_recovers(api_client, tokens, settings):
    server = RedisServer().start()
    try:
        settings.CACHES = redis_cache(server.url)
        settings.AWS_COGNITO_REVOCATION = True
        settings.AWS_COGNITO_REVOCATION_RECHECK_SECONDS = 0
        token = tokens.token("alice")
        assert api_client.get("/api/me/", **bearer(token)).status_code == 200
        port = server.port
        server.stop()
        assert [api_client.get("/api/me/", **bearer(token)).status_code for _ in range(3)] == [
            503
        ] * 3
        server = RedisServer(port=port).start()
        assert api_client.get("/api/me/", **bearer(token)).status_code == 200
    finally:
        server.stop()


def test_check_warns_when_revocation_uses_a_per_process_cache(settings):
    settings.AWS_COGNITO_REVOCATION = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [warning.id for warning in check_revocation_cache()] == ["djognito.W101"]
    settings.CACHES = redis_cache("redis://127.0.0.1:6379/0")
    assert check_revocation_cache() == []
    settings.AWS_COGNITO_REVOCATION = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert check_revocation_cache() == []


@pytest.mark.parametrize(
    ("setting", "value", "check_id"),
    [
        ("AWS_COGNITO_REVOCATION", "maybe", "djognito.E017"),
        ("AWS_COGNITO_REVOCATION_FAIL_OPEN", "sometimes", "djognito.E018"),
        ("AWS_COGNITO_REVOCATION_RECHECK_SECONDS", "5", "djognito.E019"),
    ],
)
def test_malformed_revocation_settings_are_named(settings, setting, value, check_id):
    setattr(settings, setting, value)
    assert check_id in [error.id for error in check_cognito_settings()]


def test_revocation_settings_read_on_and_off_from_the_environment(settings):
    settings.AWS_COGNITO_REVOCATION = "on"
    settings.AWS_COGNITO_REVOCATION_FAIL_OPEN = "off"
    settings.AWS_COGNITO_REVOCATION_RECHECK_SECONDS = "0.25"
    revocation_list = state.revocation_list()
    assert (revocation_list.enabled, revocation_list.fail_open) == (True, False)
    assert revocation_list.recheck_seconds == 0.25


def test_the_command_refuses_a_per_process_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with pytest.raises(CommandError, match="per process"):
        call_command("revoke_tokens", username="alice")


def test_the_command_names_an_unreachable_cache(settings):
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(CommandError, match="could not be written"):
        call_command("revoke_tokens", origin_jti="x")


# --- Two gunicorn servers sharing one Redis ------------------------------------------------


@pytest.fixture(scope="module")
def shared_deployment(signing_key, tmp_path_factory):
    """A key set, a Redis and two gunicorn servers reading the same deny-list."""
    folder = tmp_path_factory.mktemp("revocation")
    with JWKSServer(jwks_document(signing_key)) as jwks, RedisServer() as cache:
        environment = server_environment(
            folder,
            DJANGO_CACHE_URL=cache.url,
            AWS_COGNITO_REVOCATION="on",
            AWS_COGNITO_REGION="eu-west-1",
            AWS_COGNITO_USER_POOL_ID="eu-west-1_Shared1",
            AWS_COGNITO_APP_CLIENT_ID="sharedclient1",
            AWS_COGNITO_TOKEN_USE="access",
            AWS_COGNITO_JWKS_URL=jwks.url,
        )
        servers = [ApiServer(environment, folder / f"server{n}.log") for n in (1, 2)]
        try:
            for server in servers:
                server.start()
            factory = TokenFactory(
                signing_key,
                "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Shared1",
                "sharedclient1",
            )
            yield servers, factory, cache, environment
        finally:
            for server in servers:
                server.stop()


def me(server: ApiServer, token: str) -> int:
    return server.get("/api/me/", headers={"Authorization": f"Bearer {token}"}).status_code


def revoke(environment: dict, *arguments: str) -> None:
    result = run_python("manage.py", "revoke_tokens", *arguments, env=environment)
    assert result.returncode == 0, result.stderr


def refused_everywhere_within(servers, token: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(me(server, token) == 401 for server in servers):
            return True
        time.sleep(0.05)
    return False


def test_a_revocation_reaches_every_server_within_a_second(shared_deployment):
    servers, factory, _, environment = shared_deployment
    token = factory.token("erin", origin_jti="sign-in-of-erin")
    other = factory.token("frank")
    # Both servers have verified (and cached) the token before it is revoked.
    assert [me(server, token) for server in servers] == [200, 200]
    revoke(environment, "--origin-jti", "sign-in-of-erin")
    assert refused_everywhere_within(servers, token, 1.0)
    assert [me(server, other) for server in servers] == [200, 200]


def test_a_disabled_user_is_refused_by_every_server_within_a_second(shared_deployment):
    servers, factory, _, environment = shared_deployment
    token = factory.token("grace", iat=int(time.time()) - 30)
    assert [me(server, token) for server in servers] == [200, 200]
    revoke(environment, "--username", "Grace")
    assert refused_everywhere_within(servers, token, 1.0)


def test_redis_stopped_under_gunicorn_gives_503_never_500(shared_deployment):
    servers, factory, cache, _ = shared_deployment
    token = factory.token("heidi")
    assert [me(server, token) for server in servers] == [200, 200]
    cache.stop()
    # Inside the recheck window a server may still trust its last answer; then 503.
    seen = []
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline and seen[-2:] != [503, 503]:
        seen += [me(server, token) for server in servers]
        time.sleep(0.05)
    assert seen[-2:] == [503, 503]
    assert set(seen) <= {200, 503}
