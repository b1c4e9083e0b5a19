"""A deny-list of revoked tokens in Django's cache, shared by every process that reads it.

Cognito's ``RevokeToken``, ``GlobalSignOut`` and ``AdminDisableUser`` do not change the
tokens already issued: a local verifier keeps accepting them until they expire. With
``AWS_COGNITO_REVOCATION`` on, every authenticated request is also checked against two
kinds of entries in the cache (Redis in production, through ``DJANGO_CACHE_URL``):

- an ``origin_jti``: every token of one sign-in (its access, id and refreshed tokens);
- a username cut-off: every token of that user issued at or before the cut-off. A user is
  named by the pool and the username compared case-insensitively (``casefold``), as Cognito
  compares usernames by default: ``alice`` of one pool is not ``alice`` of another.

An entry lives as long as the longest-lived token it could match, so the list stays small.
Checking costs one cache round trip (both keys in one ``get_many``). When the cache cannot
be read, requests fail closed with 503 unless ``AWS_COGNITO_REVOCATION_FAIL_OPEN`` is on.
"""

import hashlib
import json
import logging
import threading
import time

from django.conf import settings as django_settings
from django.core.cache import caches

from ..conf import MAX_REVOCATION_RECHECK_SECONDS, MAX_TOKEN_LIFETIME_SECONDS, CognitoConfig
from ..errors import RevocationUnavailable, TokenRevoked

logger = logging.getLogger(__name__)

CACHE_ALIAS = "default"
KEY_PREFIX = "djognito:revoked"
MAX_REMEMBERED = 10_000
# Cache backends whose entries live in one process: a revocation would reach no other.
PER_PROCESS_BACKENDS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def _key(kind: str, value: str) -> str:
    # Hashed: usernames may hold characters some cache backends refuse in keys.
    return f"{KEY_PREFIX}:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def origin_jti_key(origin_jti: str) -> str:
    """The cache key that marks a sign-in (``origin_jti``) as revoked."""
    return _key("origin_jti", origin_jti)


def normalised_username(username: str) -> str:
    """``username`` as cut-offs compare it: case-insensitively, as Cognito does by default."""
    return username.casefold()


