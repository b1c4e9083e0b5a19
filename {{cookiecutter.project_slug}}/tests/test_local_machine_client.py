"""The local service client: `make cognito-local` seeds it, `make login-client` gets its token."""

import pytest
from django.conf import settings as django_settings

from scripts.local_state import load_state, save_state, write_env_local
from scripts.login_client import curl_lines, local_client_token
from scripts.seed import MACHINE_CLIENT_NAME, emulator_client, seed

REGION = "eu-north-1"  # its own pool on the shared emulator

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(moto_emulator):
    """The emulator with the pool, its users, the resource server and the service client."""
    resource_server = django_settings.COGNITO_RESOURCE_SERVER
    pool = seed(moto_emulator.endpoint_url, REGION, "admins", resource_server=resource_server)
    return moto_emulator, pool


def test_seeding_creates_the_resource_server_and_the_service_client_once(seeded):
    server, pool = seeded
    again = seed(
        server.endpoint_url,
        REGION,
        "admins",
        resource_server=django_settings.COGNITO_RESOURCE_SERVER,
    )
    assert again == pool
    assert pool.machine_client.scopes == (django_settings.COGNITO_REPORTS_SCOPE,)
    idp = emulator_client(server.endpoint_url, REGION)
    clients = idp.list_user_pool_clients(UserPoolId=pool.pool_id, MaxResults=60)
    names = [client["ClientName"] for client in clients["UserPoolClients"]]
    assert names.count(MACHINE_CLIENT_NAME) == 1
    described = idp.describe_user_pool_client(
        UserPoolId=pool.pool_id, ClientId=pool.machine_client.client_id
    )["UserPoolClient"]
    assert described["AllowedOAuthFlows"] == ["client_credentials"]


def test_the_service_token_reads_reports_against_the_emulators_key_set(
    seeded, settings, api_client
):
    _server, pool = seeded
    settings.AWS_COGNITO_REGION = REGION
    settings.AWS_COGNITO_USER_POOL_ID = pool.pool_id
    settings.AWS_COGNITO_APP_CLIENT_ID = ",".join(pool.app_client_ids)
    settings.AWS_COGNITO_TOKEN_USE = "access"
    settings.AWS_COGNITO_JWKS_URL = pool.jwks_url
    token = local_client_token(pool)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert api_client.get("/api/reports/", **headers).json() == {"notes": 0}
    me = api_client.get("/api/me/", **headers).json()
    assert (me["kind"], me["username"]) == ("client", pool.machine_client.client_id)


def test_state_and_env_local_carry_the_service_client(seeded, tmp_path):
    _server, pool = seeded
    save_state(pool, 4242, tmp_path / "state.json")
    assert load_state(tmp_path / "state.json") == (4242, pool)
    write_env_local(pool, tmp_path / ".env.local")
    expected = f"AWS_COGNITO_APP_CLIENT_ID={pool.client_id},{pool.machine_client.client_id}"
    assert expected in (tmp_path / ".env.local").read_text().splitlines()


def test_curl_lines_call_reports_and_me_as_the_service():
    reports, me = curl_lines("http://127.0.0.1:8000/", "aaa.bbb.ccc")
    assert (
        reports == "curl -H 'Authorization: Bearer aaa.bbb.ccc' http://127.0.0.1:8000/api/reports/"
    )
    assert me.endswith("http://127.0.0.1:8000/api/me/")
