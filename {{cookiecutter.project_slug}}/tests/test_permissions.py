"""Group and scope permissions, and the user's group test."""

import pytest
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from api.authentication import CognitoAuthentication
from djognito.permissions import HasScope, InCognitoGroup
from djognito.users import CognitoUser


def view_with(*permissions):
    class ProtectedView(APIView):
        authentication_classes = [CognitoAuthentication]
        permission_classes = list(permissions)

        def get(self, request):
            return Response({"ok": True})

    return ProtectedView.as_view()


def call(view, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return view(APIRequestFactory().get("/", **headers))


@pytest.fixture
def scoped(tokens):
    if tokens.token_use != "access":
        pytest.skip("scopes are claims of access tokens")
    return tokens


def test_has_scope_admits_a_token_with_every_scope(scoped):
    view = view_with(HasScope.of("notes/read", "notes/write"))
    token = scoped.token("bob", scope="openid notes/read notes/write")
    assert call(view, token).status_code == 200


def test_has_scope_refuses_a_missing_scope_with_403(scoped):
    view = view_with(HasScope.of("notes/read", "notes/write"))
    response = call(view, scoped.token("bob", scope="notes/read notes/writer"))
    assert response.status_code == 403
    assert response.data["detail"] == "Your token lacks a required scope."


@pytest.mark.parametrize("separator", ["\t", "\u00a0", "\n", "\u2003"])
def test_scopes_are_separated_by_spaces_only(scoped, separator):
    # RFC 6749 section 3.3: scope tokens are separated by a single space (%x20).
    scope = f"a{separator}b"
    response = call(view_with(HasScope.of("a")), scoped.token("bob", scope=scope))
    assert response.status_code == 403
    assert CognitoUser("bob", claims={"scope": scope}).scopes == (scope,)


def test_repeated_spaces_between_scopes_give_no_empty_scope(scoped):
    assert CognitoUser("bob", claims={"scope": " a  b "}).scopes == ("a", "b")
    token = scoped.token("bob", scope=" a  b ")
    assert call(view_with(HasScope.of("a", "b")), token).status_code == 200


def test_has_scope_refuses_anonymous_with_401():
    assert call(view_with(HasScope.of("notes/read"))).status_code == 401


def test_in_cognito_group_admits_members_of_any_listed_group(tokens):
    view = view_with(InCognitoGroup.of("editors", "admins"))
    assert call(view, tokens.token("bob", groups=["readers", "admins"])).status_code == 200
    assert call(view, tokens.token("bob", groups=["readers"])).status_code == 403
    assert call(view).status_code == 401


def test_user_in_group():
    user = CognitoUser("bob", "sub-bob", groups=("readers", "editors"))
    assert user.in_group("editors")
    assert user.in_group("admins", "readers")
    assert not user.in_group("admins")
    assert not user.in_group()
