"""Django app of the sign-in endpoints: registers their settings checks and, with
drf-spectacular installed, their OpenAPI documentation."""

from importlib.util import find_spec

from django.apps import AppConfig


class BrowserSessionsConfig(AppConfig):
    """App config of ``djognito.browser``; no models."""

    name = "djognito.browser"
    label = "djognito_browser"
    verbose_name = "Cognito browser sessions"

    def ready(self):
        from . import checks  # noqa: F401  (registers the checks)

        # The OpenAPI option's module is removed from projects made without it.
        if find_spec("drf_spectacular") and find_spec("djognito.browser.openapi"):
            from . import openapi  # noqa: F401  (OpenAPI of the sign-in endpoints)
