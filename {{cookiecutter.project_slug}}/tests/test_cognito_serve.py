"""What compose.yaml's cognito service runs: the emulator seeded, its variables written."""

import signal
import sys

import requests

from scripts.ports import free_port, is_free
from scripts.processes import ChildProcess, is_running
from scripts.sign_in import identity_provider, sign_in

from .processes import PROJECT, scrubbed_environment


def read_variables(path) -> dict:
    return dict(line.split("=", 1) for line in path.read_text().splitlines())


def test_serve_seeds_the_pool_writes_its_variables_and_stops_on_sigterm(tmp_path):
    port = free_port()
    env_file = tmp_path / "env"
    public_url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "scripts.cognito_serve", f"--port={port}"]
    command += [f"--public-url={public_url}", "--region=eu-west-1", "--admin-group=staff"]
    command += [f"--env-file={env_file}"]
    serve = ChildProcess(
        command,
        name="cognito_serve",
        env=scrubbed_environment(),
        cwd=PROJECT,
        log_path=tmp_path / "serve.log",
        ready=env_file.is_file,
    )
    with serve:
        variables = read_variables(env_file)
        pool_id = variables["AWS_COGNITO_USER_POOL_ID"]
        assert variables["AWS_COGNITO_REGION"] == "eu-west-1"
        assert pool_id.startswith("eu-west-1_")
        assert variables["AWS_COGNITO_ENDPOINT_URL"] == public_url
        jwks_url = variables["AWS_COGNITO_JWKS_URL"]
        assert jwks_url == f"{public_url}/{pool_id}/.well-known/jwks.json"
        assert requests.get(jwks_url, timeout=10).json()["keys"]
        idp = identity_provider("eu-west-1", public_url)
        tokens = sign_in(idp, variables["AWS_COGNITO_APP_CLIENT_ID"], "alice", "Alice-Passw0rd!")
        assert tokens["AccessToken"]
        serve.process.send_signal(signal.SIGTERM)
        assert serve.process.wait(15) == 0
    # Its emulator went with it: nothing listens on the port any more.
    assert not is_running(serve.pid)
    assert is_free(port)
