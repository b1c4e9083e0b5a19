"""Django app of the sign-in endpoints: registers their settings checks."""

from django.apps import AppConfig


class BrowserSessionsConfig(AppConfig):
    """App config of ``djognito.browser``; no models."""

    name = "djognito.browser"
    label = "djognito_browser"
    verbose_name = "Cognito browser sessions"

    def ready(self):
        from . import checks  # noqa: F401  (registers the checks)
