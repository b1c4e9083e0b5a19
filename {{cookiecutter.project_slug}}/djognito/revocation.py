"""A deny-list of revoked tokens in Django's cache, shared by every process that reads it.

Cognito's ``RevokeToken``, ``GlobalSignOut`` and ``AdminDisableUser`` do not change the
tokens already issued: a local verifier keeps accepting them until they expire. With
``AWS_COGNITO_REVOCATION`` on, every authenticated request is also checked against two
kinds of entries in the cache (Redis in production, through ``DJANGO_CACHE_URL``):

- an ``origin_jti``: every token of one sign-in (its access, id and refreshed tokens);
- a username cut-off: every token of that user issued at or before the cut-off.

An entry lives as long as the longest-lived token it could match, so the list stays small.
Checking costs one cache round trip (both keys in one ``get_many``). When the cache cannot
be read, requests fail closed with 503 unless ``AWS_COGNITO_REVOCATION_FAIL_OPEN`` is on.
"""

import hashlib
import logging
import threading
import time

from django.conf import settings as django_settings
from django.core import checks
from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver
from rest_framework import status
from rest_framework.exceptions import APIException

from . import conf
from .conf import (
    DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
    DEFAULT_REVOCATION_RECHECK_SECONDS,
    MAX_REVOCATION_RECHECK_SECONDS,
    load_config,
)
from .errors import TokenError

logger = logging.getLogger(__name__)

CACHE_ALIAS = "default"
KEY_PREFIX = "djognito:revoked"
MAX_REMEMBERED = 10_000
SETTING_NAMES = conf.SETTING_NAMES | {"CACHES"}
# Cache backends whose entries live in one process: a revocation would reach no other.
PER_PROCESS_BACKENDS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


class TokenRevoked(TokenError):
    """The token, its sign-in, or every token of its user was revoked."""

    reason = "token revoked"
    code = "token_revoked"


class RevocationUnavailable(APIException):
    """The deny-list could not be read: the request is refused rather than trusted (503)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "token revocation list unavailable; try again later"
    default_code = "revocation_unavailable"


def _key(kind: str, value: str) -> str:
    # Hashed: usernames may hold characters some cache backends refuse in keys.
    return f"{KEY_PREFIX}:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def origin_jti_key(origin_jti: str) -> str:
    """The cache key that marks a sign-in (``origin_jti``) as revoked."""
    return _key("origin_jti", origin_jti)


def username_key(username: str) -> str:
    """The cache key holding a user's cut-off time."""
    return _key("username", username)


