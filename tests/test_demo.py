"""`make demo` with DEMO_EXIT=1: the whole walk-through passes and nothing is left running."""

import re
import socket

from .conftest import TEMPLATE, run, shared_venv

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


def is_listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_demo_walks_through_the_api_and_stops_everything(bake, tmp_path):
    # The demo bakes the defaults; a default bake here yields the same requirement files,
    # so the demo reuses the virtualenv the other tests install.
    venv = shared_venv(bake())
    result = run(
        TEMPLATE,
        "make",
        "demo",
        DEMO_EXIT="1",
        DEMO_DIR=str(tmp_path / "demo"),
        DEMO_VENV=str(venv),
    )
    out = result.stdout
    assert f"All {len(EXPECTED_STEPS)} steps answered as expected." in out, out[-6000:]
    for number, (title, answer) in enumerate(EXPECTED_STEPS, start=1):
        step = re.search(rf"\[{number}\] {re.escape(title)}\n(.*?)\n\n", out, re.DOTALL)
        assert step, f"step {number} ({title}) missing:\n{out[-6000:]}"
        assert f"PASS: {answer}" in step.group(1), step.group(1)
    assert '"groups": ["admin"]' in out and '"groups": []' in out
    assert "FAIL" not in out
    assert "eyJ" not in out.split("bob signs in through /api/auth/login/")[1]
    assert re.search(r"Sign-in page: http://127\.0\.0\.1:\d+/", out)

    api_port = int(re.search(r"gunicorn on http://127\.0\.0\.1:(\d+)", out).group(1))
    cognito_port = int(re.search(r"emulator on 127\.0\.0\.1:(\d+)", out).group(1))
    assert "Stopped gunicorn" in out and "Stopped the local Cognito" in out
    assert not is_listening(api_port)
    assert not is_listening(cognito_port)
