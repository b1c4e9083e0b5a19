"""Settings for the test suite: a fixed test user pool, independent of .env."""

import os

import environ

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
# The database: DATABASE_URL from the real environment (`DATABASE_URL=postgres://... pytest`,
# or `make test-postgres`), never the one of .env; in-memory SQLite when it is unset.
TEST_DATABASE_URL = os.environ.get("DATABASE_URL") or "sqlite://:memory:"

from .settings import *  # noqa: E402, F403

DEBUG = False
SECURE_SSL_REDIRECT = False
DATABASES = {"default": environ.Env.db_url_config(TEST_DATABASE_URL)}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The tests serve their own key set on 127.0.0.1 and sign their own tokens.
ACCESS_TOKEN_KEY = "{{ cookiecutter.access_token_cookie }}"
AWS_COGNITO_REGION = "eu-west-1"
AWS_COGNITO_USER_POOL_ID = "eu-west-1_TestPool1"
AWS_COGNITO_APP_CLIENT_ID = "testclient1,testclient2"
AWS_COGNITO_TOKEN_USE = "{{ cookiecutter.token_use }}"
AWS_COGNITO_ISSUER = ""
AWS_COGNITO_JWKS_URL = "http://127.0.0.1:9/unset/.well-known/jwks.json"
COGNITO_ADMIN_GROUP = "{{ cookiecutter.admin_group }}"
COGNITO_RESOURCE_SERVER = "{{ cookiecutter.resource_server }}"
COGNITO_REPORTS_SCOPE = f"{COGNITO_RESOURCE_SERVER}/reports.read"
{%- if cookiecutter.browser_sessions == 'y' %}
# Browser sessions: no emulator, domain or front-end origin unless a test sets one.
AWS_COGNITO_ENDPOINT_URL = ""
AWS_COGNITO_REFRESH_COOKIE = "refreshToken"
AWS_COGNITO_APP_CLIENT_SECRET = ""
AWS_COGNITO_DOMAIN = ""
AWS_COGNITO_REDIRECT_URI = ""
AWS_COGNITO_COOKIE_SAMESITE = "Lax"
AWS_COGNITO_AMPLIFY_COOKIES = False
DJANGO_COOKIE_DOMAIN = ""
CSRF_COOKIE_DOMAIN = None
CORS_ALLOWED_ORIGINS = []
CSRF_TRUSTED_ORIGINS = []
{%- endif %}
