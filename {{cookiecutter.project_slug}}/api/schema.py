"""OpenAPI documentation of the API, for drf-spectacular (imported by ``ApiConfig.ready``).

The views stay free of schema code:

- ``djognito.contrib.spectacular`` describes how a Cognito token may be sent: an
  ``Authorization: Bearer`` header or the ``ACCESS_TOKEN_KEY`` cookie (either one is enough).
- ``ENDPOINTS`` gives each view's ``extend_schema`` per method: its summary and responses,
  401 and 403 included.

Document a new view with a line in ``ENDPOINTS`` (or with ``@extend_schema`` on the view);
``manage.py spectacular --validate --fail-on-warn`` (run by the tests) names any view that
is not.
"""

from drf_spectacular.extensions import OpenApiViewExtension
from drf_spectacular.utils import (
    OpenApiExample,
{%- if cookiecutter.browser_sessions == 'y' %}
    OpenApiParameter,
{%- endif %}
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers

{% if cookiecutter.browser_sessions == 'y' %}from djognito.browser.serializers import (
    LoginSerializer,
    RefreshedSerializer,
    SessionSerializer,
    SignInErrorSerializer,
)
{% endif %}from djognito.contrib.spectacular import ErrorSerializer

from .serializers import MeSerializer, NoteSerializer, ReportSerializer


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


# View (in api.views) -> method -> its documentation.
ENDPOINTS = {
    "PublicView": {"get": extend_schema(summary="Public greeting", responses=MessageSerializer)},
    "HealthView": {
        "get": extend_schema(summary="Readiness and key set status", responses=HealthSerializer)
    },
    "CsrfView": {"get": extend_schema(summary="Get a CSRF token", responses=CsrfTokenSerializer)},
    "MeView": {
        "get": extend_schema(
            summary="The caller, from the token",
            responses={200: MeSerializer, 401: UNAUTHENTICATED},
        )
    },
    "AdminView": {
        "get": extend_schema(
            summary="Admin group only",
            responses={200: AdminMessageSerializer, 401: UNAUTHENTICATED, 403: NOT_IN_ADMIN_GROUP},
        )
    },
    "NoteListView": {
        "get": extend_schema(
            summary="The caller's notes",
            responses={200: NoteSerializer(many=True), 401: UNAUTHENTICATED},
        ),
        "post": extend_schema(
            summary="Add a note",
            request=NoteSerializer,
            responses={
                201: NoteSerializer,
                400: INVALID_NOTE,
                401: UNAUTHENTICATED,
                403: CSRF_REFUSED,
            },
        ),
    },
    "ReportView": {
        "get": extend_schema(
            summary="Figures for services holding the reports scope",
            responses={200: ReportSerializer, 401: UNAUTHENTICATED, 403: MISSING_SCOPE},
        )
    },
}


def view_extension(
    view_name: str, methods: dict, module: str = "api.views"
) -> type[OpenApiViewExtension]:
    """The drf-spectacular extension (registered on creation) documenting one view."""

    def view_replacement(self):
        # A subclass carries the documentation: the served view stays untouched.
        subclass = type(view_name, (self.target,), {"__doc__": self.target.__doc__})
        return extend_schema_view(**methods)(subclass)

    return type(
        f"{view_name}Schema",
        (OpenApiViewExtension,),
        {"target_class": f"{module}.{view_name}", "view_replacement": view_replacement},
    )


VIEW_EXTENSIONS = [view_extension(name, methods) for name, methods in ENDPOINTS.items()]
{%- if cookiecutter.browser_sessions == 'y' %}

# --- Browser sign-in (djognito.browser.views) -------------------------------------------------

SIGN_IN_REFUSED = OpenApiResponse(
    SignInErrorSerializer,
    description=(
        "Wrong username or password (one answer for both), or a step Cognito asks for "
        "(`challenge` names it)."
    ),
)
SIGN_IN_CSRF_REFUSED = OpenApiResponse(
    ErrorSerializer, description="The request carried no valid CSRF token."
)
IDP_UNAVAILABLE = OpenApiResponse(SignInErrorSerializer, description="Cognito is unreachable.")
SESSION_ENDED = OpenApiResponse(
    SignInErrorSerializer,
    description="No refresh cookie, or Cognito refused it: both cookies are cleared.",
)
REDIRECT = OpenApiResponse(description="A redirect (`Location`).")

# View (in djognito.browser.views) -> method -> its documentation.
SIGN_IN_ENDPOINTS = {
    "LoginView": {
        "post": extend_schema(
            summary="Sign in: the tokens go into HttpOnly cookies",
            request=LoginSerializer,
            responses={
                200: SessionSerializer,
                400: OpenApiResponse(description="Malformed body (the body names the fields)."),
                401: SIGN_IN_REFUSED,
                403: SIGN_IN_CSRF_REFUSED,
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
                403: SIGN_IN_CSRF_REFUSED,
                503: IDP_UNAVAILABLE,
            },
        )
    },
    "LogoutView": {
        "post": extend_schema(
            summary="Sign out: both cookies cleared, refresh token revoked",
            request=None,
            responses={204: None, 403: SIGN_IN_CSRF_REFUSED},
        )
    },
    "HostedLoginView": {
        "get": extend_schema(
            summary="Go to the managed login (PKCE)",
            parameters=[OpenApiParameter("next", str, description="A path to land on afterwards.")],
            responses={302: REDIRECT, 400: OpenApiResponse(description="`next` refused.")},
        )
    },
    "HostedCallbackView": {
        "get": extend_schema(
            summary="The managed login's redirect back: sets the cookies",
            parameters=[OpenApiParameter("code", str), OpenApiParameter("state", str)],
            responses={
                302: REDIRECT,
                400: OpenApiResponse(
                    SignInErrorSerializer,
                    description="Missing, forged or expired state; code refused.",
                ),
                503: IDP_UNAVAILABLE,
            },
        )
    },
    "HostedLogoutView": {
        "post": extend_schema(
            summary="Sign out here and at the managed login",
            request=None,
            responses={302: REDIRECT, 403: SIGN_IN_CSRF_REFUSED},
        )
    },
}
VIEW_EXTENSIONS += [
    view_extension(name, methods, module="djognito.browser.views")
    for name, methods in SIGN_IN_ENDPOINTS.items()
]
{%- endif %}
