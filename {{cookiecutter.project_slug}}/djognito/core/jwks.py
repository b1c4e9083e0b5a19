"""The user pool's key set (JWKS): fetched with ``requests``, cached, refreshed safely.

- Keys are converted once per fetch and looked up by ``kid`` in a dict; a key published
  unchanged keeps its object across fetches (the tokens it verified stay cached).
- The set is refreshed after ``ttl`` seconds; a failed refresh keeps the previous keys.
- An unknown ``kid`` triggers a refetch at most once per ``cooldown`` (rotation is picked
  up, floods of made-up ``kid`` values never reach Cognito).
- A fetch has ``timeout`` seconds in all, its one retry included (only failures that may
  pass are retried: connection, timeout, HTTP 5xx); the body is read against that deadline
  and a size bound.
- Concurrent callers that need a fetch share one: the others wait for its result (after
  the TTL, callers whose key is known keep using it while one thread refreshes).
- A successful refresh replaces the whole set: a key that left the JWKS is no longer trusted.
- With no good fetch yet, callers fail closed with ``KeySetUnavailable``, and a new attempt
  is made at most once per ``cooldown``.
"""

import json
import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from jose import jwk
from jose.exceptions import JOSEError

from ..errors import KeySetUnavailable, UnknownKey

logger = logging.getLogger(__name__)

MAX_JWKS_BYTES = 512 * 1024
MAX_KEYS = 64
MIN_RSA_BITS = 2048
PKCS1V15 = padding.PKCS1v15()
SHA256 = hashes.SHA256()


class KeySetError(Exception):
    """The key set could not be fetched or holds no usable key."""


class KeySetUnreachable(KeySetError):
    """A failure that may pass (connection, timeout, HTTP 5xx/429): worth one retry."""


@dataclass(frozen=True, slots=True)
class KeySetState:
    """An immutable snapshot: swapped whole, so readers never need the lock.

    ``fresh_until`` is the instant (of the key set's clock) until which ``get_key`` uses
    these keys without a fetch: the end of the TTL after a good fetch, at least the end of
    the cool-down after a failed one, -inf before any attempt."""

    keys: dict = field(default_factory=dict)
    fetched_at: float | None = None
    attempted_at: float | None = None
    generation: int = 0
    fresh_until: float = float("-inf")


def _usable_entry(entry) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("kid"), str)
        and bool(entry["kid"])
        and entry.get("kty") == "RSA"
        and entry.get("alg", "RS256") == "RS256"
        and entry.get("use", "sig") == "sig"
    )


class RS256PublicKey:
    """A pool's public key, checking RS256 signatures (RSASSA-PKCS1-v1_5 with SHA-256) with
    ``cryptography``'s own ``verify``."""

    __slots__ = ("numbers", "public_key", "signature_bytes")

    def __init__(self, public_key):
        self.public_key = public_key
        self.numbers = public_key.public_numbers()
        self.signature_bytes = (public_key.key_size + 7) // 8

    def verify(self, signing_input: bytes, signature: bytes) -> bool:
        """True when ``signature`` is this key's RS256 signature of ``signing_input``."""
        # RFC 8017, section 8.2.2, step 1: exactly as long as the modulus, whatever leniency
        # the backend has about leading zeros.
        if len(signature) != self.signature_bytes:
            return False
        try:
            self.public_key.verify(signature, signing_input, PKCS1V15, SHA256)
        except InvalidSignature:
            return False
        return True


def _convert(entry: dict, previous: dict):
    kid = entry["kid"]
    try:
        key = jwk.construct(entry, algorithm="RS256")
    except (JOSEError, ValueError, TypeError, KeyError):
        logger.warning("JWKS key %r could not be read; skipped", kid)
        return None
    if key.prepared_key.key_size < MIN_RSA_BITS or not key.is_public():
        logger.warning("JWKS key %r is not a public RSA key of 2048 bits or more", kid)
        return None
    converted = RS256PublicKey(key.prepared_key)
    # The same key as before keeps its object: the tokens it verified stay cached.
    known = previous.get(kid)
    if known is not None and known.numbers == converted.numbers:
        return known
    return converted


