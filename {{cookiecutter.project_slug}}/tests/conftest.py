"""Test tiers, and fixtures: a real RSA key, a real JWKS server on 127.0.0.1, a token factory."""

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from djognito.conf import load_config
from djognito.jwt_utils import reset_verifier
from djognito.testing import SigningKey, TokenFactory, jwks_document
from scripts.cognito_fakes import JWKSServer
from scripts.moto_server import MotoServer

from .processes import SERVED_DATABASES

# Each test module's tier (registered as markers in pyproject.toml), so that a run can pick
# what it needs: `pytest -m "library or app"` runs in process only, `-m e2e` the real servers.
#   library: the djognito module in process (tokens, verifier, key set, checks, users ...)
#   app:     the sample app api/ through Django's and DRF's test client, in process
#   e2e:     real servers: moto, gunicorn, Redis, Chromium, PostgreSQL
#   tooling: scripts/, the deploy checks, gunicorn.conf.py, child processes
TIER_OF_MODULE = {
    "test_api": "app",
    "test_attach_attributes": "library",
    "test_authentication_steps": "library",
    "test_checks": "library",
    "test_cognito_serve": "tooling",
    "test_csrf": "app",
    "test_database": "app",
    "test_deploy": "tooling",
    "test_error_codes": "library",
    "test_e2e_cognito": "e2e",
    "test_explain_token": "library",
    "test_hostile_tokens": "library",
    "test_integrity": "library",
    "test_json_bounds": "library",
    "test_jwks_faults": "library",
    "test_layout": "library",
    "test_local_cognito": "tooling",
    "test_local_machine_client": "tooling",
    "test_logging": "library",
    "test_machine_clients": "library",
    "test_permissions": "library",
    "test_pools": "library",
    "test_processes": "tooling",
    "test_revocation": "e2e",
    "test_signature_check": "library",
    "test_token_cache": "library",
    "test_token_properties": "library",
    "test_token_sources": "library",
    "test_warm_start": "e2e",
{%- if cookiecutter.openapi_docs == 'y' %}
    "test_openapi": "app",
    "test_schema_conformance": "app",
{%- endif %}
{%- if cookiecutter.browser_sessions == 'y' %}
    "test_accounts": "e2e",
    "test_browser": "e2e",
    "test_browser_accounts": "e2e",
    "test_browser_sessions": "e2e",
    "test_cors_and_cookies": "app",
    "test_hosted_login": "library",
    "test_sign_in_challenges": "e2e",
    "test_sign_in_limits": "e2e",
{%- endif %}
}
TIERS = ("library", "app", "e2e", "tooling")
# How long JWKSServer's "slow" behaviour waits unless a test says otherwise (its default).
JWKS_SERVER_DELAY = 5.0


def pytest_collection_modifyitems(config, items):
    """Mark every test with its module's tier; a module without one stops the run."""
    for item in items:
        module = item.path.stem
        if module not in TIER_OF_MODULE:
            raise pytest.UsageError(
                f"{item.path.name} has no test tier: add {module!r} to TIER_OF_MODULE in "
                f"tests/conftest.py (one of {', '.join(TIERS)})"
            )
        if any(item.get_closest_marker(tier) for tier in TIERS):
            raise pytest.UsageError(
                f"{item.nodeid} marks its own tier: tiers are set in tests/conftest.py only"
            )
        item.add_marker(TIER_OF_MODULE[module])


@pytest.fixture(scope="session", autouse=True)
def served_databases():
    """The databases made for served projects (PostgreSQL runs), dropped after the run."""
    yield SERVED_DATABASES
    SERVED_DATABASES.drop_all()


@pytest.fixture(scope="session")
def moto_emulator():
    """moto's Cognito emulator on 127.0.0.1, started once per session (each xdist worker
    has its own) and shared by the modules that sign users in: each seeds its pool in a
    region of its own, so none sees another's pools, clients or users."""
    with MotoServer() as server:
        yield server


@pytest.fixture(scope="session")
def signing_key():
    """The pool's current signing key."""
    return SigningKey.generate("test-key-1")


@pytest.fixture(scope="session")
def other_key():
    """A key the pool does not publish (an attacker's)."""
    return SigningKey.generate("test-key-1")


@pytest.fixture(scope="session")
def key_set_server(signing_key):
    """One live key set server for the session (each xdist worker has its own)."""
    with JWKSServer(jwks_document(signing_key)) as server:
        yield server


@pytest.fixture
def jwks_server(key_set_server, signing_key):
    """The live key set server as every test first finds it: publishing ``signing_key``,
    answering normally, and no fetch counted yet (tests change all three)."""
    key_set_server.document = jwks_document(signing_key)
    key_set_server.behaviour, key_set_server.delay = "ok", JWKS_SERVER_DELAY
    key_set_server.fetches = 0
    return key_set_server


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
def with_cookie(api_client, settings):
    """Puts a token in the cookie the API reads, as a browser would send it."""

    def put(token):
        api_client.cookies[settings.ACCESS_TOKEN_KEY] = token
        return api_client

    return put


@pytest.fixture
def admin_group(settings):
    """The Cognito group that may call /api/admin/."""
    return settings.COGNITO_ADMIN_GROUP
