"""`manage.py check` names each missing or malformed Cognito setting by its variable."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from djognito.checks import CHECK_IDS
from djognito.conf import DEFAULTS

from .processes import PROJECT, run_python, scrubbed_environment


def check_output() -> str:
    """What `manage.py check` reports: empty when the configuration is clean."""
    try:
        call_command("check", stdout=StringIO(), stderr=StringIO())
    except SystemCheckError as exc:
        return str(exc)
    return ""


def test_the_test_configuration_is_clean():
    assert check_output() == ""


# (setting, bad value, what the report must say about it)
MISCONFIGURATIONS = {
    "region-uppercase": ("AWS_COGNITO_REGION", "EU-WEST-1", "must be an AWS region"),
    "region-name": ("AWS_COGNITO_REGION", "Ireland", "must be an AWS region"),
    "pool-missing": ("AWS_COGNITO_USER_POOL_ID", "", "must look like <region>_"),
    "pool-without-region": ("AWS_COGNITO_USER_POOL_ID", "TestPool1", "must look like <region>_"),
    "pool-with-space": ("AWS_COGNITO_USER_POOL_ID", "eu-west-1_Test Pool", "must look like"),
    "pool-of-other-region": (
        "AWS_COGNITO_USER_POOL_ID",
        "us-east-1_TestPool1",
        "belongs to region 'us-east-1'",
    ),
    "client-empty": ("AWS_COGNITO_APP_CLIENT_ID", "", "is empty"),
    "client-only-commas": ("AWS_COGNITO_APP_CLIENT_ID", " , ", "is empty"),
    "client-bad-characters": ("AWS_COGNITO_APP_CLIENT_ID", "testclient1,Client-2", "'Client-2'"),
    "token-use-refresh": ("AWS_COGNITO_TOKEN_USE", "refresh", "must be 'access' or 'id'"),
    "token-use-empty": ("AWS_COGNITO_TOKEN_USE", "", "must be 'access' or 'id'"),
    "cookie-name-empty": ("ACCESS_TOKEN_KEY", "", "must be a valid cookie name"),
    "cookie-name-with-space": ("ACCESS_TOKEN_KEY", "access token", "must be a valid cookie name"),
    "cookie-name-with-semicolon": ("ACCESS_TOKEN_KEY", "token;", "must be a valid cookie name"),
    "issuer-plain-http": (
        "AWS_COGNITO_ISSUER",
        "http://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool1",
        "must use https outside DEBUG",
    ),
    "issuer-not-a-url": ("AWS_COGNITO_ISSUER", "cognito", "must be an http(s) URL"),
    "jwks-plain-http": (
        "AWS_COGNITO_JWKS_URL",
        "http://keys.example.com/jwks.json",
        "must use https outside DEBUG",
    ),
    "jwks-ftp": ("AWS_COGNITO_JWKS_URL", "ftp://keys.example.com/jwks.json", "http(s) URL"),
    "leeway-too-long": ("AWS_COGNITO_LEEWAY_SECONDS", 600, "from 0 to 30"),
    "timeout-zero": ("AWS_COGNITO_JWKS_TIMEOUT_SECONDS", 0, "in (0, 60]"),
    "ttl-negative": ("AWS_COGNITO_JWKS_TTL_SECONDS", -1, "whole number"),
    "cookie-name-trailing-newline": ("ACCESS_TOKEN_KEY", "accessToken\n", "valid cookie name"),
    "region-trailing-newline-inside": ("AWS_COGNITO_REGION", "eu-west-1\nx", "AWS region"),
    "permissions-a-list": ("AWS_COGNITO_GROUP_PERMISSIONS", ["admin"], "must map group names"),
    "permissions-not-a-list": (
        "AWS_COGNITO_GROUP_PERMISSIONS",
        {"admin": "api.view_all_notes"},
        "must map group names",
    ),
    "permissions-not-strings": ("AWS_COGNITO_GROUP_PERMISSIONS", {"admin": [1]}, "must map"),
    "lifetime-over-a-day": ("AWS_COGNITO_MAX_TOKEN_LIFETIME_SECONDS", 90000, "from 60 to 86400"),
    "leeway-not-a-number": ("AWS_COGNITO_LEEWAY_SECONDS", "five", "whole number"),
}


@pytest.mark.parametrize(
    ("setting", "value", "message"), MISCONFIGURATIONS.values(), ids=MISCONFIGURATIONS.keys()
)
def test_each_misconfiguration_is_reported_by_name(settings, setting, value, message):
    setattr(settings, setting, value)
    report = check_output()
    assert f"{setting} " in report
    assert message in report
    assert f"Set {setting} in .env" in report
    assert f"({CHECK_IDS[setting]})" in report


# Check ids are part of the contract (the README lists them): they never move.
PINNED_CHECK_IDS = {
    "ACCESS_TOKEN_KEY": "djognito.E001",
    "AWS_COGNITO_USER_POOL_ID": "djognito.E003",
    "AWS_COGNITO_JWKS_URL": "djognito.E007",
    "AWS_COGNITO_TOKEN_CACHE_SIZE": "djognito.E013",
    "AWS_COGNITO_GROUP_PERMISSIONS": "djognito.E015",
    "AWS_COGNITO_MAX_TOKEN_LIFETIME_SECONDS": "djognito.E016",
}


def test_check_ids_are_pinned_and_cover_every_setting():
    assert {name: CHECK_IDS[name] for name in PINNED_CHECK_IDS} == PINNED_CHECK_IDS
    assert set(DEFAULTS) <= set(CHECK_IDS)
    assert len(set(CHECK_IDS.values())) == len(CHECK_IDS)


def test_readme_lists_each_check_id_beside_its_variable():
    readme = (PROJECT / "README.md").read_text()
    for name, check_id in CHECK_IDS.items():
        rows = [line for line in readme.splitlines() if line.startswith(f"| `{name}` |")]
        assert any(check_id in row for row in rows), f"README lists no {check_id} for {name}"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9000/pool/.well-known/jwks.json",
        "http://localhost:9000/pool/.well-known/jwks.json",
        "http://[::1]:9000/pool/.well-known/jwks.json",
    ],
)
def test_plain_http_is_allowed_on_loopback_hosts(settings, url):
    settings.AWS_COGNITO_ISSUER = url.rsplit("/.well-known", 1)[0]
    settings.AWS_COGNITO_JWKS_URL = url
    assert check_output() == ""


def test_the_region_may_be_left_to_the_pool_id(settings):
    settings.AWS_COGNITO_REGION = ""
    assert check_output() == ""


def test_plain_http_is_allowed_in_debug(settings):
    settings.DEBUG = True
    settings.AWS_COGNITO_JWKS_URL = "http://keys.example.com/jwks.json"
    assert check_output() == ""


def test_misconfigured_server_answers_401_not_500(settings, api_client, tokens):
    settings.AWS_COGNITO_REGION = "nowhere"
    response = api_client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {tokens.token()}")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "authentication is not configured on this server",
        "code": "not_configured",
    }


def test_manage_py_check_names_the_environment_variables():
    env = scrubbed_environment(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="off",
        DJANGO_SECRET_KEY="check-test-secret-key-that-is-long-enough-0123456789-abcdefghij",
        AWS_COGNITO_REGION="Ireland",
        AWS_COGNITO_USER_POOL_ID="no-pool",
        AWS_COGNITO_APP_CLIENT_ID="",
        AWS_COGNITO_TOKEN_USE="refresh",
        ACCESS_TOKEN_KEY="bad name;",
        AWS_COGNITO_JWKS_URL="http://keys.example.com/jwks.json",
        AWS_COGNITO_LEEWAY_SECONDS="600",
        AWS_COGNITO_TOKEN_CACHE_TTL_SECONDS="0",
        AWS_COGNITO_MAX_TOKEN_BYTES="10",
        AWS_COGNITO_JWKS_TIMEOUT_SECONDS="0",
        AWS_COGNITO_JWKS_TTL_SECONDS="0",
        AWS_COGNITO_JWKS_COOLDOWN_SECONDS="-1",
        AWS_COGNITO_GROUP_PERMISSIONS='{"admin": ',
        AWS_COGNITO_MAX_TOKEN_LIFETIME_SECONDS="a day",
    )
    result = run_python("manage.py", "check", env=env)
    assert result.returncode == 1
    for name in (
        "AWS_COGNITO_REGION",
        "AWS_COGNITO_USER_POOL_ID",
        "AWS_COGNITO_APP_CLIENT_ID",
        "AWS_COGNITO_TOKEN_USE",
        "ACCESS_TOKEN_KEY",
        "AWS_COGNITO_JWKS_URL",
        "AWS_COGNITO_LEEWAY_SECONDS",
        "AWS_COGNITO_TOKEN_CACHE_TTL_SECONDS",
        "AWS_COGNITO_MAX_TOKEN_BYTES",
        "AWS_COGNITO_JWKS_TIMEOUT_SECONDS",
        "AWS_COGNITO_JWKS_TTL_SECONDS",
        "AWS_COGNITO_JWKS_COOLDOWN_SECONDS",
        "AWS_COGNITO_GROUP_PERMISSIONS",
        "AWS_COGNITO_MAX_TOKEN_LIFETIME_SECONDS",
    ):
        assert f"{name} " in result.stderr
    assert "Traceback" not in result.stderr
