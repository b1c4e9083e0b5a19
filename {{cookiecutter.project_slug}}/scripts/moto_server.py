"""moto's AWS emulator, run as a child process that serves Cognito on 127.0.0.1."""

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from .ports import LOOPBACK, free_port

# Pool and client ids derived from their names instead of random ones, so a restarted
# emulator seeded the same way hands out the same ids (and .env.local stays valid).
STABLE_ID_ENVIRONMENT = {
    "MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY": "HASH",
    "MOTO_COGNITO_IDP_USER_POOL_CLIENT_ID_STRATEGY": "HASH",
}


class MotoServerError(RuntimeError):
    """The emulator did not start or did not answer."""


def answers(endpoint_url: str) -> bool:
    """True when a moto server answers at ``endpoint_url``."""
    try:
        return requests.get(f"{endpoint_url}/moto-api/", timeout=1).ok
    except requests.RequestException:
        return False


class MotoServer:
    """``python -m moto.server`` on ``host:port`` (a free port when 0); stopped by pid.

    ``detached=True`` puts it in its own session so it outlives the command that started
    it (``make cognito-local``); otherwise use it as a context manager.
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
        self.log_path = log_path
        self.detached = detached
        self.process: subprocess.Popen | None = None

    @property
    def endpoint_url(self) -> str:
        """Where boto3 (``endpoint_url``) and HTTP clients reach the emulator."""
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        """The server's pid once started."""
        return self.process.pid if self.process else None

    def start(self, timeout: float = 30.0) -> "MotoServer":
        """Start the server and wait until it answers."""
        command = [sys.executable, "-m", "moto.server", "-H", self.host, "-p", str(self.port)]
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        try:
            self.process = subprocess.Popen(
                command,
                env={**os.environ, **STABLE_ID_ENVIRONMENT},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=self.detached,
            )
        finally:
            if self.log_path:
                log.close()
        self._wait_until_ready(timeout)
        return self

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise MotoServerError(
                    f"moto server exited with status {self.process.returncode} "
                    f"(is port {self.port} in use?)"
                )
            if answers(self.endpoint_url):
                return
            time.sleep(0.1)
        self.stop()
        raise MotoServerError(f"moto server did not answer at {self.endpoint_url}")

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the server (SIGTERM, SIGKILL after ``timeout``) and reap it."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> "MotoServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
