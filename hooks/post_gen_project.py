"""Write the project's .env from the answers (with a fresh secret key) and drop unused files."""

import secrets
import shutil
from pathlib import Path

PROJECT = Path.cwd()

# Files that belong to the OpenAPI option only.
OPENAPI_FILES = ["api/schema.py", "tests/test_openapi.py"]

# Files that belong to the browser sessions option only.
BROWSER_SESSION_FILES = [
    "djognito/cookies.py",
    "djognito/idp.py",
    "djognito/pkce.py",
    "djognito/serializers.py",
    "djognito/urls.py",
    "djognito/views.py",
    "api/pages.py",
    "api/templates",
    "api/static",
    "tests/test_browser.py",
    "tests/test_browser_sessions.py",
    "tests/test_hosted_login.py",
    "tests/test_cors_and_cookies.py",
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


def main() -> None:
    write_env_file()
    if "{{ cookiecutter.openapi_docs }}" != "y":
        remove(OPENAPI_FILES)
    if "{{ cookiecutter.browser_sessions }}" != "y":
        remove(BROWSER_SESSION_FILES)


if __name__ == "__main__":
    main()
