"""The project's Cognito settings, read exactly as the API reads them."""

import os
from dataclasses import dataclass

from django.conf import settings

from djognito.conf import REGION_PATTERN, load_config

FALLBACK_REGION = "us-east-1"


@dataclass(frozen=True)
class ProjectCognito:
    """The settings the scripts need: which pool, client, token and cookie the API uses."""

    region: str
    user_pool_id: str
    app_client_ids: tuple[str, ...]
    token_use: str
    cookie_name: str
    admin_group: str
    resource_server: str = ""


def load() -> ProjectCognito:
    """Read ``config.settings`` (environment, then ``.env.local``, then ``.env``) through
    ``djognito.conf``, exactly as the API reads it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    config = load_config()
    return ProjectCognito(
        region=config.region if REGION_PATTERN.fullmatch(config.region) else FALLBACK_REGION,
        user_pool_id=config.user_pool_id,
        app_client_ids=config.app_client_ids,
        token_use=config.token_use,
        cookie_name=config.cookie_name,
        admin_group=settings.COGNITO_ADMIN_GROUP,
        resource_server=getattr(settings, "COGNITO_RESOURCE_SERVER", ""),
    )
