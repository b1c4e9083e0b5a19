"""The sign-in page in a real browser: headless Chromium (Debian's) driven by Playwright.

gunicorn serves the project, moto's emulator signs users in, and the browser does what a
person would: sign in (through an authenticator code, a new password, an authenticator
set-up with its QR code), read the groups, write a note, refresh, sign out. A second origin on
127.0.0.1 calls the API with ``credentials: "include"``: allowed when listed in
``DJANGO_CORS_ALLOWED_ORIGINS``, blocked by the browser otherwise; it signs in and writes a
note with the CSRF token the sign-in answer carries (signing in rotates it).
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings

from scripts.authenticator import fresh_totp_code
from scripts.moto_server import TOTP_SECRET
from scripts.ports import free_port
from scripts.seed import emulator_client, seed

from .browser import (
    CHROMIUM_MISSING,
    EXPECT_TIMEOUT_MS,
    chromium_path,
    launched_chromium,
    served_project,
)

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

REGION = "eu-west-3"  # its own pool on the shared emulator
expect.set_options(timeout=EXPECT_TIMEOUT_MS)

if not chromium_path():
    pytest.skip(CHROMIUM_MISSING, allow_module_level=True)


class FrontEnd:
    """A page on its own origin (127.0.0.1, another port) that calls the API with cookies."""

    def __init__(self, api_url: str, port: int = 0, page: str = ""):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        page = (page or FRONT_END_PAGE).replace("API_URL", api_url).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, format, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> "FrontEnd":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()


FRONT_END_PAGE = """<!doctype html>
<html><body><p id="result">calling</p>
<script>
fetch("API_URL/api/me/", { credentials: "include" })
  .then((response) => response.json())
  .then((me) => { document.getElementById("result").textContent = "user " + me.username; })
  .catch((error) => { document.getElementById("result").textContent = "blocked " + error.name; });
</script></body></html>"""

# A front end as the README's snippet writes one: the CSRF token fetched from the API once,
# then the one each sign-in answer carries, as a front end on another site must (it cannot
# read the API's csrftoken cookie; this one, on the same host, does not try).
SIGN_IN_FRONT_END_PAGE = """<!doctype html>
<html><body>
<form id="sign-in">
  <label>Username <input name="username"></label>
  <label>Password <input name="password" type="password"></label>
  <button>Sign in</button>
