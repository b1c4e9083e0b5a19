"""Djognito's public verification function, backed by one verifier per process.

``verify_jwt(token)`` returns the verified claims or raises a ``djognito.errors.TokenError``.
The verifier is built on first use from the settings and rebuilt when they change.
"""

import threading

from django.core.signals import setting_changed
from django.dispatch import receiver

from .conf import SETTING_NAMES, load_config
from .pools import PoolRouter
from .verifier import TokenVerifier

_lock = threading.Lock()
_verifier: TokenVerifier | None = None


def build_verifier(config) -> TokenVerifier | PoolRouter:
    """A ``TokenVerifier`` for one user pool, a ``PoolRouter`` for several."""
    if len(config.user_pool_ids) > 1:
        return PoolRouter(config)
    return TokenVerifier(config)


def get_verifier() -> TokenVerifier | PoolRouter:
    """The process-wide ``TokenVerifier`` (its key set and token cache are shared)."""
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


def verify_jwt(token: str) -> dict:
    """Verify a Cognito token against the configured user pool and return its claims."""
    return get_verifier().verify(token)


@receiver(setting_changed)
def _reset_on_setting_change(*, setting, **kwargs):
    if setting in SETTING_NAMES:
        reset_verifier()
