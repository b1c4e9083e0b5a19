"""A throw-away ``redis-server`` on 127.0.0.1 (Debian's package), for tests and benchmarks.

Nothing is written to disk (``--save ""``, ``--appendonly no``); it is stopped by pid.
"""

import shutil
import socket

from .ports import LOOPBACK, free_port
from .processes import ChildProcess


def answers_ping(host: str, port: int) -> bool:
    """True when a Redis server at ``host:port`` answers PING."""
    try:
        with socket.create_connection((host, port), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer(ChildProcess):
    """``redis-server`` on a free loopback port (or ``port``), ready once it answers PING."""

    def __init__(self, port: int = 0, host: str = LOOPBACK):
        self.host = host
        self.port = port or free_port(host=host)
        executable = shutil.which("redis-server") or "redis-server"
        options = ["--bind", host, "--port", str(self.port), "--daemonize", "no"]
        # Nothing on disk: no snapshots, no append-only file.
        options += ["--save", "", "--appendonly", "no"]
        super().__init__(
            [executable, *options],
            name=f"redis-server on port {self.port}",
            ready=lambda: answers_ping(self.host, self.port),
        )

    @property
    def url(self) -> str:
        """The ``DJANGO_CACHE_URL`` of this server (database 0)."""
        return f"redis://{self.host}:{self.port}/0"