</form>
<form id="note"><label>Note <input name="text"></label><button>Write the note</button></form>
<p id="result">signed out</p>
<script>
let csrf = null;
async function post(path, body) {
  if (csrf === null) {
    const answer = await fetch("API_URL/api/csrf/", { credentials: "include" });
    csrf = (await answer.json()).csrfToken;
  }
  return fetch("API_URL" + path, {
    method: "POST",
    credentials: "include",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify(body),
  });
}
const show = (text) => { document.getElementById("result").textContent = text; };
document.getElementById("sign-in").addEventListener("submit", async (event) => {
  event.preventDefault();
  const answer = await post("/api/auth/login/", Object.fromEntries(new FormData(event.target)));
  const data = await answer.json();
  if (!answer.ok) return show(`sign-in refused ${answer.status}`);
  csrf = data.csrfToken;
  show(`signed in as ${data.username}`);
});
document.getElementById("note").addEventListener("submit", async (event) => {
  event.preventDefault();
  const answer = await post("/api/notes/", Object.fromEntries(new FormData(event.target)));
  const data = await answer.json();
  show(answer.ok ? `note ${answer.status}: ${data.text}` : `note refused ${answer.status}`);
});
</script></body></html>"""


@pytest.fixture(scope="module")
def cognito(moto_emulator):
    """The emulator with the local pool, alice (admin group) and bob (no group)."""
    return seed(moto_emulator.endpoint_url, REGION, settings.COGNITO_ADMIN_GROUP)


@pytest.fixture(scope="module")
def allowed_front_end_port():
    return free_port()


@pytest.fixture(scope="module")
def site(cognito, allowed_front_end_port, tmp_path_factory):
    """gunicorn serving the project as locally, with one front-end origin allowed."""
    folder = tmp_path_factory.mktemp("browser")
    allowed = f"http://127.0.0.1:{allowed_front_end_port}"
    with served_project(cognito, folder, DJANGO_CORS_ALLOWED_ORIGINS=allowed) as server:
        yield server


@pytest.fixture(scope="module")
def chromium():
    """One browser for the tests of this module."""
    with launched_chromium(playwright_api) as browser:
        yield browser


@pytest.fixture
def context(chromium):
    """A fresh context (its own cookies) for each test."""
    context = chromium.new_context()
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


def user(cognito, name: str):
    return next(candidate for candidate in cognito.users if candidate.username == name)


PASSWORD = "Step-By-Step-Passw0rd!"


def enter_password(page, site, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{site.url}/")
    form = page.locator("#sign-in")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password").fill(password)
    form.get_by_role("button", name="Sign in").click()


def sign_in(page, site, person) -> None:
    enter_password(page, site, person.username, person.password)
    expect(page.get_by_text("Signed in as")).to_be_visible()


def test_the_admin_signs_in_and_sees_the_groups(page, site, cognito):
    sign_in(page, site, user(cognito, "alice"))
    expect(page.locator("#username")).to_have_text("alice")
    expect(page.locator("#groups")).to_have_text(settings.COGNITO_ADMIN_GROUP)


def test_a_plain_user_writes_a_note_refreshes_and_signs_out(page, site, cognito):
    sign_in(page, site, user(cognito, "bob"))
    expect(page.locator("#groups")).to_have_text("no group")
    page.get_by_label("New note").fill("Written in a real browser")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Written in a real browser")).to_be_visible()
    page.get_by_role("button", name="Refresh session").click()
    expect(page.get_by_text("Session refreshed")).to_be_visible()
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_text("Signed out.")).to_be_visible()
    page.reload()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_the_page_asks_for_the_csrf_token_once_and_keeps_the_sign_in_answers(page, site, cognito):
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    sign_in(page, site, user(cognito, "bob"))
    page.get_by_label("New note").fill("With the token of the sign-in answer")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Note saved.")).to_be_visible()
    page.get_by_role("button", name="Refresh session").click()
    expect(page.get_by_text("Session refreshed")).to_be_visible()
    # Once, for the sign-in; the note and the refresh sent the token its answer carried.
    assert [url for url in asked if url.endswith("/api/csrf/")] == [f"{site.url}/api/csrf/"]


def test_signing_in_again_in_another_tab_does_not_stop_this_one(page, context, site, cognito):
    bob = user(cognito, "bob")
    sign_in(page, site, bob)
    other_tab = context.new_page()
    other_tab.goto(f"{site.url}/")
    other_tab.get_by_role("button", name="Sign out", exact=True).click()
    expect(other_tab.get_by_text("Signed out.")).to_be_visible()
    sign_in(other_tab, site, bob)  # a new sign-in: the CSRF token this tab holds is void
    page.get_by_label("New note").fill("Written after the other tab signed in")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Note saved.")).to_be_visible()
    expect(page.get_by_text("Written after the other tab signed in")).to_be_visible()


def test_page_scripts_cannot_read_the_tokens(page, context, site, cognito):
    sign_in(page, site, user(cognito, "alice"))
    readable = page.evaluate("document.cookie")
    assert settings.ACCESS_TOKEN_KEY not in readable
    assert "refreshToken" not in readable
    assert "eyJ" not in readable
    stored = {cookie["name"]: cookie for cookie in context.cookies()}
    assert stored[settings.ACCESS_TOKEN_KEY]["httpOnly"] is True
    assert stored[settings.ACCESS_TOKEN_KEY]["sameSite"] == "Lax"


def test_a_wrong_password_is_shown(page, site):
    enter_password(page, site, "alice", "not-the-password")
    expect(page.get_by_text("incorrect username or password")).to_be_visible()


def test_an_allowed_origin_calls_the_api_with_the_cookies(
    page, site, cognito, allowed_front_end_port
):
    sign_in(page, site, user(cognito, "alice"))
    with FrontEnd(site.url, port=allowed_front_end_port) as front_end:
        page.goto(front_end.url)
        expect(page.locator("#result")).to_have_text("user alice")


def test_an_allowed_origin_signs_in_and_writes_with_the_token_of_the_sign_in_answer(
    page, site, cognito, allowed_front_end_port
):
    bob = user(cognito, "bob")
    with FrontEnd(site.url, port=allowed_front_end_port, page=SIGN_IN_FRONT_END_PAGE) as front_end:
        page.goto(front_end.url)
        form = page.locator("#sign-in")
        form.get_by_label("Username").fill(bob.username)
        form.get_by_label("Password").fill(bob.password)
        form.get_by_role("button", name="Sign in").click()
        expect(page.locator("#result")).to_have_text("signed in as bob")
        page.get_by_label("Note").fill("Written from another origin")
        page.get_by_role("button", name="Write the note").click()
        expect(page.locator("#result")).to_have_text("note 201: Written from another origin")


def test_another_origin_is_blocked_by_the_browser(page, site, cognito):
    sign_in(page, site, user(cognito, "alice"))
    with FrontEnd(site.url) as front_end:
        page.goto(front_end.url)
        expect(page.locator("#result")).to_have_text("blocked TypeError")


# --- The steps after the password ------------------------------------------------------------


def new_user(cognito, username: str, temporary: bool = False) -> None:
    """A user of the emulator's pool; ``temporary``: a new password is due at sign-in."""
    idp = emulator_client(cognito.endpoint_url, cognito.region)
    idp.admin_create_user(
        UserPoolId=cognito.pool_id,
        Username=username,
        TemporaryPassword=PASSWORD,
        MessageAction="SUPPRESS",
    )
    if not temporary:
        idp.admin_set_user_password(
            UserPoolId=cognito.pool_id, Username=username, Password=PASSWORD, Permanent=True
        )


