"""Browser sign-in endpoints: the tokens live in HttpOnly cookies, never in a body.

``POST login/``, ``POST challenge/`` (the steps Cognito asks for after the password),
``POST refresh/``, ``POST logout/`` (CSRF-protected like any unsafe request) and, when
``AWS_COGNITO_DOMAIN`` is set, the managed login: ``GET hosted/login/``,
``GET hosted/callback/``, ``GET hosted/logout/``. Every token Cognito returns is verified
with the project's verifier before it is put in a cookie. The cookies that only these
endpoints read are sent to the path they are mounted under, wherever that is.

Every sign-in rotates the CSRF token; the sign-in answers that have a body (``login/``,
``challenge/``) carry the new one as ``csrfToken``, so a front end that cannot read the
cookie (another origin) goes on without asking ``/api/csrf/`` again. A refresh is no new
sign-in: the token stays.
"""

import logging
import re
import time
from urllib.parse import urlencode

from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponseRedirect
from django.middleware.csrf import get_token, rotate_token
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from rest_framework import status
from rest_framework.exceptions import MethodNotAllowed, NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from .. import state
from ..authentication import BaseCognitoAuthentication
from ..core.claims import is_client_token
from ..errors import TokenError
from . import challenges, cookies, idp
from .hosted import STATE_MAX_AGE_SECONDS, LoginState, code_challenge
from .serializers import (
    CHALLENGE_BODIES,
    LoginSerializer,
    RefreshedSerializer,
    SessionSerializer,
)
from .settings import browser_config, is_allowed_redirect
from .throttles import SignInAddressThrottle, TooManyAttempts, UsernameFailures

logger = logging.getLogger(__name__)

STATE_COOKIE = "djognito_login_state"
# The managed login's state cookie goes to the hosted/ endpoints below the mount path only.
HOSTED_PATH = "hosted/"
HOSTED_SCOPES = "openid"
# The longest `next`, in characters. It travels twice, and any 400 characters fit both ways:
# - in the request line of `GET hosted/login/?next=...`, percent-encoded: at most 12 bytes a
#   character (4 bytes of UTF-8, each written %XX), so 4,800 bytes; gunicorn reads a line of
#   8,190 (the project's gunicorn.conf.py sets limit_request_line to gunicorn's most), which
#   leaves 3,390 for "GET ", the path, "?next=" and " HTTP/1.1" (42 at /api/auth/hosted/login/);
# - in the state cookie (hosted.LoginState): JSON in UTF-8, at most 6 bytes a character (a
#   control character, written \u0000), so 2,400 bytes; with the state and PKCE verifier
#   (139), base64 (4 for 3), the timestamp and signature (51) and its name, under 3,500 of the
#   4,096 bytes a browser keeps for a cookie.
MAX_NEXT_LENGTH = 400
WWW_AUTHENTICATE = 'Bearer realm="api"'
# What the browser is asked to show for each step.
CHALLENGE_DETAILS = {
    challenges.SOFTWARE_TOKEN_MFA: "enter the code from your authenticator app",
    challenges.SMS_MFA: "enter the code sent by text message",
    challenges.EMAIL_OTP: "enter the code sent by email",
    challenges.SELECT_MFA_TYPE: "choose how to confirm the sign-in",
    challenges.NEW_PASSWORD_REQUIRED: "choose a new password",
    challenges.MFA_SETUP: "set up an authenticator app",
}


def refusal(detail: str, code: str, status_code: int = status.HTTP_401_UNAUTHORIZED, **extra):
    """A JSON error answer ``{"detail", "code", ...}``; 401s carry ``WWW-Authenticate``."""
    headers = {"WWW-Authenticate": WWW_AUTHENTICATE} if status_code == 401 else None
    return Response({"detail": detail, "code": code, **extra}, status=status_code, headers=headers)


def url_namespace(request) -> str:
    """The URL namespace ``request`` was resolved in (``djognito`` unless mounted twice)."""
    match = request.resolver_match
    return match.namespace if match and match.namespace else "djognito"


def mount_path(request) -> str:
    """The path these URLs are mounted under for ``request`` (``/api/auth/`` here), from
    the URL configuration itself: a second mount (another namespace) gets its own."""
    return reverse(f"{url_namespace(request)}:login").removesuffix("login/")


def unavailable() -> Response:
    """503: Cognito could not be reached; nothing changed."""
    return refusal(
        "the identity provider is unreachable; try again later",
        "identity_provider_unavailable",
        status.HTTP_503_SERVICE_UNAVAILABLE,
    )


