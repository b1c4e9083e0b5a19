"""`make demo`: the whole walk-through passes, every line it then prints works when followed
(each user signs in with the password shown, the authenticator command's code answers the
challenge, the curl, docs and `make login` lines answer), and Ctrl-C, as the demo says,
stops everything it started."""

import contextlib
import os
import re
import signal
import socket
import subprocess
import threading

from demo.walkthrough import cookie_browser, http

from .conftest import TEMPLATE, project_env, shared_venv

EXPECTED_STEPS = [
    ("Anyone may call the public endpoint", "200"),
    ("/api/me/ without a token is refused", "401"),
    ("alice signs in to the local Cognito (USER_PASSWORD_AUTH)", "signed in"),
    ("bob signs in to the local Cognito (USER_PASSWORD_AUTH)", "signed in"),
    ("alice asks who they are", "200"),
    ("bob asks who they are", "200"),
    ("alice (group admin) calls the admin endpoint", "200"),
    ("bob (no group) calls the admin endpoint", "403"),
    ("alice writes a note", "201"),
    ("alice lists their notes", "200"),
    ("bob lists their notes: alice's are not theirs", "200"),
    ("bob signs in through /api/auth/login/ (HttpOnly cookies)", "200"),
    ("bob asks who they are, with the cookie", "200"),
    ("bob signs out through /api/auth/logout/", "204"),
    ("bob's browser is signed out", "401"),
    (
        "tina signs in through /api/auth/login/: Cognito asks for SOFTWARE_TOKEN_MFA",
        "401 challenge_required SOFTWARE_TOKEN_MFA",
    ),
    ("tina answers SOFTWARE_TOKEN_MFA at /api/auth/challenge/", "200"),
    ("tina asks who they are, with the cookie", "200"),
    (
        "newton signs in through /api/auth/login/: Cognito asks for NEW_PASSWORD_REQUIRED",
        "401 challenge_required NEW_PASSWORD_REQUIRED",
    ),
    ("newton answers NEW_PASSWORD_REQUIRED at /api/auth/challenge/", "200"),
    ("newton asks who they are, with the cookie", "200"),
    ("carol signs up through /api/auth/signup/", "202"),
    (
        "carol confirms at /api/auth/signup/confirm/ (the local emulator takes any code)",
        "204",
    ),
    ("carol signs in through /api/auth/login/ (HttpOnly cookies)", "200"),
    ("carol asks who they are, with the cookie", "200"),
]
# The last line the demo prints before it waits for Ctrl-C.
WAITING = "Press Ctrl-C to stop the API and the local Cognito."
# A user of the sign-in page: "  alice    password Alice-Passw0rd!        admin".
USER_LINE = re.compile(r"^  (\S+) +password (\S+) +(.+)$", re.MULTILINE)


def is_listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def read_until(stream, last_line: str) -> str:
    """What ``stream`` gives up to and including ``last_line`` (all of it if it ends first)."""
    lines = []
    for line in stream:
        lines.append(line)
        if line.rstrip("\n") == last_line:
            break
    return "".join(lines)


