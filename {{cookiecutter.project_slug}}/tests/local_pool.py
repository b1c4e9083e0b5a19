"""The project pointed at a pool seeded in the local emulator (``scripts.seed``)."""

from djognito.jwt_utils import reset_verifier


def use_local_pool(settings, pool) -> None:
    """Sign in through ``pool`` (a ``LocalPool``) and verify its tokens, from now on."""
    settings.AWS_COGNITO_REGION = pool.region
    settings.AWS_COGNITO_USER_POOL_ID = pool.pool_id
    settings.AWS_COGNITO_APP_CLIENT_ID = pool.client_id
    settings.AWS_COGNITO_JWKS_URL = pool.jwks_url
    settings.AWS_COGNITO_ENDPOINT_URL = pool.endpoint_url
    reset_verifier()
