"""Browser sign-in against the local Cognito (moto): cookies in, tokens never out.

The emulator runs as a real server on 127.0.0.1 and issues the tokens; the API verifies them
against the emulator's key set before it sets any cookie.
"""

import json
import logging
from http.cookies import SimpleCookie

import boto3
import pytest
from django.conf import settings
from django.core import signing
from rest_framework.test import APIClient

from djognito import cookies
from djognito.jwt_utils import reset_verifier
from scripts.ports import free_port
from scripts.seed import EMULATOR_CREDENTIALS, LocalUser, seed

pytestmark = pytest.mark.django_db

REGION = "eu-central-1"  # its own pool on the shared emulator
ALICE = ("alice", "Alice-Passw0rd!")
BOB = ("bob", "Bob-Passw0rd!")


@pytest.fixture(scope="module")
def cognito(moto_emulator):
    """The emulator, seeded with the local pool, client, admin group, alice and bob."""
    return seed(moto_emulator.endpoint_url, REGION, settings.COGNITO_ADMIN_GROUP)


@pytest.fixture
def local_pool(settings, cognito):
    """The project pointed at the emulator for both sign-in and verification."""
    settings.AWS_COGNITO_REGION = cognito.region
    settings.AWS_COGNITO_USER_POOL_ID = cognito.pool_id
    settings.AWS_COGNITO_APP_CLIENT_ID = cognito.client_id
    settings.AWS_COGNITO_JWKS_URL = cognito.jwks_url
    settings.AWS_COGNITO_ENDPOINT_URL = cognito.endpoint_url
    reset_verifier()
    return cognito


@pytest.fixture
def browser():
    """A client that keeps cookies and meets CSRF checks as a browser does."""
    return APIClient(enforce_csrf_checks=True)


def csrf_token(client) -> str:
    return client.get("/api/csrf/").json()["csrfToken"]


def post(client, path, body=None, csrf=True, **extra):
    headers = {"HTTP_X_CSRFTOKEN": csrf_token(client)} if csrf else {}
    payload = json.dumps(body) if body is not None else ""
    return client.post(path, payload, content_type="application/json", **headers, **extra)


def login(client, username, password):
    return post(client, "/api/auth/login/", {"username": username, "password": password})


def set_cookies(response) -> dict[str, SimpleCookie]:
    """Each Set-Cookie header, parsed as a browser would: name -> its morsel."""
    parsed = {}
    for name, morsel in response.cookies.items():
        cookie = SimpleCookie()
        cookie.load(morsel.OutputString())
        parsed[name] = cookie[name]
    return parsed


def test_login_sets_httponly_cookies_and_returns_no_token(local_pool, browser):
    response = login(browser, *ALICE)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"username", "expires_in"}
    assert body["username"] == "alice"
    assert 0 < body["expires_in"] <= 3600
    assert b"eyJ" not in response.content
    assert settings.ACCESS_TOKEN_KEY in response.cookies
    assert settings.AWS_COGNITO_REFRESH_COOKIE in response.cookies


def test_cookie_attributes(local_pool, browser):
    parsed = set_cookies(login(browser, *ALICE))
    access = parsed[settings.ACCESS_TOKEN_KEY]
    assert access["httponly"] is True
    assert access["path"] == "/"
    assert access["samesite"] == "Lax"
    assert access["secure"] is True  # DEBUG is off in the tests
    assert 3500 < int(access["max-age"]) <= 3600
    refresh = parsed[settings.AWS_COGNITO_REFRESH_COOKIE]
    assert refresh["httponly"] is True
    assert refresh["path"] == "/api/auth/"
    assert refresh["samesite"] == "Strict"
    assert refresh["secure"] is True
    assert int(refresh["max-age"]) == 30 * 86400


def test_samesite_none_forces_secure_even_in_debug(local_pool, browser, settings):
    settings.DEBUG = True
    settings.AWS_COGNITO_COOKIE_SAMESITE = "None"
    parsed = set_cookies(login(browser, *ALICE))
    for name in (settings.ACCESS_TOKEN_KEY, settings.AWS_COGNITO_REFRESH_COOKIE):
        assert parsed[name]["samesite"] == "None"
        assert parsed[name]["secure"] is True


def test_cookie_domain_is_shared_across_subdomains(local_pool, browser, settings):
    settings.DJANGO_COOKIE_DOMAIN = ".example.test"
    parsed = set_cookies(login(browser, *ALICE))
    assert parsed[settings.ACCESS_TOKEN_KEY]["domain"] == ".example.test"
    assert parsed[settings.AWS_COGNITO_REFRESH_COOKIE]["domain"] == ".example.test"


