"""The process-wide ``TokenVerifier``: built on first use from the settings, shared by every
request of the process (one key set, one token cache), rebuilt when the settings change.

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
from .verifier import TokenVerifier

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_verifier: TokenVerifier | None = None


def get_verifier() -> TokenVerifier:
    """The process-wide verifier; ``ImproperlyConfigured`` while the settings have problems."""
    global _verifier
    verifier = _verifier
    if verifier is None:
        with _lock:
            if _verifier is None:
                _verifier = TokenVerifier(load_config())
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
        ready = get_verifier().keyset.prefetch()
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
        keyset = get_verifier().keyset.status()
    except ImproperlyConfigured:
        return {"configured": False, "ready": False, "keys": 0, "age_seconds": None, "fetches": 0}
    return {"configured": True, "ready": keyset["keys"] > 0, **keyset}


@receiver(setting_changed)
def _reset_on_setting_change(*, setting, **kwargs):
    if setting in SETTING_NAMES:
        reset_verifier()
