"""The local Cognito scripts: idempotent seeding, stable ids, .env.local and state files."""

import stat

import pytest
from django.conf import settings
from jose import jwt

from scripts.local_state import forget_pid, load_state, save_state, write_env_local
from scripts.login import curl_lines
from scripts.moto_server import MotoServer
from scripts.seed import CLIENT_NAME, POOL_NAME, LocalPool, default_users, emulator_client, seed
from scripts.sign_in import identity_provider, sign_in

REGION = "eu-west-1"
ADMIN_GROUP = settings.COGNITO_ADMIN_GROUP  # the project's answer reaches the emulator


@pytest.fixture(scope="module")
def emulator(moto_emulator):
    """The session's emulator; the pool of this module is the one in REGION."""
    return moto_emulator


def test_seeding_twice_changes_nothing(emulator):
    first = seed(emulator.endpoint_url, REGION, ADMIN_GROUP)
    second = seed(emulator.endpoint_url, REGION, ADMIN_GROUP)
    assert first == second
    idp = emulator_client(emulator.endpoint_url, REGION)
    pools = idp.list_user_pools(MaxResults=60)["UserPools"]
    assert [pool["Name"] for pool in pools].count(POOL_NAME) == 1
    clients = idp.list_user_pool_clients(UserPoolId=first.pool_id, MaxResults=60)
    assert [c["ClientName"] for c in clients["UserPoolClients"]] == [CLIENT_NAME]
    assert len(idp.list_users(UserPoolId=first.pool_id)["Users"]) == 2
    for user in first.users:
        groups = idp.admin_list_groups_for_user(UserPoolId=first.pool_id, Username=user.username)
        assert tuple(g["GroupName"] for g in groups["Groups"]) == user.groups


def test_seeded_users_sign_in_with_their_passwords(emulator):
    pool = seed(emulator.endpoint_url, REGION, ADMIN_GROUP)
    idp = identity_provider(REGION, emulator.endpoint_url)
    admin, plain = pool.users
    admin_claims = jwt.get_unverified_claims(
        sign_in(idp, pool.client_id, admin.username, admin.password)["AccessToken"]
    )
    plain_claims = jwt.get_unverified_claims(
        sign_in(idp, pool.client_id, plain.username, plain.password)["AccessToken"]
    )
    assert admin_claims["cognito:groups"] == [ADMIN_GROUP]
    assert "cognito:groups" not in plain_claims
    assert admin_claims["iss"] == pool.issuer
    assert admin_claims["client_id"] == pool.client_id


def test_a_restarted_emulator_hands_out_the_same_ids(emulator):
    # .env.local stays valid across restarts because the ids derive from the names.
    first = seed(emulator.endpoint_url, REGION, ADMIN_GROUP)
    with MotoServer() as restarted:
        again = seed(restarted.endpoint_url, REGION, ADMIN_GROUP)
    assert (again.pool_id, again.client_id) == (first.pool_id, first.client_id)


def local_pool(pool_id="eu-west-1_New1") -> LocalPool:
    return LocalPool(
        "http://127.0.0.1:9229", REGION, pool_id, "newclient1", default_users(ADMIN_GROUP)
    )


def test_env_local_sets_its_variables_and_keeps_other_lines(tmp_path):
    path = tmp_path / ".env.local"
    path.write_text("DJANGO_LOG_LEVEL=DEBUG\nAWS_COGNITO_USER_POOL_ID=eu-west-1_Old1\n")
    write_env_local(local_pool(), path)
    write_env_local(local_pool(), path)
    lines = path.read_text().splitlines()
    assert lines.count("DJANGO_LOG_LEVEL=DEBUG") == 1
    assert lines.count("AWS_COGNITO_USER_POOL_ID=eu-west-1_New1") == 1
    assert "AWS_COGNITO_USER_POOL_ID=eu-west-1_Old1" not in lines
    assert "AWS_COGNITO_APP_CLIENT_ID=newclient1" in lines
    assert (
        "AWS_COGNITO_JWKS_URL=http://127.0.0.1:9229/eu-west-1_New1/.well-known/jwks.json" in lines
    )
    assert "DJANGO_SECURE_SSL_REDIRECT=off" in lines
{%- if cookiecutter.browser_sessions == 'y' %}
    # Sign-in through /api/auth/login/ reaches the emulator with no other step.
    assert "AWS_COGNITO_ENDPOINT_URL=http://127.0.0.1:9229" in lines
{%- endif %}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_state_remembers_the_pool_and_forgets_the_pid(tmp_path):
    path = tmp_path / "state.json"
    save_state(local_pool(), 4242, path)
    assert load_state(path) == (4242, local_pool())
    forget_pid(path)
    assert load_state(path) == (None, local_pool())
    assert load_state(tmp_path / "missing.json") == (None, None)


def test_curl_lines_send_the_token_as_header_and_as_cookie():
    bearer, cookie = curl_lines("http://127.0.0.1:8000/", "aaa.bbb.ccc", "accessToken")
    assert bearer == "curl -H 'Authorization: Bearer aaa.bbb.ccc' http://127.0.0.1:8000/api/me/"
    assert cookie == "curl --cookie accessToken=aaa.bbb.ccc http://127.0.0.1:8000/api/me/"
