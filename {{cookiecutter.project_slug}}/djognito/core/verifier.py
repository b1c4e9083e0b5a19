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
from .cache import CachedToken, VerifiedTokenCache, frozen_claims
from .claims import CognitoClaimsValidator, verified_claims
from .jwks import KeySet
from .jws import decode_json_object, decode_segment, split_token

ALLOWED_ALGORITHM = "RS256"
# Header parameters that carry or point to a key: the key always comes from the pool's key
# set, so a token naming its own key is refused rather than silently ignored.
KEY_HEADERS = ("jwk", "jku", "x5u", "x5c")
MAX_KNOWN_HEADERS = 64
# Claims whose (signed) values are the same in every token of a pool: one copy of each is
# kept for all cached tokens.
SHARED_VALUE_NAMES = ("iss", "token_use", "client_id", "aud", "scope")
MAX_SHARED_VALUES = 256


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
        self.clock = clock
        self.keyset = keyset or KeySet.for_pool(config)
        self.claims_validator = CognitoClaimsValidator(config)
        self.cache = VerifiedTokenCache(config.token_cache_size, config.token_cache_ttl_seconds)
        self._known_headers: dict[str, str] = {}
        self._shared_values: dict[str, str] = {}

    def verify(self, token: str) -> dict:
        """The verified claims of ``token``; raises a ``TokenError`` naming the failed rule.

        A token of another issuer is refused before its key is looked up, so it never
        causes a key set fetch (the claims validator checks the issuer again, signed)."""
        now = self.clock()
        claims = self.cached_claims(token, now)
        if claims is not None:
            return claims
        header_segment, payload_segment, signature_segment = split_token(
            token, self.config.max_token_bytes
        )
        kid = self._known_headers.get(header_segment)
        if kid is None:
            kid = self._check_header(decode_json_object(header_segment, "header"))
        claims = decode_json_object(payload_segment, "payload")
        signature = decode_segment(signature_segment, "signature")
        # Before the key look-up: another issuer's token (an unknown kid) fetches no key set.
        if claims.get("iss") != self.issuer:
            raise InvalidIssuer()
        key = self.keyset.get_key(kid)
        signing_input = token[: len(header_segment) + 1 + len(payload_segment)].encode("ascii")
        if not key.verify(signing_input, signature):
            raise InvalidSignature()
        self.claims_validator.validate(claims, now)
        self._remember_header(header_segment, kid)
        self._share_pool_values(claims)
        claims = frozen_claims(claims)
        valid_until = min(self.claims_validator.expires_at(claims), now + self.cache.ttl)
        self.cache.put(token, CachedToken(claims, kid, key, valid_until))
        return verified_claims(claims, self.config.user_pool_id)

    def cached_claims(self, token: str, now: float | None = None) -> dict | None:
        """The claims of ``token`` when it verified before and its key is still the pool's;
        None otherwise (then ``verify`` checks it in full)."""
        # The size bound comes first: an oversized string is never hashed or parsed.
        if not isinstance(token, str) or len(token) > self.config.max_token_bytes:
            return None
        if now is None:
            now = self.clock()
        cached = self.cache.get(token, now)
        if cached is None:
            return None
        try:
            current_key = self.keyset.get_key(cached.kid)
        except TokenError:
            current_key = None
        if current_key is cached.key:
            return verified_claims(cached.claims, self.config.user_pool_id)
        # The key that verified it was replaced or left the key set: verify anew.
        self.cache.discard(token)
        return None

    @property
    def keysets(self) -> list[KeySet]:
        """This verifier's key set, as a list (a ``PoolRouter`` has one per pool)."""
        return [self.keyset]

    def _share_pool_values(self, claims: dict) -> None:
        """Replace pool-wide values of (verified) ``claims`` by the copy already held."""
        values = self._shared_values
        if len(values) >= MAX_SHARED_VALUES:
            values.clear()
        for name in SHARED_VALUE_NAMES:
            value = claims.get(name)
            if type(value) is str:
                claims[name] = values.setdefault(value, value)

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
