"""``BaseCognitoAuthentication``: DRF authentication from a Cognito token.

The token comes from ``Authorization: Bearer <token>`` or, when that header is absent,
from the cookie named by ``ACCESS_TOKEN_KEY``. Subclass it and override
``attach_attributes(user, request)`` to map claims onto the user.
"""

import logging
import re

from django.core.exceptions import ImproperlyConfigured
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, CSRFCheck

from . import state
from .core.claims import is_client_token
from .errors import TokenError
from .users import CognitoClient, CognitoUser

try:  # Amplify's cookies are read by the optional browser part (browser_sessions)
    from .browser.amplify import amplify_request_token
except ImportError:
    amplify_request_token = None

logger = logging.getLogger(__name__)

FROM_HEADER = "header"
FROM_COOKIE = "cookie"
_ERROR_ATTRIBUTE = "_djognito_error"
# RFC 6750 section 2.1: "Bearer" (any case), one or more spaces, a b64token; nothing else
# (no tab, no other Unicode space, no second token).
BEARER_SCHEME = "bearer"
BEARER_CREDENTIALS = re.compile(r"(?i:bearer) +([A-Za-z0-9\-._~+/]+=*)")
MALFORMED_HEADER_CODE = "malformed_authorization_header"
# The steps that authenticate() runs inline for a Bearer header unless a subclass overrides
# one of them (build_user and attach_attributes are always called as methods).
INLINE_STEPS = ("get_raw_token", "verify", "user_from_claims", "check_revocation")


def _no_response(request):
    return None


