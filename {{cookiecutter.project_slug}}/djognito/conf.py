"""The settings of this package: each one declared once, read into a frozen ``CognitoConfig``.

Settings use the names of the environment variables (``AWS_COGNITO_REGION`` ...), so a
project may set them in ``settings.py`` or read them from the environment. Every setting is
one ``Setting`` row of ``SETTINGS``: its name, the ``CognitoConfig`` attribute it fills, its
default, how a value from the environment is read, what makes a value wrong, and its pinned
``manage.py check`` id. ``problems()`` lists what is wrong with a configuration; the system
checks report those, and nothing verifies tokens against a configuration that has any.

The optional parts declare their settings the same way (``djognito.browser.settings``).
"""

import dataclasses
import ipaddress
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from types import MappingProxyType
from urllib.parse import urlsplit

from django.conf import settings as django_settings

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
# Cognito access and id tokens live at most one day.
MAX_TOKEN_LIFETIME_SECONDS = 86400
# How long a process may trust a "not revoked" answer: revocations show within a second.
MAX_REVOCATION_RECHECK_SECONDS = 0.9
LOOPBACK_HOSTS = ("localhost",)
# AWS_COGNITO_ISSUER and AWS_COGNITO_JWKS_URL may name these, to hold one URL per pool.
URL_FIELDS = ("user_pool_id", "region")
DEFAULT_ISSUER_TEMPLATE = "https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
DEFAULT_JWKS_URL_TEMPLATE = "{issuer}/.well-known/jwks.json"
TRUE_WORDS = ("on", "true", "yes", "1")
FALSE_WORDS = ("off", "false", "no", "0", "")


# --- Reading a value ---------------------------------------------------------------------


def converted(value, default):
    """``value`` turned into the type of ``default`` when it is a string from the
    environment, or left as it is (what does not convert is named by ``manage.py check``)."""
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
    return value


def text(value) -> str:
    """A string setting, stripped ('' for None)."""
    return str(value or "").strip()


def comma_list(value) -> tuple[str, ...]:
    """``"a, b"`` (or a list) as ``("a", "b")``, blanks dropped."""
    items = value.split(",") if isinstance(value, str) else value or ()
    return tuple(str(item).strip() for item in items if str(item).strip())


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


# --- Rules: each returns what is wrong with a value, or None -----------------------------


def whole(low: int, high: int) -> Callable[[object], str | None]:
    """A whole number from ``low`` to ``high``."""

    def rule(value):
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return None
        return f"must be a whole number from {low} to {high}, got {value!r}."

    return rule


def seconds(high: float, zero_allowed: bool = False) -> Callable[[object], str | None]:
    """A number of seconds up to ``high`` (above zero unless ``zero_allowed``)."""
    span = f"from 0 to {high}" if zero_allowed else f"in (0, {high}]"

    def rule(value):
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if number and (value >= 0 if zero_allowed else value > 0) and value <= high:
            return None
        return f"must be a number of seconds {span}, got {value!r}."

    return rule


def on_off(value) -> str | None:
    """``True`` or ``False`` (``on``/``off`` ... in the environment)."""
    return None if isinstance(value, bool) else f"must be on or off, got {value!r}."


def cookie_name(value) -> str | None:
    """A valid cookie name."""
    if isinstance(value, str) and COOKIE_NAME_PATTERN.fullmatch(value):
        return None
    return f"must be a valid cookie name, got {value!r}."


