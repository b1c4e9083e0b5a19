"""``attach_attributes`` runs after verification, with the claims already on the user."""

import pytest
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from djognito.authentication import BaseCognitoAuthentication
from djognito.permissions import InCognitoGroup
from djognito.users import CognitoUser


class TenantAuthentication(BaseCognitoAuthentication):
    seen = []

    def attach_attributes(self, user, request):
        self.seen.append(dict(user.claims))
        user.tenant = user.claims.get("custom:tenant")
        user.is_superuser = user.claims.get("custom:role") == "owner"


class TenantView(APIView):
    authentication_classes = [TenantAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response(
            {
                "tenant": request.user.tenant,
                "can_delete": request.user.has_perm("api.delete_note"),
                "claims_username": request.auth[
                    "username" if "username" in request.auth else "cognito:username"
                ],
            }
        )


def test_override_sees_verified_claims_and_sets_attributes(tokens):
    TenantAuthentication.seen.clear()
    token = tokens.token("carol", **{"custom:tenant": "acme", "custom:role": "owner"})
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {token}")
    response = TenantView.as_view()(request)
    assert response.status_code == 200
    assert response.data == {"tenant": "acme", "can_delete": True, "claims_username": "carol"}
    assert TenantAuthentication.seen[0]["custom:tenant"] == "acme"


def test_hook_not_called_for_refused_token(tokens):
    TenantAuthentication.seen.clear()
    token = tokens.token("carol", iss="https://evil.example.com")
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert TenantView.as_view()(request).status_code == 401
    assert TenantAuthentication.seen == []


def test_cognito_user_permissions_from_groups():
    user = CognitoUser(
        "dave", "sub-dave", groups=["editors"], group_permissions={"editors": {"api.change_note"}}
    )
    assert user.has_perm("api.change_note")
    assert not user.has_perm("api.delete_note")
    assert user.has_perms(["api.change_note"])
    assert user.has_module_perms("api")
    assert user.pk == user.id == "sub-dave"
    with pytest.raises(NotImplementedError):
        user.save()


class PlainView(APIView):
    """A view guarded by the base class itself, with no subclass mapping anything."""

    authentication_classes = [BaseCognitoAuthentication]
    permission_classes = [IsAuthenticated, InCognitoGroup.of("editors")]

    def get(self, request):
        user = request.user
        return Response({"groups": list(user.groups), "can_edit": user.has_perm("api.edit")})


def test_the_base_class_gives_the_user_the_groups_of_the_token(tokens, settings):
    settings.AWS_COGNITO_GROUP_PERMISSIONS = {"editors": ["api.edit"]}
    token = tokens.token("erin", groups=["editors", "readers"])
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {token}")
    response = PlainView.as_view()(request)
    assert response.status_code == 200
    assert response.data == {"groups": ["editors", "readers"], "can_edit": True}


def test_a_user_outside_the_group_is_refused_by_the_base_class(tokens):
    token = tokens.token("frank", groups=["readers"])
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert PlainView.as_view()(request).status_code == 403


def test_a_subclass_may_still_change_the_groups(tokens):
    class RenamingAuthentication(BaseCognitoAuthentication):
        def attach_attributes(self, user, request):
            user.groups = tuple(f"cognito-{group}" for group in user.groups)

    user, _claims = RenamingAuthentication().authenticate(
        APIRequestFactory().get(
            "/", HTTP_AUTHORIZATION=f"Bearer {tokens.token('gina', groups=['editors'])}"
        )
    )
    assert user.groups == ("cognito-editors",)
