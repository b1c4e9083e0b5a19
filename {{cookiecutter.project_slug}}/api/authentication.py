"""The project's authentication class: Cognito tokens, groups mapped onto the user."""

from django.conf import settings

from djognito.authentication import BaseCognitoAuthentication


class CognitoAuthentication(BaseCognitoAuthentication):
    """Members of the admin Cognito group are staff.

    ``user.groups`` already holds the token's ``cognito:groups``; edit ``attach_attributes``
    to map what your app needs from them and from your own claims (``custom:tenant`` ...).
    """

    # Read once: attach_attributes runs on every request, and each settings lookup costs.
    staff_group = settings.COGNITO_ADMIN_GROUP

    def attach_attributes(self, user, request):
        user.is_staff = self.staff_group in user.groups
