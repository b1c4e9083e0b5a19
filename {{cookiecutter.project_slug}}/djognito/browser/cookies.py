"""Setting and clearing the token cookies of a browser session.

The access (or id) token goes into ``ACCESS_TOKEN_KEY`` for every path; the refresh token
into ``AWS_COGNITO_REFRESH_COOKIE``, sent back only to the sign-in endpoints (the path they
are mounted under, ``/api/auth/`` in this project: see ``views.mount_path``). Both are
``HttpOnly``: page scripts never see a token. The refresh cookie's value is signed by this
server, so a forged or truncated one is refused before Cognito is asked.

A sign-in that Cognito answers with a challenge keeps its state in
``AWS_COGNITO_CHALLENGE_COOKIE``: Cognito's session, the username and the step, signed and
timestamped by this server, ``HttpOnly``, sent to the sign-in endpoints only, for as long
as Cognito keeps the session (``CHALLENGE_MAX_AGE_SECONDS``).
"""

from dataclasses import astuple, dataclass, field

from django.core import signing

from .settings import BrowserConfig

REFRESH_SALT = "djognito.cookies.refresh"
CHALLENGE_SALT = "djognito.cookies.challenge"
# Cognito's default (and shortest) validity of a sign-in session: three minutes.
CHALLENGE_MAX_AGE_SECONDS = 180
SECONDS_PER_DAY = 86400
# How the refresh token was obtained decides how it is used: InitiateAuth or /oauth2/token.
FROM_PASSWORD = "password"
FROM_HOSTED = "hosted"


@dataclass(frozen=True)
class RefreshCookie:
    """What the refresh cookie holds: the token, its user (for SECRET_HASH), how it was
    obtained, and the sign-in it belongs to (``origin_jti``, pool, when it was issued), so
    that a refresh of a revoked sign-in or user is refused."""

    refresh_token: str = field(repr=False)
    username: str
    flow: str
    origin_jti: str
    pool: str
    issued_at: float


class BadRefreshCookie(Exception):
    """The refresh cookie was not written by this server (forged, truncated, other key)."""


def refresh_samesite(config: BrowserConfig) -> str:
    """Strict, unless front ends on another site need it sent (SameSite=None)."""
    return "None" if config.samesite == "None" else "Strict"


def set_access_cookie(response, config: BrowserConfig, token: str, max_age: int) -> None:
    """The token in ``ACCESS_TOKEN_KEY`` for ``max_age`` seconds (its remaining life)."""
    response.set_cookie(
        config.cognito.cookie_name,
        token,
        max_age=max(0, int(max_age)),
        path="/",
        domain=config.cookie_domain or None,
        secure=config.secure_cookies,
        httponly=True,
        samesite=config.samesite,
    )


def set_refresh_cookie(response, config: BrowserConfig, value: RefreshCookie, path: str) -> None:
    """The refresh token in ``AWS_COGNITO_REFRESH_COOKIE``, sent to ``path`` only (where
    the sign-in endpoints are mounted)."""
    signed = signing.dumps(list(astuple(value)), salt=REFRESH_SALT, compress=True)
    response.set_cookie(
        config.refresh_cookie,
        signed,
        max_age=config.refresh_token_days * SECONDS_PER_DAY,
        path=path,
        domain=config.cookie_domain or None,
        secure=config.secure_cookies,
        httponly=True,
        samesite=refresh_samesite(config),
    )


def read_refresh_cookie(request, config: BrowserConfig) -> RefreshCookie | None:
    """The refresh cookie's content, ``None`` when absent; ``BadRefreshCookie`` if forged."""
    raw = request.COOKIES.get(config.refresh_cookie)
    if not raw:
        return None
    try:
        # No older than the cookie's own lifetime, whatever the browser kept.
        parts = signing.loads(
            raw, salt=REFRESH_SALT, max_age=config.refresh_token_days * SECONDS_PER_DAY
        )
        refresh_token, username, flow, origin_jti, pool, issued_at = parts
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise BadRefreshCookie("refresh cookie is not one this server set") from error
    texts = (refresh_token, username, flow, origin_jti, pool)
    if not all(isinstance(part, str) for part in texts) or not (refresh_token and username):
        raise BadRefreshCookie("refresh cookie is not one this server set")
    if isinstance(issued_at, bool) or not isinstance(issued_at, int | float):
        raise BadRefreshCookie("refresh cookie is not one this server set")
    return RefreshCookie(refresh_token, username, flow, origin_jti, pool, float(issued_at))


def clear_token_cookies(response, config: BrowserConfig, refresh_path: str) -> None:
    """Expire both cookies (``Max-Age=0``) with the attributes they were set with."""
    for name, path, samesite in (
        (config.cognito.cookie_name, "/", config.samesite),
        (config.refresh_cookie, refresh_path, refresh_samesite(config)),
    ):
        response.delete_cookie(
            name, path=path, domain=config.cookie_domain or None, samesite=samesite
        )
        # delete_cookie sets Secure only for __Secure- names; match the cookie that was set.
        morsel = response.cookies[name]
        morsel["secure"] = config.secure_cookies
        morsel["httponly"] = True


@dataclass(frozen=True)
class ChallengeCookie:
    """A sign-in waiting for an answer: Cognito's session, the user, the step asked for."""

    session: str = field(repr=False)
    username: str
    challenge: str


class BadChallengeCookie(Exception):
    """The challenge cookie is missing, expired, or was not written by this server."""


def set_challenge_cookie(response, config: BrowserConfig, value: ChallengeCookie, path: str):
    """The pending challenge in ``AWS_COGNITO_CHALLENGE_COOKIE``, sent to ``path`` only."""
    signed = signing.dumps(list(astuple(value)), salt=CHALLENGE_SALT, compress=True)
    response.set_cookie(
        config.challenge_cookie,
        signed,
        max_age=CHALLENGE_MAX_AGE_SECONDS,
        path=path,
        secure=config.secure_cookies,
        httponly=True,
        samesite=refresh_samesite(config),
    )


def read_challenge_cookie(request, config: BrowserConfig) -> ChallengeCookie:
    """The pending challenge; ``BadChallengeCookie`` when absent, expired or forged."""
    raw = request.COOKIES.get(config.challenge_cookie)
    if not raw:
        raise BadChallengeCookie("no challenge cookie")
    try:
        session, username, challenge = signing.loads(
            raw, salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE_SECONDS
        )
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise BadChallengeCookie("challenge cookie is not one this server set") from error
    if not all(isinstance(part, str) and part for part in (session, username, challenge)):
        raise BadChallengeCookie("challenge cookie is not one this server set")
    return ChallengeCookie(session, username, challenge)


def clear_challenge_cookie(response, config: BrowserConfig, path: str) -> None:
    """Expire the challenge cookie (``Max-Age=0``) with the attributes it was set with."""
    response.delete_cookie(config.challenge_cookie, path=path, samesite=refresh_samesite(config))
    morsel = response.cookies[config.challenge_cookie]
    morsel["secure"] = config.secure_cookies
    morsel["httponly"] = True
