"""The process-wide ``TokenVerifier``: built on first use from the settings, shared by every
request of the process (one key set, one token cache), rebuilt when the settings change.
With several user pools it is a ``PoolRouter`` (one verifier per pool).

``warm_up()`` fetches the key set ahead of the first request (gunicorn calls it in each
worker); ``status()`` tells health checks whether verification is configured and ready.
"""

import logging
import threading

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from .conf import SETTING_NAMES, load_config
from .errors import TokenError
from .pools import PoolRouter
from .verifier import TokenVerifier

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_verifier: TokenVerifier | PoolRouter | None = None


def build_verifier(config) -> TokenVerifier | PoolRouter:
    """A ``TokenVerifier`` for one user pool, a ``PoolRouter`` for several."""
    if len(config.user_pool_ids) > 1:
        return PoolRouter(config)
    return TokenVerifier(config)


def get_verifier() -> TokenVerifier | PoolRouter:
    """The process-wide verifier; ``ImproperlyConfigured`` while the settings have problems."""
    global _verifier
    verifier = _verifier
    if verifier is None:
        with _lock:
            if _verifier is None:
                _verifier = build_verifier(load_config())
            verifier = _verifier
    return verifier


def reset_verifier() -> None:
    """Drop the process-wide verifier, its key set and its cache (settings changed)."""
    global _verifier
    with _lock:
        _verifier = None


def warm_up() -> bool:
    """Fetch the key set now, so the first request pays no fetch; True when it is ready.

    Never raises: a process must start even while Cognito is unreachable (requests then
    fail closed, and the key set is fetched again on demand).
    """
    try:
        ready = all([keyset.prefetch() for keyset in get_verifier().keysets])
    except ImproperlyConfigured:
        logger.error("Cognito authentication is not configured; run `manage.py check`.")
        return False
    except (TokenError, OSError) as error:
        logger.warning("Key set not fetched at start: %s", error)
        return False
    if not ready:
        logger.warning("Key set not fetched at start; it is fetched again on demand.")
    return ready


def status() -> dict:
    """Whether verification is configured, and the key set's readiness, size, age, fetches."""
    try:
        keysets = get_verifier().keysets
    except ImproperlyConfigured:
        return {"configured": False, "ready": False, "keys": 0, "age_seconds": None, "fetches": 0}
    # Several pools: ready when every pool's keys are loaded; the oldest fetch's age.
    statuses = [keyset.status() for keyset in keysets]
    ages = [status["age_seconds"] for status in statuses]
    return {
        "configured": True,
        "ready": all(status["keys"] > 0 for status in statuses),
        "keys": sum(status["keys"] for status in statuses),
        "age_seconds": None if None in ages else max(ages),
        "fetches": sum(status["fetches"] for status in statuses),
    }


@receiver(setting_changed)
def _reset_on_setting_change(*, setting, **kwargs):
    if setting in SETTING_NAMES:
        reset_verifier()
