"""Helpers for baking the template and running commands inside the baked project."""

import fcntl
import glob
import hashlib
import importlib.util
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


def shared_venv(project: Path) -> Path:
    """A .venv for ``project`` made by its own ``make install``, shared between bakes
    whose requirement files and lock are identical (so each set is installed once per run)."""
    digest = hashlib.sha256()
    for name in ("requirements.txt", "requirements-dev.txt", "requirements-lock.txt"):
        digest.update((project / name).read_bytes())
    venv = VENVS / digest.hexdigest()[:16]
    VENVS.mkdir(parents=True, exist_ok=True)
    # The uv of the template's own virtualenv, if it has one: no bake installs its own.
    uv = Path(sys.executable).with_name("uv")
    with open(VENVS / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        options = [f"VENV={venv}", f"PYTHON={sys.executable}", *([f"UV={uv}"] * uv.is_file())]
        run(project, "make", "install", *options)
    return venv


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