def build_keys(document, previous: dict | None = None) -> dict:
    """Convert a JWKS document into ``{kid: key}``, skipping keys we must not use; a key
    of ``previous`` (the keys held until now) published unchanged is reused."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise KeySetError('key set is not a JSON object with a "keys" list')
    entries = [entry for entry in document["keys"][:MAX_KEYS] if _usable_entry(entry)]
    kids = Counter(entry["kid"] for entry in entries)
    keys = {}
    for entry in entries:
        if kids[entry["kid"]] > 1:
            # Two keys under one kid: either could be the forgery, so neither is trusted.
            logger.warning("JWKS publishes kid %r more than once; skipped", entry["kid"])
            continue
        key = _convert(entry, previous or {})
        if key is not None:
            keys[entry["kid"]] = key
    if not keys:
        raise KeySetError("key set holds no usable RS256 key")
    return keys


class KeySet:
    """The signing keys of one user pool, by ``kid``."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float,
        ttl: float,
        cooldown: float,
        retries: int = 1,
        clock=time.monotonic,
        session: requests.Session | None = None,
    ):
        self.url = url
        self.timeout = timeout  # for a whole fetch, retry included
        self.ttl = ttl
        self.cooldown = cooldown
        self.retries = retries
        self.clock = clock
        self.session = session or requests.Session()
        self.fetch_count = 0
        # The current snapshot; read it freely, it is replaced whole, never changed.
        self.state = KeySetState()
        self._fetch_lock = threading.Lock()

    @classmethod
    def for_pool(cls, config, **options) -> "KeySet":
        """The key set of the pool ``config`` (a ``CognitoConfig``) describes: its URL,
        timeout, TTL and cool-down; ``options`` add the clock, session or retries."""
        return cls(
            config.jwks_url,
            timeout=config.jwks_timeout_seconds,
            ttl=config.jwks_ttl_seconds,
            cooldown=config.jwks_cooldown_seconds,
            **options,
        )

    def get_key(self, kid: str):
        """The key for ``kid``; may fetch. Raises ``UnknownKey`` or ``KeySetUnavailable``."""
        state = self.state
        now = self.clock()
        if state.fetched_at is None:
            state = self._refresh(state, now)
        elif now >= state.fresh_until:
            # While one thread refreshes, the others keep using the keys they know.
            state = self._refresh(state, now, wait=kid not in state.keys)
        key = state.keys.get(kid)
        if key is None and state.fetched_at is not None:
            state = self._refresh(state, now)
            key = state.keys.get(kid)
        if key is not None:
            return key
        if state.fetched_at is None:
            raise KeySetUnavailable()
        raise UnknownKey()

    def prefetch(self) -> bool:
        """Fetch the key set now unless it is held (a warm start); True when keys are held."""
        state = self.state
        if state.fetched_at is None:
            state = self._refresh(state, self.clock())
        return bool(state.keys)

    def _refresh(self, seen: KeySetState, now: float, wait: bool = True) -> KeySetState:
        """Fetch unless one was attempted within the cool-down; share in-flight fetches."""
        if seen.attempted_at is not None and now - seen.attempted_at < self.cooldown:
            return seen
        if not self._fetch_lock.acquire(blocking=wait):
            return seen
        try:
            current = self.state
            if current.generation != seen.generation:
                return current  # another thread fetched while we waited
            try:
                keys = self._fetch(current.keys)
            except KeySetError as exc:
                logger.warning("JWKS fetch from %s failed: %s", self.url, exc)
                # No fetch is due before the cool-down ends: the held keys stay in use.
                self.state = KeySetState(
                    current.keys,
                    current.fetched_at,
                    now,
                    current.generation + 1,
                    max(current.fresh_until, now + self.cooldown),
                )
            else:
                # WARNING, like failures: a fetch is rare (once per TTL or rotation) and worth
                # seeing in production logs, whose default level hides INFO.
                logger.warning("JWKS fetched from %s: %d key(s)", self.url, len(keys))
                self.state = KeySetState(keys, now, now, current.generation + 1, now + self.ttl)
            return self.state
        finally:
            self._fetch_lock.release()

    def _fetch(self, previous: dict) -> dict:
        self.fetch_count += 1
        # Network time is real time, whatever clock drives the TTL and cool-down.
        deadline = time.monotonic() + self.timeout
        attempts_left = 1 + self.retries
        while True:
            attempts_left -= 1
            try:
                return build_keys(self._download(deadline), previous)
            except KeySetUnreachable as exc:
                if not attempts_left or time.monotonic() >= deadline:
                    raise
                logger.info("JWKS fetch from %s failed (%s); retrying", self.url, exc)

    def _download(self, deadline: float):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise KeySetUnreachable("timed out")
        try:
            with self.session.get(
                self.url,
                # requests has no total timeout: the body is read against the deadline below.
                timeout=(min(remaining, self.timeout / 3), remaining),
                headers={"Accept": "application/json"},
                allow_redirects=False,
                stream=True,
            ) as response:
                status = response.status_code
                if status >= 500 or status == 429:
                    raise KeySetUnreachable(f"HTTP {status}")
                if status != 200:
                    raise KeySetError(f"HTTP {status}")
                body = _read_body(response, deadline)
        except requests.RequestException as exc:
            raise KeySetUnreachable(f"request failed ({type(exc).__name__})") from exc
        try:
            return json.loads(body)
        except (ValueError, RecursionError) as exc:
            raise KeySetError("response is not JSON") from exc

    def status(self) -> dict:
        """Readiness figures for health checks: key count and age of the last good fetch."""
        state = self.state
        age = None if state.fetched_at is None else round(self.clock() - state.fetched_at, 1)
        return {"keys": len(state.keys), "age_seconds": age, "fetches": self.fetch_count}


def _read_body(response: requests.Response, deadline: float) -> bytes:
    body = bytearray()
    for chunk in response.iter_content(chunk_size=64 * 1024):
        body += chunk
        if len(body) > MAX_JWKS_BYTES:
            raise KeySetError("response too large")
        if time.monotonic() > deadline:
            raise KeySetUnreachable("timed out reading the response")
    return bytes(body)
