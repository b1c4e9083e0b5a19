"""The one place that reads Django settings into a frozen ``CognitoConfig``.

Settings use the names of the environment variables (``AWS_COGNITO_REGION`` ...), so a
project may set them in ``settings.py`` or read them from the environment. ``problems()``
lists what is wrong with a configuration; the system checks report those, and nothing
verifies tokens against a configuration that has any.
"""

import dataclasses
import functools
import ipaddress
import json
import re
from dataclasses import dataclass, field
from types import MappingProxyType
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# Each pattern must match a whole value (fullmatch): "accessToken\n" is no cookie name.
REGION_PATTERN = re.compile(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}")
POOL_ID_PATTERN = re.compile(r"(?P<region>[a-z0-9-]+)_[A-Za-z0-9]+")
CLIENT_ID_PATTERN = re.compile(r"[a-z0-9]{1,128}")
# RFC 6265 cookie-name: an RFC 7230 token.
COOKIE_NAME_PATTERN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
TOKEN_USES = ("access", "id")
# Clock skew between Cognito and a server kept by NTP is far below this: more would only
# stretch the life of expired tokens.
MAX_LEEWAY_SECONDS = 30
LOOPBACK_HOSTS = ("localhost",)
# AWS_COGNITO_ISSUER and AWS_COGNITO_JWKS_URL may name these, to hold one URL per pool.
URL_FIELDS = ("user_pool_id", "region")
DEFAULT_ISSUER_TEMPLATE = "https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
DEFAULT_JWKS_URL_TEMPLATE = "{issuer}/.well-known/jwks.json"
# Cognito access and id tokens live at most one day.
DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 86400
# How long a process trusts a "not revoked" answer: revocations show within a second.
DEFAULT_REVOCATION_RECHECK_SECONDS = 0.5
MAX_REVOCATION_RECHECK_SECONDS = 0.9
TRUE_WORDS = ("on", "true", "yes", "1")
FALSE_WORDS = ("off", "false", "no", "0", "")

# Setting name -> default, for every setting this package reads: the only place defaults
# are written. A setting's type is its default's type; values from the environment are
# strings, converted here (what does not convert is reported by `manage.py check`).
DEFAULTS = {
    "ACCESS_TOKEN_KEY": "accessToken",
    "AWS_COGNITO_REGION": "",
    "AWS_COGNITO_USER_POOL_ID": "",
    "AWS_COGNITO_APP_CLIENT_ID": "",
    "AWS_COGNITO_TOKEN_USE": "access",
    "AWS_COGNITO_ISSUER": "",
    "AWS_COGNITO_JWKS_URL": "",
    "AWS_COGNITO_LEEWAY_SECONDS": 5,
    "AWS_COGNITO_MAX_TOKEN_BYTES": 8192,
    "AWS_COGNITO_JWKS_TIMEOUT_SECONDS": 3.0,
    "AWS_COGNITO_JWKS_TTL_SECONDS": 3600,
    "AWS_COGNITO_JWKS_COOLDOWN_SECONDS": 30,
    "AWS_COGNITO_TOKEN_CACHE_SIZE": 10_000,
    "AWS_COGNITO_TOKEN_CACHE_TTL_SECONDS": 300,
    "AWS_COGNITO_GROUP_PERMISSIONS": {},
    "AWS_COGNITO_MAX_TOKEN_LIFETIME_SECONDS": DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
    "AWS_COGNITO_REVOCATION": False,
    "AWS_COGNITO_REVOCATION_FAIL_OPEN": False,
    "AWS_COGNITO_REVOCATION_RECHECK_SECONDS": DEFAULT_REVOCATION_RECHECK_SECONDS,
}
SETTING_NAMES = frozenset(DEFAULTS) | {"DEBUG"}


