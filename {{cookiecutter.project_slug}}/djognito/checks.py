"""System checks: ``manage.py check`` names each missing or malformed Cognito setting."""

from django.core import checks

from .conf import load_config, problems

# One id per setting, written out so that it never moves (README lists them). New settings
# take the next free number; a retired setting's id is never reused.
CHECK_IDS = {
    "ACCESS_TOKEN_KEY": "djognito.E001",
    "AWS_COGNITO_REGION": "djognito.E002",
    "AWS_COGNITO_USER_POOL_ID": "djognito.E003",
    "AWS_COGNITO_APP_CLIENT_ID": "djognito.E004",
    "AWS_COGNITO_TOKEN_USE": "djognito.E005",
    "AWS_COGNITO_ISSUER": "djognito.E006",
    "AWS_COGNITO_JWKS_URL": "djognito.E007",
    "AWS_COGNITO_LEEWAY_SECONDS": "djognito.E008",
    "AWS_COGNITO_MAX_TOKEN_BYTES": "djognito.E009",
    "AWS_COGNITO_JWKS_TIMEOUT_SECONDS": "djognito.E010",
    "AWS_COGNITO_JWKS_TTL_SECONDS": "djognito.E011",
    "AWS_COGNITO_JWKS_COOLDOWN_SECONDS": "djognito.E012",
    "AWS_COGNITO_TOKEN_CACHE_SIZE": "djognito.E013",
    "AWS_COGNITO_TOKEN_CACHE_TTL_SECONDS": "djognito.E014",
    "AWS_COGNITO_GROUP_PERMISSIONS": "djognito.E015",
    "AWS_COGNITO_MAX_TOKEN_LIFETIME_SECONDS": "djognito.E016",
    "AWS_COGNITO_REVOCATION": "djognito.E017",
    "AWS_COGNITO_REVOCATION_FAIL_OPEN": "djognito.E018",
    "AWS_COGNITO_REVOCATION_RECHECK_SECONDS": "djognito.E019",
}


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
