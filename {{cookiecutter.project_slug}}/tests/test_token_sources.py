"""Where a request's token comes from: the Bearer header (RFC 6750, strictly parsed) before
the cookie, and a bad header never rescued by a good cookie."""

import pytest

pytestmark = pytest.mark.django_db


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


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
