"""The production shape: `check --deploy` is clean, gunicorn serves with gunicorn.conf.py."""

import contextlib
import json
{%- if cookiecutter.browser_sessions == 'y' %}
import runpy
{%- endif %}
import secrets
import shutil
import subprocess
import sys
{%- if cookiecutter.browser_sessions == 'y' %}
from urllib.parse import quote
{%- endif %}

import pytest
import requests

{% if cookiecutter.browser_sessions == 'y' %}from djognito.browser.views import MAX_NEXT_LENGTH
{% endif %}from scripts.ports import free_port
from scripts.processes import ChildProcess

from .processes import PROJECT, run_python, scrubbed_environment


def production_env(**overrides) -> dict:
    """A production-like environment: debug off, a strong secret, real host names.

    Every setting the project reads is given here, so `.env` and `.env.local` change nothing.
    """
    env = scrubbed_environment(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="off",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="api.example.com",
        DATABASE_URL="sqlite:///:memory:",
        AWS_COGNITO_REGION="eu-west-1",
        AWS_COGNITO_USER_POOL_ID="eu-west-1_AbCdEf123",
        AWS_COGNITO_APP_CLIENT_ID="1example23456789abcdefghij",
        AWS_COGNITO_ISSUER="",
        AWS_COGNITO_JWKS_URL="",
    )
    env.update(overrides)
    return env


def check_deploy(**overrides) -> subprocess.CompletedProcess:
    return run_python(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", env=production_env(**overrides)
    )


def test_check_deploy_is_clean_in_production():
    result = check_deploy()
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


# (variables that weaken production, the check of `check --deploy` that must catch them)
WEAKENED = {
    "no-hsts": ({"DJANGO_SECURE_HSTS_SECONDS": "0"}, "security.W004"),
    "no-ssl-redirect": ({"DJANGO_SECURE_SSL_REDIRECT": "off"}, "security.W008"),
    "short-secret": ({"DJANGO_SECRET_KEY": "short"}, "security.W009"),
}

# `check --deploy --fail-level WARNING` under several environments, in one child process:
# config/settings.py runs again under each, and what it computes there replaces the
# production settings for Django's checks (deployment checks included).
DEPLOY_CHECKS_UNDER_EACH_ENVIRONMENT = """
import importlib, json, os, sys
import django
from django.conf import settings
from django.core.checks import WARNING, run_checks
from django.test.utils import override_settings

django.setup()
import config.settings as module

production, failing = dict(os.environ), {}
for case, variables in json.loads(sys.stdin.read()).items():
    os.environ.clear()
    os.environ.update({**production, **variables})
    importlib.reload(module)
    # DATABASES is left alone: Django completes it, so the module's never equals it.
    names = [name for name in dir(module) if name.isupper() and name != "DATABASES"]
    changed = {name: getattr(module, name) for name in names
               if getattr(module, name) != getattr(settings, name, None)}
    with override_settings(**changed):
        messages = run_checks(include_deployment_checks=True)
    failing[case] = sorted(message.id for message in messages if message.level >= WARNING)
print(json.dumps(failing))
"""


