"""Kept for projects generated before ``djognito.browser``: their ``api/schema.py`` (which
``make update`` leaves alone) imports the sign-in bodies from here. New code uses
``djognito.browser.serializers`` (and ``djognito.browser.openapi`` for the error body)."""

from .browser.serializers import (  # noqa: F401
    LoginSerializer,
    RefreshedSerializer,
    SessionSerializer,
)


def __getattr__(name):
    # The error body lives with the OpenAPI extension, which only projects with the OpenAPI
    # option have: imported when asked for, so that this module loads in the others too.
    if name == "SignInErrorSerializer":
        from .browser.openapi import SignInErrorSerializer

        return SignInErrorSerializer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
