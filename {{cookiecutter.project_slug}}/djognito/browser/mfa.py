"""Authenticator app self-service for a signed-in browser (the access token in its cookie).

``GET mfa/`` (what is on), ``POST mfa/totp/`` (a new secret), ``POST mfa/totp/verify/``
(the first code: on and preferred), ``DELETE mfa/totp/`` (off; only soon after a sign-in,
``AWS_COGNITO_REAUTH_SECONDS`` from the token's ``auth_time``). Cognito does the work
(``GetUser``, ``AssociateSoftwareToken``, ``VerifySoftwareToken``,
``SetUserMFAPreference``); the rate limits and CSRF check of the sign-in endpoints apply.
"""

import time

from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.response import Response

from ..authentication import BaseCognitoAuthentication
from . import challenges, idp
from .serializers import AuthenticatorCodeSerializer, MfaSettingsSerializer, TotpSetupSerializer
from .throttles import UsernameFailures
from .views import WWW_AUTHENTICATE, BrowserSessionView, refusal, too_many_attempts, unavailable

# The clock `auth_time` is compared with (patched in tests).
clock = time.time


class SignedInView(BrowserSessionView):
    """Base of the self-service endpoints: the browser's access token, verified, in
    ``self.access_token`` and its claims in ``self.claims``; 401 without one."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        token = request.COOKIES.get(self.config.cognito.cookie_name)
        if not token:
            raise NotAuthenticated("sign in first")
        self.claims = BaseCognitoAuthentication().verify(request, token)
        if self.claims.get("token_use") != "access":
            # Cognito's MFA calls take the access token only (AWS_COGNITO_TOKEN_USE=access).
            raise AuthenticationFailed(
                "the cookie must hold an access token", "access_token_required"
            )
        self.access_token = token
        self.username = str(self.claims.get("username") or self.claims.get("sub") or "")

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


class MfaView(SignedInView):
    """The second factors the user has on, and the preferred one."""

    serializer_class = MfaSettingsSerializer

    def get(self, request):
        try:
            enabled, preferred = self.provider.mfa_settings(self.access_token)
        except idp.IdentityProviderError as error:
            return self.cognito_failed(error)
        return Response(MfaSettingsSerializer({"enabled": enabled, "preferred": preferred}).data)


class TotpView(SignedInView):
    """``POST``: a new authenticator secret (shown once; not on until verified).
    ``DELETE``: the authenticator off, within ``AWS_COGNITO_REAUTH_SECONDS`` of signing in."""

    serializer_class = TotpSetupSerializer

    def post(self, request):
        try:
            secret, _session = self.provider.associate_software_token(
                access_token=self.access_token
            )
        except idp.IdentityProviderError as error:
            return self.cognito_failed(error)
        issuer = request.get_host().rsplit(":", 1)[0]
        uri = challenges.otpauth_uri(secret, self.username, issuer)
        return Response(TotpSetupSerializer({"secret": secret, "otpauth_uri": uri}).data)

    def delete(self, request):
        auth_time = self.claims.get("auth_time")
        if (
            isinstance(auth_time, bool)
            or not isinstance(auth_time, int | float)
            or clock() - auth_time > self.config.reauth_seconds
        ):
            return refusal(
                "sign in again to turn the authenticator app off",
                "reauthentication_required",
                status.HTTP_403_FORBIDDEN,
            )
        try:
            self.provider.set_totp(self.access_token, enabled=False)
        except idp.IdentityProviderError as error:
            return self.cognito_failed(error)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TotpVerifyView(SignedInView):
    """The first code from the authenticator app: it is then on and preferred."""

    serializer_class = AuthenticatorCodeSerializer

    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        failures = UsernameFailures.from_settings()
        failures.check(self.username)
        try:
            self.provider.verify_software_token(
                serializer.validated_data["code"], access_token=self.access_token
            )
            self.provider.set_totp(self.access_token, enabled=True)
        except idp.CodeMismatch:
            failures.record(self.username)
            return refusal(
                "the code is not right: try the app's current code",
                "invalid_code",
                status.HTTP_400_BAD_REQUEST,
            )
        except idp.IdentityProviderError as error:
            return self.cognito_failed(error)
        failures.clear(self.username)
        return Response(status=status.HTTP_204_NO_CONTENT)
