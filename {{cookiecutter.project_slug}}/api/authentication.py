"""The project's authentication class: Cognito tokens, groups mapped onto the user."""

from django.conf import settings

from djognito.authentication import BaseCognitoAuthentication


class CognitoAuthentication(BaseCognitoAuthentication):
    """Maps ``cognito:groups`` onto ``user.groups``; admin group members are staff.

    Edit ``attach_attributes`` to map your own claims (``custom:tenant``, ``scope`` ...).
    """

    # Read once: attach_attributes runs on every request, and each settings lookup costs.
    staff_group = settings.COGNITO_ADMIN_GROUP

    def attach_attributes(self, user, request):
        user.groups = tuple(user.claims.get("cognito:groups", ()))
        user.is_staff = self.staff_group in user.groups