def settings_from_environment(environ) -> dict:
    """The settings of this package (``DEFAULTS``, ``BROWSER_DEFAULTS``) that ``environ``
    sets, as written there.

    ``config/settings.py`` passes these on, so a default is written only here; values are
    converted (and malformed ones reported by ``manage.py check``) when they are read.
    """
    return {name: environ[name] for name in (*DEFAULTS, *BROWSER_DEFAULTS) if name in environ}


def _converted(name: str, value, defaults: dict | None = None):
    """``value`` turned into the type of the setting's default, or left as it is."""
    default = (DEFAULTS if defaults is None else defaults)[name]
    if not isinstance(value, str) or isinstance(default, str):
        return value
    text = value.strip()
    if isinstance(default, bool):
        word = text.lower()
        return True if word in TRUE_WORDS else False if word in FALSE_WORDS else value
    try:
        if isinstance(default, dict):
            return json.loads(text)
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
    except ValueError:
        pass
    return value  # not convertible: problems() names the setting


def group_permissions_mapping(value) -> MappingProxyType | None:
    """``{group: frozenset(permissions)}`` read-only, or None when ``value`` is malformed."""
    if not isinstance(value, dict):
        return None
    mapping = {}
    for group, permissions in value.items():
        if not isinstance(group, str) or not isinstance(permissions, list | tuple | set):
            return None
        if not all(isinstance(permission, str) for permission in permissions):
            return None
        mapping[group] = frozenset(permissions)
    return MappingProxyType(mapping)


@dataclass(frozen=True, slots=True)
class CognitoConfig:
    """Validated-on-demand, immutable view of the Cognito settings."""

    region: str
    user_pool_id: str
    app_client_ids: tuple[str, ...]
    token_use: str
    cookie_name: str
    issuer: str
    jwks_url: str
    leeway_seconds: int = 5
    max_token_bytes: int = 8192
    jwks_timeout_seconds: float = 3.0
    jwks_ttl_seconds: int = 3600
    jwks_cooldown_seconds: int = 30
    token_cache_size: int = 10_000
    token_cache_ttl_seconds: int = 300
    # A read-only {group: frozenset(permissions)}; the value as given when malformed.
    group_permissions: object = field(default_factory=lambda: MappingProxyType({}))
    max_token_lifetime_seconds: int = DEFAULT_MAX_TOKEN_LIFETIME_SECONDS
    debug: bool = False
    # Every configured pool (the fields above describe the first one) and the templates
    # each pool's issuer and key set URL are built from.
    user_pool_ids: tuple[str, ...] = ()
    issuer_template: str = DEFAULT_ISSUER_TEMPLATE
    jwks_url_template: str = DEFAULT_JWKS_URL_TEMPLATE
    # AWS_COGNITO_REGION as set ('' when the pool ids give the region).
    configured_region: str = ""
    # The deny-list of revoked tokens (djognito.revocation).
    revocation: bool = False
    revocation_fail_open: bool = False
    revocation_recheck_seconds: float = DEFAULT_REVOCATION_RECHECK_SECONDS

    @property
    def username_claim(self) -> str:
        """The claim that names the user: ``username`` in access tokens."""
        return "username" if self.token_use == "access" else "cognito:username"

    @property
    def client_claim(self) -> str:
        """The claim that names the app client: ``client_id`` in access tokens."""
        return "client_id" if self.token_use == "access" else "aud"


def default_issuer(region: str, user_pool_id: str) -> str:
    """The ``iss`` that Cognito puts in the tokens of a user pool."""
    return DEFAULT_ISSUER_TEMPLATE.format(region=region, user_pool_id=user_pool_id)


def region_of(user_pool_id: str) -> str:
    """The region a pool id starts with ('' when it does not look like a pool id)."""
    match = POOL_ID_PATTERN.fullmatch(user_pool_id)
    return match["region"] if match else ""


def expand(template: str, user_pool_id: str, region: str, **extra: str) -> str:
    """``template`` with ``{user_pool_id}`` and ``{region}`` filled in; ValueError when it
    names anything else or is not a valid format string."""
    try:
        return template.format_map({"user_pool_id": user_pool_id, "region": region, **extra})
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        raise ValueError(str(exc)) from None


