"""`make demo`: bake a project with the defaults, run it against a local Cognito, walk through.

Steps: bake into ``$DEMO_DIR`` (default ``build/demo``), run the project's ``make install``,
``make cognito-local`` and ``make migrate``, serve it with gunicorn (its gunicorn.conf.py) on
127.0.0.1, then call the API the way a person would. Afterwards it prints how to sign in
(each user's password as it is now) and keeps serving until Ctrl-C; with ``DEMO_EXIT=1`` it
exits at once, with status 0 only if every step answered as expected. Every process it
starts is stopped by pid on the way out, whatever the way out is.

Environment: ``DEMO_DIR``, ``DEMO_VENV`` (the project's virtualenv, default
``$DEMO_DIR/venv``), ``DEMO_PORT`` (default 8000, or a free port when 8000 is taken),
``COGNITO_LOCAL_PORT`` (default a free port), ``DEMO_EXIT``.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from cookiecutter.main import cookiecutter

from .walkthrough import Walkthrough, walk

TEMPLATE = Path(__file__).resolve().parent.parent
PREFERRED_API_PORT = 8000
# Who signs up in the walk-through (on the local emulator only).
NEW_USER = ("carol", "Carol-Passw0rd!", "carol@example.com")


class DemoError(RuntimeError):
    """A preparation step failed; its message says which and shows the output."""


def say(message: str = "") -> None:
    print(message, flush=True)


def project_helpers(project: Path):
    """The baked project's ``scripts.ports`` and ``scripts.processes`` modules."""
    if str(project) not in sys.path:
        sys.path.insert(0, str(project))
    from scripts import ports, processes

    return ports, processes


def read_env_file(path: Path) -> dict:
    """KEY=VALUE lines of a .env file (comments and blanks skipped)."""
    pairs = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                name, value = line.split("=", 1)
                pairs[name.strip()] = value.strip()
    return pairs


