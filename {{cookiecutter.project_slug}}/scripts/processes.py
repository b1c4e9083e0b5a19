"""Child processes: start one, wait until it is ready, stop it by pid with its process group.

The one place that does this for the project's tools and tests (the local Cognito, gunicorn,
Redis, PostgreSQL...), and the one place that decides which inherited variables a child
must not see. Portable: process state comes from psutil, not from ``/proc``.
"""

import atexit
import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import psutil
import requests

# Variables a developer's shell (or a parent make) may hold that would change what a child
# project reads or how its make behaves.
PROJECT_VARIABLE_PREFIXES = ("DJANGO_", "AWS_COGNITO_")
PROJECT_VARIABLES = ("DATABASE_URL", "VIRTUAL_ENV", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")
LOG_TAIL_CHARACTERS = 3000


def scrubbed_environment(**variables: str) -> dict:
    """This process's environment without the project's variables, plus ``variables``."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(PROJECT_VARIABLE_PREFIXES) and name not in PROJECT_VARIABLES
    }
    return {**inherited, **variables}


def url_answers(url: str, timeout: float = 1.0) -> bool:
    """True when something answers HTTP at ``url`` (any status)."""
    try:
        requests.get(url, timeout=timeout, allow_redirects=False)
    except requests.RequestException:
        return False
    return True


def is_running(pid: int) -> bool:
    """True while ``pid`` names a live process (a zombie has exited: not running)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True


def command_line(pid: int) -> str:
    """The command line of ``pid`` ('' when unknown), to check a pid is still ours."""
    try:
        return " ".join(psutil.Process(pid).cmdline())
    except (psutil.Error, OSError):
        return ""


def stop_pid(pid: int, timeout: float = 10.0, group: bool = False) -> None:
    """SIGTERM ``pid`` (its whole process group when ``group``), SIGKILL after ``timeout``."""

    def send(signum):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if group:
                os.killpg(pid, signum)
            else:
                os.kill(pid, signum)

    if not is_running(pid):
        return
    send(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_running(pid):
            return
        time.sleep(0.05)
    send(signal.SIGKILL)


class ChildProcessError(RuntimeError):
    """A child process exited early or did not become ready in time."""


class ChildProcess:
    """A command run in its own process group, ready when ``ready_url`` answers or
    ``ready()`` is true (at once when neither is given), stopped by pid with its group.

    ``detached=True`` lets it outlive this process (``make cognito-local``): it is then
    stopped later with ``stop_pid(pid, group=True)``. Otherwise use it as a context manager;
    one left running is stopped when this interpreter exits.
    """

    def __init__(
        self,
        command: Sequence[str],
        *,
        name: str,
        env: dict | None = None,
        cwd: str | Path | None = None,
        log_path: Path | None = None,
        ready_url: str | None = None,
        ready: Callable[[], bool] | None = None,
        detached: bool = False,
    ):
        self.command = [str(part) for part in command]
        self.name = name
        self.env = env
        self.cwd = cwd
        self.log_path = log_path
        self.ready_url = ready_url
        self.ready = ready
        self.detached = detached
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int | None:
        """The process id once started."""
        return self.process.pid if self.process else None

    def start(self, timeout: float = 30.0) -> "ChildProcess":
        """Start the command and wait until it is ready; ``ChildProcessError`` otherwise."""
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        try:
            # Its own session: signals meant for the parent (Ctrl-C) do not reach it, and
            # stop() reaches every process it forks (gunicorn's workers).
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            if self.log_path:
                log.close()
        if not self.detached:
            atexit.register(self.stop)
        try:
            self._wait_until_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _is_ready(self) -> bool:
        if self.ready_url and not url_answers(self.ready_url):
            return False
        return self.ready() if self.ready else True

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            status = self.process.poll()
            if status is not None:
                raise ChildProcessError(
                    f"{self.name} exited with status {status}{self._log_tail()}"
                )
            if self._is_ready():
                return
            if time.monotonic() >= deadline:
                raise ChildProcessError(
                    f"{self.name} was not ready within {timeout:g} s{self._log_tail()}"
                )
            time.sleep(0.05)

    def _log_tail(self) -> str:
        if not (self.log_path and self.log_path.is_file()):
            return ""
        text = self.log_path.read_text(errors="replace")[-LOG_TAIL_CHARACTERS:]
        return f"; end of {self.log_path}:\n{text}"

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM its process group, SIGKILL after ``timeout``; reap it."""
        if self.process is None:
            return
        atexit.unregister(self.stop)
        if self.process.poll() is None:
            stop_pid(self.process.pid, timeout, group=True)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout)

    def __enter__(self) -> "ChildProcess":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
