"""OpenAPI documentation parts that the ``@extend_schema`` decorators of ``api.views`` share:
the bodies of the views that answer plain dicts, and the refusals several views document.

How a token may be sent (the security schemes) comes from ``djognito.contrib.spectacular``,
the sign-in endpoints' documentation from ``djognito.browser.openapi``.
"""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers

from djognito.contrib.spectacular import ErrorSerializer


class MessageSerializer(serializers.Serializer):
    """A greeting."""

    message = serializers.CharField()


class AdminMessageSerializer(MessageSerializer):
    """A greeting for members of the admin group, naming the group."""

    group = serializers.CharField()


class CsrfTokenSerializer(serializers.Serializer):
    """The CSRF token to send back in ``X-CSRFToken`` (the cookie is set as well)."""

    csrfToken = serializers.CharField()


class KeySetStatusSerializer(serializers.Serializer):
    """The state of the process's copy of the user pool's key set."""

    configured = serializers.BooleanField(help_text="The Cognito settings are complete.")
    ready = serializers.BooleanField(help_text="Keys have been fetched; tokens can be verified.")
    keys = serializers.IntegerField(help_text="Number of usable signing keys held.")
    age_seconds = serializers.FloatField(
        allow_null=True, help_text="Seconds since the last good fetch (null: never fetched)."
    )
    fetches = serializers.IntegerField(help_text="Fetch attempts made by this process.")


class HealthSerializer(serializers.Serializer):
    """Readiness of the process."""

    status = serializers.CharField()
    jwks = KeySetStatusSerializer()


UNAUTHENTICATED = OpenApiResponse(
    ErrorSerializer,
    description=(
        "No token, or a token that was refused. The body and the `WWW-Authenticate` header "
        "say why (expired, wrong audience, unknown key ...)."
    ),
    examples=[
        OpenApiExample(
            "expired",
            value={"detail": "token expired", "code": "token_expired"},
            status_codes=["401"],
        ),
        OpenApiExample(
            "missing",
            value={
                "detail": "Authentication credentials were not provided.",
                "code": "not_authenticated",
            },
            status_codes=["401"],
        ),
    ],
)
NOT_IN_ADMIN_GROUP = OpenApiResponse(
    ErrorSerializer, description="The caller is authenticated but not in the admin group."
)
CSRF_REFUSED = OpenApiResponse(
    ErrorSerializer,
    description="The token came in the cookie and the request carried no valid CSRF token.",
)
MISSING_SCOPE = OpenApiResponse(
    ErrorSerializer, description="The token does not carry the reports scope."
)
INVALID_NOTE = OpenApiResponse(description="The note is invalid (the body names the fields).")
