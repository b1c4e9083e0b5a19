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


class SignInErrorSerializer(serializers.Serializer):
    """Why the sign-in failed; ``challenge`` names the step Cognito asks for, if any."""

    detail = serializers.CharField()
    code = serializers.CharField()
    challenge = serializers.CharField(required=False)
