"""``make cognito-local`` / ``make cognito-local-stop``: a local Cognito for development.

    python -m scripts.cognito_local start [--port N]   start (or reuse) and seed the emulator
    python -m scripts.cognito_local stop               stop the emulator started by ``start``

``start`` is safe to run again: it reuses a running emulator and seeding changes nothing.
"""

import argparse
import os
import sys

from . import local_state, project_settings
{%- if cookiecutter.browser_sessions == 'y' %}
from .challenge_users import print_challenge_users, seed_challenge_users
{%- endif %}
from .moto_server import MotoServer, answers
from .ports import is_free
from .processes import ChildProcessError, command_line, is_running, stop_pid
from .seed import LocalPool, seed

PREFERRED_PORT = 9229


def running_emulator() -> tuple[int | None, LocalPool | None]:
    """The recorded emulator's (pid, pool) when that process still serves, else (None, None)."""
    pid, pool = local_state.load_state()
    alive = pid and pool and is_running(pid) and "moto" in command_line(pid)
    if alive and answers(pool.endpoint_url):
        return pid, pool
    return None, None


def choose_port(requested: int) -> int:
    """``requested`` (must be free), or ``PREFERRED_PORT`` when free, or any free port."""
    if requested:
        if not is_free(requested):
            raise SystemExit(f"Port {requested} is in use; choose another COGNITO_LOCAL_PORT.")
        return requested
    if is_free(PREFERRED_PORT):
        return PREFERRED_PORT
    return MotoServer().port


def start(requested_port: int) -> None:
    """Start (or reuse) the emulator, seed it, write ``.env.local`` and print the users."""
    project = project_settings.load()
    pid, pool = running_emulator()
    started_now = not pid
    if pid and pool:
        endpoint_url = pool.endpoint_url
        print(f"Local Cognito already running (pid {pid}) at {endpoint_url}")
    else:
        local_state.STATE_DIR.mkdir(exist_ok=True)
        server = MotoServer(
            port=choose_port(requested_port), log_path=local_state.LOG_FILE, detached=True
        )
        try:
            server.start()
        except ChildProcessError as error:
            raise SystemExit(f"{error}; see {local_state.LOG_FILE}") from None
        pid, endpoint_url = server.pid, server.endpoint_url
        print(f"Local Cognito started (pid {pid}) at {endpoint_url}")
    try:
        pool = seed(
            endpoint_url,
            project.region,
            project.admin_group,
            resource_server=project.resource_server,
        )
{%- if cookiecutter.browser_sessions == 'y' %}
        challenge_users = seed_challenge_users(pool, local_state.CHALLENGE_USERS_FILE)
{%- endif %}
    except BaseException:
        # Nothing records the new server yet: stop it rather than leave it running.
        if started_now:
            stop_pid(pid, group=True)
        raise
    local_state.save_state(pool, pid)
    local_state.write_env_local(pool)
    print_summary(pool)
{%- if cookiecutter.browser_sessions == 'y' %}
    print_challenge_users(challenge_users)
{%- endif %}


def print_summary(pool: LocalPool) -> None:
    """What a developer needs next: the pool, the users and their passwords."""
    print(f"  user pool   {pool.pool_id} ({pool.region})")
    print(f"  app client  {pool.client_id}")
    print(f"  key set     {pool.jwks_url}")
    print(f"Wrote {local_state.ENV_LOCAL.name}: the API now trusts this pool (restart it).")
    print("Users (local emulator only):")
    for user in pool.users:
        groups = ", ".join(user.groups) or "no group"
        print(f"  {user.username:<8} password {user.password:<18} {groups}")
    print("Sign in and get tokens: make login COGNITO_USER=<user>")
    if pool.machine_client:
        scopes = " ".join(pool.machine_client.scopes)
        print(f"Service app client {pool.machine_client.client_id} (scopes: {scopes}).")
        print("Get a service token: make login-client")


def stop() -> None:
    """Stop the emulator recorded by ``start`` (by its pid); ``.env.local`` stays."""
    pid, _pool = local_state.load_state()
    if not pid or not is_running(pid) or "moto" not in command_line(pid):
        print("Local Cognito is not running.")
    else:
        stop_pid(pid, group=True)
        print(f"Local Cognito stopped (pid {pid}).")
    local_state.forget_pid()
    if local_state.ENV_LOCAL.is_file():
        print(
            f"{local_state.ENV_LOCAL.name} still points at it: `make cognito-local` starts it "
            f"again, or delete {local_state.ENV_LOCAL.name} to use the pool in .env."
        )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m scripts.cognito_local", description=__doc__)
    parser.add_argument("action", choices=["start", "stop"], nargs="?", default="start")
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("COGNITO_LOCAL_PORT") or 0),
        help=f"port on 127.0.0.1 (default: $COGNITO_LOCAL_PORT, else {PREFERRED_PORT} or any free)",
    )
    args = parser.parse_args(argv)
    if args.action == "start":
        start(args.port)
    else:
        stop()


if __name__ == "__main__":
    sys.exit(main())
