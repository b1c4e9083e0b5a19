"""``CognitoUser``: a user built from verified claims; never saved, never looked up."""

from collections.abc import Iterable, Mapping

SCOPE_SEPARATOR = " "


def split_scopes(scope) -> tuple[str, ...]:
    """The scopes of a ``scope`` claim: separated by single spaces (RFC 6749 section 3.3),
    never by tabs, newlines or other Unicode spaces; empty items dropped."""
    scopes = str(scope).split(SCOPE_SEPARATOR)
    # Empty items come only from an empty claim or extra spaces: the usual claim is kept
    # as split (a third less than filtering every time; /api/me/ and HasScope read it).
    if "" in scopes:
        return tuple(filter(None, scopes))
    return tuple(scopes)


class CognitoUser:
    """Behaves like a Django user for views and permissions, backed by token claims.

    ``groups`` is a tuple of Cognito group names; ``has_perm`` answers from a group ->
    permissions mapping (``AWS_COGNITO_GROUP_PERMISSIONS``). ``pk`` and ``id`` are the
    Cognito ``sub``, a stable identifier to key your own rows by.
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_client = False

    def __init__(
        self,
        username: str,
        sub: str = "",
        groups: Iterable[str] = (),
        claims: Mapping | None = None,
        group_permissions: Mapping[str, Iterable[str]] | None = None,
    ):
        self.username = username
        self.sub = sub
        self.groups = tuple(groups)
        # Kept as given: the verifier hands every request its own copy of the claims.
        self.claims = claims if claims is not None else {}
        self.group_permissions = group_permissions or {}
        self.is_staff = False
        self.is_superuser = False
        # The user pool that verified the token (several pools may be configured).
        self.pool = ""

    @property
    def pk(self) -> str:
        """The Cognito ``sub``."""
        return self.sub

    id = pk

    @property
    def email(self) -> str:
        """The ``email`` claim (id tokens), or an empty string."""
        return self.claims.get("email", "")

    @property
    def scopes(self) -> tuple[str, ...]:
        """The OAuth scopes of the token (its ``scope`` claim, split on single spaces)."""
        return split_scopes(self.claims.get("scope", ""))

    def get_username(self) -> str:
        """The Cognito username."""
        return self.username

    def __str__(self) -> str:
        return self.username

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.username!r} groups={list(self.groups)}>"

    def __eq__(self, other) -> bool:
        return isinstance(other, CognitoUser) and other.sub == self.sub

    def __hash__(self) -> int:
        return hash(self.sub)

    def in_group(self, *names: str) -> bool:
        """True when the user belongs to at least one of ``names``."""
        return any(name in self.groups for name in names)

    def get_group_permissions(self, obj=None) -> set[str]:
        """Permissions granted through the user's Cognito groups."""
        granted = set()
        for group in self.groups:
            granted.update(self.group_permissions.get(group, ()))
        return granted

    def get_all_permissions(self, obj=None) -> set[str]:
        """Same as ``get_group_permissions``: a stateless user has no own permissions."""
        return self.get_group_permissions(obj)

    def has_perm(self, perm: str, obj=None) -> bool:
        """True for superusers, or when one of the user's groups grants ``perm``."""
        return self.is_active and (self.is_superuser or perm in self.get_all_permissions(obj))

    def has_perms(self, perm_list: Iterable[str], obj=None) -> bool:
        """True when ``has_perm`` holds for every permission in ``perm_list``."""
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        """True when some granted permission belongs to ``app_label``."""
        if self.is_active and self.is_superuser:
            return True
        return any(perm.startswith(f"{app_label}.") for perm in self.get_all_permissions())

    def save(self, *args, **kwargs):
        raise NotImplementedError("CognitoUser is stateless: it has no database row.")

    def delete(self, *args, **kwargs):
        raise NotImplementedError("CognitoUser is stateless: it has no database row.")


def _fixed(value, doc: str) -> property:
    """An attribute that always reads ``value``; assignments are ignored."""
    return property(lambda self: value, lambda self, _assigned: None, doc=doc)


class CognitoClient(CognitoUser):
    """A machine client (client-credentials token): named by its client id, never a person.

    It has no groups and no staff or superuser rights, whatever ``attach_attributes`` sets;
    what it may do comes from its ``scopes`` (see ``permissions.HasScope``).
    """

    is_client = True

    def __init__(self, client_id: str, sub: str = "", claims: Mapping | None = None):
        super().__init__(username=client_id, sub=sub or client_id, claims=claims)

    # Fixed whatever is assigned (``attach_attributes`` may set them for every user):
    # Cognito groups hold users, not app clients, and a client is never staff.
    groups = _fixed((), "Always empty: Cognito groups hold users, not app clients.")
    is_staff = _fixed(False, "Always False.")
    is_superuser = _fixed(False, "Always False.")
