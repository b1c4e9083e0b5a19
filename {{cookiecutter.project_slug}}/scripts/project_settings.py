"""The project's Cognito settings, read exactly as the API reads them."""

import os
from dataclasses import dataclass

from django.conf import settings

from djognito.conf import REGION_PATTERN

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
    """Read ``config.settings`` (environment, then ``.env.local``, then ``.env``)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    region = settings.AWS_COGNITO_REGION
    clients = settings.AWS_COGNITO_APP_CLIENT_ID
    if isinstance(clients, str):
        clients = clients.split(",")
    return ProjectCognito(
        region=region if REGION_PATTERN.match(region or "") else FALLBACK_REGION,
        user_pool_id=settings.AWS_COGNITO_USER_POOL_ID,
        app_client_ids=tuple(c.strip() for c in clients if c.strip()),
        token_use=settings.AWS_COGNITO_TOKEN_USE,
        cookie_name=settings.ACCESS_TOKEN_KEY,
        admin_group=settings.COGNITO_ADMIN_GROUP,
        resource_server=getattr(settings, "COGNITO_RESOURCE_SERVER", ""),
    )