def _pool_urls(config, user_pool_id: str, region: str) -> tuple[str, str]:
    issuer = expand(config.issuer_template, user_pool_id, region).rstrip("/")
    return issuer, expand(config.jwks_url_template, user_pool_id, region, issuer=issuer)


def pool_configs(config: "CognitoConfig") -> tuple["CognitoConfig", ...]:
    """One single-pool configuration per configured pool (its region, issuer, key set)."""
    pools = []
    for user_pool_id in config.user_pool_ids or (config.user_pool_id,):
        region = region_of(user_pool_id) or config.region
        issuer, jwks_url = _pool_urls(config, user_pool_id, region)
        pools.append(
            dataclasses.replace(
                config,
                region=region,
                user_pool_id=user_pool_id,
                user_pool_ids=(user_pool_id,),
                issuer=issuer,
                jwks_url=jwks_url,
            )
        )
    return tuple(pools)


def load_config(settings=None) -> CognitoConfig:
    """Read the settings (Django's by default) into a ``CognitoConfig``; never raises."""
    settings = settings or django_settings

    def read(name):
        return _converted(name, getattr(settings, name, DEFAULTS[name]))

    configured_region = str(read("AWS_COGNITO_REGION") or "").strip()
    pools = tuple(
        p.strip() for p in str(read("AWS_COGNITO_USER_POOL_ID") or "").split(",") if p.strip()
    )
    pool = pools[0] if pools else ""
    # AWS_COGNITO_REGION may stay empty: a pool id starts with its region.
    region = configured_region or region_of(pool)
    issuer_template = str(read("AWS_COGNITO_ISSUER") or "").strip().rstrip("/")
    issuer_template = issuer_template or DEFAULT_ISSUER_TEMPLATE
    jwks_url_template = str(read("AWS_COGNITO_JWKS_URL") or "").strip()
    jwks_url_template = jwks_url_template or DEFAULT_JWKS_URL_TEMPLATE
    try:
        issuer = expand(issuer_template, pool, region).rstrip("/")
        jwks_url = expand(jwks_url_template, pool, region, issuer=issuer)
    except ValueError:  # reported by problems()
        issuer, jwks_url = issuer_template, jwks_url_template
    clients = read("AWS_COGNITO_APP_CLIENT_ID") or ""
    if isinstance(clients, str):
        clients = clients.split(",")
    permissions = read("AWS_COGNITO_GROUP_PERMISSIONS")
    return CognitoConfig(
        region=region,
        user_pool_id=pool,
        app_client_ids=tuple(c.strip() for c in clients if c.strip()),
        token_use=str(read("AWS_COGNITO_TOKEN_USE") or "").strip(),
        cookie_name=str(read("ACCESS_TOKEN_KEY") or ""),
        issuer=issuer,
        jwks_url=jwks_url,
        leeway_seconds=read("AWS_COGNITO_LEEWAY_SECONDS"),
        max_token_bytes=read("AWS_COGNITO_MAX_TOKEN_BYTES"),
        jwks_timeout_seconds=read("AWS_COGNITO_JWKS_TIMEOUT_SECONDS"),
        jwks_ttl_seconds=read("AWS_COGNITO_JWKS_TTL_SECONDS"),
        jwks_cooldown_seconds=read("AWS_COGNITO_JWKS_COOLDOWN_SECONDS"),
        token_cache_size=read("AWS_COGNITO_TOKEN_CACHE_SIZE"),
        token_cache_ttl_seconds=read("AWS_COGNITO_TOKEN_CACHE_TTL_SECONDS"),
        group_permissions=group_permissions_mapping(permissions) or permissions,
        max_token_lifetime_seconds=read("AWS_COGNITO_MAX_TOKEN_LIFETIME_SECONDS"),
        debug=bool(getattr(settings, "DEBUG", False)),
        user_pool_ids=pools,
        configured_region=configured_region,
        issuer_template=issuer_template,
        jwks_url_template=jwks_url_template,
        revocation=read("AWS_COGNITO_REVOCATION"),
        revocation_fail_open=read("AWS_COGNITO_REVOCATION_FAIL_OPEN"),
        revocation_recheck_seconds=read("AWS_COGNITO_REVOCATION_RECHECK_SECONDS"),
    )