class Demo:
    """The processes of one demo run, and how to stop them."""

    def __init__(self, demo_dir: Path, venv: Path, api_port: int, cognito_port: int):
        self.demo_dir = demo_dir
        self.venv = venv
        self.api_port = api_port  # 0: chosen once the project (and its helpers) exist
        self.cognito_port = cognito_port
        self.project: Path | None = None
        self.processes = None  # the baked project's scripts.processes
        self.api = None
        self.cognito_pid: int | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def make(self, target: str, **variables) -> str:
        """Run the baked project's ``make target`` with its virtualenv; its output."""
        arguments = [f"VENV={self.venv}", *(f"{k}={v}" for k, v in variables.items())]
        result = subprocess.run(
            ["make", "--silent", "--no-print-directory", target, *arguments],
            cwd=self.project,
            env=self.processes.scrubbed_environment(),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise DemoError(
                f"`make {target}` failed ({result.returncode}):\n{result.stdout}{result.stderr}"
            )
        return result.stdout

    def bake(self) -> None:
        say(f"== Baking the template with its defaults into {self.demo_dir}")
        self.demo_dir.mkdir(parents=True, exist_ok=True)
        project = self.demo_dir / "cognito_api"
        if project.exists():
            shutil.rmtree(project)
        self.project = Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=self.demo_dir))
        say(f"   {self.project}")
        ports, self.processes = project_helpers(self.project)
        self.api_port = self.api_port or ports.free_port(PREFERRED_API_PORT)
        self.cognito_port = self.cognito_port or ports.free_port()

    def install(self) -> None:
        say(f"== make install (virtualenv {self.venv}; the first time takes a minute)")
        self.make("install")

    def start_cognito(self) -> None:
        say(f"== make cognito-local (moto's Cognito emulator on 127.0.0.1:{self.cognito_port})")
        output = self.make("cognito-local", COGNITO_LOCAL_PORT=self.cognito_port)
        self.cognito_pid = self.local_state()["pid"]
        for line in without_challenge_users(output.splitlines()):
            say(f"   {line}")

    def local_state(self) -> dict:
        """What ``make cognito-local`` recorded: the emulator's pid and its pool."""
        return json.loads((self.project / ".cognito-local" / "state.json").read_text())

    def migrate(self) -> None:
        say("== make migrate collectstatic")
        self.make("migrate")
        self.make("collectstatic")

    def serve(self, timeout: float = 60.0) -> None:
        log_path = self.demo_dir / "gunicorn.log"
        say(f"== gunicorn on {self.api_url} (log: {log_path})")
        # The project's gunicorn.conf.py, as `make serve` runs it (its request-line limit
        # included), on the demo's port.
        gunicorn = self.venv / "bin" / "gunicorn"
        command = [gunicorn, "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{self.api_port}"]
        self.api = self.processes.ChildProcess(
            [*command, "--workers", "2"],
            name="gunicorn",
            env=self.processes.scrubbed_environment(),
            cwd=self.project,
            log_path=log_path,
            ready_url=f"{self.api_url}/api/health/",
        )
        try:
            self.api.start(timeout)
        except self.processes.ChildProcessError as error:
            raise DemoError(str(error)) from None

    def walk_through(self) -> Walkthrough:
        settings = {
            **read_env_file(self.project / ".env"),
            **read_env_file(self.project / ".env.local"),
        }
        pool = self.local_state()["pool"]
        admin, plain = (
            (user["username"], user["password"])
            for user in sorted(pool["users"], key=lambda user: not user["groups"])
        )
        admin_group = next(user["groups"][0] for user in pool["users"] if user["groups"])
        say(f"\n== Walking through the API at {self.api_url}\n")
        walkthrough = Walkthrough(
            api_url=self.api_url,
            cognito_url=pool["endpoint_url"],
            client_id=pool["client_id"],
            token_use=settings.get("AWS_COGNITO_TOKEN_USE", "access"),
            access_cookie=settings.get("ACCESS_TOKEN_KEY", "accessToken"),
        )
        new_user = NEW_USER if self.signs_up else None
        return walk(walkthrough, admin, plain, admin_group, self.challenge_users(), new_user)

    @property
    def signs_up(self) -> bool:
        """True when the project has the sign-up endpoints (browser sessions)."""
        return (self.project / "djognito" / "browser").is_dir()

    def challenge_users(self) -> list[dict]:
        """The users who meet a sign-in step, when the project seeded them."""
        path = self.project / ".cognito-local" / "challenge-users.json"
        return json.loads(path.read_text()) if path.is_file() else []

    def stop(self) -> None:
        """Stop gunicorn and the emulator, by pid; safe to call more than once."""
        if self.api is not None and self.api.process is not None:
            self.api.stop(timeout=15)
            say(f"Stopped gunicorn (pid {self.api.pid}).")
            self.api = None
        if self.cognito_pid is not None:
            try:
                # The project's own stop command: it stops the recorded pid.
                self.make("cognito-local-stop")
            except DemoError as error:
                say(str(error))
            self.processes.stop_pid(self.cognito_pid, group=True)
            say(f"Stopped the local Cognito (pid {self.cognito_pid}).")
            self.cognito_pid = None


def without_challenge_users(lines: list[str]) -> list[str]:
    """``make cognito-local``'s lines less its list of the users who meet a sign-in step:
    the walk-through changes their passwords, so the demo lists them at its end instead,
    as the walk-through leaves them."""
    start = next((i for i, line in enumerate(lines) if line.startswith("Users who meet")), None)
    if start is None:
        return lines
    end = next(
        (i for i in range(start, len(lines)) if "Authenticator codes" in lines[i]), len(lines) - 1
    )
    note = "Users who meet a sign-in step: listed at the end, as the walk-through leaves them."
    return [*lines[:start], note, *lines[end + 1 :]]


def exit_on_signal(signum, _frame) -> None:
    """Turn SIGTERM/SIGHUP into SystemExit so that ``finally`` stops the processes."""
    raise SystemExit(128 + signum)


