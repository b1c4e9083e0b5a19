"""OpenAPI for drf-spectacular: how a Cognito token may be sent, for every view that uses
``BaseCognitoAuthentication`` (or a subclass).

Loaded by ``djognito.apps`` when drf-spectacular is installed, as drf-spectacular's
documentation asks of libraries ("extensions for third-party packages"): the schema then
names two alternative schemes, an ``Authorization: Bearer`` header or the
``ACCESS_TOKEN_KEY`` cookie.
"""

from django.apps import apps
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import serializers

from .. import state

BEARER_SCHEME = "cognitoBearer"
COOKIE_SCHEME = "cognitoCookie"


class ErrorSerializer(serializers.Serializer):
    """An error body: what is wrong (never the token) and a stable code to branch on."""

    detail = serializers.CharField()
    code = serializers.CharField()


class CognitoTokenScheme(OpenApiAuthenticationExtension):
    """``BaseCognitoAuthentication`` and its subclasses: a Bearer header or the cookie."""

    target_class = "djognito.authentication.BaseCognitoAuthentication"
    match_subclasses = True
    name = [BEARER_SCHEME, COOKIE_SCHEME]

    def get_security_requirement(self, auto_schema):
        # A list of requirements means "any one of them": the header or the cookie.
        return [{BEARER_SCHEME: []}, {COOKIE_SCHEME: []}]

    def get_security_definition(self, auto_schema):
        bearer = build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Bearer", bearer_format="JWT"
        )
        bearer["description"] = (
            "A Cognito token (JWT) in `Authorization: Bearer <token>`. "
            "The header wins when both are sent."
        )
        sign_in = (
            "sign in on the sign-in page at `/` (it sets the real, HttpOnly cookie) "
            "and reload this page, or "
            if apps.is_installed("djognito.browser")
            else ""
        )
        cookie = {
            "type": "apiKey",
            "in": "cookie",
            "name": state.config().cookie_name,
            "description": (
                "A Cognito token (JWT) in this cookie. Unsafe methods (POST ...) then also "
                "need the CSRF token from `GET /api/csrf/` in the `X-CSRFToken` header. "
                "This page cannot set the cookie (browsers keep cookies away from page "
                f"scripts here): {sign_in}use the Bearer scheme."
            ),
        }
        return [bearer, cookie]
