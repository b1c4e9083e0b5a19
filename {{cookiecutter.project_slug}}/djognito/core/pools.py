"""Several user pools behind one entry point: a token goes to the pool its ``iss`` names.

Each pool has its own ``TokenVerifier``, hence its own key set (cache, cool-down, fetch
lock) and verified-token cache: one pool's outage or key rotation never touches another,
and a token is only ever checked against the keys of the pool it claims. A token already
in a pool's cache is answered from there; any other is routed by the ``iss`` of its
unverified payload, and refused before any key set is fetched when that is not one of the
configured issuers. The chosen verifier then checks everything, the issuer included.
"""

import time

from ..conf import CognitoConfig, pool_configs
from ..errors import InvalidIssuer
from .jwks import KeySet
from .jws import decode_json_object, split_token
from .verifier import TokenVerifier


class PoolRouter:
    """Verifies the tokens of several user pools, each with the pool's own verifier.

    ``verifiers`` maps each pool's issuer to its ``TokenVerifier``. ``verify(token)``
    returns the claims like ``TokenVerifier.verify``, their ``pool`` naming the pool.
    """

    def __init__(
        self,
        config: CognitoConfig,
        *,
        keysets: dict[str, KeySet] | None = None,
        clock=time.time,
    ):
        self.config = config
        self.clock = clock
        keysets = keysets or {}
        self.verifiers: dict[str, TokenVerifier] = {
            pool.issuer: TokenVerifier(pool, keyset=keysets.get(pool.user_pool_id), clock=clock)
            for pool in pool_configs(config)
        }

    def verify(self, token: str) -> dict:
        """The verified claims of ``token``, from the pool its ``iss`` names."""
        # A token seen before is in its pool's cache: no need to decode it to route it.
        now = self.clock()
        for verifier in self.verifiers.values():
            claims = verifier.cached_claims(token, now)
            if claims is not None:
                return claims
        _, payload_segment, _ = split_token(token, self.config.max_token_bytes)
        issuer = decode_json_object(payload_segment, "payload").get("iss")
        verifier = self.verifiers.get(issuer) if isinstance(issuer, str) else None
        if verifier is None:
            raise InvalidIssuer()
        return verifier.verify(token)

    @property
    def keysets(self) -> list[KeySet]:
        """Every pool's key set, in the configured order."""
        return [verifier.keyset for verifier in self.verifiers.values()]
