"""``make login-client``: get a service's access token (client-credentials grant) and print it.

    python -m scripts.login_client [--api-url http://127.0.0.1:8000]

Against the local emulator (``make cognito-local``): the emulator has no token endpoint, so
a local one (``scripts.cognito_fakes.ClientCredentialsServer``) answers, signing with the
emulator's own key, which the emulator's key set publishes. Against a real pool: Cognito's
token endpoint ``$AWS_COGNITO_DOMAIN/oauth2/token``, with the service app client's
``$COGNITO_CLIENT_ID`` and ``$COGNITO_CLIENT_SECRET``. The token is printed here only.
"""

import argparse
import os
import shlex
import sys

import requests

from djognito.testing import SigningKey

from . import local_state, project_settings
from .cognito_fakes import ClientCredentialsServer, MachineClient


class TokenRequestError(RuntimeError):
    """The token endpoint refused the request or could not be reached."""


def request_client_token(token_url: str, client_id: str, secret: str, scopes=()) -> str:
    """An access token from ``token_url`` for the client-credentials grant."""
    data = {"grant_type": "client_credentials"}
    if scopes:
        data["scope"] = " ".join(scopes)
    try:
        answer = requests.post(token_url, data=data, auth=(client_id, secret), timeout=10)
    except requests.RequestException as error:
        raise TokenRequestError(f"{token_url} could not be reached: {error}") from None
    if answer.status_code != 200:
        raise TokenRequestError(f"{token_url} answered {answer.status_code}: {answer.text[:200]}")
    return answer.json()["access_token"]


def emulator_signing_key() -> SigningKey:
    """The private key moto signs its Cognito tokens with (its key set publishes it)."""
    from moto.utilities.utils import load_resource

    return SigningKey.from_jwk(load_resource("cognitoidp/resources/jwks-private.json"))


def local_client_token(pool) -> str:
    """A token for the local pool's service client, from a local token endpoint."""
    client = pool.machine_client
    grant = MachineClient(client.client_id, client.client_secret, client.scopes)
    with ClientCredentialsServer(emulator_signing_key(), pool.issuer, [grant]) as server:
        return request_client_token(
            server.token_url, client.client_id, client.client_secret, client.scopes
        )


def curl_lines(api_url: str, token: str) -> list[str]:
    """Ready commands calling the API as the service."""
    header = shlex.quote(f"Authorization: Bearer {token}")
    base = api_url.rstrip("/")
    return [f"curl -H {header} {base}/api/reports/", f"curl -H {header} {base}/api/me/"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.login_client", description=__doc__)
    parser.add_argument("--api-url", default="http://127.0.0.1:8000", help="for the curl lines")
    args = parser.parse_args(argv)

    project = project_settings.load()
    _pid, pool = local_state.load_state()
    try:
        if pool and pool.pool_id == project.user_pool_id and pool.machine_client:
            token = local_client_token(pool)
            where = f"local Cognito, service client {pool.machine_client.client_id}"
        else:
            domain = os.environ.get("AWS_COGNITO_DOMAIN", "").rstrip("/")
            client_id = os.environ.get("COGNITO_CLIENT_ID", "")
            secret = os.environ.get("COGNITO_CLIENT_SECRET", "")
            if not (domain and client_id and secret):
                print(
                    "Set AWS_COGNITO_DOMAIN, COGNITO_CLIENT_ID and COGNITO_CLIENT_SECRET (a "
                    "client-credentials app client), or run `make cognito-local` first.",
                    file=sys.stderr,
                )
                return 2
            token = request_client_token(f"{domain}/oauth2/token", client_id, secret)
            where = f"{domain}, service client {client_id}"
    except TokenRequestError as error:
        print(f"No token: {error}", file=sys.stderr)
        return 1
    print(f"Service token ({where}):\n{token}\n")
    print("Try:")
    for line in curl_lines(args.api_url, token):
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
