"""Browser sign-in against the local Cognito (moto): cookies in, tokens never out.

The emulator runs as a real server on 127.0.0.1 and issues the tokens; the API verifies them
against the emulator's key set before it sets any cookie.
"""

import json
import logging
import time
from http.cookies import SimpleCookie

import boto3
import pytest
from django.conf import settings
from django.core import signing
from django.middleware.csrf import _unmask_cipher_token
from django.urls import include, path
from rest_framework.test import APIClient

from djognito import state
from djognito.browser import cookies
from scripts.cognito_fakes import CognitoErrorServer
from scripts.ports import free_port
from scripts.seed import EMULATOR_CREDENTIALS, LocalUser, seed

from .local_pool import use_local_pool

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
    use_local_pool(settings, cognito)
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


def login(client, username, password, **extra):
    body = {"username": username, "password": password}
    return post(client, "/api/auth/login/", body, **extra)


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
    assert set(body) == {"username", "expires_in", "csrfToken"}
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
    forged = signing.dumps(
        ["not-a-refresh-token", "alice", "password", "origin-x", local_pool.pool_id, time.time()],
        salt=cookies.REFRESH_SALT,
    )
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


# A project that mounts the sign-in URLs elsewhere: this module is its URL configuration.
urlpatterns = [
    path("api/", include("api.urls")),
    path("account/", include("djognito.browser.urls")),
]


def test_the_sign_in_cookies_follow_another_mount_point(local_pool, browser, settings):
    settings.ROOT_URLCONF = __name__
    signed_in = post(browser, "/account/login/", {"username": ALICE[0], "password": ALICE[1]})
    assert signed_in.status_code == 200
    assert set_cookies(signed_in)[settings.AWS_COGNITO_REFRESH_COOKIE]["path"] == "/account/"
    del browser.cookies[settings.ACCESS_TOKEN_KEY]
    refreshed = post(browser, "/account/refresh/")
    assert refreshed.status_code == 200, refreshed.json()
    assert browser.get("/api/me/").json()["username"] == "alice"
    signed_out = post(browser, "/account/logout/")
    assert set_cookies(signed_out)[settings.AWS_COGNITO_REFRESH_COOKIE]["path"] == "/account/"
    assert browser.get("/api/me/").status_code == 401


class PastTimestampSigner(signing.TimestampSigner):
    """Signs as this server does, dated ``days_ago`` in the past."""

    def __init__(self, days_ago: int, **kwargs):
        super().__init__(**kwargs)
        self.days_ago = days_ago

    def timestamp(self):
        return signing.b62_encode(int(time.time()) - self.days_ago * 86400)


def test_a_refresh_cookie_older_than_its_lifetime_is_refused(local_pool, browser, settings):
    login(browser, *ALICE)
    current = signing.loads(
        browser.cookies[settings.AWS_COGNITO_REFRESH_COOKIE].value, salt=cookies.REFRESH_SALT
    )
    stale = PastTimestampSigner(400, salt=cookies.REFRESH_SALT).sign_object(current, compress=True)
    browser.cookies[settings.AWS_COGNITO_REFRESH_COOKIE] = stale
    response = post(browser, "/api/auth/refresh/")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_refresh_token"


def test_sign_in_answers_are_never_cached_and_rotate_the_csrf_token(local_pool, browser):
    before = csrf_token(browser)
    response = login(browser, *ALICE)
    assert "no-store" in response["Cache-Control"]
    assert response.cookies["csrftoken"].value not in ("", before)
    for endpoint in ("/api/auth/refresh/", "/api/auth/logout/"):
        assert "no-store" in post(browser, endpoint)["Cache-Control"]


def write_note(client, csrf_token: str, text: str):
    return client.post("/api/notes/", {"text": text}, format="json", HTTP_X_CSRFTOKEN=csrf_token)


def test_the_login_answer_carries_the_new_csrf_token(local_pool, browser):
    before = csrf_token(browser)
    old_cookie = browser.cookies[settings.CSRF_COOKIE_NAME].value
    response = login(browser, *BOB)
    token = response.json()["csrfToken"]
    new_cookie = response.cookies[settings.CSRF_COOKIE_NAME].value
    # The masked form GET /api/csrf/ gives, of the secret the new cookie holds.
    assert _unmask_cipher_token(token) == new_cookie
    assert new_cookie != old_cookie and token != before
    assert write_note(browser, before, "with the old token").status_code == 403
    assert write_note(browser, token, "with the new token").status_code == 201


def test_a_refresh_keeps_the_csrf_token(local_pool, browser):
    token = login(browser, *BOB).json()["csrfToken"]
    refreshed = browser.post("/api/auth/refresh/", HTTP_X_CSRFTOKEN=token)
    assert refreshed.status_code == 200
    assert settings.CSRF_COOKIE_NAME not in refreshed.cookies
    assert write_note(browser, token, "after a refresh").status_code == 201


