"""The settings of the sign-in endpoints, their cookies and the origins they serve.

Declared like the core's (``djognito.conf.SETTINGS``), one ``Setting`` row each, and read
into a frozen ``BrowserConfig``; token verification (the hot path) never reads them.
``browser_config()`` is the process-wide copy, dropped with the rest of ``djognito.state``.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings as django_settings

from .. import state
from ..conf import (
    Setting,
    config_class,
    cookie_name,
    load_config,
    on_off,
    read_settings,
    seconds,
    table_problems,
    text,
    url_problem,
    whole,
)

SAMESITE_VALUES = ("Lax", "Strict", "None")


def _samesite_rule(value) -> str | None:
    if value in SAMESITE_VALUES:
        return None
    return f"must be Lax, Strict or None, got {value!r}."


def _domain_rule(value) -> str | None:
    if not value or re.fullmatch(r"\.?[A-Za-z0-9.-]+", value):
        return None
    return f"must be a domain name, got {value!r}."


# Check ids from E101 on; they never move (the README lists them).
SETTINGS = (
    Setting(
        "AWS_COGNITO_ENDPOINT_URL",
        "endpoint_url",
        "",
        "djognito.E101",
        read=lambda value: text(value).rstrip("/"),
    ),
    Setting(
        "AWS_COGNITO_APP_CLIENT_SECRET",
        "client_secret",
        "",
        "djognito.E102",
        read=text,
        secret=True,
    ),
    Setting(
        "AWS_COGNITO_REFRESH_COOKIE", "refresh_cookie", "refreshToken", "djognito.E103", read=text
    ),
    Setting(
        "AWS_COGNITO_REFRESH_TOKEN_DAYS", "refresh_token_days", 30, "djognito.E104", whole(1, 3650)
    ),
    Setting(
        "AWS_COGNITO_DOMAIN",
        "domain",
        "",
        "djognito.E105",
        read=lambda value: text(value).rstrip("/"),
    ),
    Setting("AWS_COGNITO_REDIRECT_URI", "redirect_uri", "", "djognito.E106", read=text),
    Setting(
        "AWS_COGNITO_LOGIN_REDIRECT_URL",
        "login_redirect_url",
        "/",
        "djognito.E107",
        read=lambda value: text(value) or "/",
    ),
    Setting(
        "AWS_COGNITO_LOGOUT_REDIRECT_URL",
        "logout_redirect_url",
        "/",
        "djognito.E108",
        read=lambda value: text(value) or "/",
    ),
    Setting(
        "AWS_COGNITO_COOKIE_SAMESITE", "samesite", "Lax", "djognito.E109", _samesite_rule, text
    ),
    Setting("DJANGO_COOKIE_DOMAIN", "cookie_domain", "", "djognito.E110", _domain_rule, text),
    Setting("AWS_COGNITO_AMPLIFY_COOKIES", "amplify_cookies", False, "djognito.E111", on_off),
    Setting(
        "AWS_COGNITO_IDP_TIMEOUT_SECONDS",
        "idp_timeout_seconds",
        5.0,
        "djognito.E112",
        seconds(60),
    ),
    # Rate limits (throttles.py); E113 is the CORS check below.
    Setting(
        "AWS_COGNITO_SIGN_IN_RATE_PER_MINUTE",
        "sign_in_rate_per_minute",
        30,
        "djognito.E114",
        whole(1, 100_000),
    ),
    Setting(
        "AWS_COGNITO_USERNAME_FAILURES", "username_failures", 5, "djognito.E115", whole(1, 1000)
    ),
    Setting(
        "AWS_COGNITO_USERNAME_LOCK_SECONDS",
        "username_lock_seconds",
        300,
        "djognito.E116",
        whole(1, 86400),
    ),
    # Challenges and MFA (challenges.py, mfa.py).
    Setting(
        "AWS_COGNITO_CHALLENGE_COOKIE",
        "challenge_cookie",
        "cognitoChallenge",
        "djognito.E117",
        read=text,
    ),
    Setting("AWS_COGNITO_REAUTH_SECONDS", "reauth_seconds", 300, "djognito.E118", whole(1, 86400)),
    # Accounts (accounts.py): codes sent per username (throttles.CodeRequests).
    Setting(
        "AWS_COGNITO_CODES_PER_USERNAME", "codes_per_username", 3, "djognito.E119", whole(1, 1000)
    ),
    Setting(
        "AWS_COGNITO_CODES_WINDOW_SECONDS",
        "codes_window_seconds",
        900,
        "djognito.E120",
        whole(1, 86400),
    ),
)
# Django settings (not variables of this package) that the browser configuration reads.
DJANGO_SETTING_NAMES = (
    "CORS_ALLOWED_ORIGINS",
    "CORS_ALLOW_ALL_ORIGINS",
    "CORS_ALLOW_CREDENTIALS",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
)
# Checked from the Django settings above; reported under the variable that sets them.
CORS_CHECK_ID = "djognito.E113"


def _client_id(self) -> str:
    """The app client that signs browsers in: the first configured one."""
    return self.cognito.app_client_ids[0] if self.cognito.app_client_ids else ""


def _secure_cookies(self) -> bool:
    """``Secure`` on the token cookies: outside DEBUG, and always with SameSite=None."""
    return not self.cognito.debug or self.samesite == "None"


BrowserConfig = config_class(
    "BrowserConfig",
    SETTINGS,
    # The Cognito configuration, and what the CORS and HTTPS settings of Django say.
    ("cognito", "allowed_origins", "allow_all_origins", "allow_credentials", "https_only"),
    {
        "__doc__": "Settings of the sign-in endpoints, their cookies and the origins they serve.",
        "client_id": property(_client_id),
        "secure_cookies": property(_secure_cookies),
    },
)


def load_browser_config(settings=None) -> BrowserConfig:
    """Read the browser-session settings into a ``BrowserConfig``; never raises."""
    settings = settings or django_settings
    origins = getattr(settings, "CORS_ALLOWED_ORIGINS", ()) or ()
    return BrowserConfig(
        **read_settings(SETTINGS, settings),
        cognito=load_config(settings),
        allowed_origins=tuple(str(origin) for origin in origins),
        allow_all_origins=bool(getattr(settings, "CORS_ALLOW_ALL_ORIGINS", False)),
        allow_credentials=bool(getattr(settings, "CORS_ALLOW_CREDENTIALS", False)),
        https_only=bool(
            getattr(settings, "SECURE_SSL_REDIRECT", False)
            or getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
        ),
    )


# Read once per process (the authentication class asks on every request that carries no
# other token), and again after a setting it reads changes.
browser_config = state.lazy(
    load_browser_config,
    watches=[setting.name for setting in SETTINGS] + list(DJANGO_SETTING_NAMES),
)


def is_allowed_redirect(url: str, allowed_origins=()) -> bool:
    """True for a path on this site (``/next``) or a URL on one of ``allowed_origins``."""
    if not isinstance(url, str) or not url or any(c in url for c in "\\\r\n\t"):
        return False
    parts = urlsplit(url)
    if not parts.scheme and not parts.netloc:
        # "/path" only: "//evil.example" is protocol-relative, "path" is relative to the API.
        return url.startswith("/") and not url.startswith("//")
    return f"{parts.scheme}://{parts.netloc}" in allowed_origins


def browser_problems(config: BrowserConfig) -> list[tuple[str, str]]:
    """Everything wrong with the browser-session settings, as (name, message) pairs."""
    found = []
    debug = config.cognito.debug
    for name, url in (
        ("AWS_COGNITO_ENDPOINT_URL", config.endpoint_url),
        ("AWS_COGNITO_DOMAIN", config.domain),
        ("AWS_COGNITO_REDIRECT_URI", config.redirect_uri),
    ):
        message = url and url_problem(name, url, debug)
        if message:
            found.append((name, message))
    problem = cookie_name(config.refresh_cookie)
    if problem:
        found.append(("AWS_COGNITO_REFRESH_COOKIE", problem))
    elif config.refresh_cookie == config.cognito.cookie_name:
        found.append(("AWS_COGNITO_REFRESH_COOKIE", "must differ from ACCESS_TOKEN_KEY."))
    problem = cookie_name(config.challenge_cookie)
    if problem:
        found.append(("AWS_COGNITO_CHALLENGE_COOKIE", problem))
    elif config.challenge_cookie in (config.cognito.cookie_name, config.refresh_cookie):
        found.append(
            (
                "AWS_COGNITO_CHALLENGE_COOKIE",
                "must differ from ACCESS_TOKEN_KEY and AWS_COGNITO_REFRESH_COOKIE.",
            )
        )
    found += table_problems(SETTINGS, config)
    for name, url in (
        ("AWS_COGNITO_LOGIN_REDIRECT_URL", config.login_redirect_url),
        ("AWS_COGNITO_LOGOUT_REDIRECT_URL", config.logout_redirect_url),
    ):
        if not is_allowed_redirect(url, config.allowed_origins):
            found.append(
                (
                    name,
                    f"must be a path on this site or a URL of DJANGO_CORS_ALLOWED_ORIGINS, "
                    f"got {url!r}.",
                )
            )
    if config.samesite == "None" and not debug and not config.https_only:
        found.append(
            (
                "AWS_COGNITO_COOKIE_SAMESITE",
                "None needs HTTPS outside DEBUG (browsers drop Secure cookies on plain http): "
                "turn on DJANGO_SECURE_SSL_REDIRECT or DJANGO_SECURE_PROXY_SSL_HEADER.",
            )
        )
    if config.allow_credentials and (config.allow_all_origins or "*" in config.allowed_origins):
        found.append(
            (
                "DJANGO_CORS_ALLOWED_ORIGINS",
                "must list origins: a wildcard with credentials would let any site call the "
                "API as the signed-in user.",
            )
        )
    return found