def too_many_attempts(wait: float | None) -> Response:
    """429 ``too_many_attempts`` with ``Retry-After`` (seconds)."""
    error = TooManyAttempts(wait)
    headers = {"Retry-After": str(error.wait)} if error.wait else None
    return Response(
        {"detail": str(error.default_detail), "code": error.default_code},
        status=error.status_code,
        headers=headers,
    )


@method_decorator(sensitive_post_parameters(), name="dispatch")
class BrowserSessionView(GenericAPIView):
    """Base of the sign-in endpoints: no token authentication, CSRF on unsafe methods, a
    rate limit per client address, answers never cached, no body in error reports.

    Authentication is off so that a stale or garbage token cookie never stands in the way
    of signing in again. A method the view does not have is 405 before any other check.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [SignInAddressThrottle]
    # DRF's OPTIONS metadata describes a serializer: these views answer OPTIONS with 405.
    metadata_class = None

    def initial(self, request, *args, **kwargs):
        if not hasattr(self, request.method.lower()):
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)
        self.config = browser_config()
        self.mount_path = mount_path(request)
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            # Django's own CSRF check, exactly as for cookie-authenticated requests.
            BaseCognitoAuthentication().enforce_csrf(request)

    def throttled(self, request, wait):
        raise TooManyAttempts(wait)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Answers that set or clear the token cookies are nobody's to keep.
        add_never_cache_headers(response)
        return response

    @property
    def provider(self) -> idp.CognitoIdentityProvider:
        """The Cognito calls for the configured app client."""
        return idp.CognitoIdentityProvider(self.config)

    def handle_exception(self, exc):
        if isinstance(exc, TokenError):
            # Cognito's answer held a token this API would refuse: a configuration error.
            logger.error("token from Cognito failed verification: %s", exc.reason)
            return refusal(
                f"the token from the identity provider did not verify: {exc.reason}",
                "untrusted_token",
                status.HTTP_502_BAD_GATEWAY,
            )
        return super().handle_exception(exc)

    def signed_in(self, tokens: idp.TokenSet) -> Response:
        """200 ``{"username", "expires_in", "csrfToken"}`` with the token cookies of a
        password sign-in; ``csrfToken`` is the new CSRF token (the old one is void)."""
        response = Response()
        claims, expires_in = self.start_session(response, tokens, cookies.FROM_PASSWORD)
        response.data = SessionSerializer(
            {
                "username": claims[self.config.cognito.username_claim],
                "expires_in": expires_in,
                "csrfToken": self.new_csrf_token(),
            }
        ).data
        return response

    def new_csrf_token(self) -> str:
        """Rotate the CSRF token (a new sign-in: a token seen before it is no use after it);
        the new one, as ``GET /api/csrf/`` gives it. The middleware sets its cookie."""
        rotate_token(self.request._request)
        return get_token(self.request._request)

    def challenge_required(
        self, challenge: idp.ChallengeRequired, username: str, extra: dict | None = None
    ) -> Response:
        """401 ``challenge_required`` naming the step, with what the browser shows for it,
        and the challenge cookie; 401 ``unsupported_challenge`` for a step this API does
        not know."""
        name = re.sub(r"[^A-Za-z0-9_]", "", challenge.name)[:64] or "UNKNOWN"
        if name not in challenges.SUPPORTED or not challenge.session:
            logger.warning("Cognito asked for the unsupported %s step", name)
            response = refusal(
                f"Cognito asks for the {name} step, which this API cannot complete; "
                "sign in with the managed login or ask an administrator.",
                "unsupported_challenge",
                challenge=name,
            )
            cookies.clear_challenge_cookie(response, self.config, self.mount_path)
            return response
        parameters = {**challenges.public_parameters(name, challenge.parameters), **(extra or {})}
        response = refusal(
            f"Cognito asks for the {name} step: {CHALLENGE_DETAILS[name]}",
            "challenge_required",
            challenge=name,
            parameters=parameters,
        )
        pending = cookies.ChallengeCookie(
            challenge.session, challenges.cognito_username(username, challenge.parameters), name
        )
        cookies.set_challenge_cookie(response, self.config, pending, self.mount_path)
        return response

    def start_session(self, response, tokens: idp.TokenSet, flow: str) -> tuple[dict, int]:
        """Verify the token the API accepts, then set the access cookie (and the refresh
        cookie when Cognito sent a refresh token); the claims and seconds left.

        Raises ``TokenError`` (answered 502) when the token does not verify: no cookie is set.
        """
        token = tokens.token_for(self.config.cognito.token_use)
        if not token:
            raise TokenError("no token of the configured use in Cognito's answer")
        claims = state.verifier().verify(token)
        username = claims.get(self.config.cognito.username_claim)
        if is_client_token(claims) or not isinstance(username, str):
            # A client-credentials token: a browser session must be a user's.
            raise TokenError("the token names no user")
        expires_in = max(0, int(claims["exp"] - time.time()))
        cookies.set_access_cookie(response, self.config, token, expires_in)
        if tokens.refresh_token:
            cookies.set_refresh_cookie(
                response,
                self.config,
                cookies.RefreshCookie(
                    tokens.refresh_token,
                    username,
                    flow,
                    origin_jti=str(claims.get("origin_jti") or ""),
                    pool=claims.pool,
                    issued_at=time.time(),
                ),
                self.mount_path,
            )
        return claims, expires_in


class LoginView(BrowserSessionView):
    """Sign in with a username and password; the tokens go into HttpOnly cookies."""

    serializer_class = LoginSerializer

    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        failures = UsernameFailures.from_settings()
        failures.check(username)  # 429 while locked, before Cognito is asked
        try:
            tokens = self.provider.sign_in(username, serializer.validated_data["password"])
        except idp.RateLimited:
            return too_many_attempts(failures.window_seconds)
        except idp.ChallengeRequired as challenge:
            # The failures stay counted: a right password must not reset a code's tries.
            return self.challenge_required(challenge, username)
        except idp.SignInRefused:
            failures.record(username)
            logger.info("sign-in refused (client %s)", request.META.get("REMOTE_ADDR", "-"))
            return refusal("incorrect username or password", "invalid_credentials")
        except idp.IdentityProviderError:
            return unavailable()
        failures.clear(username)
        return self.signed_in(tokens)


class ChallengeView(BrowserSessionView):
    """Answer the step Cognito asked for (named by the challenge cookie): the token cookies,
    the next step, ``invalid_code`` (try again) or ``challenge_expired`` (sign in again)."""

    def get_serializer_class(self):
        # The schema's view of this endpoint; a request is validated by its pending step.
        return CHALLENGE_BODIES[challenges.SOFTWARE_TOKEN_MFA]

    def post(self, request):
        try:
            pending = cookies.read_challenge_cookie(request, self.config)
        except cookies.BadChallengeCookie:
            return self.challenge_expired()
        body_class = CHALLENGE_BODIES.get(pending.challenge)
        if body_class is None:
            return self.challenge_expired()
        serializer = body_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        failures = UsernameFailures.from_settings()
        failures.check(pending.username)
        try:
            outcome = self.answer(request, pending, serializer.validated_data)
        except idp.ChallengeRequired as challenge:
            return self.challenge_required(challenge, pending.username)
        except idp.CodeMismatch:
            failures.record(pending.username)
            return refusal(
                "the code is not right (or has expired): try again",
                "invalid_code",
                status.HTTP_400_BAD_REQUEST,
            )
        except idp.ChallengeExpired:
            return self.challenge_expired()
        except idp.AnswerRefused as error:
            code = "invalid_password" if "Password" in error.code else "invalid_parameter"
            return refusal(error.message or "Cognito refused the answer", code, 400)
        except idp.RateLimited:
            return too_many_attempts(failures.window_seconds)
        except idp.IdentityProviderError:
            return unavailable()
        if isinstance(outcome, Response):
            return outcome
        failures.clear(pending.username)
        response = self.signed_in(outcome)
        cookies.clear_challenge_cookie(response, self.config, self.mount_path)
        return response

    def answer(self, request, pending: cookies.ChallengeCookie, body: dict):
        """Cognito's answer to ``body``: a ``TokenSet``, or the authenticator set-up's
        secret (a ``Response``); raises ``ChallengeRequired`` for the next step."""
        if pending.challenge != challenges.MFA_SETUP:
            answers = challenges.challenge_answers(pending.challenge, body)
            return self.provider.respond(
                pending.challenge, pending.session, pending.username, answers
            )
        if "mfa" in body:
            secret, session = self.provider.associate_software_token(session=pending.session)
            issuer = request.get_host().rsplit(":", 1)[0]
            setup = {
                "secret": secret,
                "otpauth_uri": challenges.otpauth_uri(secret, pending.username, issuer),
            }
            return self.challenge_required(
                idp.ChallengeRequired(challenges.MFA_SETUP, session), pending.username, setup
            )
        session = self.provider.verify_software_token(body["code"], session=pending.session)
        return self.provider.respond(
            challenges.MFA_SETUP, session or pending.session, pending.username, {}
        )

    def challenge_expired(self) -> Response:
        """401 ``challenge_expired``; the challenge cookie is cleared."""
        response = refusal(
            "no sign-in step is waiting (expired or never started): sign in again",
            "challenge_expired",
        )
        cookies.clear_challenge_cookie(response, self.config, self.mount_path)
        return response


class RefreshView(BrowserSessionView):
    """A new access cookie from the refresh cookie; 401 and both cookies cleared if refused."""

    serializer_class = RefreshedSerializer

    def post(self, request):
        try:
            stored = cookies.read_refresh_cookie(request, self.config)
        except cookies.BadRefreshCookie:
            return self.ended("refresh cookie is not valid: sign in again", "invalid_refresh_token")
        if stored is None:
            return self.ended("no refresh cookie: sign in again", "no_refresh_token")
        revoked = self.revoked(stored)
        if revoked is not None:
            return revoked
        try:
            if stored.flow == cookies.FROM_HOSTED and self.config.domain:
                tokens = self.provider.refresh_at_token_endpoint(stored.refresh_token)
            else:
                tokens = self.provider.refresh(stored.refresh_token, stored.username)
        except (idp.SignInRefused, idp.InvalidGrant, idp.ChallengeRequired):
            return self.ended("refresh token refused: sign in again", "refresh_refused")
        except idp.RateLimited:
            return too_many_attempts(self.config.username_lock_seconds)
        except idp.IdentityProviderError:
            return unavailable()
        response = Response()
        _claims, expires_in = self.start_session(response, tokens, stored.flow)
        response.data = RefreshedSerializer({"expires_in": expires_in}).data
        return response

    def revoked(self, stored: cookies.RefreshCookie) -> Response | None:
        """With revocation on, the answer for a sign-in the deny-list names (401, cookies
        cleared) or cannot tell about (503); None when the refresh may go on."""
        revocation_list = state.revocation_list()
        if not revocation_list.enabled:
            return None
        try:
            revocation_list.check_sign_in(
                stored.origin_jti, stored.username, stored.pool, stored.issued_at
            )
        except TokenError as error:
            if error.status != status.HTTP_401_UNAUTHORIZED:
                return refusal(error.reason, error.code, error.status)
            return self.ended(f"{error.reason}: sign in again", error.code)
        return None

    def ended(self, detail: str, code: str) -> Response:
        """401 with both cookies cleared: the session cannot go on."""
        response = refusal(detail, code)
        cookies.clear_token_cookies(response, self.config, self.mount_path)
        return response


def revoke_refresh_token(view: BrowserSessionView, request) -> None:
    """Revoke the browser's refresh token if it has one; failures are logged, not raised."""
    try:
        stored = cookies.read_refresh_cookie(request, view.config)
    except cookies.BadRefreshCookie:
        return
    if stored is None:
        return
    try:
        view.provider.revoke(stored.refresh_token)
    except idp.IdentityProviderError as error:
        logger.warning("refresh token not revoked at sign-out (%s); cookies cleared", error)


