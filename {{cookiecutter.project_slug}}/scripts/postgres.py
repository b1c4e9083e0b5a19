"""A throwaway PostgreSQL server: its own cluster in a temporary folder, on a free loopback
port, stopped by pid and removed afterwards.

    python -m scripts.postgres -- pytest -q   # a command with DATABASE_URL pointing at it
    python -m scripts.postgres                # serve until Ctrl-C, printing DATABASE_URL

It uses the server programs of the ``postgresql`` package (Debian's, under
/usr/lib/postgresql/<version>/bin, or any ``initdb`` on PATH). PostgreSQL refuses to run as
root: as root, the cluster belongs to the ``postgres`` system user (``nobody`` when there
is none) and the server runs as that user.
"""

import argparse
import contextlib
import glob
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from scripts.ports import LOOPBACK, free_port
from scripts.processes import ChildProcess

SERVER_USERS = ("postgres", "nobody")
INITDB_OPTIONS = ("--no-locale", "--encoding=UTF8", "--no-sync")
# A test database needs no durability: skipping fsync makes creating it several times faster.
FAST_UNSAFE_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's server programs are not installed; the message says how to get them."""


def server_bin_dir() -> Path:
    """The folder of ``initdb`` and ``postgres``: the newest Debian one, or PATH's."""
    debian = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parent.parent.name),
    )
    found = debian[-1] if debian else shutil.which("initdb")
    if not found:
        raise PostgresUnavailable(
            "PostgreSQL's initdb was not found: install the postgresql package "
            "(bash scripts/ensure-system-packages.sh postgresql)"
        )
    return Path(found).parent


def as_server_user() -> tuple[list[str], pwd.struct_passwd | None]:
    """The command prefix that drops root, and the user it switches to (none when not root)."""
    if os.geteuid() != 0:
        return [], None
    for name in SERVER_USERS:
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue
        prefix = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
        return prefix, user
    raise PostgresUnavailable(f"running as root and none of the users {SERVER_USERS} exists")


class TemporaryPostgres:
    """A PostgreSQL cluster created in a temporary folder and served on 127.0.0.1.

    ``url`` is the ``DATABASE_URL`` of its ``postgres`` database (user ``postgres``, trust
    authentication on loopback only). Use it as a context manager: leaving stops the server
    by pid and removes the folder.
    """

    def __init__(self):
        self.bin_dir = server_bin_dir()
        self.prefix, self.user = as_server_user()
        self.port = free_port()
        self.folder: Path | None = None
        self.server: ChildProcess | None = None

    @property
    def url(self) -> str:
        """``postgres://postgres@127.0.0.1:<port>/postgres``."""
        return f"postgres://postgres@{LOOPBACK}:{self.port}/postgres"

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs."""
        return self.server.pid if self.server else None

    def start(self, timeout: float = 60.0) -> "TemporaryPostgres":
        """Create the cluster and start the server; return once it accepts connections."""
        self.folder = Path(tempfile.mkdtemp(prefix="postgres-"))
        try:
            data = self.folder / "data"
            if self.user:
                os.chown(self.folder, self.user.pw_uid, self.user.pw_gid)
            self._run("initdb", "-D", data, "-U", "postgres", "--auth=trust", *INITDB_OPTIONS)
            command = [*self.prefix, self.bin_dir / "postgres", "-D", data, "-k", self.folder]
            command += ["-p", str(self.port), "-h", LOOPBACK]
            for setting in FAST_UNSAFE_SETTINGS:
                command += ["-c", setting]
            self.server = ChildProcess(
                command,
                name=f"PostgreSQL on {LOOPBACK}:{self.port}",
                log_path=self.folder / "server.log",
                ready=self._accepts_connections,
            ).start(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _run(self, program: str, *args) -> str:
        command = [*self.prefix, self.bin_dir / program, *args]
        result = subprocess.run(
            [str(part) for part in command], capture_output=True, text=True, timeout=120
        )
        if result.returncode != 0:
            raise PostgresUnavailable(f"{program} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def _accepts_connections(self) -> bool:
        command = [self.bin_dir / "pg_isready", "-q", "-h", LOOPBACK, "-p", str(self.port)]
        return subprocess.run([str(part) for part in command], timeout=10).returncode == 0

    def version(self) -> str:
        """The server's version, e.g. ``15.14``."""
        return re.search(r"\d+(\.\d+)+", self._run("postgres", "--version")).group()

    def stop(self) -> None:
        """Stop the server by pid (with its process group) and remove the cluster."""
        if self.server:
            # SIGINT is PostgreSQL's fast shutdown: it disconnects clients instead of waiting.
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.server.pid, signal.SIGINT)
            self.server.stop()
            self.server = None
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "TemporaryPostgres":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run a command against a throwaway PostgreSQL.")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    command = parser.parse_args(argv).command
    if command[:1] == ["--"]:
        command = command[1:]
    postgres = TemporaryPostgres()
    try:
        postgres.start()
        pid = postgres.pid
        print(f"PostgreSQL {postgres.version()} (pid {pid}) in {postgres.folder}")
        print(f"DATABASE_URL={postgres.url}", flush=True)
        if command:
            environment = {**os.environ, "DATABASE_URL": postgres.url}
            status = subprocess.run(command, env=environment).returncode
        else:
            with contextlib.suppress(KeyboardInterrupt):
                postgres.server.process.wait()
            status = 0
    except PostgresUnavailable as error:
        print(error, file=sys.stderr)
        return 2
    finally:
        postgres.stop()
    print(f"Stopped PostgreSQL (pid {pid}) and removed {postgres.folder}.")
    return status


if __name__ == "__main__":
    sys.exit(main())
