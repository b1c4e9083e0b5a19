"""End to end: moto's Cognito emulator signs users in, gunicorn serves the API over HTTP.

Nothing is faked between the two: the tokens are the ones the emulator issued, the API
fetches the emulator's key set over HTTP, and the servers are configured only through
environment variables, as a deployment would be.
"""

import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from scripts.seed import emulator_client, seed
from scripts.sign_in import SignInError, identity_provider, refresh, sign_in

from .processes import ApiServer, database_rows, server_environment

PROJECT_DIR = Path(__file__).resolve().parent.parent
REGION = "eu-west-2"  # its own pool on the shared emulator


def pool_environment(pool, token_use: str, database: Path) -> dict:
    """The served API configured for ``pool`` and ``token_use``, its database ``database``."""
    return server_environment(
        database.parent,
        ACCESS_TOKEN_KEY=settings.ACCESS_TOKEN_KEY,
        COGNITO_ADMIN_GROUP=settings.COGNITO_ADMIN_GROUP,
        AWS_COGNITO_REGION=pool.region,
        AWS_COGNITO_USER_POOL_ID=pool.pool_id,
        AWS_COGNITO_APP_CLIENT_ID=pool.client_id,
        AWS_COGNITO_TOKEN_USE=token_use,
        AWS_COGNITO_ISSUER="",
        AWS_COGNITO_JWKS_URL=pool.jwks_url,
    )


@pytest.fixture(scope="module")
def cognito(moto_emulator):
    """The emulator on 127.0.0.1, seeded with a pool, an app client and two users."""
    return seed(moto_emulator.endpoint_url, REGION, settings.COGNITO_ADMIN_GROUP)


@pytest.fixture(scope="module")
def database(cognito, tmp_path_factory):
    """A migrated SQLite file shared by the servers of this module (static files beside it)."""
    path = tmp_path_factory.mktemp("e2e") / "db.sqlite3"
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "--verbosity", "0"],
            cwd=PROJECT_DIR,
            env=pool_environment(cognito, "access", path),
            check=True,
        )
    return path


def serve(pool, token_use, database):
    server = ApiServer(
        pool_environment(pool, token_use, database), database.with_name(f"{token_use}.log")
    )
    with server:
        yield server


@pytest.fixture(scope="module")
def access_api(cognito, database):
    """The API configured for access tokens (the recommended setting)."""
    yield from serve(cognito, "access", database)


@pytest.fixture(scope="module")
def id_api(cognito, database):
    """The same API configured for id tokens."""
    yield from serve(cognito, "id", database)


@pytest.fixture(scope="module")
def idp(cognito):
    return identity_provider(cognito.region, cognito.endpoint_url)


@pytest.fixture(scope="module")
def admin_user(cognito):
    return next(user for user in cognito.users if settings.COGNITO_ADMIN_GROUP in user.groups)


@pytest.fixture(scope="module")
def plain_user(cognito):
    return next(user for user in cognito.users if not user.groups)


@pytest.fixture
def sign_in_as(cognito, idp):
    """Signs a seeded user in with their password; returns Cognito's tokens."""

    def _sign_in(user) -> dict:
        return sign_in(idp, cognito.client_id, user.username, user.password)

    return _sign_in


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_public_and_health_answer_anyone(access_api):
    assert access_api.get("/api/public/").status_code == 200
    health = access_api.get("/api/health/")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"


def test_csrf_endpoint_hands_out_a_token(access_api):
    response = access_api.get("/api/csrf/")
    assert response.status_code == 200
    assert response.json()["csrfToken"]
    assert "csrftoken" in response.cookies


@pytest.mark.parametrize("path", ["/api/me/", "/api/admin/", "/api/notes/"])
def test_protected_endpoints_want_a_token(access_api, path):
    response = access_api.get(path)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_me_describes_the_signed_in_user(access_api, cognito, admin_user, sign_in_as):
    tokens = sign_in_as(admin_user)
    response = access_api.get("/api/me/", headers=bearer(tokens["AccessToken"]))
    assert response.status_code == 200
    me = response.json()
    emulator = emulator_client(cognito.endpoint_url, cognito.region)
    user = emulator.admin_get_user(UserPoolId=cognito.pool_id, Username=admin_user.username)
    sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
    assert me["username"] == admin_user.username
    assert me["sub"] == sub
    assert me["groups"] == [settings.COGNITO_ADMIN_GROUP]
    assert me["is_staff"] is True
    assert me["token_use"] == "access"
    assert me["client_id"] == cognito.client_id


def test_the_cookie_carries_the_token_too(access_api, plain_user, sign_in_as):
    token = sign_in_as(plain_user)["AccessToken"]
    response = access_api.get("/api/me/", cookies={settings.ACCESS_TOKEN_KEY: token})
    assert response.status_code == 200
    assert response.json()["username"] == plain_user.username
    assert response.json()["groups"] == []


def test_admin_endpoint_admits_only_the_admin_group(access_api, admin_user, plain_user, sign_in_as):
    admin_token = sign_in_as(admin_user)["AccessToken"]
    plain_token = sign_in_as(plain_user)["AccessToken"]
    assert access_api.get("/api/admin/", headers=bearer(admin_token)).status_code == 200
    assert access_api.get("/api/admin/", headers=bearer(plain_token)).status_code == 403