def anything(value) -> None:
    """No rule of its own (checked with the settings it depends on)."""
    return None


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: ``name`` (the environment variable and Django setting), the config
    ``attribute`` it fills, its ``default``, ``read`` (the converted value to the
    attribute's value), ``rule`` (what is wrong with that value) and its check id."""

    name: str
    attribute: str
    default: object
    check_id: str
    rule: Callable[[object], str | None] = anything
    read: Callable[[object], object] = lambda value: value
    # Kept out of the config's repr (logs, error reports).
    secret: bool = False

    def value_in(self, settings):
        """This setting's value in ``settings`` (Django's), read and converted."""
        return self.read(converted(getattr(settings, self.name, self.default), self.default))


def _region_rule(value) -> str | None:
    if not value or REGION_PATTERN.fullmatch(value):
        return None
    return f"must be an AWS region such as eu-west-1, got {value!r}."


def _token_use_rule(value) -> str | None:
    return None if value in TOKEN_USES else f"must be 'access' or 'id', got {value!r}."


def _client_ids_rule(value) -> str | None:
    if not value:
        return "is empty: set the app client id."
    for client_id in value:
        if not CLIENT_ID_PATTERN.fullmatch(client_id):
            return f"must be lowercase letters and digits (comma-separated), got {client_id!r}."
    return None


def _group_permissions_rule(value) -> str | None:
    if isinstance(value, MappingProxyType):
        return None
    return (
        'must map group names to lists of permissions, e.g. {"admin": '
        f'["api.view_all_notes"]}}, got {value!r}.'
    )


# Every setting of token verification and revocation. The ids never move (the README lists
# them); a new setting takes the next free number, a retired setting's id is never reused.
SETTINGS = (
    Setting("ACCESS_TOKEN_KEY", "cookie_name", "accessToken", "djognito.E001", cookie_name, str),
    Setting("AWS_COGNITO_REGION", "configured_region", "", "djognito.E002", _region_rule, text),
    # The pool ids, region agreement and URLs are checked together (pool_problems).
    Setting("AWS_COGNITO_USER_POOL_ID", "user_pool_ids", "", "djognito.E003", read=comma_list),
    Setting(
        "AWS_COGNITO_APP_CLIENT_ID",
        "app_client_ids",
        "",
        "djognito.E004",
        _client_ids_rule,
        comma_list,
    ),
    Setting("AWS_COGNITO_TOKEN_USE", "token_use", "access", "djognito.E005", _token_use_rule, text),
    Setting(
        "AWS_COGNITO_ISSUER",
        "issuer_template",
        "",
        "djognito.E006",
        read=lambda value: text(value).rstrip("/") or DEFAULT_ISSUER_TEMPLATE,
    ),
    Setting(
        "AWS_COGNITO_JWKS_URL",
        "jwks_url_template",
        "",
        "djognito.E007",
        read=lambda value: text(value) or DEFAULT_JWKS_URL_TEMPLATE,
    ),
    Setting(
        "AWS_COGNITO_LEEWAY_SECONDS",
        "leeway_seconds",
        5,
        "djognito.E008",
        whole(0, MAX_LEEWAY_SECONDS),
    ),
    Setting(
        "AWS_COGNITO_MAX_TOKEN_BYTES", "max_token_bytes", 8192, "djognito.E009", whole(512, 65536)
    ),
    Setting(
        "AWS_COGNITO_JWKS_TIMEOUT_SECONDS",
        "jwks_timeout_seconds",
        3.0,
        "djognito.E010",
        seconds(60),
    ),
    Setting(
        "AWS_COGNITO_JWKS_TTL_SECONDS", "jwks_ttl_seconds", 3600, "djognito.E011", whole(1, 86400)
    ),
    Setting(
        "AWS_COGNITO_JWKS_COOLDOWN_SECONDS",
        "jwks_cooldown_seconds",
        30,
        "djognito.E012",
        whole(0, 3600),
    ),
    Setting(
        "AWS_COGNITO_TOKEN_CACHE_SIZE",
        "token_cache_size",
        10_000,
        "djognito.E013",
        whole(0, 10_000_000),
    ),
    Setting(
        "AWS_COGNITO_TOKEN_CACHE_TTL_SECONDS",
        "token_cache_ttl_seconds",
        300,
        "djognito.E014",
        whole(1, 86400),
    ),
    Setting(
        "AWS_COGNITO_GROUP_PERMISSIONS",
        "group_permissions",
        {},
        "djognito.E015",
        _group_permissions_rule,
        # The value as given when malformed, so that the check can show it.
        lambda value: group_permissions_mapping(value) or value,
    ),
    Setting(
        "AWS_COGNITO_MAX_TOKEN_LIFETIME_SECONDS",
        "max_token_lifetime_seconds",
        MAX_TOKEN_LIFETIME_SECONDS,
        "djognito.E016",
        whole(60, MAX_TOKEN_LIFETIME_SECONDS),
    ),
    Setting("AWS_COGNITO_REVOCATION", "revocation", False, "djognito.E017", on_off),
    Setting(
        "AWS_COGNITO_REVOCATION_FAIL_OPEN", "revocation_fail_open", False, "djognito.E018", on_off
    ),
    Setting(
        "AWS_COGNITO_REVOCATION_RECHECK_SECONDS",
        "revocation_recheck_seconds",
        0.5,
        "djognito.E019",
        seconds(MAX_REVOCATION_RECHECK_SECONDS, zero_allowed=True),
    ),
)
DEFAULTS = {setting.name: setting.default for setting in SETTINGS}
# Django settings, not of this package, that a configuration also reads.
DJANGO_SETTING_NAMES = ("DEBUG",)


def config_class(name: str, settings: Iterable[Setting], derived: Iterable[str], namespace: dict):
    """A frozen dataclass with one field per setting's attribute and per ``derived`` name
    (values computed from several settings), plus the properties of ``namespace``."""
    fields = [
        (setting.attribute, object, dataclasses.field(repr=not setting.secret))
        for setting in settings
    ] + list(derived)
    namespace = {"__module__": __name__, **namespace}
    return dataclasses.make_dataclass(name, fields, namespace=namespace, frozen=True, slots=True)


def _username_claim(self) -> str:
    """The claim that names the user: ``username`` in access tokens."""
    return "username" if self.token_use == "access" else "cognito:username"


def _client_claim(self) -> str:
    """The claim that names the app client: ``client_id`` in access tokens."""
    return "client_id" if self.token_use == "access" else "aud"


CognitoConfig = config_class(
    "CognitoConfig",
    SETTINGS,
    # The first pool (of user_pool_ids): its id, region, issuer and key set URL, and DEBUG.
    ("user_pool_id", "region", "issuer", "jwks_url", "debug"),
    {
        "__doc__": "The immutable, validated-on-demand view of the Cognito settings.",
        "username_claim": property(_username_claim),
        "client_claim": property(_client_claim),
    },
)


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


def default_issuer(region: str, user_pool_id: str) -> str:
    """The ``iss`` that Cognito puts in the tokens of a user pool."""
    return DEFAULT_ISSUER_TEMPLATE.format(region=region, user_pool_id=user_pool_id)


def _pool_urls(config, user_pool_id: str, region: str) -> tuple[str, str]:
    issuer = expand(config.issuer_template, user_pool_id, region).rstrip("/")
    return issuer, expand(config.jwks_url_template, user_pool_id, region, issuer=issuer)


def pool_configs(config: CognitoConfig) -> tuple[CognitoConfig, ...]:
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


def read_settings(table: Iterable[Setting], settings=None) -> dict:
    """``{attribute: value}`` of every setting of ``table`` in ``settings`` (Django's)."""
    settings = settings or django_settings
    return {setting.attribute: setting.value_in(settings) for setting in table}


def load_config(settings=None) -> CognitoConfig:
    """Read the settings (Django's by default) into a ``CognitoConfig``; never raises."""
    settings = settings or django_settings
    values = read_settings(SETTINGS, settings)
    pool = values["user_pool_ids"][0] if values["user_pool_ids"] else ""
    # AWS_COGNITO_REGION may stay empty: a pool id starts with its region.
    region = values["configured_region"] or region_of(pool)
    try:
        issuer = expand(values["issuer_template"], pool, region).rstrip("/")
        jwks_url = expand(values["jwks_url_template"], pool, region, issuer=issuer)
    except ValueError:  # reported by problems()
        issuer, jwks_url = values["issuer_template"], values["jwks_url_template"]
    return CognitoConfig(
        **values,
        user_pool_id=pool,
        region=region,
        issuer=issuer,
        jwks_url=jwks_url,
        debug=bool(getattr(settings, "DEBUG", False)),
    )


def settings_from_environment(environ, *tables: str) -> dict:
    """The settings of this package that ``environ`` sets, as written there: those of
    ``SETTINGS`` and of each module named in ``tables`` (its own ``SETTINGS``).

    ``config/settings.py`` passes these on, so a default is written only in its table;
    values are converted (and malformed ones reported by ``manage.py check``) when read.
    """
    names = [setting.name for setting in SETTINGS]
    for module in tables:
        names += [setting.name for setting in import_module(module).SETTINGS]
    return {name: environ[name] for name in names if name in environ}


# --- What is wrong with a configuration ---------------------------------------------------


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


def url_problem(name: str, url: str, debug: bool) -> str | None:
    """What is wrong with ``url`` as the value of ``name``: not http(s), or plain http
    outside DEBUG on a host that is not loopback."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{name} must be an http(s) URL, got {url!r}."
    if parts.scheme != "https" and not debug and not is_loopback(parts.hostname):
        return f"{name} must use https outside DEBUG (plain http only on loopback hosts)."
    return None


def table_problems(table: Iterable[Setting], config) -> list[tuple[str, str]]:
    """(name, message) for each setting of ``table`` whose own rule refuses its value."""
    found = []
    for setting in table:
        message = setting.rule(getattr(config, setting.attribute))
        if message:
            found.append((setting.name, message))
    return found


def problems(config: CognitoConfig) -> list[tuple[str, str]]:
    """Everything wrong with ``config``, as (setting name, message) pairs."""
    return table_problems(SETTINGS, config) + pool_problems(config) + url_problems(config)


def pool_problems(config: CognitoConfig) -> list[tuple[str, str]]:
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


def url_problems(config: CognitoConfig) -> list[tuple[str, str]]:
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
    pools = pool_configs(config)
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
            message = url_problem(name, url, config.debug)
            if message and (name, message) not in found:
                found.append((name, message))
    return found
