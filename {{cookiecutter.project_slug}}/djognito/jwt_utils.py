"""Djognito's public verification function.

``verify_jwt(token)`` returns the verified claims or raises a ``djognito.errors.TokenError``.
It uses the process-wide verifier of ``djognito.default_verifier`` (re-exported here, as
code written for Djognito imports it from this module).
"""

from .default_verifier import get_verifier, reset_verifier

__all__ = ["get_verifier", "reset_verifier", "verify_jwt"]


def verify_jwt(token: str) -> dict:
    """Verify a Cognito token against the configured user pool and return its claims."""
    return get_verifier().verify(token)
