"""Fixtures: a real RSA key, a real JWKS server on 127.0.0.1, and a token factory."""

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from djognito.conf import load_config
from djognito.jwt_utils import reset_verifier
from djognito.testing import SigningKey, TokenFactory, jwks_document
from scripts.cognito_fakes import JWKSServer


@pytest.fixture(scope="session")
def signing_key():
    """The pool's current signing key."""
    return SigningKey.generate("test-key-1")


@pytest.fixture(scope="session")
def other_key():
    """A key the pool does not publish (an attacker's)."""
    return SigningKey.generate("test-key-1")


@pytest.fixture
def jwks_server(signing_key):
    """A live key set server publishing ``signing_key``."""
    with JWKSServer(jwks_document(signing_key)) as server:
        yield server


@pytest.fixture(autouse=True)
def cognito_settings(settings, jwks_server):
    """Point the verifier at the local key set; a fresh verifier for every test."""
    settings.AWS_COGNITO_JWKS_URL = jwks_server.url
    reset_verifier()
    yield settings
    reset_verifier()


@pytest.fixture(autouse=True)
def fresh_default_cache():
    """Each test starts with an empty default cache (rate-limit counts, deny-list entries)."""
    caches["default"].clear()


@pytest.fixture
def tokens(signing_key, cognito_settings):
    """Makes tokens for the test pool and its first client."""
    config = load_config()
    return TokenFactory(
        key=signing_key,
        issuer=config.issuer,
        client_id=config.app_client_ids[0],
        token_use=config.token_use,
    )


@pytest.fixture
def api_client():
    """DRF's test client, with CSRF checks enforced as a browser would meet them."""
    return APIClient(enforce_csrf_checks=True)


@pytest.fixture
def admin_group(settings):
    """The Cognito group that may call /api/admin/."""
    return settings.COGNITO_ADMIN_GROUP
