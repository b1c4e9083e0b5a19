"""The Cognito claim rules: time, issuer, token use, client and claim types."""

from numbers import Real

from ..conf import CognitoConfig
from ..errors import (
    InvalidClaim,
    InvalidClient,
    InvalidIssuer,
    InvalidTokenUse,
    TokenExpired,
    TokenIssuedInFuture,
    TokenLifetimeTooLong,
    TokenNotYetValid,
)

# I-JSON's exact integers (RFC 7493, section 2.2), far beyond any time Cognito writes:
# arithmetic between a larger integer and a fraction (exp - iat) would overflow.
MAX_TIMESTAMP = 2**53 - 1


def _timestamp(claims: dict, name: str, required: bool):
    value = claims.get(name)
    if value is None:
        if required or name in claims:
            raise InvalidClaim(f"invalid claim: {name} is required and must be a number")
        return None
    # JSON gives inf for 1e999: a token that never expires is no timestamp. (NaN, which the
    # parser refuses anyway, fails the range test too.)
    if (
        isinstance(value, bool)
        or not isinstance(value, Real)
        or not -MAX_TIMESTAMP <= value <= MAX_TIMESTAMP
    ):
        raise InvalidClaim(f"invalid claim: {name} must be a number")
    return value


def is_client_token(claims: dict) -> bool:
    """True for an access token of the client-credentials grant: it names no user.

    Such a token is a machine client's: ``sub`` and ``client_id`` are both the client id.
    """
    return claims.get("token_use") == "access" and "username" not in claims


_ABSENT = object()


def _all_strings(items: list) -> bool:
    # str.join refuses any item that is not a string, at C speed.
    try:
        "".join(items)
    except TypeError:
        return False
    return True


class CognitoClaimsValidator:
    """Checks the claims of a token whose signature is already verified."""

    def __init__(self, config: CognitoConfig):
        self.issuer = config.issuer
        self.token_use = config.token_use
        self.client_ids = frozenset(config.app_client_ids)
        self.client_claim = config.client_claim
        self.username_claim = config.username_claim
        self.leeway = config.leeway_seconds
        self.max_lifetime = config.max_token_lifetime_seconds

    def validate(self, claims: dict, now: float) -> None:
        """Raise the ``TokenError`` of the first rule ``claims`` breaks at time ``now``."""
        # Every check runs for every token, in this order; the common case (integer times,
        # plain strings) is tested inline, anything else by the general helpers.
        get = claims.get
        leeway = self.leeway
        exp = get("exp")
        if type(exp) is not int or not -MAX_TIMESTAMP <= exp <= MAX_TIMESTAMP:
            exp = _timestamp(claims, "exp", required=True)
        if now > exp + leeway:
            raise TokenExpired()
        iat = get("iat")
        if type(iat) is not int or not -MAX_TIMESTAMP <= iat <= MAX_TIMESTAMP:
            iat = _timestamp(claims, "iat", required=True)
        if iat > now + leeway:
            raise TokenIssuedInFuture()
        if exp - iat > self.max_lifetime + leeway:
            raise TokenLifetimeTooLong()
        if "nbf" in claims:
            nbf = _timestamp(claims, "nbf", required=False)
            if nbf is not None and nbf > now + leeway:
                raise TokenNotYetValid()
        # Read later (recent sign-in rules): a number when present.
        auth_time = get("auth_time", 0)
        if type(auth_time) is not int or not -MAX_TIMESTAMP <= auth_time <= MAX_TIMESTAMP:
            _timestamp(claims, "auth_time", required=False)
        if get("iss") != self.issuer:
            raise InvalidIssuer()
        if get("token_use") != self.token_use:
            raise InvalidTokenUse(f"wrong token use: expected an {self.token_use} token")
        client = get(self.client_claim)
        if type(client) is not str or client not in self.client_ids:
            raise InvalidClient()
        # is_client_token(claims), whose token use is now known to be the configured one.
        if self.token_use == "access" and "username" not in claims:
            if get("sub") != client:
                raise InvalidClaim("invalid claim: a client token's sub must be its client_id")
        else:
            username = get(self.username_claim)
            # Non-blank: value.strip() non-empty, without building the stripped copy.
            if type(username) is not str or not username or username.isspace():
                raise InvalidClaim(
                    f"invalid claim: {self.username_claim} must be a non-empty string"
                )
        sub = get("sub")
        if type(sub) is not str or not sub or sub.isspace():
            raise InvalidClaim("invalid claim: sub must be a non-empty string")
        groups = get("cognito:groups", _ABSENT)
        if groups is not _ABSENT and (type(groups) is not list or not _all_strings(groups)):
            raise InvalidClaim("invalid claim: cognito:groups must be a list of strings")
        if type(get("scope", "")) is not str:
            raise InvalidClaim("invalid claim: scope must be a string")

    def expires_at(self, claims: dict) -> float:
        """The last instant at which ``validate`` still accepts these (valid) claims."""
        return claims["exp"] + self.leeway


class VerifiedClaims(dict):
    """A copy of a verified token's claims (``request.auth``); ``pool`` is the id of the
    user pool that verified it. Made by ``verified_claims``."""

    __slots__ = ("pool",)
    pool: str


def verified_claims(claims: dict, pool: str = "") -> VerifiedClaims:
    """A ``VerifiedClaims`` copy of ``claims`` from ``pool``.

    A function rather than ``__init__``: dict's own constructor copies in C, and this runs
    on every authenticated request.
    """
    copy = VerifiedClaims(claims)
    copy.pool = pool
    return copy
