"""Rate limits of the sign-in endpoints, over Django's cache (shared through Redis when
``DJANGO_CACHE_URL`` names one, so every worker and host counts together).

- ``SignInAddressThrottle``: requests of one client address to all the sign-in endpoints
  together (``AWS_COGNITO_SIGN_IN_RATE_PER_MINUTE``, 30). The address is DRF's
  ``get_ident``: ``REMOTE_ADDR``, or the entry of ``X-Forwarded-For`` that the
  ``NUM_PROXIES`` proxies in front appended (``DJANGO_NUM_PROXIES``).
- ``UsernameFailures``: failed attempts (wrong password, wrong code) per username, compared
  case-insensitively; once ``AWS_COGNITO_USERNAME_FAILURES`` (5) fall within
  ``AWS_COGNITO_USERNAME_LOCK_SECONDS`` (300), every attempt for that username is refused,
  whatever its password, until the window has passed. A username that does not exist counts
  the same, so the limit tells nothing about who has an account.
- ``CodeRequests``: codes asked for per username (sign-up, a new sign-up code, a password
  reset), at most ``AWS_COGNITO_CODES_PER_USERNAME`` (3) within
  ``AWS_COGNITO_CODES_WINDOW_SECONDS`` (900), counted the same whether or not the username
  exists: nobody can flood a mailbox, nor learn who has an account from the limit.

Each answers 429 ``too_many_attempts`` with ``Retry-After`` (``TooManyAttempts``).
"""

import hashlib
import math
import time

from django.core.cache import cache as default_cache
from rest_framework import status
from rest_framework.exceptions import Throttled
from rest_framework.throttling import SimpleRateThrottle

from .settings import browser_config

KEY_PREFIX = "djognito:throttle"


class TooManyAttempts(Throttled):
    """429: too many requests from this address, or failures for this username."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = "too many attempts; try again later."
    default_code = "too_many_attempts"
    extra_detail_singular = extra_detail_plural = ""

    def __init__(self, wait: float | None = None):
        super().__init__(wait=None if wait is None else max(1, math.ceil(wait)))


def _hashed(value: str) -> str:
    # Usernames and addresses may hold characters some cache backends refuse in keys.
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


class SignInAddressThrottle(SimpleRateThrottle):
    """At most ``AWS_COGNITO_SIGN_IN_RATE_PER_MINUTE`` requests a minute from one address,
    over every sign-in endpoint together."""

    scope = "djognito_sign_in"

    def __init__(self):
        self.rate = f"{browser_config().sign_in_rate_per_minute}/minute"
        super().__init__()

    def get_cache_key(self, request, view) -> str:
        return f"{KEY_PREFIX}:address:{_hashed(self.get_ident(request) or '')}"


class UsernameFailures:
    """Failed attempts per username (case-insensitive), kept in Django's cache."""

    # What is counted, in the cache key: each kind of count is kept apart.
    kind = "username"

    def __init__(self, limit: int, window_seconds: int, cache=default_cache, clock=time.time):
        self.limit = limit
        self.window_seconds = window_seconds
        self.cache = cache
        self.clock = clock

    @classmethod
    def from_settings(cls) -> "UsernameFailures":
        """The limit and window the settings name."""
        config = browser_config()
        return cls(config.username_failures, config.username_lock_seconds)

    def key(self, username: str) -> str:
        """The cache key of ``username``'s failures (case-insensitive)."""
        return f"{KEY_PREFIX}:{self.kind}:{_hashed(username.casefold())}"

    def _recent(self, username: str, now: float) -> list[float]:
        history = self.cache.get(self.key(username)) or []
        return [moment for moment in history if moment > now - self.window_seconds]

    def wait(self, username: str) -> float | None:
        """Seconds until ``username`` may try again; None when it may try now."""
        now = self.clock()
        recent = self._recent(username, now)
        if len(recent) < self.limit:
            return None
        # Locked until the oldest of the last `limit` failures leaves the window.
        return sorted(recent)[-self.limit] + self.window_seconds - now

    def check(self, username: str) -> None:
        """Raise ``TooManyAttempts`` while ``username`` is locked."""
        wait = self.wait(username)
        if wait is not None:
            raise TooManyAttempts(wait)

    def record(self, username: str) -> None:
        """Count one failed attempt for ``username``."""
        now = self.clock()
        recent = self._recent(username, now)[-(self.limit - 1) :] if self.limit > 1 else []
        self.cache.set(self.key(username), [*recent, now], timeout=self.window_seconds)

    def clear(self, username: str) -> None:
        """Forget ``username``'s failures (it signed in)."""
        self.cache.delete(self.key(username))


class CodeRequests(UsernameFailures):
    """Codes asked for per username (case-insensitive): ``check`` then ``record`` each
    request that would send one, whether or not the username exists."""

    kind = "codes"

    @classmethod
    def from_settings(cls) -> "CodeRequests":
        """The limit and window the settings name."""
        config = browser_config()
        return cls(config.codes_per_username, config.codes_window_seconds)
