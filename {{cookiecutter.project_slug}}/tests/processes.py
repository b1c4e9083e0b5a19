"""The project's own commands and servers in child processes, away from the developer's config."""

import subprocess
import sys
from pathlib import Path

import requests

from scripts.ports import free_port
from scripts.processes import ChildProcess, scrubbed_environment

PROJECT = Path(__file__).resolve().parent.parent

__all__ = ["PROJECT", "ApiServer", "run_python", "scrubbed_environment", "server_environment"]


def run_python(
    *args: str, env: dict, cwd: Path = PROJECT, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    """Run this interpreter with ``args`` (e.g. ``manage.py check``), capturing text output."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def server_environment(folder: Path, **variables: str) -> dict:
    """What a served project reads, from environment variables only (they win over .env
    files): Django without DEBUG on 127.0.0.1 over plain http, its SQLite file and static
    files in ``folder``; ``variables`` add to it or override it (the user pool, DEBUG ...)."""
    served = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "served-by-the-tests-only-secret-key-0123456789-abcdefghijklmnop",
        "DJANGO_DEBUG": "off",
        "DJANGO_SECURE_SSL_REDIRECT": "off",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
    }
    return scrubbed_environment(**{**served, **variables})


class ApiServer(ChildProcess):
    """gunicorn serving this project on a free 127.0.0.1 port, ready once health answers.

    ``environment`` should come from ``scrubbed_environment`` plus what the server reads;
    ``arguments`` are extra gunicorn options (``--workers 2``, ``--config ...``).
    """

    def __init__(self, environment: dict, log_path: Path, *arguments: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "gunicorn", "config.wsgi"]
        command += ["--bind", f"127.0.0.1:{self.port}", *(arguments or ("--workers", "1"))]
        super().__init__(
            command,
            name="gunicorn",
            env=environment,
            cwd=PROJECT,
            log_path=log_path,
            ready_url=f"{self.url}/api/health/",
        )

    def log(self) -> str:
        """What the server wrote so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.is_file() else ""

    def get(self, path: str, **kwargs) -> requests.Response:
        """GET ``path`` on this server."""
        return requests.get(self.url + path, timeout=10, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        """POST to ``path`` on this server."""
        return requests.post(self.url + path, timeout=10, **kwargs)
