"""The walk-through: the requests a person would make, each printed with its answer.

Only the standard library is used, so the walk-through shows plain HTTP: signing in is one
JSON POST to Cognito (``InitiateAuth``), calling the API is a GET or POST with a header.
"""

import base64
import hashlib
import hmac
import json
import struct
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookiejar import CookieJar

INITIATE_AUTH = "AWSCognitoIdentityProviderService.InitiateAuth"
WIDTH = 220


@dataclass
class Answer:
    """An HTTP answer: status, reason, headers and the decoded JSON body (or text)."""

    status: int
    reason: str
    headers: dict
    body: object
    set_cookies: list[str] = field(default_factory=list)


def http(method: str, url: str, headers: dict | None = None, body=None, opener=None) -> Answer:
    """Send one request (through ``opener`` when given); 4xx/5xx answers are returned."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None and not request.has_header("Content-type"):
        request.add_header("Content-Type", "application/json")
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=10) as response:
            status, reason, raw = response.status, response.reason, response.read()
            answer_headers = response.headers
    except urllib.error.HTTPError as error:
        status, reason, raw = error.code, error.reason, error.read()
        answer_headers = error.headers
    try:
        decoded = json.loads(raw) if raw else None
    except ValueError:
        decoded = raw.decode(errors="replace")
    set_cookies = answer_headers.get_all("Set-Cookie") or []
    return Answer(status, reason, dict(answer_headers), decoded, set_cookies)


def cookie_browser():
    """An HTTP opener that keeps cookies, as a browser does (without JavaScript)."""
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))


def hidden_value(set_cookie: str) -> str:
    """A Set-Cookie line with its value hidden (it may hold a token)."""
    name, _, rest = set_cookie.partition("=")
    value, _, attributes = rest.partition(";")
    return f"{name}={'…' if value else ''};{attributes}"


def totp_code(secret: str, at: float | None = None) -> str:
    """An authenticator app's current code (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def fresh_totp_code(secret: str) -> str:
    """The current code, or the next one when this step ends within 3 s."""
    if 30 - time.time() % 30 < 3:
        time.sleep(30 - time.time() % 30 + 0.05)
    return totp_code(secret)


def short(token: str) -> str:
    """A token shortened for the screen (the full one is in the request)."""
    return f"{token[:24]}…({len(token)} chars)"