def is_loopback(host: str | None) -> bool:
    """True for localhost and 127.0.0.0/8 / ::1 addresses."""
    if not host:
        return False
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url_problem(name: str, url: str, debug: bool) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{name} must be an http(s) URL, got {url!r}."
    if parts.scheme != "https" and not debug and not is_loopback(parts.hostname):
        return f"{name} must use https outside DEBUG (plain http only on loopback hosts)."
    return None


def _is_whole(value, low, high) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def problems(config: CognitoConfig) -> list[tuple[str, str]]:
    """Everything wrong with ``config``, as (setting name, message) pairs."""
    found = []
    if config.configured_region and not REGION_PATTERN.fullmatch(config.configured_region):
        found.append(
            (
                "AWS_COGNITO_REGION",
                f"must be an AWS region such as eu-west-1, got {config.configured_region!r}.",
            )
        )
    found += _pool_id_problems(config)
    if not config.app_client_ids:
        found.append(("AWS_COGNITO_APP_CLIENT_ID", "is empty: set the app client id."))
    for client_id in config.app_client_ids:
        if not CLIENT_ID_PATTERN.fullmatch(client_id):
            found.append(
                (
                    "AWS_COGNITO_APP_CLIENT_ID",
                    f"must be lowercase letters and digits (comma-separated), got {client_id!r}.",
                )
            )
    if config.token_use not in TOKEN_USES:
        found.append(
            ("AWS_COGNITO_TOKEN_USE", f"must be 'access' or 'id', got {config.token_use!r}.")
        )
    if not COOKIE_NAME_PATTERN.fullmatch(config.cookie_name):
        found.append(
            ("ACCESS_TOKEN_KEY", f"must be a valid cookie name, got {config.cookie_name!r}.")
        )
    found += _url_problems(config)
    bounds = (
        ("AWS_COGNITO_LEEWAY_SECONDS", config.leeway_seconds, 0, MAX_LEEWAY_SECONDS),
        ("AWS_COGNITO_MAX_TOKEN_BYTES", config.max_token_bytes, 512, 65536),
        ("AWS_COGNITO_JWKS_TTL_SECONDS", config.jwks_ttl_seconds, 1, 86400),
        ("AWS_COGNITO_JWKS_COOLDOWN_SECONDS", config.jwks_cooldown_seconds, 0, 3600),
        ("AWS_COGNITO_TOKEN_CACHE_SIZE", config.token_cache_size, 0, 10_000_000),
        ("AWS_COGNITO_TOKEN_CACHE_TTL_SECONDS", config.token_cache_ttl_seconds, 1, 86400),
        (
            "AWS_COGNITO_MAX_TOKEN_LIFETIME_SECONDS",
            config.max_token_lifetime_seconds,
            60,
            DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
        ),
    )
    for name, value, low, high in bounds:
        if not _is_whole(value, low, high):
            found.append((name, f"must be a whole number from {low} to {high}, got {value!r}."))
    timeout = config.jwks_timeout_seconds
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 60:
        found.append(
            (
                "AWS_COGNITO_JWKS_TIMEOUT_SECONDS",
                f"must be a number of seconds in (0, 60], got {timeout!r}.",
            )
        )
    for name, value in (
        ("AWS_COGNITO_REVOCATION", config.revocation),
        ("AWS_COGNITO_REVOCATION_FAIL_OPEN", config.revocation_fail_open),
    ):
        if not isinstance(value, bool):
            found.append((name, f"must be on or off, got {value!r}."))
    recheck = config.revocation_recheck_seconds
    if (
        isinstance(recheck, bool)
        or not isinstance(recheck, int | float)
        or not 0 <= recheck <= MAX_REVOCATION_RECHECK_SECONDS
    ):
        found.append(
            (
                "AWS_COGNITO_REVOCATION_RECHECK_SECONDS",
                f"must be a number of seconds from 0 to {MAX_REVOCATION_RECHECK_SECONDS}, "
                f"got {recheck!r}.",
            )
        )
    if not isinstance(config.group_permissions, MappingProxyType):
        found.append(
            (
                "AWS_COGNITO_GROUP_PERMISSIONS",
                'must map group names to lists of permissions, e.g. {"admin": '
                f'["api.view_all_notes"]}}, got {config.group_permissions!r}.',
            )
        )
    return found


