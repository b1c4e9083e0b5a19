"""CSRF for cookie-borne tokens, none for Bearer tokens."""

import pytest

pytestmark = pytest.mark.django_db


def csrf_token(client):
    """Fetch a CSRF token (and its cookie) the way a browser front end does."""
    response = client.get("/api/csrf/")
    assert response.status_code == 200
    return response.json()["csrfToken"]


def post_note(client, **extra):
    return client.post("/api/notes/", {"text": "hello"}, format="json", **extra)


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def assert_csrf_refusal(response, reason):
    assert response.status_code == 403
    assert response.json() == {"detail": f"CSRF Failed: {reason}", "code": "csrf_failed"}


def test_cookie_post_without_csrf_token_is_403(with_cookie, tokens):
    response = post_note(with_cookie(tokens.token()))
    assert_csrf_refusal(response, "CSRF cookie not set.")


def test_cookie_post_with_wrong_csrf_token_is_403(with_cookie, tokens):
    client = with_cookie(tokens.token())
    csrf_token(client)
    response = post_note(client, HTTP_X_CSRFTOKEN="x" * 64)
    assert_csrf_refusal(response, "CSRF token from the 'X-Csrftoken' HTTP header incorrect.")


def test_cookie_post_with_csrf_token_is_201(with_cookie, tokens):
    client = with_cookie(tokens.token())
    response = post_note(client, HTTP_X_CSRFTOKEN=csrf_token(client))
    assert response.status_code == 201


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_every_unsafe_method_by_cookie_needs_the_csrf_token(with_cookie, tokens, method):
    response = getattr(with_cookie(tokens.token()), method)("/api/notes/")
    assert_csrf_refusal(response, "CSRF cookie not set.")


def test_cookie_get_needs_no_csrf_token(with_cookie, tokens):
    assert with_cookie(tokens.token()).get("/api/notes/").status_code == 200


def test_bad_cookie_token_is_401_before_any_csrf_check(with_cookie, tokens):
    response = post_note(with_cookie(tokens.token(exp=1000)))
    assert response.status_code == 401
    assert response.json() == {"detail": "token expired", "code": "token_expired"}


def test_bearer_post_needs_no_csrf_token(api_client, tokens):
    assert post_note(api_client, **bearer(tokens.token())).status_code == 201


def test_post_with_header_and_cookie_needs_no_csrf_token(with_cookie, tokens):
    # The header authenticates the request: the cookie, and its CSRF rule, play no part.
    client = with_cookie(tokens.token("bob"))
    response = post_note(client, **bearer(tokens.token("alice")))
    assert response.status_code == 201
    assert response.json()["text"] == "hello"