class RevocationList:
    """Reads and writes the deny-list in the cache ``alias``; built from the settings.

    A token found not revoked is not looked up again in this process for
    ``recheck_seconds`` (under one second, so a revocation still reaches every process
    within a second): a busy client costs one cache round trip per window, not per request.
    """

    def __init__(
        self,
        *,
        enabled: bool,
        fail_open: bool = False,
        entry_ttl_seconds: int = DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
        recheck_seconds: float = DEFAULT_REVOCATION_RECHECK_SECONDS,
        alias: str = CACHE_ALIAS,
        clock=time.monotonic,
    ):
        self.enabled = enabled
        self.fail_open = fail_open
        self.entry_ttl_seconds = entry_ttl_seconds
        self.recheck_seconds = recheck_seconds
        self.alias = alias
        self.clock = clock
        # (username, sign-in) -> monotonic time until which "not revoked" is trusted.
        self._cleared: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings=None) -> "RevocationList":
        """The deny-list the settings describe (``AWS_COGNITO_REVOCATION`` ...)."""
        config = load_config(settings)

        def number(value, default):
            valid = isinstance(value, int | float) and not isinstance(value, bool)
            return value if valid else default

        return cls(
            enabled=config.revocation is True,
            fail_open=config.revocation_fail_open is True,
            entry_ttl_seconds=int(
                number(config.max_token_lifetime_seconds, DEFAULT_MAX_TOKEN_LIFETIME_SECONDS)
                + number(config.leeway_seconds, 0)
            ),
            recheck_seconds=min(
                max(number(config.revocation_recheck_seconds, 0), 0),
                MAX_REVOCATION_RECHECK_SECONDS,
            ),
        )

    @property
    def cache(self):
        """The cache holding the entries (per thread, as Django hands caches out)."""
        return caches[self.alias]

    def revoke_origin_jti(self, origin_jti: str) -> None:
        """Refuse from now on every token of the sign-in ``origin_jti``."""
        if not origin_jti:
            raise ValueError("origin_jti must be a non-empty string")
        self.cache.set(origin_jti_key(origin_jti), 1, timeout=self.entry_ttl_seconds)
        self._forget_cleared()

    def revoke_username(self, username: str, at: float | None = None) -> float:
        """Refuse every token of ``username`` issued at or before ``at`` (default: now)."""
        if not username:
            raise ValueError("username must be a non-empty string")
        cutoff = time.time() if at is None else at
        self.cache.set(username_key(username), cutoff, timeout=self.entry_ttl_seconds)
        self._forget_cleared()
        return cutoff

    def check(self, claims: dict, username: str) -> None:
        """Raise ``TokenRevoked`` when the deny-list names this token or its user.

        Raises ``RevocationUnavailable`` when the cache cannot be read, unless the list
        fails open (then the error is logged and the token is accepted).
        """
        # origin_jti ties every token of a sign-in together; client tokens only have a jti.
        family = claims.get("origin_jti") or claims.get("jti")
        family = family if isinstance(family, str) else ""
        now = self.clock()
        if self._cleared.get((username, family), 0.0) > now:
            return
        keys = [username_key(username)]
        if family:
            keys.append(origin_jti_key(family))
        try:
            found = self.cache.get_many(keys)
        except Exception as exc:  # any backend's connection error: never a 500
            if self.fail_open:
                logger.error(
                    "revocation list unavailable (%s): accepting the token (fail open)",
                    type(exc).__name__,
                )
                return
            logger.error(
                "revocation list unavailable (%s): refusing the request", type(exc).__name__
            )
            raise RevocationUnavailable() from exc
        if len(keys) > 1 and keys[1] in found:
            raise TokenRevoked("token revoked: its sign-in was revoked")
        cutoff = found.get(keys[0])
        if cutoff is not None and claims.get("iat", 0) <= cutoff:
            raise TokenRevoked("token revoked: the user's tokens were revoked")
        if self.recheck_seconds:
            self._remember_cleared((username, family), now + self.recheck_seconds)

    def _remember_cleared(self, key: tuple[str, str], until: float) -> None:
        with self._lock:
            if len(self._cleared) >= MAX_REMEMBERED:
                self._cleared.clear()
            self._cleared[key] = until

    def _forget_cleared(self) -> None:
        with self._lock:
            self._cleared.clear()


_lock = threading.Lock()
_revocation_list: RevocationList | None = None


def get_revocation_list() -> RevocationList:
    """The process-wide ``RevocationList``, read from the settings once."""
    global _revocation_list
    revocation_list = _revocation_list
    if revocation_list is None:
        with _lock:
            if _revocation_list is None:
                _revocation_list = RevocationList.from_settings()
            revocation_list = _revocation_list
    return revocation_list


def reset_revocation_list() -> None:
    """Forget the process-wide list (settings changed)."""
    global _revocation_list
    with _lock:
        _revocation_list = None


@receiver(setting_changed)
def _reset_on_setting_change(*, setting, **kwargs):
    if setting in SETTING_NAMES:
        reset_revocation_list()


def is_per_process(alias: str = CACHE_ALIAS, settings=None) -> bool:
    """True when the cache ``alias`` lives inside each process (locmem, dummy)."""
    settings = settings or django_settings
    backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
    return backend in PER_PROCESS_BACKENDS


@checks.register("djognito")
def check_revocation_cache(app_configs=None, **kwargs):
    """Warn when revocation is on but the cache is not shared between processes."""
    revocation_list = RevocationList.from_settings()
    if revocation_list.enabled and is_per_process(revocation_list.alias):
        return [
            checks.Warning(
                "AWS_COGNITO_REVOCATION is on but the cache is per process: a revocation "
                "would reach only the process that recorded it.",
                hint="Set DJANGO_CACHE_URL to a shared cache, e.g. redis://127.0.0.1:6379/0.",
                id="djognito.W101",
            )
        ]
    return []
