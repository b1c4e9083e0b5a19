"""System check of the deny-list: a per-process cache would keep each revocation local."""

from django.core import checks

from .. import state
from .deny_list import is_per_process


@checks.register("djognito")
def check_revocation_cache(app_configs=None, **kwargs):
    """Warn when revocation is on but the cache is not shared between processes."""
    revocation_list = state.revocation_list()
    if revocation_list.enabled and is_per_process(revocation_list.alias):
        return [
            checks.Warning(
                "AWS_COGNITO_REVOCATION is on but the cache is per process: a revocation "
                "would reach only the process that recorded it.",
                hint="Set DJANGO_CACHE_URL to a shared cache, e.g. redis://127.0.0.1:6379/0.",
                id="djognito.W101",
            )
        ]
    return []
