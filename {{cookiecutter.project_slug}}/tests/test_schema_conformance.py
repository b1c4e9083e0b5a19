"""Schemathesis against the schema the app serves: every operation, called by four kinds of
caller with generated (valid and invalid) input, answers only what the schema documents.

Each answer is checked for a server error, a status code the operation documents, a
documented content type and a body that fits the documented schema; and input the schema
allows must be accepted, input it forbids refused (4xx). A failure here means the API or its
schema is wrong: fix one of them rather than leaving the operation out.
"""

import contextlib
import functools
import os

import pytest
import schemathesis
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)
{%- if cookiecutter.browser_sessions == 'y' %}

from scripts.ports import free_port
from scripts.seed import seed

from .local_pool import use_local_pool
{%- endif %}

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def connections_kept_open():
    """The WSGI handler closes database connections when a request ends; inside a test's
    transaction (PostgreSQL runs) that would close the test's own connection. Django's test
    client keeps them open the same way (and reconnects the receivers after each request, so
    this wraps the calls themselves)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# Generated input only: the callers' credentials are the ones below, never random ones.
CONFIG = schemathesis.Config.from_dict({"generation": {"with-security-parameters": False}})
# The project's WSGI handler, without config.wsgi's key set warm-up (the tests serve the key
# set themselves, per test).
SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)

CALLERS = ["anonymous", "bearer-user", "bearer-admin", "cookie-with-csrf"]
{%- if cookiecutter.browser_sessions == 'y' %}
# Cognito's answer when the sign-in endpoints cannot reach it (documented as 503).
COGNITO_UNREACHABLE = "identity_provider_unavailable"
SIGN_IN_REGION = "ca-central-1"  # its own pool on the shared emulator
{%- endif %}


@pytest.fixture
def credentials(tokens):
    """``(headers, cookies)`` of a kind of caller, with real tokens the verifier accepts.

    Made once per test, for all its generated examples: a CSRF pair takes a new test client,
    whose set-up (WhiteNoise reads every collected static file) can cost more than the
    example itself."""

    @functools.cache
    def of(caller: str) -> tuple[dict, dict]:
        if caller == "anonymous":
            return {}, {}
        if caller == "bearer-user":
            return {"Authorization": f"Bearer {tokens.token('alice')}"}, {}
        if caller == "bearer-admin":
            token = tokens.token("root", groups=[settings.COGNITO_ADMIN_GROUP])
            return {"Authorization": f"Bearer {token}"}, {}
        assert caller == "cookie-with-csrf", caller
        return cookie_caller(tokens.token("bob"))

    return of


def cookie_caller(token: str) -> tuple[dict, dict]:
    """The token in the access cookie, with a CSRF cookie and header as the front end gets
    them from ``GET /api/csrf/``."""
    browser = Client()
    csrf_token = browser.get("/api/csrf/").json()["csrfToken"]
    cookies = {
        settings.ACCESS_TOKEN_KEY: token,
        settings.CSRF_COOKIE_NAME: browser.cookies[settings.CSRF_COOKIE_NAME].value,
    }
    return {"X-CSRFToken": csrf_token}, cookies
{%- if cookiecutter.browser_sessions == 'y' %}


@pytest.fixture(autouse=True)
def unreachable_cognito(settings):
    """Cognito (its API and the managed login domain) on a closed loopback port: the sign-in
    endpoints that call it answer 503 at once, and nothing leaves the machine."""
    closed = f"http://127.0.0.1:{free_port()}"
    settings.AWS_COGNITO_ENDPOINT_URL = closed
    settings.AWS_COGNITO_DOMAIN = closed


def not_a_server_error_but_unreachable_cognito(ctx, response, case):
    """``not_a_server_error``, except for the 503 an operation documents for Cognito being
    unreachable: with Cognito on a closed port (above) that answer is the right one, while any
    other 5xx (or a 503 the operation does not document) still fails."""
    documented = "503" in case.operation.responses.status_codes
    if documented and response.status_code == 503 and error_code(response) == COGNITO_UNREACHABLE:
        return None
    return not_a_server_error(ctx, response, case)


def error_code(response) -> str | None:
    """The ``code`` of a JSON error body, if it has one."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None


