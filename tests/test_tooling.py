"""The baked project's shipping files: CI workflow, pre-commit, Docker, OpenAPI option."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

from .conftest import PROJECT_PYTHONS, TEMPLATE
from .test_generation import project_files


def workflow_commands(workflow: dict) -> list[str]:
    return [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]


def test_ci_workflow_installs_lints_and_tests(bake):
    project = bake()
    text = (project / ".github" / "workflows" / "ci.yml").read_text()
    # No Jinja tag is left; GitHub's own expressions (${{ ... }}) are.
    assert "{%" not in text and not re.search(r"(?<!\$){{", text)
    workflow = yaml.safe_load(text)
    commands = "\n".join(workflow_commands(workflow))
    for command in ("make install", "make lint", "make test"):
        assert command in commands


MATRIX_PYTHON = "${{ matrix.python-version }}"


def test_ci_workflow_tests_each_python_the_project_claims(bake):
    project = bake()
    requires = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    assert requires["requires-python"] == f">={PROJECT_PYTHONS[0]}"
    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    job = workflow["jobs"]["test"]
    assert job["strategy"]["matrix"] == {"python-version": list(PROJECT_PYTHONS)}
    assert job["strategy"]["fail-fast"] is False  # each Python's run gives its own result
    setup = next(step for step in job["steps"] if "setup-python" in step.get("uses", ""))
    assert setup["with"]["python-version"] == MATRIX_PYTHON
    # .venv is made with the matrix's Python (make install would take a python3.11 on PATH
    # first), and the job stops when it was not.
    install = next(step["run"] for step in job["steps"] if "make install" in step.get("run", ""))
    assert f"make install PYTHON=python{MATRIX_PYTHON}\n" in install
    assert "sys.version_info[:2]" in install and f'"{MATRIX_PYTHON}"' in install
    # No other step makes .venv again with another Python.
    installs = [run for run in workflow_commands(workflow) if "make install" in run]
    assert installs == [install]


def test_pre_commit_runs_ruff_at_the_pinned_version(bake):
    project = bake()
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: repo for repo in config["repos"] for hook in repo["hooks"]}
    for hook in ("ruff", "ruff-format", "detect-private-key", "end-of-file-fixer"):
        assert hook in hooks
    pinned = re.search(r"^ruff==(\S+)$", (project / "requirements-dev.txt").read_text(), re.M)
    assert hooks["ruff"]["rev"] == f"v{pinned.group(1)}"


def test_dockerfile_is_multi_stage_and_runs_gunicorn_unprivileged(bake):
    project = bake()
    dockerfile = (project / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", dockerfile, re.M)) >= 2
    users = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0")
    assert 'CMD ["gunicorn", "--config", "gunicorn.conf.py"]' in dockerfile
    ignored = (project / ".dockerignore").read_text().splitlines()
    assert ".env" in ignored and ".venv/" in ignored


def test_text_files_pass_the_whitespace_hooks(bake):
    """What end-of-file-fixer and trailing-whitespace would change, on a fresh bake."""
    project = bake()
    for path in project_files(project):
        text = path.read_text(errors="replace")
        assert not text or (text.endswith("\n") and not text.endswith("\n\n")), path
        if path.suffix != ".md":
            assert not re.search(r"[ \t]+$", text, re.M), f"trailing whitespace in {path}"


@pytest.mark.parametrize("docs", ["y", "n"])
def test_openapi_files_follow_the_option(bake, docs):
    project = bake(openapi_docs=docs)
    openapi_files = [
        project / "api" / "schema.py",
        project / "tests" / "test_openapi.py",
        project / "tests" / "test_schema_conformance.py",
        project / "djognito" / "contrib" / "spectacular.py",
        project / "djognito" / "browser" / "openapi.py",
    ]
    assert all(path.exists() == (docs == "y") for path in openapi_files)
    views = (project / "api" / "views.py").read_text()
    assert ("@extend_schema" in views) == (docs == "y")
    urls = (project / "config" / "urls.py").read_text()
    assert ("api/docs/" in urls) == (docs == "y")


TREE_LINE = re.compile(r"^[│ ]*[├└]── (\S+)", re.M)
MAKE_COMMAND = re.compile(r"`(?:[^`]*&& )?make ([a-z][a-z-]*)")


def make_targets(makefile: Path) -> set[str]:
    return set(re.findall(r"^([a-z][a-z-]*):", makefile.read_text(), re.M))


def test_every_file_of_the_readme_tree_is_in_a_bake(bake):
    project = bake()
    readme = (TEMPLATE / "README.md").read_text()
    tree = readme[
        readme.index("<project_slug>/") : readme.index("```", readme.index("<project_slug>/"))
    ]
    names = TREE_LINE.findall(tree)
    assert len(names) >= 15
    present = {path.name for path in project.rglob("*")}
    for name in names:
        assert name.rstrip("/").rsplit("/", 1)[-1] in present, f"README's tree names {name}"


def test_every_make_command_in_the_readmes_exists(bake):
    project = bake()
    template_targets = make_targets(TEMPLATE / "Makefile")
    project_targets = make_targets(project / "Makefile")
    for target in MAKE_COMMAND.findall((TEMPLATE / "README.md").read_text()):
        assert target in template_targets | project_targets, f"make {target}"
    for target in MAKE_COMMAND.findall((project / "README.md").read_text()):
        assert target in project_targets, f"the generated README's make {target}"


def test_every_variable_of_env_example_is_in_the_generated_readme(bake):
    project = bake()
    example = (project / ".env.example").read_text()
    readme = (project / "README.md").read_text()
    for name in re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.M):
        assert f"`{name}`" in readme, f"{name} of .env.example is not in README.md"
