"""Request and response bodies of the sign-in endpoints."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
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


def checked_attributes(value: dict) -> dict:
    """``value`` when it holds at most ``MAX_ATTRIBUTES`` attributes with names Cognito
    could know; a ``ValidationError`` otherwise."""
    if len(value) > MAX_ATTRIBUTES:
        raise serializers.ValidationError(f"at most {MAX_ATTRIBUTES} attributes")
    for name in value:
        if not ATTRIBUTE_NAME.fullmatch(name):
            raise serializers.ValidationError(f"not an attribute name: {name[:64]!r}")
    return value


class LoginSerializer(serializers.Serializer):
    """A username and password to sign in with."""

    username = serializers.CharField(max_length=MAX_USERNAME_LENGTH)
    password = serializers.CharField(
        max_length=MAX_PASSWORD_LENGTH, trim_whitespace=False, write_only=True
    )


class SessionSerializer(serializers.Serializer):
    """Who signed in, for how long the access cookie lasts, and the new CSRF token (never a
    Cognito token)."""

    username = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="Seconds until the access cookie expires.")
    # Named as in GET /api/csrf/'s answer.
    csrfToken = serializers.CharField(
        help_text="The CSRF token from now on: signing in rotates it, so the one sent with "
        "this request is void. Send this one in `X-CSRFToken`."
    )


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
        return checked_attributes(value)


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


# --- Accounts (accounts.py) ---------------------------------------------------------------
# These fields are taken exactly as sent (nothing trimmed), and their patterns are what the
# OpenAPI schema documents: what the schema allows is accepted, anything else is a 400
# (attributes are a list of {"name", "value"}: OpenAPI 3.0 cannot bound an object's keys).
# Cognito's usernames and codes hold no whitespace nor control characters. The classes name
# the C1 controls and U+FEFF themselves: Python's \s counts U+0085 and not U+FEFF, the \s of
# JSON Schema's (ECMA) patterns the reverse, and the schema must mean what the server does.
TOKEN_PATTERN = r"^[^\s\x00-\x1f\x7f-\x9f\ufeff]+$"
# A password: anything but NUL (Cognito's policy decides the rest).
PASSWORD_PATTERN = r"^[^\x00]+$"
EMAIL_PATTERN = r"^[^\s@\x00-\x1f\x7f-\x9f\ufeff]+@[^\s@\x00-\x1f\x7f-\x9f\ufeff]+$"
ATTRIBUTE_VALUE_PATTERN = r"^[^\x00]*$"
ATTRIBUTE_NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_:.-]{0,63}$"
MAX_EMAIL_LENGTH = 254


class WholeStringValidator(RegexValidator):
    """A ``RegexValidator`` whose pattern must match the whole value, as a JSON Schema
    ``pattern`` anchored by ``^...$`` does: Python's ``$`` also matches before a final
    newline, so ``search`` would take ``"bob\\n"`` for a username."""

    def __call__(self, value):
        if self.regex.fullmatch(str(value)) is None:
            raise ValidationError(self.message, code=self.code, params={"value": value})


class StrictRegexField(serializers.RegexField):
    """A ``RegexField`` that takes only strings: a number or a boolean is refused (400)
    rather than turned into text, as the schema's ``"type": "string"`` says. The pattern
    matches the whole string (``WholeStringValidator``)."""

    default_error_messages = {"not_a_string": "Not a valid string."}

    def __init__(self, regex, **kwargs):
        super().__init__(regex, **kwargs)
        # RegexField appends a search-based RegexValidator last: the whole-string one instead.
        self.validators[-1] = WholeStringValidator(regex, message=self.error_messages["invalid"])

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


def username_field() -> serializers.RegexField:
    """A Cognito username, as sent."""
    return StrictRegexField(
        TOKEN_PATTERN,
        max_length=MAX_USERNAME_LENGTH,
        trim_whitespace=False,
        error_messages={"invalid": "a username has no spaces nor control characters"},
    )


def password_field(**kwargs) -> serializers.RegexField:
    """A password, as sent (never trimmed, never in an answer)."""
    return StrictRegexField(
        PASSWORD_PATTERN,
        max_length=MAX_PASSWORD_LENGTH,
        trim_whitespace=False,
        write_only=True,
        error_messages={"invalid": "a password cannot hold NUL characters"},
        **kwargs,
    )


def code_field() -> serializers.RegexField:
    """A code Cognito sent by email or text message, as sent."""
    return StrictRegexField(
        TOKEN_PATTERN,
        max_length=MAX_CODE_LENGTH,
        trim_whitespace=False,
        write_only=True,
        error_messages={"invalid": "a code has no spaces nor control characters"},
    )


class AttributeSerializer(serializers.Serializer):
    """One user attribute, as Cognito's ``UserAttributes`` hold them."""

    name = StrictRegexField(
        ATTRIBUTE_NAME_PATTERN,
        max_length=64,
        trim_whitespace=False,
        help_text="name, phone_number, custom:team ...",
        error_messages={"invalid": "not an attribute name"},
    )
    value = StrictRegexField(
        ATTRIBUTE_VALUE_PATTERN,
        max_length=MAX_ATTRIBUTE_VALUE_LENGTH,
        allow_blank=True,
        trim_whitespace=False,
    )


class SignUpSerializer(serializers.Serializer):
    """A new account: username, password, and the email (or other attributes) the pool
    wants; the email also goes in as the ``email`` attribute."""

    username = username_field()
    password = password_field()
    email = StrictRegexField(
        EMAIL_PATTERN,
        max_length=MAX_EMAIL_LENGTH,
        trim_whitespace=False,
        required=False,
        error_messages={"invalid": "not an email address"},
    )
    attributes = serializers.ListField(
        child=AttributeSerializer(),
        max_length=MAX_ATTRIBUTES,
        required=False,
        help_text='e.g. [{"name": "name", "value": "Ana"}]; a name given twice: the last wins.',
    )

    def validate(self, attrs: dict) -> dict:
        # Name -> value, the email field last (it wins over an "email" attribute).
        attributes = {item["name"]: item["value"] for item in attrs.get("attributes") or ()}
        if "email" in attrs:
            attributes["email"] = attrs["email"]
        return {**attrs, "attributes": attributes}


class UsernameSerializer(serializers.Serializer):
    """The username a code is asked for."""

    username = username_field()


class ConfirmSignUpSerializer(serializers.Serializer):
    """The code sent at sign-up."""

    username = username_field()
    code = code_field()


class ResetPasswordSerializer(serializers.Serializer):
    """The code sent by ``password/forgot/`` and the new password."""

    username = username_field()
    code = code_field()
    new_password = password_field()


class ChangePasswordSerializer(serializers.Serializer):
    """The signed-in user's current password and the new one."""

    old_password = password_field()
    new_password = password_field()


class CodeDeliverySerializer(serializers.Serializer):
    """Where the code went, masked (``a***@e***``, ``+*******0123``), as far as the request
    says: null when it named neither an email nor a phone number."""

    medium = serializers.CharField(allow_null=True, help_text="EMAIL, SMS or null")
    destination = serializers.CharField(allow_null=True)


class SignUpAcceptedSerializer(serializers.Serializer):
    """Sign-up received: confirm it with the code (the same answer for a taken username)."""

    detail = serializers.CharField()
    delivery = CodeDeliverySerializer()


class AcceptedSerializer(serializers.Serializer):
    """Request received (the same answer whether or not the account exists)."""

    detail = serializers.CharField()
