"""Write the project's .env from the answers (with a fresh secret key) and drop unused files."""

import re
import secrets
import shutil
from pathlib import Path

PROJECT = Path.cwd()

# Files that belong to the OpenAPI option only.
OPENAPI_FILES = [
    "api/schema.py",
    "djognito/contrib/spectacular.py",
    "djognito/browser/openapi.py",
    "tests/test_openapi.py",
    "tests/test_schema_conformance.py",
]

# Files that belong to the browser sessions option only: the module's part and the sample's.
BROWSER_SESSION_FILES = [
    "djognito/browser",
    "api/pages.py",
    "api/templates",
    "api/static",
    "tests/test_accounts.py",
    "tests/browser.py",
    "tests/local_pool.py",
    "tests/test_browser.py",
    "tests/test_browser_accounts.py",
    "tests/test_browser_sessions.py",
    "tests/test_hosted_login.py",
    "tests/test_cors_and_cookies.py",
    "tests/test_sign_in_limits.py",
    "tests/test_sign_in_challenges.py",
    "scripts/authenticator.py",
    "scripts/cognito_challenges.py",
    "scripts/challenge_users.py",
]


def new_secret_key() -> str:
    """A random Django secret key of 67 URL-safe characters (nothing to quote in .env)."""
    return secrets.token_urlsafe(50)


def write_env_file() -> None:
    """.env: the four Cognito variables and a secret key; git-ignored, owner-readable."""
    env = PROJECT / ".env"
    env.write_text(
        "# Written when the project was generated. Not committed (see .gitignore).\n"
        "# Every variable is described in .env.example.\n"
        "DJANGO_SECRET_KEY=" + new_secret_key() + "\n"
        "DJANGO_DEBUG=on\n"
        "AWS_COGNITO_REGION={{ cookiecutter.aws_region }}\n"
        "AWS_COGNITO_USER_POOL_ID={{ cookiecutter.cognito_user_pool_id }}\n"
        "AWS_COGNITO_APP_CLIENT_ID={{ cookiecutter.cognito_app_client_id }}\n"
        "ACCESS_TOKEN_KEY={{ cookiecutter.access_token_cookie }}\n"
        "AWS_COGNITO_TOKEN_USE={{ cookiecutter.token_use }}\n"
    )
    env.chmod(0o600)


def remove(paths) -> None:
    """Remove files or folders of an option that was not chosen."""
    for relative in paths:
        path = PROJECT / relative
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


# The first line of a lock entry (``name==version ...``) or of a requirement line.
REQUIREMENT_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalize(name: str) -> str:
    """The comparable form of a distribution name (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def required_names(*paths: Path) -> set[str]:
    """The distributions named by these requirement files (``-r`` lines are followed)."""
    names = set()
    for path in paths:
        for line in path.read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith("-r "):
                names |= required_names(path.parent / line.split(None, 1)[1])
            elif REQUIREMENT_NAME.match(line):
                names.add(normalize(REQUIREMENT_NAME.match(line).group(1)))
    return names


def lock_entries(text: str) -> tuple[list[str], list[tuple[str, list[str], set[str]]]]:
    """The header lines, and (name, lines without annotations, parents) per entry."""
    header, entries = [], []
    for line in text.splitlines():
        if REQUIREMENT_NAME.match(line):
            entries.append((normalize(REQUIREMENT_NAME.match(line).group(1)), [line], set()))
        elif not entries:
            header.append(line)
        elif line.lstrip().startswith("#"):
            parent = line.strip().lstrip("#").strip().removeprefix("via").strip()
            if parent and not parent.startswith("-r "):
                entries[-1][2].add(normalize(parent))
        else:
            entries[-1][1].append(line)
    return header, entries


def prune_lock() -> None:
    """The template's lock pins the packages of every option at once: keep the ones this
    project installs (its requirements and what they need, by the lock's ``# via`` lines)."""
    lock = PROJECT / "requirements-lock.txt"
    header, entries = lock_entries(lock.read_text())
    children: dict[str, set[str]] = {}
    for name, _lines, parents in entries:
        for parent in parents:
            children.setdefault(parent, set()).add(name)
    needed = required_names(PROJECT / "requirements-dev.txt")
    pending = list(needed)
    while pending:
        for child in children.get(pending.pop(), ()):
            if child not in needed:
                needed.add(child)
                pending.append(child)
    kept = [line for name, lines, _parents in entries if name in needed for line in lines]
    lock.write_text("\n".join([*header, *kept]) + "\n")


def main() -> None:
    write_env_file()
    if "{{ cookiecutter.openapi_docs }}" != "y":
        remove(OPENAPI_FILES)
    if "{{ cookiecutter.browser_sessions }}" != "y":
        remove(BROWSER_SESSION_FILES)
    prune_lock()


if __name__ == "__main__":
    main()
