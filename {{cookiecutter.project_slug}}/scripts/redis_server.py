"""A throw-away ``redis-server`` on 127.0.0.1 (Debian's package), for tests and benchmarks.

Nothing is written to disk (``--save ""``, ``--appendonly no``); it is stopped by pid.
"""

import shutil
import socket
import subprocess
import time

from .ports import LOOPBACK, free_port


class RedisServerError(RuntimeError):
    """redis-server is missing, did not start or did not answer."""


def answers_ping(host: str, port: int) -> bool:
    """True when a Redis server at ``host:port`` answers PING."""
    try:
        with socket.create_connection((host, port), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """``redis-server`` on a free loopback port; a context manager, or ``start``/``stop``."""

    def __init__(self, port: int = 0, host: str = LOOPBACK):
        self.host = host
        self.port = port or free_port(host=host)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The ``DJANGO_CACHE_URL`` of this server (database 0)."""
        return f"redis://{self.host}:{self.port}/0"

    @property
    def pid(self) -> int | None:
        """The server's pid once started."""
        return self.process.pid if self.process else None

    def start(self, timeout: float = 15.0) -> "RedisServer":
        """Start the server and wait until it answers PING."""
        executable = shutil.which("redis-server")
        if executable is None:
            raise RedisServerError("redis-server is not installed (Debian package redis-server)")
        command = [executable, "--bind", self.host, "--port", str(self.port)]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RedisServerError(f"redis-server exited with status {self.process.returncode}")
            if answers_ping(self.host, self.port):
                return self
            time.sleep(0.05)
        self.stop()
        raise RedisServerError(f"redis-server did not answer on {self.host}:{self.port}")

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

    def __enter__(self) -> "RedisServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
