"""Kept for projects generated before ``djognito.browser``: their ``api/`` (which
``make update`` leaves alone) names the sign-in views here. New code uses
``djognito.browser.views``."""

from .browser.views import (  # noqa: F401  (the names the earlier sample app documents)
    HostedCallbackView,
    HostedLoginView,
    HostedLogoutView,
    LoginView,
    LogoutView,
    RefreshView,
)
