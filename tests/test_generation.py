"""Bake every supported option combination and run each baked project's own checks."""

import importlib.util
import os
import re
import sys
from pathlib import Path

import pytest

from .conftest import (
    BAKED_SUITE,
    BASE_ANSWERS,
    PROJECT_PYTHONS,
    find_python,
    postgresql_available,
    run,
    shared_venv,
)

SUPPORTED = {
    "access-docs": {"token_use": "access", "openapi_docs": "y"},
    "access-nodocs": {"token_use": "access", "openapi_docs": "n"},
    "id-docs": {"token_use": "id", "openapi_docs": "y"},
    "id-nodocs": {"token_use": "id", "openapi_docs": "n"},
    "nobrowser-docs": {"browser_sessions": "n", "openapi_docs": "y"},
    "nobrowser-nodocs": {"browser_sessions": "n", "openapi_docs": "n", "token_use": "id"},
    "custom-names": {
        "project_name": "My Shop-API",
        "access_token_cookie": "session_jwt",
        "admin_group": "Shop.Admins",
        "resource_server": "https://reports.example.com",
        "aws_region": "ap-southeast-2",
        "cognito_user_pool_id": "ap-southeast-2_Zz9Yy8",
        "cognito_app_client_id": "abc123",
    },
}

# Which tiers of its own suite each bake runs (the markers of the baked tests/conftest.py).
# Two bakes run everything: the defaults, and the project without browser sessions, whose
# settings, URLs, views and end-to-end layer are another code base. Every other bake differs
# from those by answers that reach only some tiers, and runs those:
WHOLE_SUITE = "all"
SUITE_TIERS = {
    "access-docs": WHOLE_SUITE,
    "nobrowser-docs": WHOLE_SUITE,
    # id tokens: what the verifier, claims, users and permissions accept, and the app's views.
    "id-docs": "library or app",
    # Cookie, admin group, resource server and pool names: settings, claims, scopes and the
    # app's permissions.
    "custom-names": "library or app",
    # Docs off: the URLs, the sample app's schema module and its public paths change (id
    # tokens reach the library as in id-docs, no browser sessions as in nobrowser-docs).
    "access-nodocs": "app",
    "id-nodocs": "app",
    "nobrowser-nodocs": "app",
}
# BAKED_SUITE_TIERS=all (make test-all) runs every bake's whole suite.
TIERS_VARIABLE = "BAKED_SUITE_TIERS"

# The default bake's suite runs on PostgreSQL in test_postgres.py: running it on SQLite as
# well would test the same code twice (every other bake runs its suite on SQLite).
SUITE_RUN_ON_POSTGRESQL = {"access-docs"} if postgresql_available() else set()

# Names of the sign-in part's settings and check ids, which a bake without it must not hold.
BROWSER_SETTING_NAMES = (
    "AWS_COGNITO_REFRESH_COOKIE",
    "AWS_COGNITO_DOMAIN",
    "AWS_COGNITO_AMPLIFY_COOKIES",
    "AWS_COGNITO_COOKIE_SAMESITE",
    "DJANGO_COOKIE_DOMAIN",
)
BROWSER_CHECK_IDS = tuple(f"djognito.E1{number:02}" for number in range(1, 14))


