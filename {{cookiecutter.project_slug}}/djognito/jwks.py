"""The user pool's key set (JWKS): fetched with ``requests``, cached, refreshed safely.

- Keys are converted once per fetch and looked up by ``kid`` in a dict.
- The set is refreshed after ``ttl`` seconds; a failed refresh keeps the previous keys.
- An unknown ``kid`` triggers a refetch at most once per ``cooldown`` (rotation is picked
  up, floods of made-up ``kid`` values never reach Cognito).
- Concurrent callers that need a fetch share one: the others wait for its result.
- With no good fetch yet, callers fail closed with ``KeySetUnavailable``, and a new attempt
  is made at most once per ``cooldown``.
"""

import logging
import threading
import time
from dataclasses import dataclass, field

import requests
from jose import jwk
from jose.exceptions import JOSEError

from .errors import KeySetUnavailable, UnknownKey

logger = logging.getLogger(__name__)

MAX_JWKS_BYTES = 512 * 1024
MAX_KEYS = 64
MIN_RSA_BITS = 2048


class KeySetError(Exception):
    """The key set could not be fetched or holds no usable key."""


@dataclass(frozen=True, slots=True)
class KeySetState:
    """An immutable snapshot: swapped whole, so readers never need the lock."""

    keys: dict = field(default_factory=dict)
    fetched_at: float | None = None
    attempted_at: float | None = None
    generation: int = 0


def build_keys(document) -> dict:
    """Convert a JWKS document into ``{kid: key}``, skipping keys we must not use."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise KeySetError('key set is not a JSON object with a "keys" list')
    keys = {}
    for entry in document["keys"][:MAX_KEYS]:
        if not isinstance(entry, dict):
            continue
        kid = entry.get("kid")
        if not isinstance(kid, str) or not kid:
            continue
        if entry.get("kty") != "RSA" or entry.get("alg", "RS256") != "RS256":
            continue
        if entry.get("use", "sig") != "sig":
            continue
        try:
            key = jwk.construct(entry, algorithm="RS256")
        except (JOSEError, ValueError, TypeError, KeyError):
            logger.warning("JWKS key %r could not be read; skipped", kid)
            continue
        if key.prepared_key.key_size < MIN_RSA_BITS or not key.is_public():
            logger.warning("JWKS key %r is not a public RSA key of 2048 bits or more", kid)
            continue
        keys[kid] = key
    if not keys:
        raise KeySetError("key set holds no usable RS256 key")
    return keys


class KeySet:
    """The signing keys of one user pool, by ``kid``."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 3.0,
        ttl: float = 3600,
        cooldown: float = 30,
        retries: int = 1,
        clock=time.monotonic,
        session: requests.Session | None = None,
    ):
        self.url = url
        # requests has no total timeout: split the budget between connecting and reading.
        self.timeout = (timeout / 3, timeout * 2 / 3)
        self.ttl = ttl
        self.cooldown = cooldown
        self.retries = retries
        self.clock = clock
        self.session = session or requests.Session()
        self.fetch_count = 0
        self._state = KeySetState()
        self._fetch_lock = threading.Lock()

    @property
    def state(self) -> KeySetState:
        """The current snapshot (keys, when fetched, when last attempted)."""
        return self._state

    def get_key(self, kid: str):
        """The key for ``kid``; may fetch. Raises ``UnknownKey`` or ``KeySetUnavailable``."""
        state = self._state
        now = self.clock()
        if state.fetched_at is None or now - state.fetched_at >= self.ttl:
            state = self._refresh(state, now)
        key = state.keys.get(kid)
        if key is None and state.fetched_at is not None:
            state = self._refresh(state, now)
            key = state.keys.get(kid)
        if key is not None:
            return key
        if state.fetched_at is None:
            raise KeySetUnavailable()
        raise UnknownKey()

    def _refresh(self, seen: KeySetState, now: float) -> KeySetState:
        """Fetch unless one was attempted within the cool-down; share in-flight fetches."""
        if seen.attempted_at is not None and now - seen.attempted_at < self.cooldown:
            return seen
        with self._fetch_lock:
            current = self._state
            if current.generation != seen.generation:
                return current  # another thread fetched while we waited
            try:
                keys = self._fetch()
            except KeySetError as exc:
                logger.warning("JWKS fetch from %s failed: %s", self.url, exc)
                self._state = KeySetState(
                    current.keys, current.fetched_at, now, current.generation + 1
                )
            else:
                logger.warning("JWKS fetched from %s: %d key(s)", self.url, len(keys))
                self._state = KeySetState(keys, now, now, current.generation + 1)
            return self._state

    def _fetch(self) -> dict:
        self.fetch_count += 1
        last_error = None
        for _ in range(1 + self.retries):
            try:
                return build_keys(self._download())
            except KeySetError as exc:
                last_error = exc
        raise last_error

    def _download(self):
        try:
            response = self.session.get(
                self.url,
                timeout=self.timeout,
                headers={"Accept": "application/json"},
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise KeySetError(f"request failed ({type(exc).__name__})") from exc
        if response.status_code != 200:
            raise KeySetError(f"HTTP {response.status_code}")
        if len(response.content) > MAX_JWKS_BYTES:
            raise KeySetError("response too large")
        try:
            return response.json()
        except ValueError as exc:
            raise KeySetError("response is not JSON") from exc

    def status(self) -> dict:
        """Readiness figures for health checks: key count and age of the last good fetch."""
        state = self._state
        age = None if state.fetched_at is None else round(self.clock() - state.fetched_at, 1)
        return {"keys": len(state.keys), "age_seconds": age, "fetches": self.fetch_count}
