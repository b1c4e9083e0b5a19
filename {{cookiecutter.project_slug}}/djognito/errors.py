"""Why a token was refused: one exception class per failed rule, under ``TokenError``.

Each error carries a short ``reason`` that is safe to show to the client and to log (it
never contains the token or any part of it), a stable machine-readable ``code`` and the
HTTP ``status`` it is answered with: the body is ``{"detail": reason, "code": code}``, so a
client can tell "refresh the token" (``token_expired``) from "sign in again".
``token_error_codes()`` lists them all; the tests pin that table.
"""


class TokenError(Exception):
    """Base class of every verification failure."""

    reason = "invalid token"
    code = "invalid_token"
    status = 401

    def __init__(self, reason: str | None = None):
        if reason is not None:
            self.reason = reason
        super().__init__(self.reason)


class TokenTooLarge(TokenError):
    """The token is longer than the configured bound; it was not parsed."""

    reason = "token too large"
    code = "token_too_large"


class MalformedToken(TokenError):
    """The token is not three base64url segments holding two JSON objects and a signature."""

    reason = "malformed token"
    code = "malformed_token"


class UnsupportedAlgorithm(TokenError):
    """The header names an algorithm other than RS256, or one the key does not allow."""

    reason = "token algorithm not allowed"
    code = "unsupported_algorithm"


class UnsupportedHeader(TokenError):
    """The header asks for something this verifier does not do (``crit``, odd ``typ``)."""

    reason = "token header not supported"
    code = "unsupported_header"


class UnknownKey(TokenError):
    """The ``kid`` of the token is not in the pool's key set, even after a refetch."""

    reason = "token signed with an unknown key"
    code = "unknown_key"


class InvalidSignature(TokenError):
    """The signature does not match the header and payload under the pool's key."""

    reason = "invalid token signature"
    code = "invalid_signature"


class TokenExpired(TokenError):
    """``exp`` is in the past (beyond the leeway)."""

    reason = "token expired"
    code = "token_expired"


class TokenNotYetValid(TokenError):
    """``nbf`` is in the future (beyond the leeway)."""

    reason = "token not yet valid"
    code = "token_not_yet_valid"


class TokenIssuedInFuture(TokenError):
    """``iat`` is in the future (beyond the leeway)."""

    reason = "token issued in the future"
    code = "token_issued_in_future"


class InvalidIssuer(TokenError):
    """``iss`` is not the configured user pool."""

    reason = "token issued by another issuer"
    code = "invalid_issuer"


class InvalidTokenUse(TokenError):
    """``token_use`` is not the configured one (an id token where access is expected...)."""

    reason = "wrong token use"
    code = "wrong_token_use"


class InvalidClient(TokenError):
    """``client_id`` (access token) or ``aud`` (id token) is not a configured app client."""

    reason = "token issued for another client"
    code = "invalid_client"


class TokenLifetimeTooLong(TokenError):
    """``exp - iat`` is longer than any token Cognito issues (one day at most)."""

    reason = "token lifetime too long"
    code = "token_lifetime_too_long"


class InvalidClaim(TokenError):
    """A claim is missing or of the wrong type."""

    reason = "invalid claim"
    code = "invalid_claim"


class KeySetUnavailable(TokenError):
    """The pool's key set could not be fetched or was unusable: fail closed."""

    reason = "signing keys unavailable"
    code = "signing_keys_unavailable"


class TokenRevoked(TokenError):
    """The token, its sign-in, or every token of its user was revoked (the deny-list)."""

    reason = "token revoked"
    code = "token_revoked"


class RevocationUnavailable(TokenError):
    """The deny-list could not be read: the request is refused rather than trusted."""

    reason = "token revocation list unavailable; try again later"
    code = "revocation_unavailable"
    status = 503


def token_error_codes() -> dict[str, int]:
    """``{code: HTTP status}`` of every ``TokenError`` a request may be answered with."""
    found = {}
    pending = [TokenError]
    while pending:
        error = pending.pop()
        found[error.code] = error.status
        pending.extend(error.__subclasses__())
    return found
