"""Machine clients: client-credentials access tokens (no username) with real signatures."""

import pytest
import requests

from api.models import Note
from djognito.users import CognitoClient
from scripts.cognito_fakes import ClientCredentialsServer, MachineClient

pytestmark = pytest.mark.django_db


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def reports_scope(settings):
    return settings.COGNITO_REPORTS_SCOPE


@pytest.fixture
def access_only(tokens):
    if tokens.token_use != "access":
        pytest.skip("client-credentials tokens are access tokens")
    return tokens


def test_a_client_token_makes_a_client_user(api_client, access_only, reports_scope):
    token = access_only.client_token([reports_scope])
    response = api_client.get("/api/me/", **bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "client"
    assert body["username"] == body["sub"] == body["client_id"] == access_only.client_id
    assert body["groups"] == []
    assert body["is_staff"] is False
    assert body["scopes"] == [reports_scope]


def test_a_user_token_stays_a_user(api_client, tokens):
    body = api_client.get("/api/me/", **bearer(tokens.token("alice"))).json()
    assert body["kind"] == "user"
    assert body["username"] == "alice"
    expected = ["aws.cognito.signin.user.admin"] if tokens.token_use == "access" else []
    assert body["scopes"] == expected


def test_a_client_is_never_in_a_group_nor_staff(api_client, access_only, admin_group):
    token = access_only.client_token(**{"cognito:groups": [admin_group]})
    assert api_client.get("/api/me/", **bearer(token)).json()["groups"] == []
    assert api_client.get("/api/admin/", **bearer(token)).status_code == 403


def test_client_user_ignores_attempts_to_grant_it_rights():
    client = CognitoClient("svc1", claims={"scope": "api/reports.read"})
    client.is_staff = client.is_superuser = True
    client.groups = ("admin",)
    assert (client.is_staff, client.is_superuser, client.groups) == (False, False, ())
    assert client.is_client and client.username == client.sub == "svc1"
    assert not client.has_perm("api.view_all_notes")
    assert client.scopes == ("api/reports.read",)


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"client_id": "unknownclient"}, "token issued for another client"),
        ({"sub": "someone-else"}, "invalid claim: a client token's sub must be its client_id"),
        ({"sub": None}, "invalid claim: a client token's sub must be its client_id"),
    ],
    ids=["unconfigured-client", "sub-not-client", "no-sub"],
)
def test_a_client_token_is_refused_with_the_reason(api_client, access_only, overrides, reason):
    response = api_client.get("/api/me/", **bearer(access_only.client_token(**overrides)))
    assert response.status_code == 401
    assert response.json()["detail"] == reason


def test_reports_need_the_scope(api_client, access_only, reports_scope):
    Note.objects.create(owner_sub="sub-alice", text="one")
    Note.objects.create(owner_sub="sub-bob", text="two")
    with_scope = access_only.client_token([reports_scope])
    response = api_client.get("/api/reports/", **bearer(with_scope))
    assert response.status_code == 200
    assert response.json() == {"notes": 2}
    other_scope = access_only.client_token(["other/reports.read"])
    assert api_client.get("/api/reports/", **bearer(other_scope)).status_code == 403
    user_with_scope = access_only.token("alice", scope=f"openid {reports_scope}")
    assert api_client.get("/api/reports/", **bearer(user_with_scope)).status_code == 200
    assert api_client.get("/api/reports/", **bearer(access_only.token("bob"))).status_code == 403


def test_reports_want_a_token(api_client):
    assert api_client.get("/api/reports/").status_code == 401


@pytest.fixture
def token_endpoint(access_only, signing_key, reports_scope):
    """A client-credentials token endpoint signing with the key the pool publishes."""
    client = MachineClient(access_only.client_id, "s3cret-of-the-service", (reports_scope,))
    with ClientCredentialsServer(signing_key, access_only.issuer, [client]) as server:
        yield server, client


def test_a_token_from_the_token_endpoint_reads_reports(api_client, token_endpoint):
    server, client = token_endpoint
    answer = requests.post(
        server.token_url,
        data={"grant_type": "client_credentials"},
        auth=(client.client_id, client.client_secret),
        timeout=5,
    )
    assert answer.status_code == 200
    assert answer.json()["token_type"] == "Bearer"
    token = answer.json()["access_token"]
    assert api_client.get("/api/reports/", **bearer(token)).status_code == 200
    assert api_client.get("/api/me/", **bearer(token)).json()["kind"] == "client"


GRANT = {"grant_type": "client_credentials"}


@pytest.mark.parametrize(
    ("data", "auth", "status", "error"),
    [
        (GRANT, ("wrong", "s3cret-of-the-service"), 401, "invalid_client"),
        (GRANT, None, 401, "invalid_client"),
        ({"grant_type": "password"}, "client", 400, "unsupported_grant_type"),
        ({**GRANT, "scope": "admin/all"}, "client", 400, "invalid_scope"),
    ],
    ids=["wrong-client", "no-credentials", "other-grant", "scope-not-allowed"],
)
def test_the_token_endpoint_refuses_as_cognito_does(token_endpoint, data, auth, status, error):
    server, client = token_endpoint
    if auth == "client":
        auth = (client.client_id, client.client_secret)
    answer = requests.post(server.token_url, data=data, auth=auth, timeout=5)
    assert (answer.status_code, answer.json()) == (status, {"error": error})