def test_an_authenticator_user_signs_in_with_a_code(page, site, cognito):
    new_user(cognito, "tom")
    idp = emulator_client(cognito.endpoint_url, cognito.region)
    token = idp.initiate_auth(
        ClientId=cognito.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "tom", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["AccessToken"]
    idp.associate_software_token(AccessToken=token)
    idp.verify_software_token(AccessToken=token, UserCode=fresh_totp_code(TOTP_SECRET))
    idp.set_user_mfa_preference(
        AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    enter_password(page, site, "tom")
    expect(page.get_by_text("Enter the code from your authenticator app.")).to_be_visible()
    page.locator("#challenge").get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("the code is not right")).to_be_visible()
    page.locator("#challenge").get_by_label("Code").fill(fresh_totp_code(TOTP_SECRET))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()
    expect(page.locator("#username")).to_have_text("tom")
    assert "cognitoChallenge" not in page.evaluate("document.cookie")


def test_a_new_password_then_an_authenticator_set_up_with_its_qr_code(page, site, cognito):
    idp = emulator_client(cognito.endpoint_url, cognito.region)
    # MFA required: a user who has none sets up the authenticator after the new password.
    idp.set_user_pool_mfa_config(
        UserPoolId=cognito.pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="ON",
    )
    try:
        new_user(cognito, "nadia", temporary=True)
        enter_password(page, site, "nadia")
        expect(page.get_by_text("Choose a new password.")).to_be_visible()
        page.locator("#challenge").get_by_label("New password").fill("Nadia-New-Passw0rd!")
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("button", name="Set up an authenticator app").click()
        expect(page.get_by_text("Scan the QR code")).to_be_visible()
        expect(page.locator("#qr-code svg")).to_be_visible()
        expect(page.locator("#secret")).to_have_text(TOTP_SECRET)
        page.locator("#challenge").get_by_label("Code").fill(fresh_totp_code(TOTP_SECRET))
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_text("Signed in as")).to_be_visible()
        expect(page.locator("#username")).to_have_text("nadia")
    finally:
        idp.set_user_pool_mfa_config(UserPoolId=cognito.pool_id, MfaConfiguration="OFF")
