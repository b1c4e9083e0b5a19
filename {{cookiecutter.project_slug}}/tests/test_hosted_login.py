"""Managed login (Hosted UI) against a local server speaking Cognito's OAuth contract."""

from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import requests
from django.conf import settings
from django.middleware.csrf import _unmask_cipher_token
from rest_framework.test import APIClient

from djognito.browser.views import MAX_NEXT_LENGTH
from djognito.conf import load_config
from scripts.cognito_fakes import CognitoOAuthServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def oauth_server(signing_key, settings):
    """The managed login domain, issuing tokens for the test pool as ``alice``."""
    config = load_config()
    server = CognitoOAuthServer(
        signing_key,
        issuer=config.issuer,
        client_id=config.app_client_ids[0],
        groups=[settings.COGNITO_ADMIN_GROUP],
    )
    with server:
        settings.AWS_COGNITO_DOMAIN = server.url
        yield server


@pytest.fixture
def browser():
    return APIClient(enforce_csrf_checks=True)


def start(browser, next_url=None):
    """``GET hosted/login/``, then Cognito's authorize step: the callback's path and query."""
    query = {"next": next_url} if next_url else {}
    response = browser.get("/api/auth/hosted/login/", query)
    assert response.status_code == 302
    authorize = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert authorize.status_code == 302
    callback = urlsplit(authorize.headers["Location"])
    return f"{callback.path}?{callback.query}", response


