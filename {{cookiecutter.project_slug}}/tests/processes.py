"""The project's own commands and servers in child processes, away from the developer's config."""

import contextlib
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import requests
from psycopg import sql

from scripts.ports import free_port
from scripts.processes import ChildProcess, scrubbed_environment

PROJECT = Path(__file__).resolve().parent.parent
POSTGRESQL_SCHEMES = ("postgres", "postgresql")

__all__ = [
    "PROJECT",
    "SERVED_DATABASES",
    "ApiServer",
    "database_rows",
    "run_python",
    "scrubbed_environment",
    "server_environment",
]


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


class ServedDatabases:
    """A fresh PostgreSQL database for each served folder, on the server of the test run's
    ``DATABASE_URL``: created with psycopg on first use, dropped by ``drop_all()`` (at the
    end of the session, tests/conftest.py)."""

    def __init__(self):
        self.made: dict[Path, tuple[str, str]] = {}  # folder: (the run's URL, database name)

    def url_for(self, folder: Path, run_url: str) -> str:
        """The ``DATABASE_URL`` of ``folder``'s database on ``run_url``'s server."""
        if folder not in self.made:
            name = f"served_{uuid.uuid4().hex[:16]}"
            self._execute(run_url, "CREATE DATABASE {}", name)
            self.made[folder] = (run_url, name)
        run_url, name = self.made[folder]
        return urlsplit(run_url)._replace(path=f"/{name}").geturl()

    def drop_all(self) -> None:
        """Drop every database made so far (its served processes are stopped by then)."""
        while self.made:
            run_url, name = self.made.popitem()[1]
            self._execute(run_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)

    @staticmethod
    def _execute(run_url: str, statement: str, name: str) -> None:
        with psycopg.connect(run_url, autocommit=True) as connection:
            connection.execute(sql.SQL(statement).format(sql.Identifier(name)))


SERVED_DATABASES = ServedDatabases()


def served_database_url(folder: Path) -> str:
    """The database of the project served from ``folder``: a fresh one on the test run's
    PostgreSQL server when the run's ``DATABASE_URL`` names one, else a SQLite file there."""
    run_url = os.environ.get("DATABASE_URL", "")
    if urlsplit(run_url).scheme in POSTGRESQL_SCHEMES:
        return SERVED_DATABASES.url_for(folder, run_url)
    return f"sqlite:///{folder / 'db.sqlite3'}"


def database_rows(database_url: str, query: str) -> list[tuple]:
    """What ``query`` returns from the SQLite or PostgreSQL database ``database_url`` names,
    read directly (not through Django's connections)."""
    if urlsplit(database_url).scheme in POSTGRESQL_SCHEMES:
        with psycopg.connect(database_url) as connection:
            return connection.execute(query).fetchall()
    path = database_url.removeprefix("sqlite:///")
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute(query).fetchall()


def server_environment(folder: Path, **variables: str) -> dict:
    """What a served project reads, from environment variables only (they win over .env
    files): Django without DEBUG on 127.0.0.1 over plain http, its static files in
    ``folder`` and its own database (``served_database_url``); ``variables`` add to it or
    override it (the user pool, DEBUG ...)."""
    served = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "served-by-the-tests-only-secret-key-0123456789-abcdefghijklmnop",
        "DJANGO_DEBUG": "off",
        "DJANGO_SECURE_SSL_REDIRECT": "off",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": served_database_url(folder),
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