def follow(command: str) -> subprocess.CompletedProcess:
    """Run a command line the demo printed, as a person would from where they ran it."""
    return subprocess.run(
        command,
        shell=True,
        cwd=TEMPLATE,
        env=project_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def authenticator_code(command: str) -> str:
    """The code the printed authenticator command shows ("123456  (good for 12 more ...)")."""
    result = follow(command)
    assert result.returncode == 0, result.stderr
    code = re.match(r"(\d{6})  \(good for \d+ more seconds\)$", result.stdout.strip())
    assert code, result.stdout
    return code.group(1)


def sign_in(api_url: str, username: str, password: str, then: str, authenticator: str):
    """Sign in at /api/auth/login/ as the sign-in page does; answer an authenticator step
    with the code of the printed command. The final answer."""
    browser = cookie_browser()
    csrf = http("GET", f"{api_url}/api/csrf/", opener=browser).body["csrfToken"]
    headers = {"X-CSRFToken": csrf}
    body = {"username": username, "password": password}
    answer = http("POST", f"{api_url}/api/auth/login/", headers, body, opener=browser)
    if then != "then SOFTWARE_TOKEN_MFA":
        return answer
    assert (answer.status, answer.body.get("challenge")) == (401, "SOFTWARE_TOKEN_MFA"), answer
    # A code whose 30 seconds end before Cognito checks it is refused: the next one is good.
    for _attempt in range(2):
        code = {"code": authenticator_code(authenticator)}
        answer = http("POST", f"{api_url}/api/auth/challenge/", headers, code, opener=browser)
        if answer.status != 400:
            break
    return answer


def follow_the_instructions(out: str) -> None:
    """Each line printed after the walk-through, followed."""
    api_url = re.search(r"^The API keeps serving at (http://127\.0\.0\.1:\d+)/", out, re.M)[1]
    sign_in_page = re.search(r"^Sign-in page: (\S+)", out, re.M)[1]
    assert sign_in_page == f"{api_url}/"
    assert http("GET", sign_in_page).status == 200

    authenticator = re.search(r"^  \(authenticator codes: (.+)\)$", out, re.M)[1]
    users = USER_LINE.findall(out.split("Sign-in page:")[1])
    assert {username for username, _, _ in users} == {"alice", "bob", "tina", "newton", "carol"}
    for username, password, then in users:
        answer = sign_in(api_url, username, password, then, authenticator)
        assert answer.status == 200, f"{username} ({then}): {answer.status} {answer.body}"
        assert answer.body["username"] == username
    # A password printed earlier (as make cognito-local set it up) still signs its user in.
    signing_in = {username: password for username, password, _ in users}
    for username, password, _ in USER_LINE.findall(out.split("Sign-in page:")[0]):
        assert signing_in.get(username) == password, f"{username}'s earlier line no longer works"
    # Every authenticator command printed is one that runs.
    for command in re.findall(r"(\S+ -m scripts\.authenticator)", out):
        assert command.split()[0].endswith("/bin/python"), command

    curl_url = re.search(r"^  curl (\S+)$", out, re.M)[1]
    assert http("GET", curl_url).status == 200
    docs_url = re.search(r"^  (\S+)   \(Swagger UI, in a browser\)$", out, re.M)[1]
    assert http("GET", docs_url).status == 200
    login = follow(re.search(r"^  (cd \S+ && make login .+)$", out, re.M)[1])
    # Its output holds bob's tokens: only the first line is shown.
    assert login.returncode == 0, login.stderr
    assert re.search(r"^Signed in as bob ", login.stdout, re.M), login.stdout.splitlines()[:1]


def test_demo_walks_through_the_api_and_stops_everything(bake, tmp_path):
    # The demo bakes the defaults; a default bake here yields the same requirement files,
    # so the demo reuses the virtualenv the other tests install.
    venv = shared_venv(bake())
    demo = subprocess.Popen(
        ["make", "demo"],
        cwd=TEMPLATE,
        env=project_env(DEMO_DIR=str(tmp_path / "demo"), DEMO_VENV=str(venv)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: Ctrl-C reaches make and the demo
    )

    def ctrl_c():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(demo.pid, signal.SIGINT)

    # A demo that never gets to wait is stopped all the same; its output shows how far it got.
    watchdog = threading.Timer(600, ctrl_c)
    watchdog.start()
    try:
        out = read_until(demo.stdout, WAITING)
        assert out.endswith(WAITING + "\n"), out[-6000:]
        follow_the_instructions(out)
    finally:
        watchdog.cancel()
        ctrl_c()
        rest, _ = demo.communicate(timeout=120)
    assert demo.returncode == -signal.SIGINT, rest  # make, interrupted as in a terminal

    assert f"All {len(EXPECTED_STEPS)} steps answered as expected." in out, out[-6000:]
    for number, (title, answer) in enumerate(EXPECTED_STEPS, start=1):
        step = re.search(rf"\[{number}\] {re.escape(title)}\n(.*?)\n\n", out, re.DOTALL)
        assert step, f"step {number} ({title}) missing:\n{out[-6000:]}"
        assert f"PASS: {answer}" in step.group(1), step.group(1)
    assert '"groups": ["admin"]' in out and '"groups": []' in out
    assert "FAIL" not in out
    assert "eyJ" not in out.split("bob signs in through /api/auth/login/")[1]

    api_port = int(re.search(r"gunicorn on http://127\.0\.0\.1:(\d+)", out).group(1))
    cognito_port = int(re.search(r"emulator on 127\.0\.0\.1:(\d+)", out).group(1))
    assert "Stopping." in rest
    assert "Stopped gunicorn" in rest and "Stopped the local Cognito" in rest
    assert not is_listening(api_port)
    assert not is_listening(cognito_port)
