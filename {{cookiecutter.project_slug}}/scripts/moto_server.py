"""moto's AWS emulator, run as a child process that serves Cognito on 127.0.0.1."""

import os
import sys
from pathlib import Path

import requests

from .ports import LOOPBACK, free_port
from .processes import ChildProcess

# Pool and client ids derived from their names instead of random ones, so a restarted
# emulator seeded the same way hands out the same ids (and .env.local stays valid).
STABLE_ID_ENVIRONMENT = {
    "MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY": "HASH",
    "MOTO_COGNITO_IDP_USER_POOL_CLIENT_ID_STRATEGY": "HASH",
}
# What the emulator's process runs with.
EMULATOR_ENVIRONMENT = {
    **STABLE_ID_ENVIRONMENT,
{%- if cookiecutter.browser_sessions == 'y' %}
    # Authenticator codes are checked, as Cognito does (every user's secret is TOTP_SECRET).
    "MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP": "true",
{%- endif %}
}
{%- if cookiecutter.browser_sessions == 'y' %}
# moto's authenticator app secret: the same for every user (moto.cognitoidp.models).
TOTP_SECRET = "asdfasdfasdf"
{%- endif %}


def answers(endpoint_url: str) -> bool:
    """True when a moto server answers at ``endpoint_url``."""
    try:
        return requests.get(f"{endpoint_url}/moto-api/", timeout=1).ok
    except requests.RequestException:
        return False


class MotoServer(ChildProcess):
    """``python -m moto.server`` on ``host:port`` (a free port when 0); stopped by pid.

    ``detached=True`` lets it outlive the command that started it (``make cognito-local``);
    otherwise use it as a context manager.
    """

    def __init__(
        self,
        port: int = 0,
        host: str = LOOPBACK,
        log_path: Path | None = None,
        detached: bool = False,
    ):
        self.host = host
        self.port = port or free_port(host=host)
        super().__init__(
            [sys.executable, "-m", "moto.server", "-H", self.host, "-p", str(self.port)],
            name=f"moto server on port {self.port}",
            env={**os.environ, **EMULATOR_ENVIRONMENT},
            log_path=log_path,
            ready=lambda: answers(self.endpoint_url),
            detached=detached,
        )

    @property
    def endpoint_url(self) -> str:
        """Where boto3 (``endpoint_url``) and HTTP clients reach the emulator."""
        return f"http://{self.host}:{self.port}"
