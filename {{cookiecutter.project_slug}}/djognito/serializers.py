"""Kept for projects generated before ``djognito.browser``: their ``api/schema.py`` (which
``make update`` leaves alone) imports the sign-in bodies from here. New code uses
``djognito.browser.serializers``."""

from .browser.serializers import (  # noqa: F401
    LoginSerializer,
    RefreshedSerializer,
    SessionSerializer,
    SignInErrorSerializer,
)
