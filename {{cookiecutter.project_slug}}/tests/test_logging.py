"""What a refused request leaves in the logs: the reason and the client, never the token."""

import logging

import pytest

pytestmark = pytest.mark.django_db


def logged_text(caplog) -> str:
    return "\n".join(record.getMessage() for record in caplog.records)


def test_refused_token_is_logged_with_reason_and_client_not_token(api_client, tokens, caplog):
    token = tokens.token("alice", exp=1000)
    with caplog.at_level(logging.INFO):
        response = api_client.get(
            "/api/me/", HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR="203.0.113.7"
        )
    assert response.status_code == 401
    refusals = [
        record
        for record in caplog.records
        if record.name.startswith("djognito") and "authentication failed" in record.getMessage()
    ]
    assert len(refusals) == 1
    assert refusals[0].levelno == logging.INFO
    assert "token expired" in refusals[0].getMessage()
    assert "203.0.113.7" in refusals[0].getMessage()
    assert token not in logged_text(caplog)
    for part in token.split("."):
        assert part not in logged_text(caplog)


def test_refused_cookie_token_is_not_logged(api_client, tokens, settings, caplog):
    token = tokens.token("alice", iss="https://attacker.example.com/pool")
    api_client.cookies[settings.ACCESS_TOKEN_KEY] = token
    with caplog.at_level(logging.INFO):
        response = api_client.get("/api/me/")
    assert response.status_code == 401
    assert "authentication failed" in logged_text(caplog)
    assert token not in logged_text(caplog)


def test_unreachable_key_set_is_logged_as_warning(api_client, tokens, settings, caplog):
    settings.AWS_COGNITO_JWKS_URL = "http://127.0.0.1:9/unreachable/.well-known/jwks.json"
    with caplog.at_level(logging.INFO):
        response = api_client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {tokens.token('bob')}")
    assert response.status_code == 401
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("JWKS fetch" in message and "failed" in message for message in warnings)


def test_key_set_fetch_is_logged_as_warning(api_client, tokens, caplog):
    with caplog.at_level(logging.INFO):
        response = api_client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {tokens.token('bob')}")
    assert response.status_code == 200
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(message.startswith("JWKS fetched from") for message in warnings)
