"""OpenAPI for drf-spectacular: the sign-in endpoints of ``djognito.browser.views``.

Loaded by ``djognito.browser.apps`` when drf-spectacular is installed, as drf-spectacular's
documentation asks of libraries ("extensions for third-party packages"): the views stay
free of schema code, and a project documents them by installing the app, wherever it
mounts the URLs.

Each view gets an ``OpenApiViewExtension`` of priority -1, so that a project's own
extension for the same view (one of priority 0, as earlier sample apps registered) wins.
"""

from drf_spectacular.extensions import OpenApiViewExtension
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers

from ..contrib.spectacular import ErrorSerializer
from .serializers import LoginSerializer, RefreshedSerializer, SessionSerializer
from .views import MAX_NEXT_LENGTH


class SignInErrorSerializer(serializers.Serializer):
    """Why the sign-in failed; ``challenge`` names the step Cognito asks for, if any."""

    detail = serializers.CharField()
    code = serializers.CharField()
    challenge = serializers.CharField(required=False)


SIGN_IN_REFUSED = OpenApiResponse(
    SignInErrorSerializer,
    description=(
        "Wrong username or password (one answer for both), or a step Cognito asks for "
        "(`challenge` names it)."
    ),
)
CSRF_REFUSED = OpenApiResponse(
    ErrorSerializer, description="The request carried no valid CSRF token."
)
IDP_UNAVAILABLE = OpenApiResponse(SignInErrorSerializer, description="Cognito is unreachable.")
SESSION_ENDED = OpenApiResponse(
    SignInErrorSerializer,
    description="No refresh cookie, or Cognito refused it: both cookies are cleared.",
)
REDIRECT = OpenApiResponse(description="A redirect (`Location`).")
TOO_MANY_ATTEMPTS = OpenApiResponse(
    ErrorSerializer,
    description=(
        "Too many requests from this address, or failed attempts for this username "
        "(`too_many_attempts`); `Retry-After` says when to try again."
    ),
)
UNTRUSTED_TOKEN = OpenApiResponse(
    ErrorSerializer, description="Cognito answered with a token this API refuses."
)
HOSTED_NOT_CONFIGURED = OpenApiResponse(
    ErrorSerializer, description="The managed login is not configured (`AWS_COGNITO_DOMAIN`)."
)

# What ``settings.is_allowed_redirect`` lets through without an allowed origin: a path on
# this site ("/..."), never protocol-relative ("//host"), without backslash, tab or line
# break; or nothing (the default applies).
LOCAL_PATH_PATTERN = r"^(?:/(?!/)[^\\\t\r\n]*)?$"
NEXT_PARAMETER = OpenApiParameter(
    "next",
    {"type": "string", "pattern": LOCAL_PATH_PATTERN, "maxLength": MAX_NEXT_LENGTH},
    description=(
        "Where to land after signing in: a path on this site (`/...`, not `//...`), at most "
        f"{MAX_NEXT_LENGTH} characters; a URL on an origin of `DJANGO_CORS_ALLOWED_ORIGINS` "
        "is accepted too. Anything else is refused (400). Absent or empty: "
        "`AWS_COGNITO_LOGIN_REDIRECT_URL`."
    ),
)
CALLBACK_PARAMETERS = [
    OpenApiParameter(
        "code",
        {"type": "string", "minLength": 1},
        required=True,
        description="The authorization code the managed login sends back.",
    ),
    OpenApiParameter(
        "state",
        {"type": "string", "minLength": 1},
        required=True,
        description="The state this browser's sign-in started with (checked against its cookie).",
    ),
    OpenApiParameter(
        "error",
        str,
        description="Sent by the managed login instead of `code` when it did not sign in (400).",
    ),
]

# View (in djognito.browser.views) -> method -> its documentation.
ENDPOINTS = {
    "LoginView": {
        "post": extend_schema(
            summary="Sign in: the tokens go into HttpOnly cookies",
            request=LoginSerializer,
            responses={
                200: SessionSerializer,
                400: OpenApiResponse(description="Malformed body (the body names the fields)."),
                401: SIGN_IN_REFUSED,
                403: CSRF_REFUSED,
                429: TOO_MANY_ATTEMPTS,
                502: UNTRUSTED_TOKEN,
                503: IDP_UNAVAILABLE,
            },
        )
    },
    "RefreshView": {
        "post": extend_schema(
            summary="A new access cookie from the refresh cookie",
            request=None,
            responses={
                200: RefreshedSerializer,
                401: SESSION_ENDED,
                403: CSRF_REFUSED,
                429: TOO_MANY_ATTEMPTS,
                502: UNTRUSTED_TOKEN,
                503: IDP_UNAVAILABLE,
            },
        )
    },
    "LogoutView": {
        "post": extend_schema(
            summary="Sign out: both cookies cleared, refresh token revoked",
            request=None,
            responses={204: None, 403: CSRF_REFUSED, 429: TOO_MANY_ATTEMPTS},
        )
    },
    "HostedLoginView": {
        "get": extend_schema(
            summary="Go to the managed login (PKCE)",
            parameters=[NEXT_PARAMETER],
            responses={
                302: REDIRECT,
                400: OpenApiResponse(description="`next` refused (the body says why)."),
                404: HOSTED_NOT_CONFIGURED,
                429: TOO_MANY_ATTEMPTS,
            },
        )
    },
    "HostedCallbackView": {
        "get": extend_schema(
            summary="The managed login's redirect back: sets the cookies",
            parameters=CALLBACK_PARAMETERS,
            responses={
                302: REDIRECT,
                400: OpenApiResponse(
                    SignInErrorSerializer,
                    description=(
                        "The managed login sent `error`; missing, forged or expired state; "
                        "code refused."
                    ),
                ),
                404: HOSTED_NOT_CONFIGURED,
                429: TOO_MANY_ATTEMPTS,
                502: UNTRUSTED_TOKEN,
                503: IDP_UNAVAILABLE,
            },
        )
    },
    "HostedLogoutView": {
        "post": extend_schema(
            summary="Sign out here and at the managed login (the sign-in revoked as by logout)",
            request=None,
            responses={
                302: REDIRECT,
                403: CSRF_REFUSED,
                404: HOSTED_NOT_CONFIGURED,
                429: TOO_MANY_ATTEMPTS,
            },
        )
    },
}


def view_extension(view_name: str, methods: dict) -> type[OpenApiViewExtension]:
    """The extension (registered on creation) documenting one view of ``browser.views``."""

    def view_replacement(self):
        # A subclass carries the documentation: the served view stays untouched.
        subclass = type(view_name, (self.target,), {"__doc__": self.target.__doc__})
        return extend_schema_view(**methods)(subclass)

    return type(
        f"{view_name}Schema",
        (OpenApiViewExtension,),
        {
            "target_class": f"{__package__}.views.{view_name}",
            "priority": -1,
            "view_replacement": view_replacement,
        },
    )


VIEW_EXTENSIONS = [view_extension(name, methods) for name, methods in ENDPOINTS.items()]