def test_login_redirects_to_authorize_with_pkce_and_state(oauth_server, browser, settings):
    response = browser.get("/api/auth/hosted/login/")
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}" == oauth_server.url
    assert target.path == "/oauth2/authorize"
    query = parse_qs(target.query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["client_id"] == [settings.AWS_COGNITO_APP_CLIENT_ID.split(",")[0]]
    assert query["redirect_uri"] == ["http://testserver/api/auth/hosted/callback/"]
    state_cookie = response.cookies["djognito_login_state"]
    assert state_cookie["httponly"]
    assert state_cookie["path"] == "/api/auth/hosted/"


def test_full_sign_in_sets_the_cookies_and_redirects(oauth_server, browser, settings):
    callback, _ = start(browser, "/after/")
    response = browser.get(callback)
    assert response.status_code == 302
    assert response["Location"] == "/after/"
    assert response.cookies[settings.ACCESS_TOKEN_KEY]["httponly"]
    assert response.cookies[settings.AWS_COGNITO_REFRESH_COOKIE]["path"] == "/api/auth/"
    me = browser.get("/api/me/").json()
    assert me["username"] == "alice"
    assert me["groups"] == [settings.COGNITO_ADMIN_GROUP]
    exchange = oauth_server.token_requests[-1]
    assert exchange["grant_type"] == "authorization_code"
    assert len(exchange["code_verifier"]) >= 43
    assert exchange["authorization"] is None  # no secret: client_id in the form


def test_refresh_after_a_managed_login_uses_the_token_endpoint(oauth_server, browser, settings):
    callback, _ = start(browser)
    browser.get(callback)
    csrf = browser.get("/api/csrf/").json()["csrfToken"]
    response = browser.post("/api/auth/refresh/", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200
    assert oauth_server.token_requests[-1]["grant_type"] == "refresh_token"


def post_note(browser, csrf_token: str):
    note = {"text": "after the managed login"}
    return browser.post("/api/notes/", note, format="json", HTTP_X_CSRFTOKEN=csrf_token)


def test_the_callback_rotates_the_csrf_token(oauth_server, browser):
    before = browser.get("/api/csrf/").json()["csrfToken"]
    old_cookie = browser.cookies[settings.CSRF_COOKIE_NAME].value
    callback, _ = start(browser)
    response = browser.get(callback)
    assert response.status_code == 302
    new_cookie = response.cookies[settings.CSRF_COOKIE_NAME].value
    assert new_cookie != old_cookie
    assert post_note(browser, before).status_code == 403
    # A redirect carries no body: the page it lands on asks for the new token.
    after = browser.get("/api/csrf/").json()["csrfToken"]
    assert _unmask_cipher_token(after) == new_cookie
    assert post_note(browser, after).status_code == 201


def test_a_refresh_that_rotates_the_refresh_token_keeps_the_csrf_token(oauth_server, browser):
    callback, _ = start(browser)
    browser.get(callback)
    csrf = browser.get("/api/csrf/").json()["csrfToken"]
    oauth_server.rotate_refresh_tokens = True
    response = browser.post("/api/auth/refresh/", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200
    assert set(response.json()) == {"expires_in"}
    assert settings.AWS_COGNITO_REFRESH_COOKIE in response.cookies  # the new refresh token
    assert settings.CSRF_COOKIE_NAME not in response.cookies
    assert post_note(browser, csrf).status_code == 201


def test_client_secret_is_sent_by_http_basic(oauth_server, browser, settings):
    oauth_server.client_secret = settings.AWS_COGNITO_APP_CLIENT_SECRET = "s3cret-value"
    callback, _ = start(browser)
    assert browser.get(callback).status_code == 302
    assert oauth_server.token_requests[-1]["authorization"].startswith("Basic ")
    assert "client_secret" not in oauth_server.token_requests[-1]


def test_a_replayed_code_is_refused(oauth_server, browser):
    callback, _ = start(browser)
    assert browser.get(callback).status_code == 302
    # The same browser starts again, then presents the old (used) code with its new state.
    new_callback, _ = start(browser)
    old_code = parse_qs(urlsplit(callback).query)["code"][0]
    new_state = parse_qs(urlsplit(new_callback).query)["state"][0]
    replay = browser.get("/api/auth/hosted/callback/", {"code": old_code, "state": new_state})
    assert replay.status_code == 400
    assert replay.json()["code"] == "invalid_grant"


def test_a_forged_state_is_refused(oauth_server, browser):
    callback, _ = start(browser)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    response = browser.get("/api/auth/hosted/callback/", {"code": code, "state": "forged"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_state"


def test_a_state_from_another_browser_is_refused(oauth_server, browser):
    callback, _ = start(browser)
    other_browser = APIClient(enforce_csrf_checks=True)
    response = other_browser.get(callback)
    assert response.status_code == 400
    assert "start the sign-in again" in response.json()["detail"]


def test_a_tampered_state_cookie_is_refused(oauth_server, browser):
    callback, _ = start(browser)
    browser.cookies["djognito_login_state"] = browser.cookies["djognito_login_state"].value + "x"
    assert browser.get(callback).status_code == 400


@pytest.mark.parametrize(
    "query",
    [{}, {"code": "abc"}, {"state": "abc"}, {"error": "access_denied"}],
)
def test_missing_code_or_state_is_400(oauth_server, browser, query):
    response = browser.get("/api/auth/hosted/callback/", query)
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/", "http:evil.example", "/\\evil.example"],
)
def test_no_open_redirect(oauth_server, browser, next_url):
    response = browser.get("/api/auth/hosted/login/", {"next": next_url})
    assert response.status_code == 400
    assert "next" in response.json()


def test_an_allowed_front_end_origin_may_be_the_next_page(oauth_server, browser, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.test"]
    callback, _ = start(browser, "https://app.example.test/home")
    assert browser.get(callback)["Location"] == "https://app.example.test/home"


def csrf_header(browser) -> dict:
    return {"HTTP_X_CSRFTOKEN": browser.get("/api/csrf/").json()["csrfToken"]}


def test_hosted_logout_clears_cookies_and_ends_the_cognito_session(oauth_server, browser, settings):
    callback, _ = start(browser)
    browser.get(callback)
    response = browser.post("/api/auth/hosted/logout/", **csrf_header(browser))
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == "/logout"
    query = parse_qs(target.query)
    assert query["logout_uri"] == ["http://testserver/"]
    assert query["client_id"] == [settings.AWS_COGNITO_APP_CLIENT_ID.split(",")[0]]
    assert response.cookies[settings.ACCESS_TOKEN_KEY]["max-age"] == 0
    assert response.cookies[settings.AWS_COGNITO_REFRESH_COOKIE]["max-age"] == 0


def test_a_token_the_api_would_refuse_sets_no_cookie(oauth_server, browser, other_key, settings):
    oauth_server.access_tokens.key = oauth_server.id_tokens.key = other_key
    callback, _ = start(browser)
    response = browser.get(callback)
    assert response.status_code == 502
    assert settings.ACCESS_TOKEN_KEY not in response.cookies


def test_hosted_endpoints_are_404_without_a_domain(browser):
    assert browser.get("/api/auth/hosted/login/").status_code == 404
    assert browser.get("/api/auth/hosted/callback/").status_code == 404


def test_a_link_cannot_sign_a_browser_out(oauth_server, browser, settings):
    callback, _ = start(browser)
    browser.get(callback)
    followed = browser.get("/api/auth/hosted/logout/")
    assert followed.status_code == 405
    assert settings.ACCESS_TOKEN_KEY not in followed.cookies
    forged = browser.post("/api/auth/hosted/logout/")  # another site's form: no CSRF token
    assert forged.status_code == 403
    assert settings.ACCESS_TOKEN_KEY not in forged.cookies
    assert browser.get("/api/me/").status_code == 200


def test_the_hosted_sign_out_ends_the_sign_in_like_logout(oauth_server, browser, settings):
    settings.AWS_COGNITO_REVOCATION = True  # one process: the per-process cache is enough
    callback, _ = start(browser)
    browser.get(callback)
    copied = browser.cookies[settings.ACCESS_TOKEN_KEY].value
    assert browser.post("/api/auth/hosted/logout/", **csrf_header(browser)).status_code == 302
    replayed = APIClient().get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {copied}")
    assert replayed.status_code == 401
    assert replayed.json()["code"] == "token_revoked"


def test_a_client_token_from_the_callback_is_no_session(oauth_server, browser, settings):
    if settings.AWS_COGNITO_TOKEN_USE != "access":
        pytest.skip("client-credentials tokens are access tokens")
    oauth_server.client_tokens = True
    callback, _ = start(browser)
    response = browser.get(callback)
    assert response.status_code == 502
    assert response.json()["code"] == "untrusted_token"
    assert settings.ACCESS_TOKEN_KEY not in response.cookies


def test_an_over_long_next_is_refused(oauth_server, browser):
    response = browser.get("/api/auth/hosted/login/", {"next": "/" + "a" * 3500})
    assert response.status_code == 400
    assert "djognito_login_state" not in response.cookies


# What takes the most room in the state cookie: a control character is written \u0001 in
# its JSON (6 bytes), an emoji takes 4 bytes of UTF-8.
@pytest.mark.parametrize("character", ["\x01", "\U0001f600"], ids=["control", "emoji"])
def test_the_longest_next_fits_the_state_cookie_and_is_where_it_lands(
    oauth_server, browser, character
):
    next_url = "/" + character * (MAX_NEXT_LENGTH - 1)
    callback, response = start(browser, next_url)
    state = response.cookies["djognito_login_state"]
    assert len(state.key) + len(state.value) <= 4096  # the most a browser keeps of a cookie
    landed = browser.get(callback)
    assert landed.status_code == 302
    assert unquote(landed["Location"]) == next_url