def _pool_id_problems(config: CognitoConfig) -> list[tuple[str, str]]:
    """Each pool id well formed, in a real region, and in AWS_COGNITO_REGION when set."""
    found = []
    for user_pool_id in config.user_pool_ids or (config.user_pool_id,):
        pool_region = region_of(user_pool_id)
        if not REGION_PATTERN.fullmatch(pool_region):
            found.append(
                (
                    "AWS_COGNITO_USER_POOL_ID",
                    "must look like <region>_<letters and digits> (comma-separate several), "
                    f"got {user_pool_id!r}.",
                )
            )
        elif config.configured_region and pool_region != config.configured_region:
            found.append(
                (
                    "AWS_COGNITO_USER_POOL_ID",
                    f"{user_pool_id!r} belongs to region {pool_region!r}, "
                    f"not to AWS_COGNITO_REGION {config.configured_region!r}.",
                )
            )
    return found


def _url_problems(config: CognitoConfig) -> list[tuple[str, str]]:
    """The issuer and key set URL of every pool: valid templates, http(s), one per pool."""
    for name, template, extra in (
        ("AWS_COGNITO_ISSUER", config.issuer_template, {}),
        ("AWS_COGNITO_JWKS_URL", config.jwks_url_template, {"issuer": ""}),
    ):
        try:
            expand(template, "", "", **extra)
        except ValueError:
            fields = ", ".join("{" + name + "}" for name in URL_FIELDS)
            return [(name, f"may only hold {fields} as fields, got {template!r}.")]
    found = []
    try:
        pools = pool_configs(config)
    except ValueError:
        return found
    if len({pool.issuer for pool in pools}) < len(pools):
        found.append(
            (
                "AWS_COGNITO_ISSUER",
                "must contain {user_pool_id} when several pools are configured.",
            )
        )
    for pool in pools:
        for name, url in (
            ("AWS_COGNITO_ISSUER", pool.issuer),
            ("AWS_COGNITO_JWKS_URL", pool.jwks_url),
        ):
            message = _url_problem(name, url, config.debug)
            if message and (name, message) not in found:
                found.append((name, message))
    return found


# --- Browser sessions: sign-in endpoints, their cookies, CORS and Amplify's cookies ---------
# Kept apart from CognitoConfig: token verification (the hot path) never reads these.

