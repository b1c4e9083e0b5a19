"""Django app configuration: registers the system checks and the OpenAPI extension."""

from importlib.util import find_spec

from django.apps import AppConfig, apps


class DjognitoConfig(AppConfig):
    """App config for djognito; no models, only checks and a management command.

    The optional parts are apps of their own: ``djognito.browser`` (sign-in endpoints) and
    ``djognito.revocation`` (deny-list).
    """

    name = "djognito"
    verbose_name = "Cognito authentication"

    def ready(self):
        from . import checks, state  # noqa: F401  (checks, the settings-reload receiver)

        # The OpenAPI option's module is removed from projects made without it.
        if apps.is_installed("drf_spectacular") and find_spec("djognito.contrib.spectacular"):
            from .contrib import spectacular  # noqa: F401  (OpenAPI of the token schemes)