def claims_of(token: str) -> dict:
    """The payload of a JWT, decoded without verification (to show what Cognito put in)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def compact(value) -> str:
    """One line of JSON (or text), cut to ``WIDTH`` characters; a CSRF token in an answer
    shows as "…", as cookie values do."""
    if isinstance(value, dict) and value.get("csrfToken"):
        value = {**value, "csrfToken": "…"}
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= WIDTH else text[: WIDTH - 1] + "…"


@dataclass
class Walkthrough:
    """Runs numbered steps, prints each request and answer, and keeps the verdicts."""

    api_url: str
    cognito_url: str
    client_id: str
    token_use: str = "access"
    access_cookie: str = "accessToken"
    verdicts: list[tuple[str, bool]] = field(default_factory=list)
    tokens: dict[str, str | None] = field(default_factory=dict)
    # The passwords the walk-through set, by username: the one chosen at NEW_PASSWORD_REQUIRED
    # (the temporary one no longer signs in), a new user's once confirmed.
    passwords: dict[str, str] = field(default_factory=dict)

    def _record(self, title: str, ok: bool, why: str) -> bool:
        self.verdicts.append((title, ok))
        print(f"    {'PASS' if ok else 'FAIL'}: {why}\n")
        return ok

    def _header(self, title: str) -> None:
        print(f"[{len(self.verdicts) + 1}] {title}")

    def call(
        self,
        title: str,
        method: str,
        path: str,
        expect: int,
        user: str | None = None,
        body=None,
        check: Callable[[object], str | None] | None = None,
    ) -> Answer | None:
        """Call the API (as ``user`` when given, with the token they signed in for).

        The step passes on status ``expect`` when ``check`` (if any) finds nothing wrong.
        """
        self._header(title)
        url = self.api_url + path
        print(f"    > {method} {url}")
        headers = {}
        if user is not None:
            token = self.tokens.get(user)
            if token is None:
                self._record(title, False, f"not sent: {user} could not sign in")
                return None
            headers["Authorization"] = f"Bearer {token}"
            print(f"    > Authorization: Bearer {short(token)}   ({user}'s {self.token_use} token)")
        if body is not None:
            print(f"    > {compact(body)}")
        answer = http(method, url, headers, body)
        print(f"    < {answer.status} {answer.reason}")
        if answer.status == 401 and "WWW-Authenticate" in answer.headers:
            print(f"    < WWW-Authenticate: {answer.headers['WWW-Authenticate']}")
        print(f"    < {compact(answer.body)}")
        problem = f"expected {expect}, got {answer.status}" if answer.status != expect else None
        if problem is None and check is not None:
            problem = check(answer.body)
        self._record(title, problem is None, problem or f"{answer.status} as expected")
        return answer

    def sign_in(self, username: str, password: str) -> None:
        """Sign in to Cognito with a password; keep the token the API accepts."""
        self._header(f"{username} signs in to the local Cognito (USER_PASSWORD_AUTH)")
        body = {
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": self.client_id,
            "AuthParameters": {"USERNAME": username, "PASSWORD": password},
        }
        shown = {**body, "AuthParameters": {"USERNAME": username, "PASSWORD": "********"}}
        print(f"    > POST {self.cognito_url}/")
        print(f"    > X-Amz-Target: {INITIATE_AUTH}")
        print(f"    > {compact(shown)}")
        answer = http(
            "POST",
            f"{self.cognito_url}/",
            {"X-Amz-Target": INITIATE_AUTH, "Content-Type": "application/x-amz-json-1.1"},
            body,
        )
        print(f"    < {answer.status} {answer.reason}")
        result = answer.body.get("AuthenticationResult") if isinstance(answer.body, dict) else None
        if answer.status != 200 or not result:
            self.tokens[username] = None
            self._record(f"sign in {username}", False, f"no tokens: {compact(answer.body)}")
            return
        token = result["AccessToken"] if self.token_use == "access" else result["IdToken"]
        print(
            f"    < AccessToken {short(result['AccessToken'])}, IdToken {short(result['IdToken'])},"
            f" RefreshToken, ExpiresIn {result['ExpiresIn']}"
        )
        claims = claims_of(token)
        print(f"    claims of the {self.token_use} token (signed by the emulator's key):")
        for name in ("iss", "token_use", "client_id", "aud", "username", "cognito:username"):
            if name in claims:
                print(f"      {name}: {claims[name]}")
        print(f"      cognito:groups: {claims.get('cognito:groups', [])}")
        self.tokens[username] = token
        self._record(
            f"sign in {username}", True, f"signed in; the API takes {self.token_use} tokens"
        )

    def browser_session(self, username: str, password: str) -> None:
        """Sign in through the API as a browser page does: cookies, CSRF token, no token seen."""
        browser = cookie_browser()
        csrf = http("GET", f"{self.api_url}/api/csrf/", opener=browser).body["csrfToken"]
        headers = {"X-CSRFToken": csrf}
        title = f"{username} signs in through /api/auth/login/ (HttpOnly cookies)"
        self._header(title)
        print(f"    > POST {self.api_url}/api/auth/login/")
        print("    > X-CSRFToken: (from GET /api/csrf/, with its csrftoken cookie)")
        print(f"    > {compact({'username': username, 'password': '********'})}")
        answer = http(
            "POST",
            f"{self.api_url}/api/auth/login/",
            headers,
            {"username": username, "password": password},
            opener=browser,
        )
        print(f"    < {answer.status} {answer.reason}")
        for line in answer.set_cookies:
            print(f"    < Set-Cookie: {hidden_value(line)}")
        print(f"    < {compact(answer.body)}")
        self._record(title, *self._session_problem(answer))
        self.call_with_cookies(
            browser, f"{username} asks who they are, with the cookie", "GET", "/api/me/", 200
        )
        # A sign-in changes the CSRF token: a page fetches the new one, as here.
        headers = {
            "X-CSRFToken": http("GET", f"{self.api_url}/api/csrf/", opener=browser).body[
                "csrfToken"
            ]
        }
        self.call_with_cookies(
            browser,
            f"{username} signs out through /api/auth/logout/",
            "POST",
            "/api/auth/logout/",
            204,
            headers,
        )
        self.call_with_cookies(
            browser, f"{username}'s browser is signed out", "GET", "/api/me/", 401
        )

    def challenge_session(self, user: dict) -> None:
        """Sign in through the API when Cognito asks for a step after the password:
        ``login/`` names it (401 ``challenge_required``), ``challenge/`` answers it."""
        browser = cookie_browser()
        csrf = http("GET", f"{self.api_url}/api/csrf/", opener=browser).body["csrfToken"]
        headers = {"X-CSRFToken": csrf}
        username, step = user["username"], user["challenge"]
        title = f"{username} signs in through /api/auth/login/: Cognito asks for {step}"
        self._header(title)
        print(f"    > POST {self.api_url}/api/auth/login/")
        print(f"    > {compact({'username': username, 'password': '********'})}")
        answer = http(
            "POST",
            f"{self.api_url}/api/auth/login/",
            headers,
            {"username": username, "password": user["password"]},
            opener=browser,
        )
        print(f"    < {answer.status} {answer.reason}")
        for line in answer.set_cookies:
            print(f"    < Set-Cookie: {hidden_value(line)}")
        print(f"    < {compact(answer.body)}")
        asked = answer.body.get("challenge") if isinstance(answer.body, dict) else None
        if answer.status != 401 or asked != step:
            self._record(title, False, f"expected 401 naming {step}, got {answer.status} {asked}")
            return
        self._record(title, True, f"401 challenge_required {step}, Cognito's session in a cookie")
        if step == "SOFTWARE_TOKEN_MFA":
            body = {"code": fresh_totp_code(user["totp_secret"])}
            shown = f"{{'code': '{body['code']}'}}   (the authenticator app's current code)"
        else:
            body = {"new_password": user["password"] + "-new"}
            shown = "{'new_password': '********'}"
        title = f"{username} answers {step} at /api/auth/challenge/"
        self._header(title)
        print(f"    > POST {self.api_url}/api/auth/challenge/   (cookie: cognitoChallenge)")
        print(f"    > {shown}")
        answer = http("POST", f"{self.api_url}/api/auth/challenge/", headers, body, opener=browser)
        print(f"    < {answer.status} {answer.reason}")
        print(f"    < {compact(answer.body)}")
        if "new_password" in body and answer.status == 200:
            self.passwords[username] = body["new_password"]
        self._record(title, *self._session_problem(answer))
        self.call_with_cookies(
            browser, f"{username} asks who they are, with the cookie", "GET", "/api/me/", 200
        )

    def sign_up_session(self, username: str, password: str, email: str) -> None:
        """A new user signs up, confirms with the emailed code and signs in, through the API
        as the sign-in page does (the local emulator sends no email and takes any code)."""
        browser = cookie_browser()
        headers = {
            "X-CSRFToken": http("GET", f"{self.api_url}/api/csrf/", opener=browser).body[
                "csrfToken"
            ]
        }
        body = {"username": username, "password": password, "email": email}
        answer = self.post_with_cookies(
            browser,
            f"{username} signs up through /api/auth/signup/",
            "/api/auth/signup/",
            body,
            {**body, "password": "********"},
            202,
            headers,
        )
        if answer.status != 202:
            return
        confirmed = self.post_with_cookies(
            browser,
            f"{username} confirms at /api/auth/signup/confirm/ (the local emulator takes any code)",
            "/api/auth/signup/confirm/",
            {"username": username, "code": "123456"},
            {"username": username, "code": "123456"},
            204,
            headers,
        )
        if confirmed.status == 204:
            self.passwords[username] = password
        title = f"{username} signs in through /api/auth/login/ (HttpOnly cookies)"
        answer = self.post_with_cookies(
            browser,
            title,
            "/api/auth/login/",
            {"username": username, "password": password},
            {"username": username, "password": "********"},
            None,
            headers,
        )
        self._record(title, *self._session_problem(answer))
        self.call_with_cookies(
            browser, f"{username} asks who they are, with the cookie", "GET", "/api/me/", 200
        )

    def post_with_cookies(
        self, browser, title, path, body, shown, expect: int | None, headers
    ) -> Answer:
        """POST ``body`` (printed as ``shown``: no password on screen) with the browser's
        cookies; the step's verdict is recorded here unless ``expect`` is None."""
        self._header(title)
        print(f"    > POST {self.api_url}{path}   (X-CSRFToken from GET /api/csrf/)")
        print(f"    > {compact(shown)}")
        answer = http("POST", self.api_url + path, headers, body, opener=browser)
        print(f"    < {answer.status} {answer.reason}")
        for line in answer.set_cookies:
            print(f"    < Set-Cookie: {hidden_value(line)}")
        if answer.body is not None:
            print(f"    < {compact(answer.body)}")
        if expect is not None:
            problem = f"expected {expect}, got {answer.status}" if answer.status != expect else None
            self._record(title, problem is None, problem or f"{answer.status} as expected")
        return answer

    def _session_problem(self, answer: Answer) -> tuple[bool, str]:
        if answer.status != 200:
            return False, f"expected 200, got {answer.status}"
        if "eyJ" in json.dumps(answer.body):
            return False, "a token is in the body"
        httponly = [
            line for line in answer.set_cookies if "httponly" in line.lower().replace(" ", "")
        ]
        names = {line.split("=", 1)[0] for line in httponly}
        if self.access_cookie not in names or len(names) < 2:
            return False, f"HttpOnly cookies set: {sorted(names)}"
        return True, f"200 as expected; HttpOnly cookies {sorted(names)}, no token in the body"

    def call_with_cookies(self, browser, title, method, path, expect, headers=None) -> None:
        """Call the API with the browser's cookies (and ``headers``)."""
        self._header(title)
        print(f"    > {method} {self.api_url}{path}   (cookies: {self.access_cookie} ...)")
        answer = http(method, self.api_url + path, headers, opener=browser)
        print(f"    < {answer.status} {answer.reason}")
        if answer.body is not None:
            print(f"    < {compact(answer.body)}")
        problem = f"expected {expect}, got {answer.status}" if answer.status != expect else None
        self._record(title, problem is None, problem or f"{answer.status} as expected")

    @property
    def passed(self) -> bool:
        """True when every step answered as expected."""
        return bool(self.verdicts) and all(ok for _title, ok in self.verdicts)