def revoke_sign_in(view: BrowserSessionView, request) -> None:
    """With revocation on, deny every token of the browser's sign-in (its ``origin_jti``)
    to every process at once; failures are logged, not raised."""
    revocation_list = state.revocation_list()
    token = request.COOKIES.get(view.config.cognito.cookie_name)
    if not (revocation_list.enabled and token):
        return
    try:
        origin_jti = state.verifier().verify(token).get("origin_jti")
    except (TokenError, ImproperlyConfigured):
        return  # not a token of ours: nothing to revoke
    if not isinstance(origin_jti, str) or not origin_jti:
        return
    try:
        revocation_list.revoke_origin_jti(origin_jti)
    except Exception as error:  # the cache's own errors (Redis down ...): sign out anyway
        logger.warning("sign-in not added to the deny-list at sign-out (%s)", type(error).__name__)


class LogoutView(BrowserSessionView):
    """Sign out: revoke the refresh token (when Cognito can) and, with revocation on, the
    sign-in's tokens in the deny-list; clear both cookies."""

    serializer_class = None

    def post(self, request):
        revoke_sign_in(self, request)
        revoke_refresh_token(self, request)
        response = Response(status=status.HTTP_204_NO_CONTENT)
        cookies.clear_token_cookies(response, self.config, self.mount_path)
        return response


