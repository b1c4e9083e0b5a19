"""Running the project's own commands in child processes, away from the developer's config."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

# Variables a developer's shell may hold that would change what the project reads.
PROJECT_VARIABLE_PREFIXES = ("DJANGO_", "AWS_COGNITO_", "DATABASE_URL")


def isolated_environment(**variables: str) -> dict:
    """This process's environment without the project's variables, plus ``variables``."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(PROJECT_VARIABLE_PREFIXES)
    }
    return {**inherited, **variables}


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