BROWSER_DEFAULTS = {
    "AWS_COGNITO_ENDPOINT_URL": "",
    "AWS_COGNITO_APP_CLIENT_SECRET": "",
    "AWS_COGNITO_REFRESH_COOKIE": "refreshToken",
    "AWS_COGNITO_REFRESH_TOKEN_DAYS": 30,
    "AWS_COGNITO_DOMAIN": "",
    "AWS_COGNITO_REDIRECT_URI": "",
    "AWS_COGNITO_LOGIN_REDIRECT_URL": "/",
    "AWS_COGNITO_LOGOUT_REDIRECT_URL": "/",
    "AWS_COGNITO_COOKIE_SAMESITE": "Lax",
    "DJANGO_COOKIE_DOMAIN": "",
    "AWS_COGNITO_AMPLIFY_COOKIES": False,
    "AWS_COGNITO_IDP_TIMEOUT_SECONDS": 5.0,
}
SAMESITE_VALUES = ("Lax", "Strict", "None")
# Django settings (not variables of this package) that the browser checks read.
BROWSER_DJANGO_SETTINGS = (
    "CORS_ALLOWED_ORIGINS",
    "CORS_ALLOW_ALL_ORIGINS",
    "CORS_ALLOW_CREDENTIALS",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
)
SETTING_NAMES = SETTING_NAMES | frozenset(BROWSER_DEFAULTS) | frozenset(BROWSER_DJANGO_SETTINGS)


@dataclass(frozen=True, slots=True)
class BrowserConfig:
    """Settings of the sign-in endpoints, the cookies they set and the origins they serve."""

    cognito: CognitoConfig
    endpoint_url: str = ""
    client_secret: str = field(default="", repr=False)
    refresh_cookie: str = "refreshToken"
    refresh_token_days: int = 30
    domain: str = ""
    redirect_uri: str = ""
    login_redirect_url: str = "/"
    logout_redirect_url: str = "/"
    samesite: str = "Lax"
    cookie_domain: str = ""
    amplify_cookies: bool = False  # the value as given when it is not a boolean
    idp_timeout_seconds: float = 5.0
    allowed_origins: tuple[str, ...] = ()
    allow_all_origins: bool = False
    allow_credentials: bool = False
    https_only: bool = False

    @property
    def client_id(self) -> str:
        """The app client that signs browsers in: the first configured one."""
        return self.cognito.app_client_ids[0] if self.cognito.app_client_ids else ""

    @property
    def secure_cookies(self) -> bool:
        """``Secure`` on the token cookies: outside DEBUG, and always with SameSite=None."""
        return not self.cognito.debug or self.samesite == "None"


def load_browser_config(settings=None) -> BrowserConfig:
    """Read the browser-session settings into a ``BrowserConfig``; never raises."""
    settings = settings or django_settings

    def read(name):
        return _converted(name, getattr(settings, name, BROWSER_DEFAULTS[name]), BROWSER_DEFAULTS)

    def text(name):
        return str(read(name) or "").strip()

    origins = getattr(settings, "CORS_ALLOWED_ORIGINS", ()) or ()
    return BrowserConfig(
        cognito=load_config(settings),
        endpoint_url=text("AWS_COGNITO_ENDPOINT_URL").rstrip("/"),
        client_secret=text("AWS_COGNITO_APP_CLIENT_SECRET"),
        refresh_cookie=text("AWS_COGNITO_REFRESH_COOKIE"),
        refresh_token_days=read("AWS_COGNITO_REFRESH_TOKEN_DAYS"),
        domain=text("AWS_COGNITO_DOMAIN").rstrip("/"),
        redirect_uri=text("AWS_COGNITO_REDIRECT_URI"),
        login_redirect_url=text("AWS_COGNITO_LOGIN_REDIRECT_URL") or "/",
        logout_redirect_url=text("AWS_COGNITO_LOGOUT_REDIRECT_URL") or "/",
        samesite=text("AWS_COGNITO_COOKIE_SAMESITE"),
        cookie_domain=text("DJANGO_COOKIE_DOMAIN"),
        amplify_cookies=read("AWS_COGNITO_AMPLIFY_COOKIES"),
        idp_timeout_seconds=read("AWS_COGNITO_IDP_TIMEOUT_SECONDS"),
        allowed_origins=tuple(str(origin) for origin in origins),
        allow_all_origins=bool(getattr(settings, "CORS_ALLOW_ALL_ORIGINS", False)),
        allow_credentials=bool(getattr(settings, "CORS_ALLOW_CREDENTIALS", False)),
        https_only=bool(
            getattr(settings, "SECURE_SSL_REDIRECT", False)
            or getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
        ),
    )


