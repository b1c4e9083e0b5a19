"""The process-wide runtime state: what is built from the settings, once per process.

``config()`` (the ``CognitoConfig``), ``verifier()`` (one ``TokenVerifier``, or a
``PoolRouter`` for several pools: one key set and one token cache shared by every request)
and ``revocation_list()`` are built on first use and shared. The optional parts add theirs
with ``lazy()`` (``djognito.browser.settings``). One ``setting_changed`` receiver drops them
all when a setting any of them reads changes (tests' ``override_settings``).

``warm_up()`` fetches the key set ahead of the first request (each gunicorn worker calls it);
``status()`` tells health checks whether verification is configured and ready.
"""

import logging
import threading
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from . import conf
from .core.pools import PoolRouter
from .core.verifier import TokenVerifier
from .errors import TokenError
from .revocation.deny_list import RevocationList

logger = logging.getLogger(__name__)

_everything: list["Lazy"] = []
# The settings whose change drops the state: every table's, and the Django ones they read.
_watched: set[str] = {setting.name for setting in conf.SETTINGS} | set(conf.DJANGO_SETTING_NAMES)


class Lazy:
    """One object, built by ``build()`` on the first call and shared until ``reset()``."""

    __slots__ = ("_build", "_lock", "_value")

    def __init__(self, build: Callable[[], object]):
        self._build = build
        self._lock = threading.Lock()
        self._value = None

    def __call__(self):
        value = self._value
        if value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._build()
                value = self._value
        return value

    def reset(self) -> None:
        """Forget the object: the next call builds it again."""
        with self._lock:
            self._value = None


def lazy(build: Callable[[], object], watches=()) -> Lazy:
    """A ``Lazy`` that is dropped with the rest of the state, also when one of the settings
    ``watches`` names changes."""
    value = Lazy(build)
    _everything.append(value)
    _watched.update(watches)
    return value


def build_verifier(config: conf.CognitoConfig) -> TokenVerifier | PoolRouter:
    """A ``TokenVerifier`` for one user pool, a ``PoolRouter`` for several."""
    if len(config.user_pool_ids) > 1:
        return PoolRouter(config)
    return TokenVerifier(config)


config = lazy(conf.load_config)
# ImproperlyConfigured while the settings have problems (then nothing is kept).
verifier = lazy(lambda: build_verifier(config()))
revocation_list = lazy(lambda: RevocationList.from_config(config()), watches=("CACHES",))


def reset() -> None:
    """Drop everything built from the settings: verifier, key sets, caches, configs."""
    for value in _everything:
        value.reset()


@receiver(setting_changed)
def _reset_on_setting_change(*, setting, **kwargs):
    if setting in _watched:
        reset()


def warm_up() -> bool:
    """Fetch the key set now, so the first request pays no fetch; True when it is ready.

    Never raises: a process must start even while Cognito is unreachable (requests then
    fail closed, and the key set is fetched again on demand).
    """
    try:
        ready = all([keyset.prefetch() for keyset in verifier().keysets])
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
        keysets = verifier().keysets
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