class HostedView(BrowserSessionView):
    """Base of the managed login endpoints: 404 unless ``AWS_COGNITO_DOMAIN`` is set."""

    serializer_class = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not self.config.domain:
            raise NotFound("managed login is not configured (AWS_COGNITO_DOMAIN)")

    def redirect_uri(self, request) -> str:
        """The callback URL registered on the app client."""
        return self.config.redirect_uri or request.build_absolute_uri(
            reverse(f"{url_namespace(request)}:hosted-callback")
        )

    def checked_redirect(self, url: str) -> str:
        """``url`` when it stays on this site or an allowed origin; 400 otherwise."""
        if len(url) > MAX_NEXT_LENGTH:
            raise ValidationError({"next": f"must be at most {MAX_NEXT_LENGTH} characters"})
        if not is_allowed_redirect(url, self.config.allowed_origins):
            raise ValidationError(
                {"next": "must be a path on this site (or an allowed front-end origin)"}
            )
        return url


class HostedLoginView(HostedView):
    """Redirect to Cognito's managed login with PKCE (S256) and a state bound to this browser."""

    def get(self, request):
        next_url = self.checked_redirect(
            request.query_params.get("next") or self.config.login_redirect_url
        )
        login = LoginState.new(next_url)
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.config.client_id,
                "redirect_uri": self.redirect_uri(request),
                "scope": HOSTED_SCOPES,
                "state": login.state,
                "code_challenge": code_challenge(login.code_verifier),
                "code_challenge_method": "S256",
            }
        )
        response = HttpResponseRedirect(f"{self.config.domain}/oauth2/authorize?{query}")
        response.set_cookie(
            STATE_COOKIE,
            login.dumps(),
            max_age=STATE_MAX_AGE_SECONDS,
            path=self.mount_path + HOSTED_PATH,
            secure=self.config.secure_cookies,
            httponly=True,
            # Lax: sent on the top-level redirect back from Cognito's domain.
            samesite="Lax",
        )
        return response


