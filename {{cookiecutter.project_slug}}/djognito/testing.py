"""Test helpers: real RSA keys, a JWKS document and a token factory.

Nothing here is used at run time; it lets a project's tests make real signed tokens of the
shape Cognito issues (user tokens and client-credentials tokens). The loopback servers that
stand in for Cognito in the project's own tests and tools live in ``scripts/``.
"""

import base64
import json
import time
import uuid
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def b64url(data: bytes) -> str:
    """Unpadded base64url, as JWS uses."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_json(value) -> str:
    """A JSON value encoded as a JWS segment."""
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def _int_to_b64url(number: int) -> str:
    return b64url(number.to_bytes((number.bit_length() + 7) // 8, "big"))


@dataclass
class SigningKey:
    """An RSA key pair with a ``kid``; ``jwk()`` gives its public JWK."""

    kid: str
    private_key: rsa.RSAPrivateKey = field(repr=False)

    @classmethod
    def generate(cls, kid: str, bits: int = 2048) -> "SigningKey":
        """A fresh key pair."""
        return cls(kid, rsa.generate_private_key(public_exponent=65537, key_size=bits))

    @classmethod
    def from_jwk(cls, jwk: dict) -> "SigningKey":
        """The key pair of a private RSA JWK (``n``, ``e``, ``d``; the CRT values if given)."""

        def number(name: str) -> int:
            value = jwk[name]
            return int.from_bytes(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))

        n, e, d = number("n"), number("e"), number("d")
        if "p" in jwk and "q" in jwk:
            p, q = number("p"), number("q")
        else:
            p, q = rsa.rsa_recover_prime_factors(n, e, d)
        private = rsa.RSAPrivateNumbers(
            p,
            q,
            d,
            rsa.rsa_crt_dmp1(d, p),
            rsa.rsa_crt_dmq1(d, q),
            rsa.rsa_crt_iqmp(p, q),
            rsa.RSAPublicNumbers(e, n),
        )
        return cls(jwk["kid"], private.private_key())

    def jwk(self, **extra) -> dict:
        """The public key as a JWK, the way Cognito publishes it."""
        numbers = self.private_key.public_key().public_numbers()
        return {
            "alg": "RS256",
            "e": _int_to_b64url(numbers.e),
            "kid": self.kid,
            "kty": "RSA",
            "n": _int_to_b64url(numbers.n),
            "use": "sig",
            **extra,
        }

    def sign(self, signing_input: bytes, hash_algorithm=None) -> bytes:
        """An RSASSA-PKCS1-v1_5 signature (SHA-256 unless told otherwise)."""
        return self.private_key.sign(
            signing_input, padding.PKCS1v15(), hash_algorithm or hashes.SHA256()
        )


def jwks_document(*keys: SigningKey) -> dict:
    """A JWKS document publishing ``keys``."""
    return {"keys": [key.jwk() for key in keys]}


def encode_token(header: dict, claims: dict, key: SigningKey) -> str:
    """Sign ``claims`` under ``header`` with ``key``; no check of what they hold."""
    signing_input = f"{b64url_json(header)}.{b64url_json(claims)}"
    return f"{signing_input}.{b64url(key.sign(signing_input.encode()))}"


@dataclass
class TokenFactory:
    """Makes Cognito-shaped tokens for one pool and client, signed with ``key``."""

    key: SigningKey
    issuer: str
    client_id: str
    token_use: str = "access"
    lifetime: int = 3600
    clock: object = time.time

    def claims(self, username: str = "alice", groups=(), **overrides) -> dict:
        """The claims Cognito would put in a token for ``username``."""
        now = int(self.clock())
        claims = {
            "sub": f"sub-{username}",
            "iss": self.issuer,
            "token_use": self.token_use,
            "auth_time": now,
            "iat": now,
            "exp": now + self.lifetime,
            "jti": f"jti-{username}-{now}",
            "origin_jti": f"origin-{username}",
        }
        if self.token_use == "access":
            claims.update(
                client_id=self.client_id, username=username, scope="aws.cognito.signin.user.admin"
            )
        else:
            claims.update(aud=self.client_id, **{"cognito:username": username})
            claims["email"] = f"{username}@example.com"
        if groups:
            claims["cognito:groups"] = list(groups)
        claims.update(overrides)
        return {name: value for name, value in claims.items() if value is not None}

    def client_token(self, scopes=(), client_id: str | None = None, **overrides) -> str:
        """A client-credentials access token (no ``username``) for ``client_id``."""
        claims = client_credentials_claims(
            self.issuer, client_id or self.client_id, scopes, self.lifetime, self.clock()
        )
        claims.update(overrides)
        claims = {name: value for name, value in claims.items() if value is not None}
        return encode_token({"kid": self.key.kid, "alg": "RS256"}, claims, self.key)

    def token(self, username: str = "alice", groups=(), header=None, key=None, **overrides) -> str:
        """A signed token; ``overrides`` set claims (``None`` removes one)."""
        signer = key or self.key
        return encode_token(
            header or {"kid": signer.kid, "alg": "RS256"},
            self.claims(username, groups, **overrides),
            signer,
        )


def client_credentials_claims(
    issuer: str, client_id: str, scopes, lifetime: int, now: float
) -> dict:
    """The claims Cognito puts in a client-credentials access token: no ``username``."""
    now = int(now)
    return {
        "sub": client_id,
        "iss": issuer,
        "version": 2,
        "client_id": client_id,
        "token_use": "access",
        "scope": " ".join(scopes),
        "auth_time": now,
        "iat": now,
        "exp": now + lifetime,
        "jti": str(uuid.uuid4()),
    }