@functools.cache
def browser_config() -> BrowserConfig:
    """``load_browser_config()``, read once and kept until a setting it reads changes
    (the authentication class asks on every request that carries no other token)."""
    return load_browser_config()


@receiver(setting_changed)
def _forget_browser_config(*, setting, **kwargs):
    if setting in SETTING_NAMES:
        browser_config.cache_clear()


def browser_problems(config: BrowserConfig) -> list[tuple[str, str]]:
    """Everything wrong with the browser-session settings, as (name, message) pairs."""
    found = []
    debug = config.cognito.debug
    if config.endpoint_url:
        message = _url_problem("AWS_COGNITO_ENDPOINT_URL", config.endpoint_url, debug)
        if message:
            found.append(("AWS_COGNITO_ENDPOINT_URL", message))
    if config.domain:
        message = _url_problem("AWS_COGNITO_DOMAIN", config.domain, debug)
        if message:
            found.append(("AWS_COGNITO_DOMAIN", message))
    if config.redirect_uri:
        message = _url_problem("AWS_COGNITO_REDIRECT_URI", config.redirect_uri, debug)
        if message:
            found.append(("AWS_COGNITO_REDIRECT_URI", message))
    if not COOKIE_NAME_PATTERN.fullmatch(config.refresh_cookie):
        found.append(
            (
                "AWS_COGNITO_REFRESH_COOKIE",
                f"must be a valid cookie name, got {config.refresh_cookie!r}.",
            )
        )
    elif config.refresh_cookie == config.cognito.cookie_name:
        found.append(("AWS_COGNITO_REFRESH_COOKIE", "must differ from ACCESS_TOKEN_KEY."))
    if not _is_whole(config.refresh_token_days, 1, 3650):
        found.append(
            (
                "AWS_COGNITO_REFRESH_TOKEN_DAYS",
                f"must be a whole number from 1 to 3650, got {config.refresh_token_days!r}.",
            )
        )
    if not isinstance(config.amplify_cookies, bool):
        found.append(
            (
                "AWS_COGNITO_AMPLIFY_COOKIES",
                f"must be on or off, got {config.amplify_cookies!r}.",
            )
        )
    timeout = config.idp_timeout_seconds
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 60:
        found.append(
            (
                "AWS_COGNITO_IDP_TIMEOUT_SECONDS",
                f"must be a number of seconds in (0, 60], got {timeout!r}.",
            )
        )
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
    if config.samesite not in SAMESITE_VALUES:
        found.append(
            (
                "AWS_COGNITO_COOKIE_SAMESITE",
                f"must be Lax, Strict or None, got {config.samesite!r}.",
            )
        )
    elif config.samesite == "None" and not debug and not config.https_only:
        found.append(
            (
                "AWS_COGNITO_COOKIE_SAMESITE",
                "None needs HTTPS outside DEBUG (browsers drop Secure cookies on plain http): "
                "turn on DJANGO_SECURE_SSL_REDIRECT or DJANGO_SECURE_PROXY_SSL_HEADER.",
            )
        )
    if config.cookie_domain and not re.fullmatch(r"\.?[A-Za-z0-9.-]+", config.cookie_domain):
        found.append(
            ("DJANGO_COOKIE_DOMAIN", f"must be a domain name, got {config.cookie_domain!r}.")
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


def is_allowed_redirect(url: str, allowed_origins=()) -> bool:
    """True for a path on this site (``/next``) or a URL on one of ``allowed_origins``."""
    if not isinstance(url, str) or not url or any(c in url for c in "\\\r\n\t"):
        return False
    parts = urlsplit(url)
    if not parts.scheme and not parts.netloc:
        # "/path" only: "//evil.example" is protocol-relative, "path" is relative to the API.
        return url.startswith("/") and not url.startswith("//")
    return f"{parts.scheme}://{parts.netloc}" in allowed_origins
