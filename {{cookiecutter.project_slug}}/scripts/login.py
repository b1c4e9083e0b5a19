"""``make login``: sign a user in to the configured Cognito and print ready-to-use tokens.

    python -m scripts.login [USERNAME] [--api-url http://127.0.0.1:8000]

Against the local emulator (``make cognito-local``) the seeded users' passwords are known;
otherwise the password comes from ``$COGNITO_PASSWORD`` or a prompt. An app client with a
secret needs ``$AWS_COGNITO_APP_CLIENT_SECRET``. Tokens are printed here and nowhere else.
"""

import argparse
import getpass
import os
import shlex
import sys

from . import local_state, project_settings
from .sign_in import SignInError, identity_provider, sign_in


def local_pool_for(project):
    """The local emulator's pool when the project is configured for it, else None."""
    _pid, pool = local_state.load_state()
    if pool and pool.pool_id == project.user_pool_id:
        return pool
    return None


def curl_lines(api_url: str, token: str, cookie_name: str) -> list[str]:
    """Two ready commands: the token as a Bearer header, and as the cookie."""
    url = f"{api_url.rstrip('/')}/api/me/"
    return [
        f"curl -H {shlex.quote('Authorization: Bearer ' + token)} {url}",
        f"curl --cookie {shlex.quote(cookie_name + '=' + token)} {url}",
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.login", description=__doc__)
    parser.add_argument("username", nargs="?", help="default: the local admin user")
    parser.add_argument("--api-url", default="http://127.0.0.1:8000", help="for the curl lines")
    args = parser.parse_args(argv)

    project = project_settings.load()
    if not project.app_client_ids:
        print("AWS_COGNITO_APP_CLIENT_ID is not set (run `make cognito-local`?)", file=sys.stderr)
        return 2
    client_id = project.app_client_ids[0]
    pool = local_pool_for(project)
    local_users = {user.username: user for user in pool.users} if pool else {}
    username = args.username or (pool.users[0].username if pool else None)
    if not username:
        parser.error("USERNAME is required outside the local emulator")
    password = os.environ.get("COGNITO_PASSWORD") or (
        local_users[username].password
        if username in local_users
        else getpass.getpass(f"Password for {username}: ")
    )

    idp = identity_provider(project.region, pool.endpoint_url if pool else None)
    where = f"local Cognito at {pool.endpoint_url}" if pool else f"Cognito {project.user_pool_id}"
    try:
        tokens = sign_in(
            idp, client_id, username, password, os.environ.get("AWS_COGNITO_APP_CLIENT_SECRET")
        )
    except SignInError as error:
        print(f"Sign-in as {username} refused by {where}: {error}", file=sys.stderr)
        return 1

    accepted = tokens["AccessToken"] if project.token_use == "access" else tokens["IdToken"]
    print(f"Signed in as {username} ({where}, app client {client_id}).")
    print(f"Tokens expire in {tokens['ExpiresIn']} seconds.\n")
    print(f"Access token:\n{tokens['AccessToken']}\n")
    print(f"ID token:\n{tokens['IdToken']}\n")
    print(f"The API accepts {project.token_use} tokens (AWS_COGNITO_TOKEN_USE). Try:")
    for line in curl_lines(args.api_url, accepted, project.cookie_name):
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