class HostedCallbackView(HostedView):
    """Cognito's redirect back: check the state, exchange the code, set the cookies."""

    def get(self, request):
        if "error" in request.query_params:
            return refusal(
                f"the managed login did not sign in: {request.query_params['error'][:100]}",
                "hosted_login_failed",
                status.HTTP_400_BAD_REQUEST,
            )
        code = request.query_params.get("code", "")
        state = request.query_params.get("state", "")
        if not code or not state:
            return self.bad_request("code and state are required", "missing_code_or_state")
        try:
            login = LoginState.loads(request.COOKIES.get(STATE_COOKIE, ""))
        except signing.BadSignature:
            return self.bad_request(
                "sign-in state missing or expired: start the sign-in again", "invalid_state"
            )
        if not login.matches(state):
            return self.bad_request("state does not match this browser's sign-in", "invalid_state")
        try:
            tokens = self.provider.exchange_code(
                code, login.code_verifier, self.redirect_uri(request)
            )
        except idp.InvalidGrant:
            return self.bad_request(
                "authorization code refused (expired or already used): sign in again",
                "invalid_grant",
            )
        except idp.IdentityProviderError:
            return unavailable()
        response = HttpResponseRedirect(login.next_url)
        self.start_session(response, tokens, cookies.FROM_HOSTED)
        # A redirect has no body for the new token: the page it lands on asks /api/csrf/.
        self.new_csrf_token()
        response.delete_cookie(STATE_COOKIE, path=self.mount_path + HOSTED_PATH, samesite="Lax")
        return response

    def bad_request(self, detail: str, code: str) -> Response:
        """400; the state cookie is dropped so the next attempt starts clean."""
        response = refusal(detail, code, status.HTTP_400_BAD_REQUEST)
        response.delete_cookie(STATE_COOKIE, path=self.mount_path + HOSTED_PATH, samesite="Lax")
        return response


class HostedLogoutView(HostedView):
    """Sign out as ``logout/`` does (the sign-in revoked, cookies cleared), then end the
    managed login session too. A ``POST`` with the CSRF token: a link cannot sign anyone
    out (``GET`` is 405)."""

    def post(self, request):
        revoke_sign_in(self, request)
        revoke_refresh_token(self, request)
        logout_uri = self.config.logout_redirect_url
        if logout_uri.startswith("/"):
            logout_uri = request.build_absolute_uri(logout_uri)
        query = urlencode({"client_id": self.config.client_id, "logout_uri": logout_uri})
        response = HttpResponseRedirect(f"{self.config.domain}/logout?{query}")
        cookies.clear_token_cookies(response, self.config, self.mount_path)
        return response