def groups_are(expected: list[str]) -> Callable[[object], str | None]:
    """A check that the /api/me/ answer lists exactly ``expected`` groups."""

    def check(body) -> str | None:
        groups = body.get("groups") if isinstance(body, dict) else None
        return None if groups == expected else f"groups {groups!r}, expected {expected!r}"

    return check


def notes_in(body) -> list[str]:
    """The texts of a notes list (paginated or not)."""
    notes = body.get("results", []) if isinstance(body, dict) else body or []
    return [note.get("text") for note in notes if isinstance(note, dict)]


def walk(
    walkthrough: Walkthrough, admin, plain, admin_group: str, challenge_users=(), new_user=None
) -> Walkthrough:
    """The steps: public, refused without token, sign-ins, identity, groups, notes, the
    sign-ins through a challenge of ``challenge_users`` (as recorded by the project), and
    ``new_user`` (username, password, email) signing up, confirming and signing in.

    ``admin`` and ``plain`` are (username, password) pairs; ``admin`` is in ``admin_group``.
    """
    w = walkthrough
    note = f"Hello from {admin[0]}"
    w.call("Anyone may call the public endpoint", "GET", "/api/public/", 200)
    w.call("/api/me/ without a token is refused", "GET", "/api/me/", 401)
    w.sign_in(*admin)
    w.sign_in(*plain)
    w.call(
        f"{admin[0]} asks who they are",
        "GET",
        "/api/me/",
        200,
        admin[0],
        check=groups_are([admin_group]),
    )
    w.call(f"{plain[0]} asks who they are", "GET", "/api/me/", 200, plain[0], check=groups_are([]))
    w.call(
        f"{admin[0]} (group {admin_group}) calls the admin endpoint",
        "GET",
        "/api/admin/",
        200,
        admin[0],
    )
    w.call(f"{plain[0]} (no group) calls the admin endpoint", "GET", "/api/admin/", 403, plain[0])
    w.call(f"{admin[0]} writes a note", "POST", "/api/notes/", 201, admin[0], body={"text": note})
    w.call(
        f"{admin[0]} lists their notes",
        "GET",
        "/api/notes/",
        200,
        admin[0],
        check=lambda body: None if note in notes_in(body) else "the note is missing",
    )
    w.call(
        f"{plain[0]} lists their notes: {admin[0]}'s are not theirs",
        "GET",
        "/api/notes/",
        200,
        plain[0],
        check=lambda body: "sees another user's note" if note in notes_in(body) else None,
    )
    w.browser_session(*plain)
    for user in challenge_users:
        w.challenge_session(user)
    if new_user is not None:
        w.sign_up_session(*new_user)
    return w
