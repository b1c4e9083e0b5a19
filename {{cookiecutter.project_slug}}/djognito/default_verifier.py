"""Kept for projects generated before ``djognito.state``: their ``api/views.py`` (which
``make update`` leaves alone) imports ``status`` from here. New code uses ``djognito.state``."""

from .state import status, warm_up

__all__ = ["status", "warm_up"]