def _quoted(text: str) -> str:
    """``text`` made safe inside a quoted-string of an HTTP header."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def client_address(request) -> str:
    """The peer address of the request, for logs."""
    return request.META.get("REMOTE_ADDR", "-")


class ServiceUnavailable(exceptions.APIException):
    """A ``TokenError`` that is no fault of the token (the deny-list is unreachable): 503."""

    status_code = 503


class BaseCognitoAuthentication(BaseAuthentication):
    """Authenticates a request from a Cognito JWT without any database lookup.

    Returns ``None`` when the request carries no token (so other authenticators may try),
    raises ``AuthenticationFailed`` (401) with the reason when the token is refused, and
    otherwise returns ``(CognitoUser, claims)``: ``request.auth`` holds the verified claims.
    Requests authenticated by the cookie must pass Django's CSRF check on unsafe methods.
    """

    www_authenticate_realm = "api"
    user_class = CognitoUser
    client_class = CognitoClient
    # True while the class overrides none of INLINE_STEPS (set for each subclass).
    _steps_inline = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._steps_inline = all(
            getattr(cls, name) is getattr(BaseCognitoAuthentication, name) for name in INLINE_STEPS
        )

    def authenticate(self, request):
        if self._steps_inline:
            header = getattr(request, "_request", request).META.get("HTTP_AUTHORIZATION")
            # "Bearer <token>" with one space, as clients send it: get_raw_token, verify and
            # user_from_claims, inline (on a request's cold path each call costs about half a
            # microsecond; together they were a tenth of /api/me/'s time). Every other
            # header, and any class that overrides one of them, takes the steps below.
            if type(header) is str and header[:7].lower() == "bearer " and header[7:8] != " ":
                token = header[7:]
                try:
                    claims = state.verifier().verify(token)
                except TokenError as exc:
                    self._refuse_token(request, exc)
                except ImproperlyConfigured:
                    claims = self.verify(request, token)  # refuses it as not configured
                user = self.build_user(claims)
                if state.revocation_list().enabled:
                    self.check_revocation(request, claims, user)
                self.attach_attributes(user, request)
                return user, claims
        token, source = self.get_raw_token(request)
        if token is None:
            return None
        claims = self.verify(request, token)
        user = self.user_from_claims(claims, request)
        if source == FROM_COOKIE:
            self.enforce_csrf(request)
        return user, claims

    def get_raw_token(self, request) -> tuple[str | None, str | None]:
        """The token and where it came from; the header wins over the cookie.

        A Bearer header's credentials are handed on as sent: verification accepts only a
        token it has proved, and ``verify`` names a header that is no ``Bearer <b64token>``
        when the token is refused (so a valid token's header is not scanned twice)."""
        header = self._bearer_header(request)
        if header is not None:
            if header[6:7] != " ":
                self._refuse_malformed_header(request)
            return header[7:].lstrip(" "), FROM_HEADER
        token = request.COOKIES.get(self.get_cookie_name())
        if token:
            return token, FROM_COOKIE
        # Only when nothing else carries a token: a Bearer request never pays for this.
        token = self.get_amplify_token(request)
        if token:
            return token, FROM_COOKIE
        return None, None

    def get_amplify_token(self, request) -> str | None:
        """The token in Amplify's cookies, when the browser part is installed and its
        settings say to read them."""
        if amplify_request_token is None:
            return None
        return amplify_request_token(request.COOKIES)

    def get_cookie_name(self) -> str:
        """The cookie that carries the token (``ACCESS_TOKEN_KEY``)."""
        return state.config().cookie_name

    def verify(self, request, token: str) -> dict:
        """Verified claims of ``token`` (``.pool`` names the user pool), or
        ``AuthenticationFailed`` with the reason."""
        try:
            verifier = state.verifier()
        except ImproperlyConfigured:
            logger.error("Cognito authentication is not configured; run `manage.py check`.")
            error = TokenError("authentication is not configured on this server")
            self._refuse_token(request, error, "not_configured")
        try:
            return verifier.verify(token)
        except TokenError as exc:
            self._refuse_token(request, exc)

    def user_from_claims(self, claims: dict, request) -> CognitoUser:
        """The user of verified ``claims``: ``build_user``, the revocation check (when on),
        then ``attach_attributes``."""
        user = self.build_user(claims)
        self.check_revocation(request, claims, user)
        self.attach_attributes(user, request)
        return user

    def build_user(self, claims: dict) -> CognitoUser:
        """A ``CognitoUser`` (a ``CognitoClient`` for a client-credentials token) carrying
        the claims and the groups of ``cognito:groups``, before ``attach_attributes`` runs."""
        config = state.config()
        if is_client_token(claims):
            user = self.client_class(claims["client_id"], sub=claims["sub"], claims=claims)
        else:
            user = self.user_class(
                username=claims[config.username_claim],
                sub=claims["sub"],
                # A list of strings (the verifier checks it), handed out as a tuple.
                groups=claims.get("cognito:groups", ()),
                claims=claims,
                group_permissions=config.group_permissions,
            )
        user.pool = getattr(claims, "pool", "")
        return user

    def check_revocation(self, request, claims: dict, user: CognitoUser) -> None:
        """With ``AWS_COGNITO_REVOCATION`` on, refuse a token the deny-list names (401), or
        every token while the list cannot be read (503). Users are named per pool."""
        revocation_list = state.revocation_list()
        if revocation_list.enabled:
            try:
                revocation_list.check(claims, user.get_username(), user.pool)
            except TokenError as exc:
                self._refuse(request, exc)

    def attach_attributes(self, user: CognitoUser, request) -> None:
        """Hook: add attributes to ``user`` from ``user.claims``. Does nothing by default."""

    def enforce_csrf(self, request) -> None:
        """Django's CSRF check, as DRF's ``SessionAuthentication`` applies it."""
        check = CSRFCheck(_no_response)
        check.process_request(request)
        reason = check.process_view(request, None, (), {})
        if reason:
            raise exceptions.PermissionDenied(f"CSRF Failed: {reason}", code="csrf_failed")

    def authenticate_header(self, request) -> str:
        challenge = f'Bearer realm="{self.www_authenticate_realm}"'
        reason = getattr(request, _ERROR_ATTRIBUTE, None)
        if reason:
            challenge += f', error="invalid_token", error_description="{_quoted(reason)}"'
        return challenge

    def _bearer_header(self, request) -> str | None:
        """The Authorization header when its scheme is Bearer (any case), else None: other
        schemes (Basic ...) are left to other authenticators."""
        # From the Django request under DRF's wrapper (this runs on every request).
        header = getattr(request, "_request", request).META.get("HTTP_AUTHORIZATION")
        if not header:
            return None
        if isinstance(header, bytes):
            header = header.decode("latin-1")
        return header if header[:6].lower() == BEARER_SCHEME else None

    def _refuse_token(self, request, error: TokenError, code: str | None = None):
        """``_refuse``, naming the header instead when it is a Bearer header that is no
        ``Bearer <b64token>``: the token in it was never a token."""
        header = self._bearer_header(request)
        if header is not None and BEARER_CREDENTIALS.fullmatch(header) is None:
            self._refuse_malformed_header(request)
        self._refuse(request, error, code)

    def _refuse_malformed_header(self, request):
        error = TokenError("invalid Authorization header: expected 'Bearer <token>'")
        self._refuse(request, error, code=MALFORMED_HEADER_CODE)

    def _refuse(self, request, error: TokenError, code: str | None = None):
        """Raise the DRF exception that answers ``error``: 401 with its reason, or 503."""
        reason, code = error.reason, code or error.code
        if error.status != 401:
            raise ServiceUnavailable(reason, code=code)
        setattr(request, _ERROR_ATTRIBUTE, reason)
        logger.info("authentication failed: %s (client %s)", reason, client_address(request))
        raise exceptions.AuthenticationFailed(reason, code=code)
