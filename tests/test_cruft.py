"""Projects made with cruft take template updates: djognito/ changes, the owner's files stay."""

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from .changelog import follow_renames, latest_release, renames
from .conftest import BASE_ANSWERS, TEMPLATE, run, shared_venv

CRUFT = str(Path(sys.executable).parent / "cruft")
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Template Test",
    "GIT_AUTHOR_EMAIL": "template-test@example.com",
    "GIT_COMMITTER_NAME": "Template Test",
    "GIT_COMMITTER_EMAIL": "template-test@example.com",
}
NOT_TEMPLATE = shutil.ignore_patterns(
    ".git", ".venv", "build", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"
)
OWNER_HOOK = """        user.is_staff = self.staff_group in user.groups
        # The owner's own mapping: every user belongs to a tenant.
        user.tenant = user.claims.get("custom:tenant", "shared")
"""


def commit_all(repo: Path, message: str) -> None:
    run(repo, "git", "add", "-A", **GIT_IDENTITY)
    run(repo, "git", "commit", "--quiet", "--no-verify", "-m", message, **GIT_IDENTITY)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_update_brings_template_changes_and_keeps_the_owners_files(tmp_path):
    # Commit A of the template, in a git repository of its own (cruft clones it).
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE, template, ignore=NOT_TEMPLATE)
    run(template, "git", "init", "--quiet", "--initial-branch=main")
    commit_all(template, "A")

    answers = json.dumps(BASE_ANSWERS)
    run(tmp_path, CRUFT, "create", "--no-input", "--output-dir", "out", "--extra-context",
        answers, str(template))  # fmt: skip
    project = tmp_path / "out" / "bake_test"
    assert json.loads((project / ".cruft.json").read_text())["template"] == str(template)
    run(project, "git", "init", "--quiet", "--initial-branch=main")
    commit_all(project, "generated")
    env_before = (project / ".env").read_text()

    # The owner maps a claim of their own.
    authentication = project / "api" / "authentication.py"
    edit(authentication, "        user.is_staff = self.staff_group in user.groups\n", OWNER_HOOK)
    commit_all(project, "tenant from the token")
    owner_version = authentication.read_text()

    # Commit B of the template: a djognito fix, and a change to the sample app too.
    template_project = template / "{{cookiecutter.project_slug}}"
    errors = template_project / "djognito" / "errors.py"
    edit(errors, '    reason = "invalid token"\n', '    reason = "invalid token"  # fixed in B\n')
    edit(template_project / "api" / "authentication.py", "; edit ``attach", "; change ``attach")
    commit_all(template, "B")

    result = run(project, CRUFT, "update", "--skip-apply-ask", "--allow-untracked-files")
    assert "updated" in result.stdout, result.stdout

    assert (project / "djognito" / "errors.py").read_text() == errors.read_text()
    assert authentication.read_text() == owner_version  # api/ is the owner's
    assert (project / ".env").read_text() == env_before  # and so are the secrets
    assert not list(project.rglob("*.rej")) and not list(project.rglob("*.orig"))
    state = json.loads((project / ".cruft.json").read_text())
    head = run(template, "git", "rev-parse", "HEAD").stdout.strip()
    assert state["commit"] == head
    assert run(project, CRUFT, "check", check=False).returncode == 0

    venv = shared_venv(project)
    run(project, str(venv / "bin" / "ruff"), "check", ".")
    run(project, str(venv / "bin" / "ruff"), "format", "--check", ".")
    run(project, str(venv / "bin" / "python"), "manage.py", "check", "--fail-level", "WARNING")
    suite = run(
        project, str(venv / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider",
        "tests/test_api.py", "tests/test_attach_attributes.py", "tests/test_hostile_tokens.py",
    )  # fmt: skip
    assert " passed" in suite.stdout and "failed" not in suite.stdout


def test_update_tooling_is_in_place(bake):
    project = bake()
    skip = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["cruft"]["skip"]
    assert {".env", ".env.local", "api", ".cognito-local"} <= set(skip)
    makefile = (project / "Makefile").read_text()
    assert re.search(r"^update: install\n\t\$\(BIN\)/cruft update ", makefile, re.M)
    assert re.search(r"^cruft==\S+$", (project / "requirements-dev.txt").read_text(), re.M)
    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    check = next(step for step in steps if "cruft check" in step.get("run", ""))
    assert check["continue-on-error"] is True  # a newer template warns, never fails CI
    assert any(step.get("run") == "make test-postgres" for step in steps)
    readme = (project / "README.md").read_text()
    assert "## Updating from the template" in readme and "cruft link" in readme


# The last template commit whose djognito/ was one flat folder: projects generated from it
# must take the layered module (core/, browser/, revocation/) with `make update`.
FLAT_LAYOUT_COMMIT = "77f2870c2bbd5f883909443f72f1bd1c9cd0c6cf"
FLAT_ONLY = ["djognito/verifier.py", "djognito/tokens.py", "djognito/idp.py", "djognito/pkce.py"]
LAYERED_ONLY = [
    "djognito/core/verifier.py",
    "djognito/browser/views.py",
    "djognito/revocation/deny_list.py",
    "djognito/state.py",
    "scripts/cognito_fakes.py",
]
# Run in the updated project: every removed path of the changelog's upgrade table is gone,
# and every replacement it names is there to import.
RESOLVES_THE_UPGRADE_TABLE = """
import importlib, json, os

def resolve(name):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
    module, _, attribute = name.rpartition(".")
    return getattr(importlib.import_module(module), attribute)

for old, new in json.loads(os.environ["UPGRADE_TABLE"]):
    resolve(new)
    try:
        resolve(old)
    except (ImportError, AttributeError):
        continue
    raise SystemExit(f"{old} still resolves")
print("resolved")
"""
# What runs against the old sample app (api/ stays the owner's, so the tests of what the new
# sample does, its page and its documentation, do not apply): the module's own tier, and
# the API's answers.
UPDATED_PROJECT_RUNS = [["-m", "library"], ["tests/test_api.py"]]


def template_commit(repo: Path, commit: str) -> bool:
    """Write this repository's tree at ``commit`` into ``repo``; False when the clone
    does not hold that commit (a shallow clone, an exported tree)."""
    archive = subprocess.run(
        ["git", "-C", str(TEMPLATE), "archive", "--format=tar", commit],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        return False
    repo.mkdir()
    subprocess.run(["tar", "-x", "-C", str(repo)], input=archive.stdout, check=True)
    return True


def test_a_project_of_the_flat_module_takes_the_layered_one(tmp_path):
    template = tmp_path / "template"
    if not template_commit(template, FLAT_LAYOUT_COMMIT):
        pytest.skip(f"this clone does not hold commit {FLAT_LAYOUT_COMMIT[:7]} (shallow?)")
    run(template, "git", "init", "--quiet", "--initial-branch=main")
    commit_all(template, "flat djognito/")
    run(tmp_path, CRUFT, "create", "--no-input", "--output-dir", "out", "--extra-context",
        json.dumps(BASE_ANSWERS), str(template))  # fmt: skip
    project = tmp_path / "out" / "bake_test"
    run(project, "git", "init", "--quiet", "--initial-branch=main")
    commit_all(project, "generated")
    authentication = project / "api" / "authentication.py"
    edit(authentication, "        user.is_staff = self.staff_group in user.groups\n", OWNER_HOOK)
    commit_all(project, "tenant from the token")
    owner_version = authentication.read_text()
    assert all((project / path).is_file() for path in FLAT_ONLY)

    # Today's template, committed on top of the flat one.
    for child in template.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(TEMPLATE, template, ignore=NOT_TEMPLATE, dirs_exist_ok=True)
    commit_all(template, "layered djognito/")

    result = run(project, CRUFT, "update", "--skip-apply-ask", "--allow-untracked-files")
    assert "updated" in result.stdout, result.stdout
    assert not list(project.rglob("*.rej")) and not list(project.rglob("*.orig"))
    assert not [path for path in FLAT_ONLY if (project / path).exists()]
    assert all((project / path).is_file() for path in LAYERED_ONLY)
    assert authentication.read_text() == owner_version
    template_module = TEMPLATE / "{{cookiecutter.project_slug}}" / "djognito"
    for source in template_module.rglob("*.py"):
        updated = project / "djognito" / source.relative_to(template_module)
        assert updated.read_text() == source.read_text(), updated

    # api/ is the owner's: it keeps the paths the latest release removes until the owner makes
    # the edits its changelog entry names (read from CHANGELOG.md) and puts the imports back
    # in order (`make format`).
    venv = shared_venv(project)
    python, ruff = str(venv / "bin" / "python"), str(venv / "bin" / "ruff")
    table = renames(latest_release()[2])
    refused = run(project, python, "manage.py", "check", check=False)
    assert refused.returncode != 0
    assert any(old.rsplit(".", 1)[1] in refused.stderr for old, _new in table), refused.stderr
    api_files = sorted((project / "api").rglob("*.py"))
    assert [path for path in api_files if follow_renames(path, table)]
    run(project, ruff, "check", "--fix", "api")
    run(project, ruff, "format", "api")
    run(project, ruff, "check", ".")
    run(project, python, "manage.py", "check", "--fail-level", "WARNING")
    resolved = run(
        project, python, "manage.py", "shell", "-c", RESOLVES_THE_UPGRADE_TABLE,
        UPGRADE_TABLE=json.dumps(table),
    )  # fmt: skip
    assert resolved.stdout.strip().endswith("resolved")
    for selection in UPDATED_PROJECT_RUNS:
        suite = run(
            project, str(venv / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "-n", "2", *selection,
        )  # fmt: skip
        assert " passed" in suite.stdout and "failed" not in suite.stdout
