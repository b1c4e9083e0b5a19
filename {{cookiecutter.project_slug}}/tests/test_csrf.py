"""CSRF for cookie-borne tokens, none for Bearer tokens, and the header winning over the cookie."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_cookie(api_client, settings):
    """Puts a token in the cookie the API reads, as a browser would send it."""

    def put(token):
        api_client.cookies[settings.ACCESS_TOKEN_KEY] = token
        return api_client

    return put


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


def test_header_wins_over_cookie(with_cookie, tokens):
    client = with_cookie(tokens.token("bob"))
    response = client.get("/api/me/", **bearer(tokens.token("alice")))
    assert response.json()["username"] == "alice"


def test_bad_header_is_not_rescued_by_a_good_cookie(with_cookie, tokens):
    client = with_cookie(tokens.token("bob"))
    response = client.get("/api/me/", **bearer(tokens.token("alice", exp=1000)))
    assert response.status_code == 401
    assert response.json() == {"detail": "token expired", "code": "token_expired"}


def test_good_header_ignores_a_bad_cookie(with_cookie, tokens):
    client = with_cookie("not-a-token")
    assert client.get("/api/me/", **bearer(tokens.token("alice"))).status_code == 200


def test_post_with_header_and_cookie_needs_no_csrf_token(with_cookie, tokens):
    # The header authenticates the request: the cookie, and its CSRF rule, play no part.
    client = with_cookie(tokens.token("bob"))
    response = post_note(client, **bearer(tokens.token("alice")))
    assert response.status_code == 201
    assert response.json()["text"] == "hello"


def test_other_authorization_schemes_leave_the_cookie_in_charge(with_cookie, tokens):
    client = with_cookie(tokens.token("bob"))
    response = client.get("/api/me/", HTTP_AUTHORIZATION="Basic Ym9iOnNlY3JldA==")
    assert response.status_code == 200
    assert response.json()["username"] == "bob"


# RFC 6750: "Bearer", one or more spaces (0x20), a b64token; nothing else.
MALFORMED_BEARER = {
    "no-token": "Bearer",
    "two-tokens": "Bearer a b",
    "only-spaces": "Bearer  ",
    "tab": "Bearer\t{token}",
    "no-break-space": "Bearer\u00a0{token}",
    "next-line": "Bearer\u0085{token}",
    "trailing-tab": "Bearer {token}\t",
    "non-ascii-token": "Bearer {token}\u00e9",
    "comma-list": "Bearer {token}, Basic Ym9i",
}


@pytest.mark.parametrize("header", MALFORMED_BEARER.values(), ids=MALFORMED_BEARER.keys())
def test_malformed_bearer_header_is_401(api_client, tokens, header):
    response = api_client.get("/api/me/", HTTP_AUTHORIZATION=header.format(token=tokens.token()))
    assert response.status_code == 401
    assert response.json() == {
        "detail": "invalid Authorization header: expected 'Bearer <token>'",
        "code": "malformed_authorization_header",
    }


@pytest.mark.parametrize("scheme", ["Bearer ", "bearer ", "BEARER ", "Bearer   "])
def test_bearer_scheme_in_any_case_and_several_spaces_is_accepted(api_client, tokens, scheme):
    response = api_client.get("/api/me/", HTTP_AUTHORIZATION=scheme + tokens.token())
    assert response.status_code == 200