def test_answers_for_the_cookie_are_private_and_vary_on_it(local_pool, browser):
    login(browser, *ALICE)
    for endpoint in ("/api/me/", "/api/notes/"):
        response = browser.get(endpoint)
        assert response.status_code == 200
        assert "private" in response["Cache-Control"]
        assert "Cookie" in response["Vary"]
    anonymous = APIClient().get("/api/public/")
    assert "Cache-Control" not in anonymous and "Cookie" not in anonymous.get("Vary", "")


SIGN_IN_PATHS = ["/api/auth/login/", "/api/auth/refresh/", "/api/auth/logout/"]


@pytest.mark.parametrize("method", ["options", "put", "patch", "delete"])
@pytest.mark.parametrize("path", SIGN_IN_PATHS)
def test_other_methods_are_405(local_pool, browser, path, method):
    response = getattr(browser, method)(path)
    assert response.status_code == 405
    assert "POST" in response["Allow"]


def test_the_sign_in_page_runs_its_own_script_only(local_pool, browser):
    response = browser.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert b"<style" not in response.content and b"<script>" not in response.content


def test_five_failures_lock_the_username_whatever_its_password(local_pool, browser):
    for _ in range(5):
        assert login(browser, "alice", "wrong-Passw0rd!").status_code == 401
    locked = login(browser, "ALICE", ALICE[1])  # the right password, another spelling
    assert locked.status_code == 429
    assert locked.json()["code"] == "too_many_attempts"
    assert 290 <= int(locked["Retry-After"]) <= 300
    assert login(browser, *BOB).status_code == 200  # other users are not locked out


def test_an_unknown_username_is_locked_the_same(local_pool, browser):
    answers = [login(browser, "nobody-at-all", "wrong-Passw0rd!").status_code for _ in range(6)]
    assert answers == [401] * 5 + [429]


def test_a_sign_in_clears_the_failures(local_pool, browser):
    for _ in range(4):
        login(browser, "alice", "wrong-Passw0rd!")
    assert login(browser, *ALICE).status_code == 200
    for _ in range(4):
        assert login(browser, "alice", "wrong-Passw0rd!").status_code == 401


def test_one_address_gets_thirty_sign_in_requests_a_minute(local_pool, browser, settings):
    settings.AWS_COGNITO_USERNAME_FAILURES = 1000
    answers = [
        login(browser, f"user{n}", "x", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(31)
    ]
    # A rotating X-Forwarded-For does not help: without proxies, the peer address counts.
    assert answers == [401] * 30 + [429]
    refused = post(browser, "/api/auth/refresh/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60


def test_behind_a_proxy_the_address_it_appended_counts(local_pool, browser, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.AWS_COGNITO_SIGN_IN_RATE_PER_MINUTE = 2
    settings.AWS_COGNITO_USERNAME_FAILURES = 1000

    def attempt(forwarded_for):
        return login(browser, "x", "y", HTTP_X_FORWARDED_FOR=forwarded_for).status_code

    # The client may write anything before the entry its proxy appends.
    assert [attempt(f"10.0.0.{n}, 198.51.100.7") for n in range(3)] == [401, 401, 429]
    assert attempt("198.51.100.8") == 401


def test_cognitos_own_limits_are_the_same_429(local_pool, browser, settings):
    with CognitoErrorServer("TooManyRequestsException") as server:
        settings.AWS_COGNITO_ENDPOINT_URL = server.url
        response = login(browser, *ALICE)
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"
    assert int(response["Retry-After"]) > 0
    assert server.targets == ["AWSCognitoIdentityProviderService.InitiateAuth"]


@pytest.fixture
def revocation_here(settings):
    """Revocation on, with the deny-list in this process's cache (one process only)."""
    settings.AWS_COGNITO_REVOCATION = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return state.revocation_list


def test_the_refresh_cookie_of_a_signed_out_browser_is_refused(
    local_pool, browser, revocation_here, settings
):
    login(browser, *ALICE)
    kept = browser.cookies[settings.AWS_COGNITO_REFRESH_COOKIE].value
    # moto has no RevokeToken: only the deny-list stands between the old cookie and a session.
    assert post(browser, "/api/auth/logout/").status_code == 204
    browser.cookies[settings.AWS_COGNITO_REFRESH_COOKIE] = kept
    response = post(browser, "/api/auth/refresh/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"
    for name in (settings.ACCESS_TOKEN_KEY, settings.AWS_COGNITO_REFRESH_COOKIE):
        assert response.cookies[name]["max-age"] == 0


def test_a_revoked_user_cannot_refresh_into_new_tokens(
    local_pool, browser, revocation_here, settings
):
    login(browser, *ALICE)
    revocation_here().revoke_username("ALICE", local_pool.pool_id)
    response = post(browser, "/api/auth/refresh/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"
    login(browser, *ALICE)  # a sign-in after the cut-off refreshes as usual
    assert post(browser, "/api/auth/refresh/").status_code == 200
