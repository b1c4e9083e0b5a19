"""The local Cognito of ``docker compose up``: moto's emulator in the foreground, seeded the
way ``make cognito-local`` seeds it, and the pool's variables written for the API.

    python -m scripts.cognito_serve --host 0.0.0.0 --port 9229 \\
        --public-url http://cognito:9229 --region eu-west-1 --admin-group admin \\
        --env-file /cognito-local/env

``--env-file`` receives ``AWS_COGNITO_REGION``, ``AWS_COGNITO_USER_POOL_ID``,
``AWS_COGNITO_APP_CLIENT_ID``, ``AWS_COGNITO_JWKS_URL`` and ``AWS_COGNITO_ENDPOINT_URL``,
with URLs under ``--public-url`` (how other containers reach this one). It appears only once
the pool is seeded, so its presence means ready. The emulator stops on SIGTERM or Ctrl-C.
"""

import argparse
import contextlib
import signal
import sys
from pathlib import Path

from .moto_server import MotoServer
from .ports import LOOPBACK
from .seed import LocalPool, seed


def pool_variables(pool: LocalPool, public_url: str) -> dict[str, str]:
    """What the API needs to trust ``pool``, with URLs as other hosts reach the emulator."""
    public_url = public_url.rstrip("/")
    return {
        "AWS_COGNITO_REGION": pool.region,
        "AWS_COGNITO_USER_POOL_ID": pool.pool_id,
        "AWS_COGNITO_APP_CLIENT_ID": pool.client_id,
        "AWS_COGNITO_JWKS_URL": f"{public_url}/{pool.pool_id}/.well-known/jwks.json",
        "AWS_COGNITO_ENDPOINT_URL": public_url,
    }


def write_env_file(path: Path, variables: dict[str, str]) -> None:
    """``NAME=value`` lines, written whole at once (a reader never sees half a file)."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text("".join(f"{name}={value}\n" for name, value in variables.items()))
    partial.replace(path)


def stop_on_sigterm() -> None:
    """Turn SIGTERM (``docker stop``) into SystemExit, so the emulator is stopped on the way."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.cognito_serve", description=__doc__)
    parser.add_argument("--host", default=LOOPBACK, help="address to listen on")
    parser.add_argument("--port", type=int, default=9229)
    parser.add_argument("--public-url", required=True, help="how the API reaches the emulator")
    parser.add_argument("--region", required=True)
    parser.add_argument("--admin-group", required=True)
    parser.add_argument("--env-file", type=Path, required=True)
    args = parser.parse_args(argv)
    args.env_file.unlink(missing_ok=True)
    stop_on_sigterm()
    with MotoServer(port=args.port, host=args.host) as server:
        local_url = f"http://{LOOPBACK}:{server.port}"
        pool = seed(local_url, args.region, args.admin_group)
        write_env_file(args.env_file, pool_variables(pool, args.public_url))
        print(f"Local Cognito at {args.public_url}: pool {pool.pool_id}, client {pool.client_id}")
        print("Users: " + ", ".join(user.username for user in pool.users), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.process.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
