"""``TokenVerifier``: built once from a valid configuration, then ``verify(token)``."""

import time

from django.core.exceptions import ImproperlyConfigured

from .. import conf
from ..errors import (
    InvalidIssuer,
    InvalidSignature,
    MalformedToken,
    TokenError,
    UnsupportedAlgorithm,
    UnsupportedHeader,
)
from .cache import VerifiedTokenCache, frozen_claims
from .claims import CognitoClaimsValidator, verified_claims
from .jwks import KeySet, KeySetState
from .jws import decode_base64url, parse_json_object, split_token_bytes

ALLOWED_ALGORITHM = "RS256"
# Header parameters that carry or point to a key: the key always comes from the pool's key
# set, so a token naming its own key is refused rather than silently ignored.
KEY_HEADERS = ("jwk", "jku", "x5u", "x5c")
MAX_KNOWN_HEADERS = 64
# Scope strings repeat across a pool's tokens: one copy of each is kept for all cached
# tokens (as for the issuer, token use and client), up to this many.
MAX_SHARED_SCOPES = 256
# What a cache entry records when the key set changed while its token verified: no keys,
# never fresh, so every use of the entry asks the key set for its key.
NO_KEYS = KeySetState()


class TokenVerifier:
    """Verifies Cognito tokens of one user pool and returns their claims."""

    def __init__(
        self,
        config: conf.CognitoConfig,
        *,
        keyset: KeySet | None = None,
        clock=time.time,
    ):
        found = conf.problems(config)
        if found:
            raise ImproperlyConfigured("; ".join(f"{name} {message}" for name, message in found))
        self.config = config
        self.issuer = config.issuer
        self.pool = config.user_pool_id
        self.max_token_bytes = config.max_token_bytes
        self.clock = clock
        self.keyset = keyset or KeySet.for_pool(config)
        self.claims_validator = CognitoClaimsValidator(config)
        self.cache = VerifiedTokenCache(config.token_cache_size, config.token_cache_ttl_seconds)
        self._known_headers: dict[str, str] = {}
        self._shared_scopes: dict[str, str] = {}
        self._client_ids = {client: client for client in config.app_client_ids}
        self._client_claim = config.client_claim
        self._pool_values = {"iss": self.issuer, "token_use": config.token_use}

    def verify(self, token: str) -> dict:
        """The verified claims of ``token``; raises a ``TokenError`` naming the failed rule.

        A token of another issuer is refused before its key is looked up, so it never
        causes a key set fetch (the claims validator checks the issuer again, signed)."""
        now = self.clock()
        claims = self.cached_claims(token, now)
        if claims is not None:
            return claims
        raw, first_dot, second_dot = split_token_bytes(token, self.max_token_bytes)
        header_segment = raw[:first_dot]
        kid = known_kid = self._known_headers.get(header_segment)
        if kid is None:
            header = parse_json_object(decode_base64url(header_segment, "header"), "header")
            kid = self._check_header(header)
        payload = decode_base64url(raw[first_dot + 1 : second_dot], "payload")
        claims = parse_json_object(payload, "payload")
        signature = decode_base64url(raw[second_dot + 1 :], "signature")
        # Before the key look-up: another issuer's token (an unknown kid) fetches no key set.
        if claims.get("iss") != self.issuer:
            raise InvalidIssuer()
        key = self.keyset.get_key(kid)
        if not key.verify(raw[:second_dot], signature):
            raise InvalidSignature()
        self.claims_validator.validate(claims, now)
        if known_kid is None:
            self._remember_header(header_segment, kid)
        frozen_claims(claims)
        if self.cache.maxsize:
            self._cache(token, claims, kid, key, now)
        return verified_claims(claims, self.pool)

    def cached_claims(self, token: str, now: float | None = None) -> dict | None:
        """The claims of ``token`` when it verified before and the key that verified it is
        still the pool's; None otherwise (then ``verify`` checks it in full).

        The key still holds while the key set has neither been fetched since the entry was
        stored nor is due for a fetch (by its own clock); otherwise the key set is asked for
        the ``kid``'s key (it fetches when due), and the entry is kept when that is the same
        key object: a fetch that publishes the key unchanged keeps it."""
        if not isinstance(token, str) or not self.cache.maxsize:
            return None
        entry = self.cache.get(token, self.clock() if now is None else now)
        if entry is None:
            return None
        _, claims, valid_until, held, kid, key = entry
        keyset = self.keyset
        if held is not keyset.state or keyset.clock() >= held.fresh_until:
            try:
                current_key = keyset.get_key(kid)
            except TokenError:
                current_key = None
            if current_key is not key:
                self.cache.discard(token)
                return None
            held = self._state_holding(kid, key)
            self.cache.put((token, claims, valid_until, held, kid, key))
        return verified_claims(claims, self.pool)

    def _state_holding(self, kid: str, key) -> KeySetState:
        """The key set's state when it holds ``key`` under ``kid``; ``NO_KEYS`` when a fetch
        replaced it meanwhile (then every use of the entry asks the key set again)."""
        state = self.keyset.state
        return state if state.keys.get(kid) is key else NO_KEYS

    def _cache(self, token: str, claims: dict, kid: str, key, now: float) -> None:
        """Keep the verified ``claims`` of ``token`` until its expiry or the cache's TTL,
        their pool-wide values replaced by the copies already held (10,000 cached tokens
        then hold one copy of each)."""
        # Validated: the issuer and token use are this pool's own strings, the client one
        # of its clients.
        claims.update(self._pool_values)
        client_claim = self._client_claim
        claims[client_claim] = self._client_ids[claims[client_claim]]
        scope = claims.get("scope")
        if type(scope) is str:
            scopes = self._shared_scopes
            if len(scopes) >= MAX_SHARED_SCOPES:
                scopes.clear()
            claims["scope"] = scopes.setdefault(scope, scope)
        valid_until = min(now + self.cache.ttl, self.claims_validator.expires_at(claims))
        state = self._state_holding(kid, key)
        self.cache.put((token, claims, valid_until, state, kid, key))

    @property
    def keysets(self) -> list[KeySet]:
        """This verifier's key set, as a list (a ``PoolRouter`` has one per pool)."""
        return [self.keyset]

    def _remember_header(self, header_segment: str, kid: str) -> None:
        # Tokens of a pool share a handful of header segments: once one has verified, its
        # (already checked) kid is reused instead of decoding the same JSON again.
        if header_segment not in self._known_headers:
            if len(self._known_headers) >= MAX_KNOWN_HEADERS:
                self._known_headers.clear()
            self._known_headers[header_segment] = kid

    @staticmethod
    def _check_header(header: dict) -> str:
        if header.get("alg") != ALLOWED_ALGORITHM:
            raise UnsupportedAlgorithm()
        if "crit" in header:
            raise UnsupportedHeader("token header not supported: crit")
        for name in KEY_HEADERS:
            if name in header:
                raise UnsupportedHeader(f"token header not supported: {name}")
        typ = header.get("typ", "JWT")
        if not isinstance(typ, str) or typ.upper() != "JWT":
            raise UnsupportedHeader("token header not supported: typ")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise MalformedToken("malformed token: kid must be a non-empty string")
        return kid
