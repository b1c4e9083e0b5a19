"""The process helper: readiness, failures that name the process, stops by process group,
the environment scrubber, and process state read without ``/proc`` (as on macOS)."""

import os
import sys
import time
import traceback

import pytest

from scripts.moto_server import MotoServer
from scripts.processes import (
    ChildProcess,
    ChildProcessError,
    command_line,
    is_running,
    scrubbed_environment,
    stop_pid,
)

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]
# A parent that forks a child and both sleep: stopping the parent must stop the child too.
FORKER = [
    sys.executable,
    "-c",
    "import os, time\nchild = os.fork()\nif child:\n    print(child, flush=True)\ntime.sleep(60)",
]


class ProcHidden:
    """Refuses any open() of a path under /proc made outside psutil: the project's own
    code then sees a system without /proc, as on macOS, while psutil keeps working."""

    active = False
    installed = False

    @classmethod
    def install(cls):
        if not cls.installed:
            sys.addaudithook(cls.hook)
            cls.installed = True

    @classmethod
    def hook(cls, event, args):
        if not cls.active or event != "open" or not str(args[0]).startswith("/proc"):
            return
        stack = "".join(traceback.format_stack(limit=12))
        if f"{os.sep}psutil{os.sep}" not in stack:
            raise FileNotFoundError(f"no {args[0]} here")


@pytest.fixture
def proc_hidden():
    ProcHidden.install()
    ProcHidden.active = True
    yield
    ProcHidden.active = False


def test_ready_check_runs_until_true(tmp_path):
    calls = []

    def ready():
        calls.append(1)
        return len(calls) >= 3

    with ChildProcess(SLEEPER, name="sleeper", ready=ready) as child:
        assert is_running(child.pid)
    assert len(calls) == 3
    assert not is_running(child.pid)


def test_early_exit_names_the_process_and_shows_its_log(tmp_path):
    command = [sys.executable, "-c", "print('port in use'); raise SystemExit(3)"]
    child = ChildProcess(command, name="failing server", log_path=tmp_path / "log", ready=bool)
    with pytest.raises(ChildProcessError) as raised:
        child.start(timeout=10)
    message = str(raised.value)
    assert "failing server exited with status 3" in message
    assert "port in use" in message


def test_not_ready_in_time_is_an_error_and_the_process_is_stopped():
    child = ChildProcess(SLEEPER, name="sleeper", ready=lambda: False)
    with pytest.raises(ChildProcessError, match=r"sleeper was not ready within 0\.3 s"):
        child.start(timeout=0.3)
    assert not is_running(child.pid)


def test_stop_reaches_the_whole_process_group(tmp_path):
    log = tmp_path / "log"
    with ChildProcess(FORKER, name="forker", log_path=log, ready=lambda: log.read_text()) as child:
        assert is_running(int(log.read_text()))
    assert not is_running(child.pid)
    # The forked process was in the same group: the stop reached it too.
    forked = int(log.read_text())
    deadline = time.monotonic() + 5
    while is_running(forked) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not is_running(forked)


def test_scrubbed_environment_drops_what_reconfigures_a_project(monkeypatch):
    for name in ("DJANGO_DEBUG", "AWS_COGNITO_REGION", "DATABASE_URL", "VIRTUAL_ENV", "MAKEFLAGS"):
        monkeypatch.setenv(name, "inherited")
    monkeypatch.setenv("HOME_LIKE_VARIABLE", "kept")
    env = scrubbed_environment(DJANGO_DEBUG="on")
    assert env["DJANGO_DEBUG"] == "on"
    assert env["HOME_LIKE_VARIABLE"] == "kept"
    for name in ("AWS_COGNITO_REGION", "DATABASE_URL", "VIRTUAL_ENV", "MAKEFLAGS"):
        assert name not in env


def test_a_detached_emulator_is_found_and_stopped_without_proc(proc_hidden):
    """What `make cognito-local-stop` relies on: the pid is ours (its command line says
    moto) and stopping it by pid ends it, with no /proc to read. The child sleeps with the
    emulator's arguments (``-m moto.server -H ... -p ...``): a real one takes seconds to start."""
    emulator_arguments = MotoServer().command[1:]
    server = ChildProcess([*SLEEPER, *emulator_arguments], name="emulator", detached=True).start()
    try:
        assert is_running(server.pid)
        # The command line reads empty while the child is still exec'ing its interpreter.
        deadline = time.monotonic() + 5
        while not command_line(server.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert "moto" in command_line(server.pid)
        stop_pid(server.pid, group=True)
        server.process.wait(10)
        assert not is_running(server.pid)
    finally:
        server.stop()
