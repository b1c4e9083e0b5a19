"""DRF permission classes answered from the Cognito groups and scopes of the user."""

from rest_framework.permissions import BasePermission

from .users import split_scopes


class InCognitoGroup(BasePermission):
    """Allows users in at least one of ``groups``; use ``InCognitoGroup.of("admin")``.

    Unauthenticated requests are refused with 401 (through DRF), authenticated users
    outside the groups with 403.
    """

    groups: tuple[str, ...] = ()
    message = "You are not in a group allowed to do this."

    @classmethod
    def of(cls, *groups: str) -> type["InCognitoGroup"]:
        """A subclass that requires membership of one of ``groups``."""
        return type(f"InCognitoGroup_{'_'.join(groups)}", (cls,), {"groups": tuple(groups)})

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return any(group in getattr(user, "groups", ()) for group in self.groups)


class HasScope(BasePermission):
    """Allows access tokens whose ``scope`` claim holds all of ``scopes`` (scopes are
    separated by single spaces, RFC 6749 section 3.3).

    Use ``HasScope.of("notes/read")``.
    """

    scopes: tuple[str, ...] = ()
    message = "Your token lacks a required scope."

    @classmethod
    def of(cls, *scopes: str) -> type["HasScope"]:
        """A subclass that requires every one of ``scopes``."""
        return type(f"HasScope_{'_'.join(scopes)}", (cls,), {"scopes": tuple(scopes)})

    def has_permission(self, request, view) -> bool:
        claims = request.auth if isinstance(request.auth, dict) else {}
        granted = set(split_scopes(claims.get("scope", "")))
        return bool(request.user and request.user.is_authenticated) and granted.issuperset(
            self.scopes
        )
