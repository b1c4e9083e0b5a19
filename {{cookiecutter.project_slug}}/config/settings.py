"""Django settings, read from the environment and the project's ``.env`` files.

Precedence, highest first: real environment variables, ``.env.local`` (written by
``make cognito-local`` for development), ``.env``.
"""

import os
from pathlib import Path

import environ
import orjson

from djognito.conf import settings_from_environment

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# read_env never overwrites a variable that is already set, so the first file read wins.
for env_file in (BASE_DIR / ".env.local", BASE_DIR / ".env"):
    if env_file.is_file():
        env.read_env(env_file)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Required outside DEBUG: django-environ names the variable when it is missing.
SECRET_KEY = (
    env("DJANGO_SECRET_KEY")
    if not DEBUG
    else env("DJANGO_SECRET_KEY", default="django-insecure-development-only")
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    # auth is installed for compatibility with third-party apps; no request reads its tables.
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "rest_framework",
{%- if cookiecutter.openapi_docs == 'y' %}
    "drf_spectacular",
    "drf_spectacular_sidecar",
{%- endif %}
    "djognito",
    "djognito.revocation",
{%- if cookiecutter.browser_sessions == 'y' %}
    "djognito.browser",
{%- endif %}
    "api",
{%- if cookiecutter.browser_sessions == 'y' %}
    "corsheaders",
{%- endif %}
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Answers to requests carrying the token cookie: Cache-Control private, Vary: Cookie.
    "djognito.middleware.PrivateCookieAnswers",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (the revocation deny-list lives here) -------------------------------
# DJANGO_CACHE_URL: redis://host:6379/0 (Django's own Redis backend) in production, so every
# worker and host shares one cache; unset, each process keeps its own (locmemcache://).
CACHES = {"default": env.cache_url("DJANGO_CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis that stops answering must fail a request in about a second, not hang a worker.
    CACHES["default"].setdefault("OPTIONS", {})
    CACHES["default"]["OPTIONS"].setdefault("socket_connect_timeout", 1)
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", 1)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security ---------------------------------------------------------------
# `manage.py check --deploy` passes with these defaults when DEBUG is off (tests/test_deploy.py).
# Behind a TLS-terminating proxy (load balancer, ingress), set DJANGO_SECURE_PROXY_SSL_HEADER=on
# so that Django trusts its X-Forwarded-Proto header: without it every request looks like
# plain http and SECURE_SSL_REDIRECT loops. Only do so when the proxy always sets (or
# overwrites) that header, or clients could claim https themselves.
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe the health endpoint over plain http: answer it rather than redirect.
SECURE_REDIRECT_EXEMPT = [r"^api/health/$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Cognito (read by djognito.conf; checked by `manage.py check`) -----------
# The project's own choices; the environment (or .env) may override them.
ACCESS_TOKEN_KEY = "{{ cookiecutter.access_token_cookie }}"
AWS_COGNITO_TOKEN_USE = "{{ cookiecutter.token_use }}"
# Group -> Django-style permissions granted by CognitoUser.has_perm() (JSON in the environment).
AWS_COGNITO_GROUP_PERMISSIONS = {
    "{{ cookiecutter.admin_group }}": ["api.view_all_notes"],
}
# Every other AWS_COGNITO_* variable is passed on as written when it is set: the defaults
# live in the settings tables (djognito/conf.py
{%- if cookiecutter.browser_sessions == 'y' %}, djognito/browser/settings.py{% endif %}), and
# `manage.py check` names any value that is malformed.
{%- if cookiecutter.browser_sessions == 'y' %}
globals().update(settings_from_environment(os.environ, "djognito.browser.settings"))
{%- else %}
globals().update(settings_from_environment(os.environ))
{%- endif %}
COGNITO_ADMIN_GROUP = env("COGNITO_ADMIN_GROUP", default="{{ cookiecutter.admin_group }}")
# Resource server (Cognito > App integration > Resource servers) whose scope
# "<identifier>/reports.read" lets a service (client-credentials token) call /api/reports/.
COGNITO_RESOURCE_SERVER = env("COGNITO_RESOURCE_SERVER", default="{{ cookiecutter.resource_server }}")
COGNITO_REPORTS_SCOPE = f"{COGNITO_RESOURCE_SERVER}/reports.read"
{%- if cookiecutter.browser_sessions == 'y' %}

# --- Browser sessions (djognito.browser: /api/auth/...; see the README) ------------
# Sign-in calls go to Cognito's regional endpoint unless AWS_COGNITO_ENDPOINT_URL is set
# (`make cognito-local` writes the emulator's into .env.local).
# Their variables (AWS_COGNITO_ENDPOINT_URL, AWS_COGNITO_REFRESH_COOKIE, ...) are passed on
# above with the others; djognito/browser/settings.py holds their defaults and checks.
CSRF_COOKIE_DOMAIN = os.environ.get("DJANGO_COOKIE_DOMAIN", "").strip() or None
if os.environ.get("AWS_COGNITO_COOKIE_SAMESITE", "").strip() == "None":
    # A front end on another site must send (and read) the CSRF cookie as well.
    CSRF_COOKIE_SAMESITE = "None"
    CSRF_COOKIE_SECURE = True
# Front ends on other origins that may call the API with the user's cookies.
CORS_ALLOWED_ORIGINS = env.list("DJANGO_CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_CREDENTIALS = True
if CORS_ALLOWED_ORIGINS:
    # Only when some origin may call: with none listed it would only cost every request
    # time. Above CommonMiddleware, so that preflights and redirects carry the CORS headers.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.common.CommonMiddleware"),
        "corsheaders.middleware.CorsMiddleware",
    )
if not env("DJANGO_CSRF_TRUSTED_ORIGINS", default=""):
    CSRF_TRUSTED_ORIGINS = CORS_ALLOWED_ORIGINS
{%- endif %}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.CognitoAuthentication"],
    # One parser for every view: JSON bounded in size and depth (400/413, never 500).
    "DEFAULT_PARSER_CLASSES": ["djognito.parsers.JSONParser"],
    # Error bodies carry a stable code: {"detail": "token expired", "code": "token_expired"}.
    "EXCEPTION_HANDLER": "djognito.exception_handler.exception_handler",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Proxies in front that append to X-Forwarded-For (0: the peer address is the client's).
    # DRF's own default (None) would trust a header any client can forge.
    "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES", default=0),
    # JSON written by orjson, several times faster than DRF's JSONRenderer and the same bytes
    # for strings, numbers, lists and dicts; unlike it, orjson writes NaN as null and leaves
    # U+2028/U+2029 unescaped (serializer errors of list fields are keyed by item index).
    "DEFAULT_RENDERER_CLASSES": ["drf_orjson_renderer.renderers.ORJSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "ORJSON_RENDERER_OPTIONS": (orjson.OPT_NON_STR_KEYS,),
{%- if cookiecutter.openapi_docs == 'y' %}
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
{%- endif %}
}
{%- if cookiecutter.openapi_docs == 'y' %}

SPECTACULAR_SETTINGS = {
    "TITLE": "{{ cookiecutter.project_name }}",
    "DESCRIPTION": "{{ cookiecutter.description }}",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Separate request and response components, so read-only fields are not asked for.
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's scripts come from this project's static files, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema and Swagger UI are public: a stale token cookie must not lock them.
    "SERVE_AUTHENTICATION": [],
}
{%- endif %}

# --- Logging ------------------------------------------------------------------
LOG_LEVEL = env("DJANGO_LOG_LEVEL", default="INFO")
# Everything goes to stderr through the root logger (gunicorn and containers collect it).
# djognito logs refused tokens at INFO ("authentication failed: <reason> (client <addr>)",
# never the token) and key set fetches and failures at WARNING.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "djognito": {"level": LOG_LEVEL},
        "django": {"level": "INFO"},
    },
}
