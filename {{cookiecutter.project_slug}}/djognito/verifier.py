"""``TokenVerifier``: built once from a valid configuration, then ``verify(token)``."""

import time

from django.core.exceptions import ImproperlyConfigured

from . import conf
from .cache import CachedToken, VerifiedTokenCache
from .claims import CognitoClaimsValidator
from .errors import InvalidSignature, MalformedToken, UnsupportedAlgorithm, UnsupportedHeader
from .jwks import KeySet
from .tokens import parse_token

ALLOWED_ALGORITHM = "RS256"


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
        self.clock = clock
        self.keyset = keyset or KeySet(
            config.jwks_url,
            timeout=config.jwks_timeout_seconds,
            ttl=config.jwks_ttl_seconds,
            cooldown=config.jwks_cooldown_seconds,
        )
        self.claims_validator = CognitoClaimsValidator(config)
        self.cache = VerifiedTokenCache(config.token_cache_size, config.token_cache_ttl_seconds)

    def verify(self, token: str) -> dict:
        """The verified claims of ``token``; raises a ``TokenError`` naming the failed rule."""
        now = self.clock()
        # The size bound comes first: an oversized string is never hashed or parsed.
        if isinstance(token, str) and len(token) <= self.config.max_token_bytes:
            cached = self.cache.get(token, now)
            if cached is not None:
                if self.keyset.get_key(cached.kid) is cached.key:
                    return dict(cached.claims)
                self.cache.discard(token)
        unverified = parse_token(token, self.config.max_token_bytes)
        kid = self._check_header(unverified.header)
        key = self.keyset.get_key(kid)
        if not key.verify(unverified.signing_input, unverified.signature):
            raise InvalidSignature()
        claims = unverified.claims
        self.claims_validator.validate(claims, now)
        valid_until = min(self.claims_validator.expires_at(claims), now + self.cache.ttl)
        self.cache.put(token, CachedToken(claims, kid, key, valid_until))
        return dict(claims)

    @staticmethod
    def _check_header(header: dict) -> str:
        if header.get("alg") != ALLOWED_ALGORITHM:
            raise UnsupportedAlgorithm()
        if "crit" in header:
            raise UnsupportedHeader("token header not supported: crit")
        typ = header.get("typ", "JWT")
        if not isinstance(typ, str) or typ.upper() != "JWT":
            raise UnsupportedHeader("token header not supported: typ")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise MalformedToken("malformed token: kid must be a non-empty string")
        return kid
