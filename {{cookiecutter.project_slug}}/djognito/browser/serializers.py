"""Request and response bodies of the sign-in endpoints."""

from rest_framework import serializers

# Cognito's own bounds: usernames up to 128 characters, passwords up to 256.
MAX_USERNAME_LENGTH = 128
MAX_PASSWORD_LENGTH = 256


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


def __getattr__(name):
    # SignInErrorSerializer only documents refusals: it lives in .openapi (which a project
    # without the OpenAPI option does not have). Looked up on demand for the api/schema.py
    # of projects generated before it moved, which `make update` leaves alone.
    if name == "SignInErrorSerializer":
        from .openapi import SignInErrorSerializer

        return SignInErrorSerializer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
