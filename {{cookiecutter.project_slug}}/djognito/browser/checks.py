"""System checks of the sign-in, cookie and CORS settings (ids from ``djognito.E101``)."""

from django.core import checks

from ..checks import setting_errors
from .settings import CORS_CHECK_ID, SETTINGS, browser_problems, load_browser_config

CHECK_IDS = {setting.name: setting.check_id for setting in SETTINGS}
CHECK_IDS["DJANGO_CORS_ALLOWED_ORIGINS"] = CORS_CHECK_ID


@checks.register("djognito")
def check_browser_settings(app_configs=None, **kwargs):
    """One error per problem of the sign-in, cookie and CORS settings."""
    return setting_errors(browser_problems(load_browser_config()), CHECK_IDS)
