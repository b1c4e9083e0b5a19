"""The sample API over HTTP (Django test client), with real signed tokens."""

import pytest

from api.models import Note

pytestmark = pytest.mark.django_db


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_public_needs_no_token(api_client):
    response = api_client.get("/api/public/")
    assert response.status_code == 200


def test_me_without_token_is_401_with_challenge(api_client):
    response = api_client.get("/api/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_me_with_bearer_token(api_client, tokens, admin_group):
    response = api_client.get("/api/me/", **bearer(tokens.token("alice", groups=[admin_group])))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "alice"
    assert body["sub"] == "sub-alice"
    assert body["groups"] == [admin_group]
    assert body["is_staff"] is True


def test_me_with_cookie_token(api_client, tokens, settings):
    api_client.cookies[settings.ACCESS_TOKEN_KEY] = tokens.token("bob")
    response = api_client.get("/api/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "bob"
    assert response.json()["groups"] == []


def test_authentication_makes_no_database_query(api_client, tokens, django_assert_num_queries):
    token = tokens.token("alice")
    with django_assert_num_queries(0):
        response = api_client.get("/api/me/", **bearer(token))
    assert response.status_code == 200


def test_admin_allows_admin_group(api_client, tokens, admin_group):
    response = api_client.get("/api/admin/", **bearer(tokens.token("root", groups=[admin_group])))
    assert response.status_code == 200


def test_admin_refuses_other_users_with_403(api_client, tokens):
    response = api_client.get("/api/admin/", **bearer(tokens.token("bob", groups=["readers"])))
    assert response.status_code == 403


def test_admin_refuses_anonymous_with_401(api_client):
    assert api_client.get("/api/admin/").status_code == 401


def test_notes_are_kept_per_user(api_client, tokens):
    alice, bob = tokens.token("alice"), tokens.token("bob")
    created = api_client.post("/api/notes/", {"text": "alice's"}, format="json", **bearer(alice))
    assert created.status_code == 201
    api_client.post("/api/notes/", {"text": "bob's"}, format="json", **bearer(bob))
    listed = api_client.get("/api/notes/", **bearer(alice)).json()
    assert [note["text"] for note in listed] == ["alice's"]
    assert Note.objects.get(text="alice's").owner_sub == "sub-alice"


def test_notes_refuse_anonymous(api_client):
    assert api_client.get("/api/notes/").status_code == 401
    assert api_client.post("/api/notes/", {"text": "x"}, format="json").status_code == 401


def test_notes_validate_input(api_client, tokens):
    response = api_client.post("/api/notes/", {}, format="json", **bearer(tokens.token()))
    assert response.status_code == 400