def shown(path: Path) -> Path:
    """``path`` as the instructions show it: relative to where the demo runs, when below it."""
    cwd = Path.cwd()
    return path.relative_to(cwd) if path.is_relative_to(cwd) else path


def print_sign_in_page(demo: Demo, walkthrough: Walkthrough) -> None:
    """Where to sign in with a browser, and as whom: each user with the password that signs
    them in now (the walk-through replaced newton's temporary one)."""
    say(f"Sign-in page: {demo.api_url}/  (open it in a browser) as one of the local users:")
    for user in demo.local_state()["pool"]["users"]:
        groups = ", ".join(user["groups"]) or "no group"
        say(f"  {user['username']:<8} password {user['password']:<22} {groups}")
    for user in demo.challenge_users():
        username, challenge = user["username"], user["challenge"]
        if username in walkthrough.passwords:
            chosen = walkthrough.passwords[username]
            say(f"  {username:<8} password {chosen:<22} chosen at {challenge} in the walk-through")
        else:
            say(f"  {username:<8} password {user['password']:<22} then {challenge}")
    if demo.signs_up:
        username, password, _email = NEW_USER
        if username in walkthrough.passwords:
            say(f"  {username:<8} password {password:<22} signed up in the walk-through")
        say("  (or create an account on the page: the local emulator takes any code)")
    if any(user.get("totp_secret") for user in demo.challenge_users()):
        python = demo.venv / "bin" / "python"
        say(
            f"  (authenticator codes: cd {shown(demo.project)} && {python}"
            " -m scripts.authenticator)"
        )
    say()


def print_instructions(demo: Demo) -> None:
    project = shown(demo.project)
    say(
        f"The API keeps serving at {demo.api_url}/"
        f" (local Cognito on 127.0.0.1:{demo.cognito_port})."
    )
    say("Try, in another terminal:")
    say(f"  curl {demo.api_url}/api/public/")
    say(f"  {demo.api_url}/api/docs/   (Swagger UI, in a browser)")
    say(f"  cd {project} && make login COGNITO_USER=bob PORT={demo.api_port} VENV={demo.venv}")
    say("      (signs bob in and prints his tokens with ready curl lines)")
    say("Press Ctrl-C to stop the API and the local Cognito.")


def main() -> int:
    demo_dir = Path(os.environ.get("DEMO_DIR") or TEMPLATE / "build" / "demo").resolve()
    venv = Path(os.environ.get("DEMO_VENV") or demo_dir / "venv").resolve()
    api_port = int(os.environ.get("DEMO_PORT") or 0)
    cognito_port = int(os.environ.get("COGNITO_LOCAL_PORT") or 0)
    exit_after_walkthrough = os.environ.get("DEMO_EXIT", "") not in ("", "0")

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, exit_on_signal)
    # Ctrl-C raises KeyboardInterrupt even when started with SIGINT ignored (e.g. from `&`).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    demo = Demo(demo_dir, venv, api_port, cognito_port)
    passed = False
    try:
        demo.bake()
        demo.install()
        demo.start_cognito()
        demo.migrate()
        demo.serve()
        walkthrough = demo.walk_through()
        passed = walkthrough.passed
        failed = [title for title, ok in walkthrough.verdicts if not ok]
        total = len(walkthrough.verdicts)
        if passed:
            say(f"== All {total} steps answered as expected.\n")
        else:
            say(f"== {len(failed)} of {total} steps did not answer as expected: {failed}\n")
        print_sign_in_page(demo, walkthrough)
        if not exit_after_walkthrough:
            print_instructions(demo)
            while demo.api.process.poll() is None:
                time.sleep(0.5)
            say(f"gunicorn exited with status {demo.api.process.returncode}.")
            return 1
        return 0 if passed else 1
    except DemoError as error:
        say(f"Demo failed: {error}")
        return 1
    except KeyboardInterrupt:
        say("\nStopping.")
        return 0 if passed else 1
    finally:
        demo.stop()


if __name__ == "__main__":
    sys.exit(main())
