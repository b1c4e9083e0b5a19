"""Django app configuration: registers the system checks and the settings-reload hook."""

from django.apps import AppConfig


class DjognitoConfig(AppConfig):
    """App config for djognito; no models, only checks and a management command."""

    name = "djognito"
    verbose_name = "Cognito authentication"

    def ready(self):
        from . import checks, default_verifier, revocation  # noqa: F401  (checks, signal receivers)