SERVER_ERROR_CHECK = not_a_server_error_but_unreachable_cognito
# Checks that are wrong for one operation, each with the reason.
FALSE_POSITIVES = {
    # A schema-valid code and state are refused (400 invalid_state) because the caller holds
    # no sign-in state cookie: hosted/login/ sets it (signed) and no generated input can.
    "GET /api/auth/hosted/callback/": [positive_data_acceptance],
}
{%- else %}


SERVER_ERROR_CHECK = not_a_server_error
FALSE_POSITIVES = {}
{%- endif %}

CHECKS = [
    SERVER_ERROR_CHECK,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    positive_data_acceptance,
    negative_data_rejection,
]


def checks_for(operation: str) -> list:
    """The checks that apply to ``operation`` (``"GET /api/me/"``)."""
    return [check for check in CHECKS if check not in FALSE_POSITIVES.get(operation, ())]


@pytest.mark.parametrize("caller", CALLERS)
@SCHEMA.parametrize()
@hypothesis_settings(
    max_examples=5,
    deadline=None,
    database=None,
    # Fresh examples on a developer's machine, the same ones on CI.
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_answer_is_the_documented_one(case, caller, credentials):
    headers, cookies = credentials(caller)
    with connections_kept_open():
        case.call_and_validate(
            headers=headers, cookies=cookies, checks=checks_for(case.operation.label)
        )
{%- if cookiecutter.browser_sessions == 'y' %}


def served_operations() -> set[str]:
    """Every operation of the served schema, as ``"METHOD /path"``."""
    paths = SCHEMA.raw_schema["paths"]
    return {f"{method.upper()} {path}" for path, methods in paths.items() for method in methods}


def test_every_exclusion_names_a_served_operation():
    assert set(FALSE_POSITIVES) <= served_operations()


def test_a_sign_in_answer_is_the_documented_one(moto_emulator, settings):
    """A real sign-in (moto's Cognito, which the generated cases cannot reach): its 200,
    with the new CSRF token, is what the schema says."""
    pool = seed(moto_emulator.endpoint_url, SIGN_IN_REGION, settings.COGNITO_ADMIN_GROUP)
    use_local_pool(settings, pool)
    bob = next(user for user in pool.users if user.username == "bob")
    browser = Client()
    csrf_token = browser.get("/api/csrf/").json()["csrfToken"]
    case = SCHEMA["/api/auth/login/"]["POST"].Case(
        body={"username": bob.username, "password": bob.password},
        headers={"X-CSRFToken": csrf_token},
        cookies={settings.CSRF_COOKIE_NAME: browser.cookies[settings.CSRF_COOKIE_NAME].value},
        media_type="application/json",
    )
    with connections_kept_open():
        response = case.call_and_validate(checks=[response_schema_conformance])
    assert response.status_code == 200
    assert response.json()["csrfToken"] != csrf_token
{%- endif %}


# What Schemathesis first found: input the schema forbids, which the API took as a note.
@pytest.mark.parametrize(
    "body",
    [
        '{"text": 0}',
        '{"text": 1e400}',
        '{"text": true}',
        '{"text": " \\t\\n"}',
        '{"text": " ' + "x" * 1000 + '"}',
    ],
    ids=["number", "infinite-number", "boolean", "only-whitespace", "too-long-before-trimming"],
)
def test_a_note_the_schema_forbids_is_refused(api_client, tokens, body):
    response = api_client.post(
        "/api/notes/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {tokens.token()}",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"text"}


def test_a_note_is_stored_trimmed(api_client, tokens):
    response = api_client.post(
        "/api/notes/",
        {"text": "  hello  "},
        format="json",
        HTTP_AUTHORIZATION=f"Bearer {tokens.token()}",
    )
    assert response.status_code == 201
    assert response.json()["text"] == "hello"
