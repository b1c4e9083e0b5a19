"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_asgi_application()

# Fetch the key set while the worker starts, so the first request pays no fetch and the
# health endpoint reports ready at once (never fails the start: see warm_up).
from djognito.state import warm_up  # noqa: E402

warm_up()