@pytest.fixture(scope="module")
def failing_deploy_checks() -> dict[str, list[str]]:
    """The ids of the warnings (or worse) `check --deploy` reports under each of WEAKENED."""
    cases = {case: variables for case, (variables, _) in WEAKENED.items()}
    result = run_python(
        "-c", DEPLOY_CHECKS_UNDER_EACH_ENVIRONMENT, env=production_env(), stdin=json.dumps(cases)
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.parametrize("case", WEAKENED)
def test_check_deploy_catches_a_weakened_setting(failing_deploy_checks, case):
    _, check_id = WEAKENED[case]
    assert check_id in failing_deploy_checks[case]


def test_secret_key_is_required_outside_debug(tmp_path):
    # A copy of the settings away from the project's .env files, so nothing provides the key.
    for package in ("config", "djognito"):
        shutil.copytree(PROJECT / package, tmp_path / package)
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = run_python("-c", "import config.settings", env=env, cwd=tmp_path)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@contextlib.contextmanager
def served_by_gunicorn(tmp_path, **overrides):
    """gunicorn with the project's gunicorn.conf.py, bound to a free port on 127.0.0.1, in
    the production environment with ``overrides``: its URL and process."""
    port = free_port()
    env = production_env(
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        **overrides,
    )
    url = f"http://127.0.0.1:{port}"
    server = ChildProcess(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
        name="gunicorn",
        env=env,
        cwd=PROJECT,
        log_path=tmp_path / "gunicorn.log",
        ready_url=f"{url}/api/health/",
    )
    with server:
        yield url, server


@pytest.fixture
def gunicorn_server(tmp_path):
    with served_by_gunicorn(tmp_path) as served:
        yield served


def test_gunicorn_serves_with_the_project_config(gunicorn_server):
    url, process = gunicorn_server
    health = requests.get(f"{url}/api/health/", timeout=5)
    assert health.status_code == 200
    assert health.json()["jwks"]["configured"] is True
    # Plain http is redirected to https outside DEBUG, except for the health endpoint.
    public = requests.get(f"{url}/api/public/", timeout=5, allow_redirects=False)
    assert public.status_code == 301
    assert public.headers["Location"].startswith("https://")

    process.stop()
    output = process.log_path.read_text()
    assert process.process.returncode == 0, output
    assert '"GET /api/health/ HTTP/1.1" 200' in output  # the access log, on stdout


def test_health_tells_configured_and_ready_apart(client, tokens, jwks_server):
    before = client.get("/api/health/").json()["jwks"]
    assert (before["configured"], before["ready"], before["keys"]) == (True, False, 0)

    token = tokens.token("alice")
    assert client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200

    after = client.get("/api/health/").json()["jwks"]
    assert (after["configured"], after["ready"], after["keys"]) == (True, True, 1)
    assert after["fetches"] == jwks_server.fetches == 1
    assert after["age_seconds"] >= 0


def test_health_answers_200_while_unconfigured(client, settings):
    settings.AWS_COGNITO_USER_POOL_ID = ""
    response = client.get("/api/health/")
    assert response.status_code == 200
    assert response.json()["jwks"] == {
        "configured": False,
        "ready": False,
        "keys": 0,
        "age_seconds": None,
        "fetches": 0,
    }


def test_the_access_log_leaves_out_query_strings(gunicorn_server):
    # A managed-login callback carries its authorization code in the query string, and a
    # page reached from it names it again in the Referer header.
    url, process = gunicorn_server
    callback = "https://app.example.com/callback/?code=REFERRED456&state=xyz"
    requests.get(
        f"{url}/api/public/?code=SECRET123&state=abc",
        headers={"Referer": callback},
        timeout=5,
        allow_redirects=False,
    )
    process.stop()
    output = process.log_path.read_text()
    assert '"GET /api/public/ HTTP/1.1" 301' in output
    assert '"https://app.example.com/callback/"' in output
    for secret in ("SECRET123", "state=abc", "REFERRED456", "state=xyz"):
        assert secret not in output
{%- if cookiecutter.browser_sessions == 'y' %}


HOSTED_LOGIN = "/api/auth/hosted/login/"
# The character that takes the most bytes percent-encoded: 4 bytes of UTF-8, each %XX.
WIDEST_CHARACTER = "\U0001f600"


@pytest.fixture(scope="module")
def hosted_login_url(tmp_path_factory):
    """gunicorn serving the managed login (a Cognito domain is set) over plain http."""
    with served_by_gunicorn(
        tmp_path_factory.mktemp("gunicorn"),
        AWS_COGNITO_DOMAIN="https://example.auth.eu-west-1.amazoncognito.com",
        DJANGO_SECURE_SSL_REDIRECT="off",
    ) as (url, _process):
        yield url


def widest_next(length: int) -> str:
    """A path of ``length`` characters, the widest ones, percent-encoded for the query."""
    return quote("/" + WIDEST_CHARACTER * (length - 1), safe="")


def request_line_of(target: str) -> int:
    """The bytes of the request line that asks for ``target`` (path and query)."""
    return len(f"GET {target} HTTP/1.1".encode())


def gunicorn_limit() -> int:
    """``limit_request_line`` of the project's gunicorn.conf.py."""
    return runpy.run_path(str(PROJECT / "gunicorn.conf.py"))["limit_request_line"]


def test_the_longest_next_the_schema_allows_is_served(hosted_login_url):
    target = f"{HOSTED_LOGIN}?next={widest_next(MAX_NEXT_LENGTH)}"
    response = requests.get(hosted_login_url + target, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text
    assert response.headers["Location"].startswith(
        "https://example.auth.eu-west-1.amazoncognito.com/oauth2/authorize?"
    )
    # The state cookie holds `next`: browsers keep a cookie of up to 4096 bytes.
    state = response.cookies["djognito_login_state"]
    assert len("djognito_login_state") + len(state) <= 4096


def test_a_next_over_the_bound_is_refused_by_the_view(hosted_login_url):
    target = f"{HOSTED_LOGIN}?next={widest_next(MAX_NEXT_LENGTH + 1)}"
    assert request_line_of(target) <= gunicorn_limit()
    response = requests.get(hosted_login_url + target, allow_redirects=False, timeout=5)
    assert response.status_code == 400
    assert response.json() == {"next": f"must be at most {MAX_NEXT_LENGTH} characters"}


def test_gunicorn_reads_a_request_line_up_to_its_configured_limit(hosted_login_url):
    limit = gunicorn_limit()
    longest = HOSTED_LOGIN + "?next=/" + "a" * (limit - request_line_of(HOSTED_LOGIN + "?next=/"))
    assert request_line_of(longest) == limit
    read = requests.get(hosted_login_url + longest, allow_redirects=False, timeout=5)
    assert read.status_code == 400  # by the view: `next` is too long
    too_long = requests.get(hosted_login_url + longest + "a", allow_redirects=False, timeout=5)
    assert too_long.status_code == 414
{%- endif %}
