"""Warm start: each worker fetches the key set as it starts, without failing to start."""

import time

from djognito.testing import jwks_document
from scripts.cognito_fakes import JWKSServer

from .processes import ApiServer, server_environment


def serve_with(jwks_url: str, tmp_path, workers: int = 2) -> ApiServer:
    environment = server_environment(
        tmp_path,
        AWS_COGNITO_REGION="eu-west-1",
        AWS_COGNITO_USER_POOL_ID="eu-west-1_TestPool1",
        AWS_COGNITO_APP_CLIENT_ID="testclient1",
        AWS_COGNITO_JWKS_URL=jwks_url,
        AWS_COGNITO_JWKS_TIMEOUT_SECONDS="1",
    )
    return ApiServer(environment, tmp_path / "gunicorn.log", "--workers", str(workers))


def test_each_worker_holds_the_keys_before_the_first_request(tmp_path, signing_key):
    with JWKSServer(jwks_document(signing_key)) as keys, serve_with(keys.url, tmp_path) as api:
        # Every worker fetches while it starts (the second may still be starting when the
        # first answers); no request has carried a token.
        deadline = time.monotonic() + 15
        while keys.fetches < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert keys.fetches == 2
        for _ in range(4):  # whichever worker answers
            health = api.get("/api/health/").json()["jwks"]
            assert (health["ready"], health["keys"], health["fetches"]) == (True, 1, 1)


def test_workers_start_while_the_key_set_is_unreachable(tmp_path):
    with serve_with("http://127.0.0.1:9/pool/.well-known/jwks.json", tmp_path, 1) as api:
        health = api.get("/api/health/")
        assert health.status_code == 200
        assert health.json()["jwks"]["ready"] is False
        assert "Key set not fetched at start" in api.log()
