"""The base of the endpoints a signed-in user calls about their own account (MFA, password
change, signing out everywhere): the access token, verified and checked against the
deny-list, from ``Authorization: Bearer`` or the access cookie."""

from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.response import Response

from ..authentication import BaseCognitoAuthentication
from . import idp
from .throttles import UsernameFailures
from .views import WWW_AUTHENTICATE, BrowserSessionView, refusal, too_many_attempts, unavailable


class SignedInView(BrowserSessionView):
    """The caller's access token in ``self.access_token``, its claims in ``self.claims``,
    the username in ``self.username`` and its pool in ``self.pool``; 401 without one.

    The token is checked as on any protected endpoint (the deny-list included when
    revocation is on), and must be an access token: Cognito's calls take no other.
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        authentication = BaseCognitoAuthentication()
        found = authentication.authenticate(request)
        if found is None:
            raise NotAuthenticated("sign in first")
        user, self.claims = found
        if self.claims.get("token_use") != "access":
            # Cognito's account calls take the access token only (AWS_COGNITO_TOKEN_USE=access).
            raise AuthenticationFailed(
                "this needs an access token (AWS_COGNITO_TOKEN_USE=access)",
                "access_token_required",
            )
        self.access_token, _source = authentication.get_raw_token(request)
        self.username = str(self.claims.get("username") or self.claims.get("sub") or "")
        self.pool = getattr(user, "pool", "")

    def get_authenticate_header(self, request):
        # The base view has no authenticators: without this, DRF would answer 401s as 403.
        return WWW_AUTHENTICATE

    def cognito_failed(self, error: idp.IdentityProviderError) -> Response:
        """The answer to a Cognito refusal other than a wrong code."""
        if isinstance(error, idp.RateLimited):
            return too_many_attempts(UsernameFailures.from_settings().window_seconds)
        if isinstance(error, idp.AccessRefused):
            return refusal("Cognito refused the access token: sign in again", "access_refused")
        if isinstance(error, idp.AnswerRefused):
            return refusal(error.message, "invalid_parameter", status.HTTP_400_BAD_REQUEST)
        return unavailable()
