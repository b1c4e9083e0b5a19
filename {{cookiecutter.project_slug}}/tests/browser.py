"""What the Chromium tests share: Debian's browser, and the project served as in development.

Each browser test module starts its own browser and its own gunicorn (so modules run side by
side on xdist workers); its tests then share both and take a fresh context each.
"""

import contextlib
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from .processes import PROJECT, ApiServer, server_environment

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHROMIUM_MISSING = (
    "Chromium is not installed: `bash scripts/ensure-system-packages.sh chromium` "
    "(make test does it) installs Debian's package."
)
# Under a loaded machine a page may take a while; expect() waits, it never sleeps.
EXPECT_TIMEOUT_MS = 20_000


def chromium_path() -> str | None:
    """Debian's Chromium, or one on PATH; None when there is none."""
    return str(CHROMIUM) if CHROMIUM.is_file() else shutil.which("chromium")


@contextlib.contextmanager
def launched_chromium(playwright_api):
    """One headless Chromium for a module's tests.

    Module-wide, not session-wide: Playwright's sync API keeps an event loop in this thread
    while it runs, and Django refuses database work from a thread with a running loop.
    """
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextlib.contextmanager
def served_project(cognito, folder: Path, **variables: str):
    """gunicorn serving the project for the pool ``cognito`` as `make cognito-local && make
    serve` would locally (DEBUG on, as in a generated .env: plain http on 127.0.0.1, so
    cookies are not Secure, and static files come from the apps); ``variables`` add to it
    or override it."""
    served = {
        "DJANGO_DEBUG": "on",
        "ACCESS_TOKEN_KEY": settings.ACCESS_TOKEN_KEY,
        "COGNITO_ADMIN_GROUP": settings.COGNITO_ADMIN_GROUP,
        "AWS_COGNITO_REGION": cognito.region,
        "AWS_COGNITO_USER_POOL_ID": cognito.pool_id,
        "AWS_COGNITO_APP_CLIENT_ID": cognito.client_id,
        "AWS_COGNITO_TOKEN_USE": settings.AWS_COGNITO_TOKEN_USE,
        "AWS_COGNITO_JWKS_URL": cognito.jwks_url,
        "AWS_COGNITO_ENDPOINT_URL": cognito.endpoint_url,
    }
    environment = server_environment(folder, **{**served, **variables})
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=PROJECT,
        env=environment,
        check=True,
    )
    with ApiServer(environment, folder / "gunicorn.log") as server:
        yield server
