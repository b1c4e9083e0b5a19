"""System checks: ``manage.py check`` names each missing or malformed Cognito setting."""

from django.core import checks

from .conf import DEFAULTS, load_config, problems

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