def post_gen_hook():
    """The post-generation hook as a module (its lists of option files)."""
    path = Path(__file__).resolve().parent.parent / "hooks" / "post_gen_project.py"
    spec = importlib.util.spec_from_file_location("post_gen_project", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def suite_selection(combination: str) -> tuple[str, ...]:
    """The pytest arguments that pick ``combination``'s tiers (none: the whole suite)."""
    requested = os.environ.get(TIERS_VARIABLE, "")
    if requested not in ("", WHOLE_SUITE):
        raise ValueError(f"{TIERS_VARIABLE}={requested!r}: expected {WHOLE_SUITE!r} or unset")
    tiers = WHOLE_SUITE if requested else SUITE_TIERS[combination]
    return () if tiers == WHOLE_SUITE else ("-m", tiers)


LEFTOVER_TAG = re.compile(r"{{\s*cookiecutter\.|{%-?\s|cookiecutter\.")


def project_files(project: Path):
    for path in project.rglob("*"):
        if path.is_file() and ".venv" not in path.parts and "__pycache__" not in path.parts:
            yield path


@pytest.mark.parametrize("answers", SUPPORTED.values(), ids=SUPPORTED.keys())
def test_bake_passes_its_own_checks(bake, answers, request):
    project = bake(**answers)
    for path in project_files(project):
        text = path.read_text(errors="replace")
        assert not LEFTOVER_TAG.search(text), f"template tag left in {path}"
    venv = shared_venv(project)
    python, bin_dir = str(venv / "bin" / "python"), venv / "bin"
    run(project, str(bin_dir / "ruff"), "check", ".")
    run(project, str(bin_dir / "ruff"), "format", "--check", ".")
    run(project, python, "manage.py", "check", "--fail-level", "WARNING")
    run(project, python, "manage.py", "makemigrations", "--check", "--dry-run")
    combination = request.node.callspec.id
    if combination not in SUITE_RUN_ON_POSTGRESQL:
        run(project, python, *BAKED_SUITE, *suite_selection(combination))


# The Pythons other than the tests' own that the project claims: make test-all runs the
# default bake's whole suite on each (make test leaves them out, to stay a fast loop).
OWN_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
OTHER_PYTHONS = [version for version in PROJECT_PYTHONS if version != OWN_PYTHON]


@pytest.mark.parametrize("version", OTHER_PYTHONS)
def test_the_default_bake_passes_its_whole_suite_on_each_python_it_claims(bake, version):
    """The suite the tests' own Python runs in test_postgres.py, the same way: on PostgreSQL
    when its server programs are installed, on SQLite otherwise."""
    if os.environ.get(TIERS_VARIABLE, "") != WHOLE_SUITE:
        pytest.skip(f"Python {version}: only `make test-all` ({TIERS_VARIABLE}=all) runs it")
    python = find_python(version)
    if python is None:
        pytest.skip(
            f"Python {version} not found (python{version} on PATH, or "
            f"~/.pyenv/versions/{version}.*/bin/python{version}): its suite did not run"
        )
    project = bake(**SUPPORTED["access-docs"])
    venv = shared_venv(project, python)
    python_in_venv = str(venv / "bin" / "python")
    assert run(project, python_in_venv, "-c", VENV_VERSION).stdout == version
    served = ("-m", "scripts.postgres", "--", python_in_venv) if postgresql_available() else ()
    run(project, python_in_venv, *served, *BAKED_SUITE)


VENV_VERSION = "import sys; print(*sys.version_info[:2], sep='.', end='')"


def test_every_supported_combination_says_which_tiers_it_runs():
    assert set(SUITE_TIERS) == set(SUPPORTED)


def test_default_project_slug_is_derived_from_the_name(bake):
    project = bake(project_name="Orders Service")
    assert project.name == "orders_service"


def read_env(project: Path) -> dict:
    pairs = (
        line.split("=", 1)
        for line in (project / ".env").read_text().splitlines()
        if line and not line.startswith("#")
    )
    return dict(pairs)


def test_env_holds_the_answers_and_a_fresh_secret(bake):
    first = read_env(bake(token_use="id", access_token_cookie="jwt"))
    second = read_env(bake())
    assert first["AWS_COGNITO_REGION"] == BASE_ANSWERS["aws_region"]
    assert first["AWS_COGNITO_USER_POOL_ID"] == BASE_ANSWERS["cognito_user_pool_id"]
    assert first["AWS_COGNITO_APP_CLIENT_ID"] == BASE_ANSWERS["cognito_app_client_id"]
    assert first["ACCESS_TOKEN_KEY"] == "jwt"
    assert first["AWS_COGNITO_TOKEN_USE"] == "id"
    assert len(first["DJANGO_SECRET_KEY"]) >= 50
    assert first["DJANGO_SECRET_KEY"] != second["DJANGO_SECRET_KEY"]


def test_env_is_git_ignored_and_example_is_kept(bake):
    project = bake()
    ignored = (project / ".gitignore").read_text().splitlines()
    assert ".env" in ignored and ".env.local" in ignored
    example = (project / ".env.example").read_text()
    for name in (
        "AWS_COGNITO_REGION",
        "AWS_COGNITO_USER_POOL_ID",
        "AWS_COGNITO_APP_CLIENT_ID",
        "ACCESS_TOKEN_KEY",
        "DJANGO_SECRET_KEY",
    ):
        assert f"{name}=" in example
    assert "DJANGO_SECRET_KEY=change-me" in example
    assert (project / ".env").stat().st_mode & 0o077 == 0


def test_auth_module_is_copied_verbatim(bake):
    project = bake()
    template_module = Path(__file__).parent.parent / "{{cookiecutter.project_slug}}" / "djognito"
    for source in template_module.rglob("*.py"):
        copied = project / "djognito" / source.relative_to(template_module)
        assert copied.read_text() == source.read_text()


def test_docs_option_off_leaves_no_trace(bake):
    project = bake(openapi_docs="n")
    assert not (project / "djognito" / "contrib" / "spectacular.py").exists()
    for path in project_files(project):
        if path.relative_to(project).parts[0] == "djognito":
            continue  # the module loads its OpenAPI extension only where drf-spectacular is
        text = path.read_text(errors="replace").lower()
        assert "spectacular" not in text, f"OpenAPI leftover in {path}"


# The hook's list: what it removes is exactly what this test expects to be gone.
BROWSER_SESSION_PATHS = post_gen_hook().BROWSER_SESSION_FILES
BROWSER_SESSION_WORDS = [
    "corsheaders",
    "cors-headers",
    "playwright",
    "/api/auth/",
    "aws_cognito_refresh_cookie",
    "sign-in page",
]


def test_browser_sessions_off_leaves_no_trace(bake):
    project = bake(browser_sessions="n")
    assert "djognito/browser" in BROWSER_SESSION_PATHS
    for relative in BROWSER_SESSION_PATHS:
        assert not (project / relative).exists(), f"{relative} left behind"
    for path in project_files(project):
        text = path.read_text(errors="replace")
        if path.relative_to(project).parts[0] == "djognito":
            # The module keeps no setting, check or URL of the sign-in part.
            for leftover in (*BROWSER_SETTING_NAMES, *BROWSER_CHECK_IDS, "/api/auth/"):
                assert leftover not in text, f"browser-session leftover {leftover!r} in {path}"
            continue
        for word in BROWSER_SESSION_WORDS:
            assert word not in text.lower(), f"browser-session leftover {word!r} in {path}"
    venv = shared_venv(project)
    listed = run(
        project, str(venv / "bin" / "python"), "-c",
        "import django; django.setup(); from django.core import checks; "
        "print(sorted(c.__name__ for c in checks.registry.registry.get_checks()))",
        DJANGO_SETTINGS_MODULE="config.settings", DJANGO_SECRET_KEY="x" * 50,
    ).stdout  # fmt: skip
    assert "check_browser_settings" not in listed and "check_cognito_settings" in listed


def test_browser_sessions_are_on_by_default(bake):
    project = bake()
    assert (project / "djognito" / "browser" / "views.py").is_file()
    assert "django-cors-headers==" in (project / "requirements.txt").read_text()
    assert "playwright==" in (project / "requirements-dev.txt").read_text()
    assert 'include("djognito.browser.urls")' in (project / "config" / "urls.py").read_text()
    assert '"djognito.browser",' in (project / "config" / "settings.py").read_text()


def test_empty_ids_are_reported_by_check_naming_the_variables(bake):
    project = bake(cognito_user_pool_id="", cognito_app_client_id="")
    venv = shared_venv(project)
    result = run(project, str(venv / "bin" / "python"), "manage.py", "check", check=False)
    assert result.returncode != 0
    assert "AWS_COGNITO_USER_POOL_ID" in result.stderr
    assert "AWS_COGNITO_APP_CLIENT_ID" in result.stderr
