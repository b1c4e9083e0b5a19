"""Sample endpoints: public, authenticated, group-gated and per-user data."""

from django.conf import settings
from django.middleware.csrf import get_token
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from rest_framework import generics
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from djognito import state
from djognito.permissions import HasScope, InCognitoGroup

from .models import Note
from .serializers import NoteSerializer


class PublicView(APIView):
    """Anyone may call this."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"message": "Hello, anyone."})


class HealthView(APIView):
    """Readiness: 200 while the process serves, with the state of its key set.

    ``jwks.ready`` is true once the key set is held (each worker fetches it as it starts);
    ``jwks.configured`` is false while the Cognito settings are incomplete.
    """

    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"status": "ok", "jwks": state.status()})


@method_decorator(ensure_csrf_cookie, name="get")
class CsrfView(APIView):
    """Sets the CSRF cookie and returns its token, for clients that send the token cookie."""

    authentication_classes = []
    permission_classes = [AllowAny]

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

    def get(self, request):
        # describe_user already returns plain JSON types; MeSerializer documents the shape.
        return Response(describe_user(request))


class AdminView(APIView):
    """Only members of the admin Cognito group."""

    permission_classes = [IsAuthenticated, InCognitoGroup.of(settings.COGNITO_ADMIN_GROUP)]

    def get(self, request):
        return Response(
            {
                "message": f"Hello, {request.user.username}: you are in the admin group.",
                "group": settings.COGNITO_ADMIN_GROUP,
            }
        )


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

    def get(self, request):
        return Response({"notes": Note.objects.count()})
