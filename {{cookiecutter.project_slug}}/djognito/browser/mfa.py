"""Authenticator app self-service for a signed-in user (the access token in its cookie, or
a Bearer header; see ``signed_in``).

``GET mfa/`` (what is on), ``POST mfa/totp/`` (a new secret), ``POST mfa/totp/verify/``
(the first code: on and preferred), ``DELETE mfa/totp/`` (off; only soon after a sign-in,
``AWS_COGNITO_REAUTH_SECONDS`` from the token's ``auth_time``). Cognito does the work
(``GetUser``, ``AssociateSoftwareToken``, ``VerifySoftwareToken``,
``SetUserMFAPreference``); the rate limits and CSRF check of the sign-in endpoints apply.
"""

import time

from rest_framework import status
from rest_framework.response import Response

from . import challenges, idp
from .serializers import AuthenticatorCodeSerializer, MfaSettingsSerializer, TotpSetupSerializer
from .signed_in import SignedInView
from .throttles import UsernameFailures
from .views import refusal

# The clock `auth_time` is compared with (patched in tests).
clock = time.time


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
