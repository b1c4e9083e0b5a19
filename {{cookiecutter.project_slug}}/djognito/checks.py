"""System checks: ``manage.py check`` names each missing or malformed Cognito setting."""

from django.core import checks

from .conf import SETTINGS, load_config, problems

# One id per setting (``conf.SETTINGS`` pins them); the README lists them.
CHECK_IDS = {setting.name: setting.check_id for setting in SETTINGS}


def setting_errors(found, check_ids: dict) -> list[checks.Error]:
    """One ``checks.Error`` per (setting name, message), with the setting's pinned id."""
    return [
        checks.Error(
            f"{name} {message}",
            hint=f"Set {name} in .env or the environment.",
            id=check_ids[name],
        )
        for name, message in found
    ]


@checks.register("djognito")
def check_cognito_settings(app_configs=None, **kwargs):
    """One error per problem, with the setting (environment variable) name first."""
    return setting_errors(problems(load_config()), CHECK_IDS)
