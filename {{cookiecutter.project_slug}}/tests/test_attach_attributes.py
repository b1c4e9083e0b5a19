"""``attach_attributes`` runs after verification, with the claims already on the user."""

import pytest
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from djognito.authentication import BaseCognitoAuthentication
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
