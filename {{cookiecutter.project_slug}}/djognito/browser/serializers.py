"""Request and response bodies of the sign-in endpoints."""

import re

from rest_framework import serializers

from . import challenges

# Cognito's own bounds: usernames up to 128 characters, passwords up to 256, attribute
# names up to 32 (custom: ones included: 20 plus the prefix) and values up to 2048.
MAX_USERNAME_LENGTH = 128
MAX_PASSWORD_LENGTH = 256
# Codes are 6 to 8 digits; a little room for what a user may paste.
MAX_CODE_LENGTH = 32
MAX_ATTRIBUTES = 50
MAX_ATTRIBUTE_VALUE_LENGTH = 2048
ATTRIBUTE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_:.-]{0,63}")


class LoginSerializer(serializers.Serializer):
    """A username and password to sign in with."""

    username = serializers.CharField(max_length=MAX_USERNAME_LENGTH)
    password = serializers.CharField(
        max_length=MAX_PASSWORD_LENGTH, trim_whitespace=False, write_only=True
    )


class SessionSerializer(serializers.Serializer):
    """Who signed in and for how long the access cookie lasts (never a token)."""

    username = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="Seconds until the access cookie expires.")


class RefreshedSerializer(serializers.Serializer):
    """For how long the new access cookie lasts."""

    expires_in = serializers.IntegerField(help_text="Seconds until the access cookie expires.")


class CodeSerializer(serializers.Serializer):
    """A code from the authenticator app, a text message or an email."""

    code = serializers.CharField(max_length=MAX_CODE_LENGTH, write_only=True)


class AuthenticatorCodeSerializer(serializers.Serializer):
    """The six digits an authenticator app shows (what ``VerifySoftwareToken`` accepts)."""

    code = serializers.RegexField(r"^[0-9]{6}\Z", max_length=6, write_only=True)


class NewPasswordSerializer(serializers.Serializer):
    """The new password of ``NEW_PASSWORD_REQUIRED``, with the attributes the pool needs
    (``parameters.required_attributes``)."""

    new_password = serializers.CharField(
        max_length=MAX_PASSWORD_LENGTH, trim_whitespace=False, write_only=True
    )
    attributes = serializers.DictField(
        child=serializers.CharField(max_length=MAX_ATTRIBUTE_VALUE_LENGTH, allow_blank=True),
        required=False,
        help_text='Attribute name -> value, e.g. {"name": "Ana"}.',
    )

    def validate_attributes(self, value: dict) -> dict:
        if len(value) > MAX_ATTRIBUTES:
            raise serializers.ValidationError(f"at most {MAX_ATTRIBUTES} attributes")
        for name in value:
            if not ATTRIBUTE_NAME.fullmatch(name):
                raise serializers.ValidationError(f"not an attribute name: {name[:64]!r}")
        return value


class SelectMfaSerializer(serializers.Serializer):
    """The second factor chosen at ``SELECT_MFA_TYPE`` (one of ``parameters.options``)."""

    mfa = serializers.ChoiceField(choices=challenges.MFA_KINDS)


class MfaSetupSerializer(serializers.Serializer):
    """``MFA_SETUP``: first ``{"mfa": "SOFTWARE_TOKEN_MFA"}`` (answered with the secret),
    then ``{"code"}`` from the authenticator app."""

    mfa = serializers.ChoiceField(choices=challenges.SETUP_KINDS, required=False)
    code = serializers.CharField(max_length=MAX_CODE_LENGTH, required=False, write_only=True)

    def validate(self, attrs: dict) -> dict:
        if ("mfa" in attrs) == ("code" in attrs):
            raise serializers.ValidationError("send either mfa (to start) or code (to finish)")
        return attrs


# The body each pending challenge is answered with.
CHALLENGE_BODIES = {
    **{name: CodeSerializer for name in challenges.CODE_CHALLENGES},
    challenges.NEW_PASSWORD_REQUIRED: NewPasswordSerializer,
    challenges.SELECT_MFA_TYPE: SelectMfaSerializer,
    challenges.MFA_SETUP: MfaSetupSerializer,
}


class MfaSettingsSerializer(serializers.Serializer):
    """The second factors a signed-in user has on, and the preferred one."""

    enabled = serializers.ListField(child=serializers.CharField())
    preferred = serializers.CharField(allow_null=True)


class TotpSetupSerializer(serializers.Serializer):
    """An authenticator app's secret, shown once: as text and as an ``otpauth://`` URI."""

    secret = serializers.CharField()
    otpauth_uri = serializers.CharField()


def __getattr__(name):
    # SignInErrorSerializer only documents refusals: it lives in .openapi (which a project
    # without the OpenAPI option does not have). Looked up on demand for the api/schema.py
    # of projects generated before it moved, which `make update` leaves alone.
    if name == "SignInErrorSerializer":
        from .openapi import SignInErrorSerializer

        return SignInErrorSerializer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
