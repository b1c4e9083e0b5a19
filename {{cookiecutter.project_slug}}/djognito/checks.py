"""System checks: ``manage.py check`` names each missing or malformed Cognito setting."""

from django.core import checks

from .conf import (
    BROWSER_DEFAULTS,
    DEFAULTS,
    browser_problems,
    load_browser_config,
    load_config,
    problems,
)

# A stable check id per setting: djognito.E001 is always ACCESS_TOKEN_KEY, and so on.
CHECK_IDS = {name: f"djognito.E{index:03d}" for index, name in enumerate(DEFAULTS, start=1)}


@checks.register("djognito")
def check_cognito_settings(app_configs=None, **kwargs):
    """One error per problem, with the setting (environment variable) name first."""
    return [
        checks.Error(
            f"{name} {message}",
            hint=f"Set {name} in .env or the environment.",
            id=CHECK_IDS[name],
        )
        for name, message in problems(load_config())
    ]


# Browser-session settings get ids from E101 on, apart from the verification settings.
BROWSER_CHECK_IDS = {
    name: f"djognito.E{index:03d}"
    for index, name in enumerate((*BROWSER_DEFAULTS, "DJANGO_CORS_ALLOWED_ORIGINS"), start=101)
}


@checks.register("djognito")
def check_browser_settings(app_configs=None, **kwargs):
    """One error per problem of the sign-in, cookie and CORS settings."""
    return [
        checks.Error(
            f"{name} {message}",
            hint=f"Set {name} in .env or the environment.",
            id=BROWSER_CHECK_IDS[name],
        )
        for name, message in browser_problems(load_browser_config())
    ]
