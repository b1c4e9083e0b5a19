"""Django app of the deny-list: its system check and ``manage.py revoke_tokens``."""

from django.apps import AppConfig


class RevocationConfig(AppConfig):
    """App config of ``djognito.revocation``; no models."""

    name = "djognito.revocation"
    label = "djognito_revocation"
    verbose_name = "Cognito token revocation"

    def ready(self):
        from . import checks  # noqa: F401  (registers the check)