def username_key(username: str, pool: str) -> str:
    """The cache key holding the cut-off time of ``username`` (in any case) in ``pool``."""
    return _key("username", json.dumps([pool, normalised_username(username)]))


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
        fail_open: bool,
        entry_ttl_seconds: int,
        recheck_seconds: float,
        alias: str = CACHE_ALIAS,
        clock=time.monotonic,
    ):
        self.enabled = enabled
        self.fail_open = fail_open
        self.entry_ttl_seconds = entry_ttl_seconds
        self.recheck_seconds = recheck_seconds
        self.alias = alias
        self.clock = clock
        # (pool, username, sign-in) -> monotonic time until which "not revoked" is trusted.
        self._cleared: dict[tuple[str, str, str], float] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config: CognitoConfig) -> "RevocationList":
        """The deny-list a configuration describes (``AWS_COGNITO_REVOCATION`` ...); values
        that ``manage.py check`` refuses fall back to the safe side."""

        def number(value, fallback):
            valid = isinstance(value, int | float) and not isinstance(value, bool)
            return value if valid else fallback

        lifetime = number(config.max_token_lifetime_seconds, 0) or MAX_TOKEN_LIFETIME_SECONDS
        return cls(
            enabled=config.revocation is True,
            fail_open=config.revocation_fail_open is True,
            # An entry must outlive every token it could match.
            entry_ttl_seconds=int(lifetime + number(config.leeway_seconds, 0)),
            recheck_seconds=min(
                max(number(config.revocation_recheck_seconds, 0), 0),
                MAX_REVOCATION_RECHECK_SECONDS,
            ),
        )

    @property
    def cache(self):
        """The cache holding the entries (per thread, as Django hands caches out)."""
        return caches[self.alias]

    def revoke_origin_jti(self, origin_jti: str) -> bool:
        """Refuse from now on every token of the sign-in ``origin_jti``; False when it was
        revoked already (its entry then lasts the full time again)."""
        if not origin_jti:
            raise ValueError("origin_jti must be a non-empty string")
        key = origin_jti_key(origin_jti)
        recorded = self.cache.add(key, 1, timeout=self.entry_ttl_seconds)
        if not recorded:
            # Tokens refreshed since the first revocation may outlive its entry.
            self.cache.touch(key, timeout=self.entry_ttl_seconds)
        self._forget_cleared()
        return recorded

    def revoke_username(self, username: str, pool: str, at: float | None = None) -> float:
        """Refuse every token of ``username`` (in any case) of ``pool`` issued at or before
        ``at`` (default: now); returns the cut-off in force, which never moves back."""
        if not username:
            raise ValueError("username must be a non-empty string")
        if not pool:
            raise ValueError("pool must be a user pool id")
        cutoff = time.time() if at is None else at
        earlier = self.cut_off(username, pool)
        if earlier is not None and earlier > cutoff:
            cutoff = earlier
        self.cache.set(username_key(username, pool), cutoff, timeout=self.entry_ttl_seconds)
        self._forget_cleared()
        return cutoff

    def cut_off(self, username: str, pool: str) -> float | None:
        """The cut-off recorded for ``username`` (in any case) of ``pool``, or None."""
        return self.cache.get(username_key(username, pool))

    def check(self, claims: dict, username: str, pool: str) -> None:
        """Raise ``TokenRevoked`` when the deny-list names this token, its sign-in or its
        user (``username`` of ``pool``, the pool that verified the token).

        Raises ``RevocationUnavailable`` when the cache cannot be read, unless the list
        fails open (then the error is logged and the token is accepted).
        """
        # origin_jti ties every token of a sign-in together; client tokens only have a jti.
        family = claims.get("origin_jti") or claims.get("jti")
        family = family if isinstance(family, str) else ""
        now = self.clock()
        cleared = (pool, username, family)
        if self._cleared.get(cleared, 0.0) > now:
            return
        entries = self._entries(family, username, pool)
        if entries is None:  # failed open: nothing to remember, the next request asks again
            return
        self._refuse_if_revoked(entries, claims.get("iat", 0))
        if self.recheck_seconds:
            self._remember_cleared(cleared, now + self.recheck_seconds)

    def check_sign_in(self, origin_jti: str, username: str, pool: str, issued_at: float) -> None:
        """Raise ``TokenRevoked`` when the sign-in ``origin_jti`` is revoked, or when the
        cut-off of ``username`` of ``pool`` is at or after ``issued_at`` (before a refresh).

        Asks the cache every time (no recheck window). Raises ``RevocationUnavailable``
        when the cache cannot be read, unless the list fails open. Like ``check``, it does
        not look at ``enabled``: the caller does.
        """
        entries = self._entries(origin_jti, username, pool)
        if entries is not None:
            self._refuse_if_revoked(entries, issued_at)

    def _entries(self, family: str, username: str, pool: str) -> tuple[bool, float | None] | None:
        """Whether the sign-in ``family`` is revoked and the user's cut-off, in one round
        trip; None when the cache cannot be read and the list fails open."""
        cut_off_key = username_key(username, pool)
        keys = [cut_off_key, origin_jti_key(family)] if family else [cut_off_key]
        try:
            found = self.cache.get_many(keys)
        except Exception as exc:  # any backend's connection error: never a 500
            if self.fail_open:
                logger.error(
                    "revocation list unavailable (%s): accepting the token (fail open)",
                    type(exc).__name__,
                )
                return None
            logger.error(
                "revocation list unavailable (%s): refusing the request", type(exc).__name__
            )
            raise RevocationUnavailable() from exc
        return len(keys) > 1 and keys[1] in found, found.get(cut_off_key)

    @staticmethod
    def _refuse_if_revoked(entries: tuple[bool, float | None], issued_at) -> None:
        """Raise ``TokenRevoked`` when ``entries`` (from ``_entries``) revoke what was
        issued at ``issued_at``."""
        sign_in_revoked, cutoff = entries
        if sign_in_revoked:
            raise TokenRevoked("token revoked: its sign-in was revoked")
        if cutoff is not None and issued_at <= cutoff:
            raise TokenRevoked("token revoked: the user's tokens were revoked")

    def _remember_cleared(self, key: tuple[str, str, str], until: float) -> None:
        with self._lock:
            if len(self._cleared) >= MAX_REMEMBERED:
                self._cleared.clear()
            self._cleared[key] = until

    def _forget_cleared(self) -> None:
        with self._lock:
            self._cleared.clear()


def is_per_process(alias: str = CACHE_ALIAS, settings=None) -> bool:
    """True when the cache ``alias`` lives inside each process (locmem, dummy)."""
    settings = settings or django_settings
    backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
    return backend in PER_PROCESS_BACKENDS
