"""Djognito's public verification function, kept where code written for Djognito imports it.

``verify_jwt(token)`` returns the verified claims or raises a ``djognito.errors.TokenError``.
It uses the process-wide verifier of ``djognito.state``. Code inside this package imports
``djognito.state`` directly.
"""

from . import state

__all__ = ["get_verifier", "reset_verifier", "verify_jwt"]


def get_verifier():
    """The process-wide ``TokenVerifier`` (a ``PoolRouter`` with several pools)."""
    return state.verifier()


def reset_verifier() -> None:
    """Drop the process-wide verifier, key sets and caches (they are built again on use)."""
    state.reset()


def verify_jwt(token: str) -> dict:
    """Verify a Cognito token against the configured user pool and return its claims."""
    return state.verifier().verify(token)