def test_notes_are_kept_per_user(access_api, admin_user, plain_user, sign_in_as):
    admin = bearer(sign_in_as(admin_user)["AccessToken"])
    plain = bearer(sign_in_as(plain_user)["AccessToken"])
    assert access_api.post("/api/notes/", json={"text": "admin's"}, headers=admin).ok
    assert access_api.post("/api/notes/", json={"text": "plain's"}, headers=plain).ok

    def texts(headers):
        response = access_api.get("/api/notes/", headers=headers)
        assert response.status_code == 200
        body = response.json()
        notes = body["results"] if isinstance(body, dict) else body
        return {note["text"] for note in notes}

    assert "admin's" in texts(admin) and "plain's" not in texts(admin)
    assert "plain's" in texts(plain) and "admin's" not in texts(plain)


def test_a_note_written_through_the_server_lands_in_the_runs_database(
    access_api, plain_user, sign_in_as
):
    """A PostgreSQL run serves from PostgreSQL too: a database of the served folder's own
    on the run's server (SQLite files for a SQLite run)."""
    headers = bearer(sign_in_as(plain_user)["AccessToken"])
    text = "kept by the served process's database"
    assert access_api.post("/api/notes/", json={"text": text}, headers=headers).status_code == 201
    served_url = access_api.env["DATABASE_URL"]
    served, run = urlsplit(served_url), urlsplit(settings.TEST_DATABASE_URL)
    assert served.scheme == run.scheme
    if run.scheme != "sqlite":
        assert (served.hostname, served.port) == (run.hostname, run.port)
        suite_database = f"/test_{run.path.lstrip('/')}"  # the one pytest-django made
        assert served.path not in (run.path, suite_database)
    assert (text,) in database_rows(served_url, "SELECT text FROM api_note")


def test_cookie_authenticated_post_needs_the_csrf_token(access_api, plain_user, sign_in_as):
    token = sign_in_as(plain_user)["AccessToken"]
    cookie = {settings.ACCESS_TOKEN_KEY: token}
    refused = access_api.post("/api/notes/", json={"text": "no csrf"}, cookies=cookie)
    assert refused.status_code == 403

    csrf = access_api.get("/api/csrf/")
    # The CSRF cookie is marked Secure outside DEBUG; requests would hold it back on http.
    cookies = {**cookie, "csrftoken": csrf.cookies["csrftoken"]}
    accepted = access_api.post(
        "/api/notes/",
        json={"text": "with csrf"},
        cookies=cookies,
        headers={"X-CSRFToken": csrf.json()["csrfToken"]},
    )
    assert accepted.status_code == 201


def test_id_token_is_refused_when_access_tokens_are_configured(access_api, admin_user, sign_in_as):
    id_token = sign_in_as(admin_user)["IdToken"]
    response = access_api.get("/api/me/", headers=bearer(id_token))
    assert response.status_code == 401
    assert "token use" in response.json()["detail"]
    assert id_token not in response.text


def test_id_token_is_accepted_when_id_tokens_are_configured(id_api, admin_user, sign_in_as):
    tokens = sign_in_as(admin_user)
    response = id_api.get("/api/me/", headers=bearer(tokens["IdToken"]))
    assert response.status_code == 200
    assert response.json()["username"] == admin_user.username
    assert response.json()["token_use"] == "id"
    assert response.json()["groups"] == [settings.COGNITO_ADMIN_GROUP]
    assert id_api.get("/api/admin/", headers=bearer(tokens["IdToken"])).status_code == 200
    assert id_api.get("/api/me/", headers=bearer(tokens["AccessToken"])).status_code == 401


def test_refreshed_tokens_are_accepted(access_api, id_api, cognito, idp, plain_user, sign_in_as):
    first = sign_in_as(plain_user)
    renewed = refresh(idp, cognito.client_id, first["RefreshToken"])
    assert renewed["AccessToken"] != first["AccessToken"]
    response = access_api.get("/api/me/", headers=bearer(renewed["AccessToken"]))
    assert response.status_code == 200
    assert response.json()["username"] == plain_user.username
    assert id_api.get("/api/me/", headers=bearer(renewed["IdToken"])).status_code == 200


def test_token_of_another_app_client_is_refused(access_api, cognito, idp, plain_user):
    emulator = emulator_client(cognito.endpoint_url, cognito.region)
    other_client = emulator.create_user_pool_client(
        UserPoolId=cognito.pool_id,
        ClientName="not-the-api",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    token = sign_in(idp, other_client, plain_user.username, plain_user.password)["AccessToken"]
    response = access_api.get("/api/me/", headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["detail"].startswith("token issued for another client")


def test_wrong_password_is_refused_by_cognito(cognito, idp, plain_user):
    with pytest.raises(SignInError):
        sign_in(idp, cognito.client_id, plain_user.username, "Not-the-passw0rd!")
{%- if cookiecutter.openapi_docs == 'y' %}


def test_schema_and_docs_are_served(access_api):
    assert access_api.get("/api/schema/").status_code == 200
    assert access_api.get("/api/docs/").status_code == 200
{%- endif %}