def test_me_with_the_cookie_shows_the_groups(local_pool, browser):
    login(browser, *ALICE)
    me = browser.get("/api/me/").json()
    assert me["username"] == "alice"
    assert me["groups"] == [settings.COGNITO_ADMIN_GROUP]
    login(browser, *BOB)
    assert browser.get("/api/me/").json()["groups"] == []


def test_notes_need_the_csrf_token_with_the_cookie(local_pool, browser):
    login(browser, *BOB)
    refused = browser.post("/api/notes/", {"text": "no token"}, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    created = post(browser, "/api/notes/", {"text": "from the browser"})
    assert created.status_code == 201
    assert [note["text"] for note in browser.get("/api/notes/").json()] == ["from the browser"]


def test_refresh_sets_a_new_access_cookie(local_pool, browser):
    login(browser, *ALICE)
    del browser.cookies[settings.ACCESS_TOKEN_KEY]
    assert browser.get("/api/me/").status_code == 401
    response = post(browser, "/api/auth/refresh/")
    assert response.status_code == 200
    assert set(response.json()) == {"expires_in"}
    assert response.cookies[settings.ACCESS_TOKEN_KEY]["httponly"]
    assert settings.AWS_COGNITO_REFRESH_COOKIE not in response.cookies  # kept as it was
    assert browser.get("/api/me/").json()["username"] == "alice"


def test_logout_clears_both_cookies_and_warns_when_revocation_fails(local_pool, browser, caplog):
    login(browser, *ALICE)
    with caplog.at_level(logging.WARNING, logger="djognito"):
        response = post(browser, "/api/auth/logout/")
    assert response.status_code == 204
    parsed = set_cookies(response)
    for name in (settings.ACCESS_TOKEN_KEY, settings.AWS_COGNITO_REFRESH_COOKIE):
        assert parsed[name]["max-age"] == "0"
    assert parsed[settings.AWS_COGNITO_REFRESH_COOKIE]["path"] == "/api/auth/"
    # moto does not implement RevokeToken: the cookies are cleared all the same.
    assert "not revoked" in caplog.text
    assert browser.get("/api/me/").status_code == 401


def test_logout_revokes_the_sign_in_when_revocation_is_on(local_pool, browser, settings):
    settings.AWS_COGNITO_REVOCATION = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    login(browser, *ALICE)
    access_token = browser.cookies[settings.ACCESS_TOKEN_KEY].value
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {access_token}"}
    assert APIClient().get("/api/me/", **bearer).status_code == 200
    assert post(browser, "/api/auth/logout/").status_code == 204
    # The token itself, copied before sign-out, is refused from now on.
    response = APIClient().get("/api/me/", **bearer)
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"


def test_wrong_password_and_unknown_user_get_the_same_401(local_pool, browser):
    wrong = login(browser, "alice", "not-her-password")
    unknown = login(browser, "nobody-here", "whatever-Passw0rd!")
    assert wrong.status_code == unknown.status_code == 401
    assert (
        wrong.json()
        == unknown.json()
        == {
            "detail": "incorrect username or password",
            "code": "invalid_credentials",
        }
    )
    assert not wrong.cookies.get(settings.ACCESS_TOKEN_KEY)


def test_a_challenge_is_named(local_pool, browser):
    idp = boto3.client(
        "cognito-idp",
        region_name=REGION,
        endpoint_url=local_pool.endpoint_url,
        **EMULATOR_CREDENTIALS,
    )
    idp.admin_create_user(
        UserPoolId=local_pool.pool_id,
        Username="carol",
        TemporaryPassword="Carol-Temp0rary!",
        MessageAction="SUPPRESS",
    )
    response = login(browser, "carol", "Carol-Temp0rary!")
    assert response.status_code == 401
    assert response.json()["challenge"] == "NEW_PASSWORD_REQUIRED"
    assert "NEW_PASSWORD_REQUIRED" in response.json()["detail"]


def test_cognito_unreachable_is_503(local_pool, browser, settings):
    settings.AWS_COGNITO_ENDPOINT_URL = f"http://127.0.0.1:{free_port()}"
    response = login(browser, *ALICE)
    assert response.status_code == 503
    assert response.json()["code"] == "identity_provider_unavailable"


@pytest.mark.parametrize("path", ["/api/auth/login/", "/api/auth/refresh/", "/api/auth/logout/"])
def test_unsafe_endpoints_need_the_csrf_token(local_pool, browser, path):
    body = {"username": ALICE[0], "password": ALICE[1]}
    response = post(browser, path, body, csrf=False)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_tokens_and_passwords_never_reach_the_logs(local_pool, browser, caplog):
    # Everything the project logs (third-party debug output such as botocore's is off).
    with caplog.at_level(logging.INFO), caplog.at_level(logging.DEBUG, logger="djognito"):
        login(browser, *ALICE)
        login(browser, "alice", "Wrong-Passw0rd!")
        post(browser, "/api/auth/refresh/")
        post(browser, "/api/auth/logout/")
    assert "eyJ" not in caplog.text
    assert ALICE[1] not in caplog.text
    assert "Wrong-Passw0rd!" not in caplog.text


def test_refresh_with_an_app_client_secret(cognito, local_pool, browser, settings):
    idp = boto3.client(
        "cognito-idp", region_name=REGION, endpoint_url=cognito.endpoint_url, **EMULATOR_CREDENTIALS
    )
    created = idp.create_user_pool_client(
        UserPoolId=cognito.pool_id,
        ClientName="with-secret",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    settings.AWS_COGNITO_APP_CLIENT_ID = created["ClientId"]
    settings.AWS_COGNITO_APP_CLIENT_SECRET = created["ClientSecret"]
    assert login(browser, *BOB).status_code == 200
    # moto checks SECRET_HASH on refresh: it needs the username kept in the refresh cookie.
    assert post(browser, "/api/auth/refresh/").status_code == 200
    settings.AWS_COGNITO_APP_CLIENT_SECRET = "not-the-secret"
    refused = post(browser, "/api/auth/refresh/")
    assert refused.status_code == 401


# --- Hostile input: each a 4xx with a clear message, never a 500 ----------------------


@pytest.mark.parametrize(
    ("payload", "content_type", "field"),
    [
        ('{"username": "alice", "password": ', "application/json", "detail"),
        ("[1, 2, 3]", "application/json", "non_field_errors"),
        ("{}", "application/json", "username"),
        ('{"username": "alice"}', "application/json", "password"),
        ('{"username": "' + "a" * 500 + '", "password": "x"}', "application/json", "username"),
        ('{"username": {"$ne": 1}, "password": "x"}', "application/json", "username"),
    ],
)
def test_malformed_login_bodies_are_400(local_pool, browser, payload, content_type, field):
    response = browser.post(
        "/api/auth/login/",
        payload,
        content_type=content_type,
        HTTP_X_CSRFTOKEN=csrf_token(browser),
    )
    assert response.status_code == 400
    assert field in response.json()


def test_a_huge_login_body_is_refused(local_pool, browser):
    payload = json.dumps({"username": "alice", "password": "x" * (3 * 1024 * 1024)})
    response = browser.post(
        "/api/auth/login/",
        payload,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf_token(browser),
    )
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "value",
    [
        "not-a-token",
        "eyJhbGciOiJub25lIn0.e30.",
        signing.dumps(["token", "alice", "password"], salt="another-salt"),
        signing.dumps("just a string", salt=cookies.REFRESH_SALT),
    ],
    # Signed values carry a timestamp: fixed ids keep collection identical on every worker.
    ids=["not-a-token", "unsigned-jwt", "signed-with-another-salt", "signed-wrong-shape"],
)
def test_a_refresh_cookie_that_is_not_ours_is_401_and_cleared(local_pool, browser, value):
    browser.cookies[settings.AWS_COGNITO_REFRESH_COOKIE] = value
    response = post(browser, "/api/auth/refresh/")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_refresh_token"
    assert response.cookies[settings.AWS_COGNITO_REFRESH_COOKIE]["max-age"] == 0


def test_a_refresh_token_cognito_refuses_is_401_and_cleared(local_pool, browser):
    forged = signing.dumps(["not-a-refresh-token", "alice", "password"], salt=cookies.REFRESH_SALT)
    browser.cookies[settings.AWS_COGNITO_REFRESH_COOKIE] = forged
    response = post(browser, "/api/auth/refresh/")
    assert response.status_code == 401
    assert response.json()["code"] == "refresh_refused"
    assert response.cookies[settings.ACCESS_TOKEN_KEY]["max-age"] == 0


def test_refresh_without_a_cookie_is_401(local_pool, browser):
    response = post(browser, "/api/auth/refresh/")
    assert response.status_code == 401
    assert response.json()["code"] == "no_refresh_token"


def test_logout_with_garbage_cookies_still_signs_out(local_pool, browser):
    browser.cookies[settings.ACCESS_TOKEN_KEY] = "garbage"
    browser.cookies[settings.AWS_COGNITO_REFRESH_COOKIE] = "garbage"
    assert post(browser, "/api/auth/logout/").status_code == 204


def test_users_with_unusual_names_sign_in(cognito, local_pool, browser):
    user = LocalUser("ana+test@example.com", "Ana-Passw0rd!", "ana+test@example.com")
    seed(cognito.endpoint_url, REGION, settings.COGNITO_ADMIN_GROUP, users=[user])
    response = login(browser, user.username, user.password)
    assert response.status_code == 200
    assert browser.get("/api/me/").json()["username"] == user.username
