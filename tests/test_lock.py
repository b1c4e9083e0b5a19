"""One hashed lock pins what any bake installs; it must follow the requirement files."""

import json
import re
import subprocess

import pytest

from locking.requirements import (
    PROJECT_LOCK,
    PROJECT_TEMPLATE,
    TOOLS_LOCK,
    TOOLS_REQUIREMENTS,
    RequirementsError,
    lock_pins,
    normalize,
    project_superset,
    stale_pins,
    superset_lines,
)

from .conftest import run, shared_venv

REGENERATE = "stale lock: run `make lock` and commit both requirements-lock.txt files"


def test_project_lock_pins_every_requirement_of_every_option():
    assert stale_pins(project_superset(), PROJECT_LOCK) == [], REGENERATE


def test_tools_lock_pins_the_template_requirements():
    assert stale_pins(superset_lines(TOOLS_REQUIREMENTS), TOOLS_LOCK) == [], REGENERATE


@pytest.mark.parametrize("lock", [PROJECT_LOCK, TOOLS_LOCK], ids=["project", "tools"])
def test_every_locked_version_carries_its_hashes(lock):
    entries = re.split(r"\n(?=\S)", lock.read_text().split("\n\n", 1)[-1].strip())
    entries = [entry for entry in entries if not entry.startswith("#")]
    # One entry per pin; a package whose version depends on the platform has several.
    assert len(entries) >= len(lock_pins(lock)) > 10
    for entry in entries:
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", entry), entry.splitlines()[0]


def test_superset_holds_the_lines_of_every_option(bake):
    superset = set(project_superset())
    assert {"drf-spectacular==0.30.0", "psycopg[binary]==3.3.9", "cruft==2.16.0"} <= superset
    for answers in ({"openapi_docs": "y"}, {"openapi_docs": "n"}):
        project = bake(**answers)
        for name in ("requirements.txt", "requirements-dev.txt"):
            assert set(superset_lines(project / name)) <= superset


def test_a_missing_or_different_pin_is_reported(tmp_path):
    lock = tmp_path / "requirements-lock.txt"
    lock.write_text("django==5.2.18 \\\n    --hash=sha256:" + "0" * 64 + "\n")
    problems = stale_pins(["Django==5.2.19", "requests==2.34.2", "ruff>=0.17"], lock)
    assert problems == [
        "Django==5.2.19: requirements-lock.txt pins 5.2.18",
        "requests==2.34.2: not in requirements-lock.txt",
        "ruff>=0.17: not pinned with ==, so the lock cannot follow it",
    ]


def test_an_else_branch_cannot_be_locked(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(
        "{%- if cookiecutter.x == 'y' %}\na==1\n{%- else %}\na==2\n{%- endif %}\n"
    )
    with pytest.raises(RequirementsError, match=r"requirements.txt:3: only if/endif tags"):
        superset_lines(requirements)


def test_pip_fallback_reads_the_same_versions_without_hashes(tmp_path):
    """What `make install INSTALLER=pip` does to the lock: pins kept, hashes dropped."""
    dry_run = run(
        PROJECT_TEMPLATE, "make", "-n", "install", "INSTALLER=pip", f"VENV={tmp_path}"
    ).stdout
    sed = next(line for line in dry_run.splitlines() if line.startswith("sed "))
    subprocess.run(sed, shell=True, cwd=PROJECT_TEMPLATE, check=True)
    constraints = (tmp_path / "constraints.txt").read_text()
    assert "--hash" not in constraints and "\\" not in constraints
    assert lock_pins(tmp_path / "constraints.txt") == lock_pins(PROJECT_LOCK)
    assert f"-c {tmp_path}/constraints.txt" in dry_run.replace("\\\n\t", "")


def test_install_uses_uv_with_the_lock_and_brings_uv_when_missing(tmp_path):
    without_uv = "/usr/local/bin:/usr/bin:/bin"  # no uv on PATH: make install brings it
    dry_run = run(
        PROJECT_TEMPLATE, "make", "-n", "install", f"VENV={tmp_path}", PATH=without_uv
    ).stdout
    assert f"{tmp_path}/bin/pip install --quiet --disable-pip-version-check uv==" in dry_run
    assert (
        f"{tmp_path}/bin/uv pip install --quiet --python {tmp_path}/bin/python "
        "-r requirements-dev.txt -c requirements-lock.txt"
    ) in dry_run


# Put into every virtualenv by venv itself, or by `make install` to bring uv.
NOT_FROM_REQUIREMENTS = {"pip", "setuptools", "uv"}
INSTALLED = (
    "import importlib.metadata as m, json; "
    "print(json.dumps({d.metadata['Name']: d.version for d in m.distributions()}))"
)


@pytest.mark.parametrize("docs", ["y", "n"])
def test_a_bake_installs_exactly_its_pruned_lock(bake, docs):
    project = bake(openapi_docs=docs)
    locked = lock_pins(project / "requirements-lock.txt")
    assert ("drf-spectacular" in locked) == (docs == "y")
    assert set(locked) <= set(lock_pins(PROJECT_LOCK))  # this bake's part of the tree
    venv = shared_venv(project)
    installed = json.loads(run(project, str(venv / "bin" / "python"), "-c", INSTALLED).stdout)
    installed = {normalize(name): version for name, version in installed.items()}
    for name in NOT_FROM_REQUIREMENTS:
        installed.pop(name, None)
    unlocked = {name: v for name, v in installed.items() if v not in locked.get(name, ())}
    assert unlocked == {}
    # Everything else the lock pins is installed, but for packages under an environment
    # marker (Windows only, older Pythons ...).
    lock_text = (project / "requirements-lock.txt").read_text()
    conditional = {normalize(name) for name in re.findall(r"^(\S+)==\S+ ;", lock_text, re.M)}
    assert set(locked) - conditional <= set(installed)
