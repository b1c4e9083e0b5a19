"""Sample endpoints: public, authenticated, group-gated and per-user data."""

from django.conf import settings
from django.middleware.csrf import get_token
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
{%- if cookiecutter.openapi_docs == 'y' %}
from drf_spectacular.utils import extend_schema, extend_schema_view
{%- endif %}
from rest_framework import generics
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from djognito import state
from djognito.permissions import HasScope, InCognitoGroup

from .models import Note
{%- if cookiecutter.openapi_docs == 'y' %}
from .schema import (
    CSRF_REFUSED,
    INVALID_NOTE,
    MISSING_SCOPE,
    NOT_IN_ADMIN_GROUP,
    UNAUTHENTICATED,
    AdminMessageSerializer,
    CsrfTokenSerializer,
    HealthSerializer,
    MessageSerializer,
)
from .serializers import MeSerializer, NoteSerializer, ReportSerializer
{%- else %}
from .serializers import NoteSerializer
{%- endif %}


class PublicView(APIView):
    """Anyone may call this."""

    authentication_classes = []
    permission_classes = [AllowAny]

    {% if cookiecutter.openapi_docs == 'y' -%}
    @extend_schema(summary="Public greeting", responses=MessageSerializer)
    {% endif -%}
    def get(self, request):
        return Response({"message": "Hello, anyone."})


class HealthView(APIView):
    """Readiness: 200 while the process serves, with the state of its key set.

    ``jwks.ready`` is true once the key set is held (each worker fetches it as it starts);
    ``jwks.configured`` is false while the Cognito settings are incomplete.
    """

    authentication_classes = []
    permission_classes = [AllowAny]

    {% if cookiecutter.openapi_docs == 'y' -%}
    @extend_schema(summary="Readiness and key set status", responses=HealthSerializer)
    {% endif -%}
    def get(self, request):
        return Response({"status": "ok", "jwks": state.status()})


@method_decorator(ensure_csrf_cookie, name="get")
class CsrfView(APIView):
    """Sets the CSRF cookie and returns its token, for clients that send the token cookie."""

    authentication_classes = []
    permission_classes = [AllowAny]

    {% if cookiecutter.openapi_docs == 'y' -%}
    @extend_schema(summary="Get a CSRF token", responses=CsrfTokenSerializer)
    {% endif -%}
    def get(self, request):
        return Response({"csrfToken": get_token(request)})


def describe_user(request) -> dict:
    """The fields of ``MeSerializer`` for the authenticated caller."""
    user, claims = request.user, request.auth
    return {
        "kind": "client" if user.is_client else "user",
        "username": user.username,
        "sub": user.sub,
        "groups": list(user.groups),
        "email": user.email,
        "is_staff": user.is_staff,
        "token_use": claims.get("token_use", ""),
        "client_id": claims.get("client_id") or claims.get("aud", ""),
        "scopes": list(user.scopes),
        "pool": user.pool,
    }


class MeView(APIView):
    """The caller, as the verified token describes them."""

    permission_classes = [IsAuthenticated]

    {% if cookiecutter.openapi_docs == 'y' -%}
    @extend_schema(
        summary="The caller, from the token",
        responses={200: MeSerializer, 401: UNAUTHENTICATED},
    )
    {% endif -%}
    def get(self, request):
        # describe_user already returns plain JSON types; MeSerializer documents the shape.
        return Response(describe_user(request))


class AdminView(APIView):
    """Only members of the admin Cognito group."""

    permission_classes = [IsAuthenticated, InCognitoGroup.of(settings.COGNITO_ADMIN_GROUP)]

    {% if cookiecutter.openapi_docs == 'y' -%}
    @extend_schema(
        summary="Admin group only",
        responses={200: AdminMessageSerializer, 401: UNAUTHENTICATED, 403: NOT_IN_ADMIN_GROUP},
    )
    {% endif -%}
    def get(self, request):
        return Response(
            {
                "message": f"Hello, {request.user.username}: you are in the admin group.",
                "group": settings.COGNITO_ADMIN_GROUP,
            }
        )


{% if cookiecutter.openapi_docs == 'y' -%}
@extend_schema_view(
    get=extend_schema(
        summary="The caller's notes",
        responses={200: NoteSerializer(many=True), 401: UNAUTHENTICATED},
    ),
    post=extend_schema(
        summary="Add a note",
        request=NoteSerializer,
        responses={201: NoteSerializer, 400: INVALID_NOTE, 401: UNAUTHENTICATED, 403: CSRF_REFUSED},
    ),
)
{% endif -%}
class NoteListView(generics.ListCreateAPIView):
    """The caller's own notes: list them, or add one."""

    serializer_class = NoteSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return Note.objects.filter(owner_sub=self.request.user.sub)

    def perform_create(self, serializer):
        serializer.save(owner_sub=self.request.user.sub)


class ReportView(APIView):
    """Figures across every user: for services (or users) whose token has the reports scope."""

    permission_classes = [IsAuthenticated, HasScope.of(settings.COGNITO_REPORTS_SCOPE)]

    {% if cookiecutter.openapi_docs == 'y' -%}
    @extend_schema(
        summary="Figures for services holding the reports scope",
        responses={200: ReportSerializer, 401: UNAUTHENTICATED, 403: MISSING_SCOPE},
    )
    {% endif -%}
    def get(self, request):
        return Response({"notes": Note.objects.count()})
