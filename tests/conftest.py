"""Helpers for baking the template and running commands inside the baked project."""

import fcntl
import glob
import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TEMPLATE = Path(__file__).resolve().parent.parent
VENVS = TEMPLATE / "build" / "venvs"

# Answers that every bake in the tests gives unless a test says otherwise.
BASE_ANSWERS = {
    "project_name": "Bake Test",
    "aws_region": "eu-west-1",
    "cognito_user_pool_id": "eu-west-1_AbCdEf123",
    "cognito_app_client_id": "1example23456789abcdefghij",
}


def _project_processes():
    """The generated project's ``scripts/processes.py`` (plain Python, no template tags)."""
    path = TEMPLATE / "{{cookiecutter.project_slug}}" / "scripts" / "processes.py"
    spec = importlib.util.spec_from_file_location("template_project_processes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


processes = _project_processes()


# A baked suite, its slowest tests shown in the output a failure prints. It runs in one
# process: the template's own workers keep both cores busy, and a second worker per bake
# would start all that a session shares (Django, the emulator, keys) once more.
BAKED_SUITE = ("-m", "pytest", "-q", "-p", "no:cacheprovider", "--durations=10")


def postgresql_available() -> bool:
    """True when PostgreSQL's server programs are installed (Debian package postgresql)."""
    return bool(shutil.which("initdb") or glob.glob("/usr/lib/postgresql/*/bin/initdb"))


def project_env(**extra) -> dict:
    """The environment for commands run in a baked project (no inherited project config).

    Bytecode may be cached there even when this shell says PYTHONDONTWRITEBYTECODE: the
    caches land in throwaway bakes, build/venvs and git-ignored __pycache__ folders, and
    without them every `manage.py`, gunicorn or moto child recompiles Django, DRF, boto3 and
    moto from source (about 2.5 CPU-seconds each, most of a baked suite's time).
    """
    environment = processes.scrubbed_environment(**extra)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    return environment


def run(
    project: Path, *command: str, check: bool = True, **extra_env
) -> subprocess.CompletedProcess:
    """Run ``command`` in ``project``; on failure, fail the test with its output."""
    result = subprocess.run(
        command,
        cwd=project,
        env=project_env(**extra_env),
        capture_output=True,
        text=True,
        timeout=900,
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"{' '.join(command)} exited {result.returncode}\n"
            f"--- stdout\n{result.stdout[-6000:]}\n--- stderr\n{result.stderr[-6000:]}"
        )
    return result


def shared_venv(project: Path, python: str = sys.executable) -> Path:
    """A .venv for ``project`` made by its own ``make install`` with ``python`` (by default
    the tests' own), shared between bakes whose requirement files and lock are identical
    (so each set is installed once per run and interpreter)."""
    digest = hashlib.sha256()
    for name in ("requirements.txt", "requirements-dev.txt", "requirements-lock.txt"):
        digest.update((project / name).read_bytes())
    name = digest.hexdigest()[:16]
    if python != sys.executable:
        name += "-py" + python_version(python)
    venv = VENVS / name
    VENVS.mkdir(parents=True, exist_ok=True)
    # The uv of the template's own virtualenv, if it has one: no bake installs its own.
    uv = Path(sys.executable).with_name("uv")
    with open(VENVS / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        options = [f"VENV={venv}", f"PYTHON={python}", *([f"UV={uv}"] * uv.is_file())]
        run(project, "make", "install", *options)
    return venv


# The Pythons the generated project claims (pyproject.toml: requires-python = ">=3.11") and
# is tested on: its CI workflow's matrix; `make test-all` runs the default bake's whole
# suite on each one newer than the tests' own.
PROJECT_PYTHONS = ("3.11", "3.12", "3.13")
PYENV_VERSIONS = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"


def python_version(python: str) -> str:
    """``"3.13"`` for a Python 3.13 interpreter (its major.minor version)."""
    found = interpreter(python)
    if found is None:
        pytest.fail(f"{python} does not run")
    return found[1]


def interpreter(command: str) -> tuple[str, str] | None:
    """(sys.executable, "3.13") of the Python ``command`` runs; None when it does not run
    (a pyenv shim of a version not selected in pyenv exits 127)."""
    version = "import sys; print(*sys.version_info[:2], sys.executable, sep='\\n')"
    try:
        result = subprocess.run(
            [command, "-c", version], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError:
        return None
    lines = result.stdout.splitlines()
    if result.returncode != 0 or len(lines) != 3:
        return None
    return lines[2], f"{lines[0]}.{lines[1]}"


PYENV_RELEASE = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")  # 3.13.0, not 3.13.0t nor 3.13-dev


def find_python(version: str) -> str | None:
    """A Python ``version`` ("3.13") that runs: ``python3.13`` on PATH, else the newest
    ``~/.pyenv/versions/3.13.*/bin/python3.13``; None when there is none.

    Each candidate is run (a shim on PATH may not), and the interpreter it names itself is
    returned: a shim would pick its version from the folder each command runs in.
    """
    releases = [
        (tuple(map(int, match.groups())), path)
        for path in PYENV_VERSIONS.glob(f"{version}.*/bin/python{version}")
        if (match := PYENV_RELEASE.match(path.parent.parent.name))
    ]
    candidates = [shutil.which(f"python{version}")]
    candidates += [str(path) for _, path in sorted(releases, reverse=True)]
    for candidate in filter(None, candidates):
        found = interpreter(candidate)
        if found and found[1] == version:
            return found[0]
    return None


@pytest.fixture
def bake(cookies):
    """Bake the template with ``BASE_ANSWERS`` plus the given answers; assert success."""

    def _bake(**answers):
        result = cookies.bake(extra_context={**BASE_ANSWERS, **answers})
        assert result.exception is None, result.exception
        assert result.exit_code == 0
        return Path(result.project_path)

    return _bake


# The slowest tests and roughly what each costs (CPU-seconds, from `make test` on 2 cores).
# They are dealt out first, so that no worker is left with two of them at the end.
SLOW_TESTS = {
    "tests/test_postgres.py::test_the_baked_suite_passes_on_a_throwaway_postgresql": 70,
    "tests/test_generation.py::test_bake_passes_its_own_checks[nobrowser-docs]": 55,
    "tests/test_generation.py::test_bake_passes_its_own_checks[custom-names]": 22,
    "tests/test_generation.py::test_bake_passes_its_own_checks[id-docs]": 22,
    "tests/test_demo.py::test_demo_walks_through_the_api_and_stops_everything": 16,
    "tests/test_generation.py::test_bake_passes_its_own_checks[access-nodocs]": 10,
    "tests/test_generation.py::test_bake_passes_its_own_checks[nobrowser-nodocs]": 10,
    "tests/test_generation.py::test_bake_passes_its_own_checks[id-nodocs]": 10,
    "tests/test_cruft.py::test_update_brings_template_changes_and_keeps_the_owners_files": 10,
    "tests/test_generation.py::test_bake_passes_its_own_checks[access-docs]": 7,
}
# make test-all's costliest: the default bake's whole suite on each other Python, on
# PostgreSQL (about 90 CPU-seconds each). make test skips them, so there they weigh nothing.
if os.environ.get("BAKED_SUITE_TIERS") == "all":
    SLOW_TESTS |= {
        "tests/test_generation.py::"
        f"test_the_default_bake_passes_its_whole_suite_on_each_python_it_claims[{version}]": 90
        for version in PROJECT_PYTHONS
    }


def pytest_collection_modifyitems(config, items):
    """Order the tests for xdist's work stealing, which hands each of N workers a contiguous
    Nth of the collection and later steals from the end of a worker's queue: the slow tests
    are shared out (each to the least loaded worker) and run first in each share."""
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    if workers < 2:
        return
    shares = [[] for _ in range(workers)]
    loads = [0] * workers
    slow = sorted((item for item in items if item.nodeid in SLOW_TESTS), key=cost, reverse=True)
    for item in slow:
        lightest = loads.index(min(loads))
        shares[lightest].append(item)
        loads[lightest] += cost(item)
    rest = [item for item in items if item.nodeid not in SLOW_TESTS]
    for item in rest:  # then even counts, so that the contiguous split matches the shares
        shares[min(range(workers), key=lambda share: len(shares[share]))].append(item)
    items[:] = [item for share in shares for item in share]


def cost(item) -> int:
    """What ``item`` roughly costs according to SLOW_TESTS (0 for the others)."""
    return SLOW_TESTS.get(item.nodeid, 0)
