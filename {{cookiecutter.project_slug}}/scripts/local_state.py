"""What ``make cognito-local`` leaves behind: ``.cognito-local/state.json`` and ``.env.local``.

The state file lets later commands find the running emulator (pid, endpoint) and its users;
``.env.local`` points the project's settings at it (see ``config/settings.py``).
"""

import json
from dataclasses import asdict
from pathlib import Path

from .seed import LocalMachineClient, LocalPool, LocalUser

PROJECT_DIR = Path(__file__).resolve().parent.parent
STATE_DIR = PROJECT_DIR / ".cognito-local"
STATE_FILE = STATE_DIR / "state.json"
LOG_FILE = STATE_DIR / "moto.log"
{%- if cookiecutter.browser_sessions == 'y' %}
# The users who meet a sign-in step (scripts.challenge_users).
CHALLENGE_USERS_FILE = STATE_DIR / "challenge-users.json"
{%- endif %}
ENV_LOCAL = PROJECT_DIR / ".env.local"

# The variables .env.local sets; any other line a developer adds there is kept.
MANAGED_VARIABLES = (
    "AWS_COGNITO_REGION",
    "AWS_COGNITO_USER_POOL_ID",
    "AWS_COGNITO_APP_CLIENT_ID",
    "AWS_COGNITO_JWKS_URL",
{%- if cookiecutter.browser_sessions == 'y' %}
    "AWS_COGNITO_ENDPOINT_URL",
{%- endif %}
    "DJANGO_SECURE_SSL_REDIRECT",
)
HEADER = "# Written by `make cognito-local`: the local Cognito emulator. Not committed.\n"


def save_state(pool: LocalPool, pid: int | None, path: Path = STATE_FILE) -> None:
    """Record the running emulator and its pool (owner-readable only: it holds passwords)."""
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"pid": pid, "pool": asdict(pool)}, indent=2) + "\n")
    path.chmod(0o600)


def load_state(path: Path = STATE_FILE) -> tuple[int | None, LocalPool | None]:
    """The recorded (pid, pool), or (None, None) when nothing was recorded."""
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return None, None
    pool = dict(state["pool"])
    pool["users"] = tuple(
        LocalUser(**{**user, "groups": tuple(user["groups"])}) for user in pool["users"]
    )
    machine = pool.get("machine_client")
    if machine:
        pool["machine_client"] = LocalMachineClient(
            **{**machine, "scopes": tuple(machine["scopes"])}
        )
    return state.get("pid"), LocalPool(**pool)


def forget_pid(path: Path = STATE_FILE) -> None:
    """Mark the emulator as stopped, keeping the pool description."""
    _pid, pool = load_state(path)
    if pool is not None:
        save_state(pool, None, path)


def env_local_lines(pool: LocalPool) -> list[str]:
    """The ``.env.local`` assignments that point the project at ``pool``."""
    values = {
        "AWS_COGNITO_REGION": pool.region,
        "AWS_COGNITO_USER_POOL_ID": pool.pool_id,
        "AWS_COGNITO_APP_CLIENT_ID": ",".join(pool.app_client_ids),
        "AWS_COGNITO_JWKS_URL": pool.jwks_url,
{%- if cookiecutter.browser_sessions == 'y' %}
        # Sign-in calls (POST /api/auth/login/) go to the emulator.
        "AWS_COGNITO_ENDPOINT_URL": pool.endpoint_url,
{%- endif %}
        # The local API is served over plain http.
        "DJANGO_SECURE_SSL_REDIRECT": "off",
    }
    return [f"{name}={values[name]}\n" for name in MANAGED_VARIABLES]


def write_env_local(pool: LocalPool, path: Path = ENV_LOCAL) -> None:
    """Set the managed variables in ``path``, keeping every other line."""
    kept = []
    if path.is_file():
        for line in path.read_text().splitlines(keepends=True):
            name = line.split("=", 1)[0].strip()
            if name not in MANAGED_VARIABLES and line != HEADER:
                kept.append(line if line.endswith("\n") else line + "\n")
    path.write_text(HEADER + "".join(env_local_lines(pool)) + "".join(kept))
    path.chmod(0o600)
