"""Stopping a process we started, by its pid."""

import contextlib
import os
import signal
import time
from pathlib import Path


def is_running(pid: int) -> bool:
    """True while ``pid`` names a live (not zombie) process."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    status = Path(f"/proc/{pid}/stat")
    # A zombie has exited; only its parent's wait() is missing.
    return not (status.is_file() and ") Z " in status.read_text())


def command_line(pid: int) -> str:
    """The command line of ``pid`` ('' when unknown), to check a pid is still ours."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def stop_pid(pid: int, timeout: float = 10.0) -> None:
    """SIGTERM ``pid``, then SIGKILL if it is still alive after ``timeout`` seconds."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_running(pid):
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
