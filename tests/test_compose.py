"""compose.yaml: the API, PostgreSQL, Redis and the local Cognito, wired by variables.

No container engine runs here, so the stack is not started: the file is parsed and its
wiring checked (every URL names a service, a port and credentials that service really has),
and Compose's own validator checks it when one is installed (`docker compose config` or
Debian's docker-compose). What the cognito service runs is tested in the baked project
(tests/test_cognito_serve.py), and the API image is the Dockerfile tested elsewhere.
"""

import re
import shlex
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
import yaml

from .conftest import BASE_ANSWERS, run
from .test_generation import SUPPORTED


def compose_file(project) -> dict:
    text = (project / "compose.yaml").read_text()
    assert "{{" not in text and "{%" not in text
    return yaml.safe_load(text)


def options(command: list[str]) -> dict:
    """``--name=value`` arguments of a command, as a dict."""
    return dict(part[2:].split("=", 1) for part in command if part.startswith("--"))


@pytest.mark.parametrize("answers", [{}, SUPPORTED["custom-names"]], ids=["default", "custom"])
def test_services_are_wired_to_each_other(bake, answers):
    project = bake(**answers)
    answers = {**BASE_ANSWERS, "admin_group": "admin", "access_token_cookie": "accessToken",
               **answers}  # fmt: skip
    services = compose_file(project)["services"]
    assert set(services) == {"api", "postgres", "redis", "cognito"}
    api, postgres, cognito = (services[name] for name in ("api", "postgres", "cognito"))
    env = api["environment"]

    database = urlsplit(env["DATABASE_URL"])
    assert database.scheme == "postgres" and database.hostname == "postgres"
    assert database.port == 5432
    assert database.username == postgres["environment"]["POSTGRES_USER"]
    assert database.password == postgres["environment"]["POSTGRES_PASSWORD"]
    assert database.path == "/" + postgres["environment"]["POSTGRES_DB"]

    cache = urlsplit(env["DJANGO_CACHE_URL"])
    assert cache.scheme == "redis" and cache.hostname == "redis" and cache.port == 6379

    served = options(cognito["command"])
    endpoint = env["AWS_COGNITO_ENDPOINT_URL"]
    assert endpoint == served["public-url"] == f"http://cognito:{served['port']}"
    assert served["host"] == "0.0.0.0"  # reachable from the api container
    assert served["region"] == answers["aws_region"]
    assert served["admin-group"] == env["COGNITO_ADMIN_GROUP"] == answers["admin_group"]
    assert env["ACCESS_TOKEN_KEY"] == answers["access_token_cookie"]
    assert env["DJANGO_DEBUG"] == "on"  # plain http to the emulator is allowed in DEBUG only

    # The pool's variables reach the API through the volume both services mount.
    env_file = served["env-file"]
    shared = {volume.split(":")[0] for volume in api["volumes"]} & {
        volume.split(":")[0] for volume in cognito["volumes"]
    }
    assert shared and any(
        volume.startswith(f"{name}:") and env_file.startswith(volume.split(":")[1] + "/")
        for name in shared
        for volume in api["volumes"]
    )
    assert f". {env_file}" in " ".join(api["command"])
    assert shlex.split(api["command"][2])[-3:] == ["gunicorn", "--config", "gunicorn.conf.py"]
    assert cognito["healthcheck"]["test"][-1] == env_file

    for name in ("postgres", "redis", "cognito"):
        assert api["depends_on"][name] == {"condition": "service_healthy"}
        assert services[name]["healthcheck"]["test"]


def test_images_come_from_the_projects_dockerfile(bake):
    project = bake()
    services = compose_file(project)["services"]
    stages = re.findall(r"^FROM \S+ AS (\S+)$", (project / "Dockerfile").read_text(), re.M)
    assert services["api"]["build"] == {"context": "."}  # the final stage: the production image
    assert services["cognito"]["build"]["target"] in stages[:-1]
    assert (project / "scripts" / "cognito_serve.py").is_file()
    assert "docker compose up" in (project / "README.md").read_text()


def compose_validator() -> list[str] | None:
    """`docker compose` when it works here, else Debian's docker-compose, else None."""
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True)
        if probe.returncode == 0:
            return ["docker", "compose"]
    return ["docker-compose"] if shutil.which("docker-compose") else None


def test_compose_validates_the_file(bake):
    validator = compose_validator()
    if validator is None:
        pytest.skip("neither `docker compose` nor docker-compose is installed")
    project = bake()
    run(project, *validator, "--file", "compose.yaml", "config", "--quiet")
    broken = project / "broken.yaml"
    broken.write_text(
        (project / "compose.yaml").read_text().replace("healthcheck:", "healthchek:", 1)
    )
    result = run(project, *validator, "--file", str(broken), "config", "--quiet", check=False)
    assert result.returncode != 0 and "healthchek" in result.stdout + result.stderr
