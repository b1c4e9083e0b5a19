"""Sign-in challenges and authenticator self-service, completed on the server.

moto (one server for the module, TOTP codes checked) covers NEW_PASSWORD_REQUIRED,
MFA_SETUP, SOFTWARE_TOKEN_MFA and SMS_MFA; ``CognitoChallengeServer`` speaks Cognito's
protocol for what moto lacks (EMAIL_OTP, SELECT_MFA_TYPE, required attributes, a step
nobody knows yet). The browser never sees Cognito's session, only the signed cookie.
"""

import json
import logging
import time
from http.cookies import SimpleCookie

import boto3
import pytest
from django.conf import settings
from django.core import signing
from django.middleware.csrf import _unmask_cipher_token
from rest_framework.test import APIClient

from djognito.browser import challenges, cookies, mfa
from djognito.conf import load_config
from djognito.jwt_utils import reset_verifier
from scripts.authenticator import fresh_totp_code, totp_code
from scripts.challenge_users import AUTHENTICATOR_USER, seed_challenge_users
from scripts.cognito_challenges import ChallengeUser, CognitoChallengeServer
from scripts.cognito_fakes import CognitoErrorServer
from scripts.moto_server import TOTP_SECRET
from scripts.seed import EMULATOR_CREDENTIALS, seed

from .local_pool import use_local_pool

pytestmark = pytest.mark.django_db

REGION = "ap-northeast-1"  # its own pools on the shared emulator
PASSWORD = "Sign-In-Passw0rd!"
NEW_PASSWORD = "Brand-New-Passw0rd!"
CHALLENGE = "/api/auth/challenge/"
# AWS_COGNITO_CHALLENGE_COOKIE's default.
CHALLENGE_COOKIE = "cognitoChallenge"


class Pool:
    """A pool with MFA on (authenticator app) in the module's moto server."""

    def __init__(self, endpoint_url: str):
        self.endpoint_url = endpoint_url
        self.idp = boto3.client(
            "cognito-idp", region_name=REGION, endpoint_url=endpoint_url, **EMULATOR_CREDENTIALS
        )
        self.pool_id = self.idp.create_user_pool(PoolName="challenges")["UserPool"]["Id"]
        self.idp.set_user_pool_mfa_config(
            UserPoolId=self.pool_id,
            SoftwareTokenMfaConfiguration={"Enabled": True},
            MfaConfiguration="ON",
        )
        self.client_id = self.new_client()["ClientId"]
        self._count = 0

    def new_client(self, secret: bool = False) -> dict:
        return self.idp.create_user_pool_client(
            UserPoolId=self.pool_id,
            ClientName=f"client-{secret}",
            GenerateSecret=secret,
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]

    def user(self, prefix: str, temporary: bool = False) -> str:
        """A new user; with ``temporary``, one an administrator created (a new password due)."""
        self._count += 1
        username = f"{prefix}{self._count}"
        self.idp.admin_create_user(
            UserPoolId=self.pool_id,
            Username=username,
            TemporaryPassword=PASSWORD,
            MessageAction="SUPPRESS",
        )
        if not temporary:
            self.idp.admin_set_user_password(
                UserPoolId=self.pool_id, Username=username, Password=PASSWORD, Permanent=True
            )
        return username

    def totp_user(self) -> str:
        """A user whose authenticator app is on: sign-in asks SOFTWARE_TOKEN_MFA."""
        username = self.user("tina")
        token = self.idp.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
        )["AuthenticationResult"]["AccessToken"]
        self.idp.associate_software_token(AccessToken=token)
        self.idp.verify_software_token(AccessToken=token, UserCode=fresh_totp_code(TOTP_SECRET))
        self.idp.set_user_mfa_preference(
            AccessToken=token,
            SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
        )
        return username

    def sms_user(self) -> str:
        """A user whose sign-in asks SMS_MFA (moto checks no SMS code)."""
        username = self.user("sam")
        self.idp.admin_set_user_mfa_preference(
            UserPoolId=self.pool_id,
            Username=username,
            SMSMfaSettings={"Enabled": True, "PreferredMfa": True},
        )
        return username


@pytest.fixture(scope="module")
def moto_pool(moto_emulator):
    return Pool(moto_emulator.endpoint_url)


@pytest.fixture
def pool(settings, moto_pool):
    settings.AWS_COGNITO_REGION = REGION
    settings.AWS_COGNITO_USER_POOL_ID = moto_pool.pool_id
    settings.AWS_COGNITO_APP_CLIENT_ID = moto_pool.client_id
    settings.AWS_COGNITO_JWKS_URL = (
        f"{moto_pool.endpoint_url}/{moto_pool.pool_id}/.well-known/jwks.json"
    )
    settings.AWS_COGNITO_ENDPOINT_URL = moto_pool.endpoint_url
    reset_verifier()
    return moto_pool


@pytest.fixture
def browser():
    return APIClient(enforce_csrf_checks=True)


def csrf_token(client) -> str:
    return client.get("/api/csrf/").json()["csrfToken"]


def post(client, path, body=None, csrf=True, method="post"):
    headers = {"HTTP_X_CSRFTOKEN": csrf_token(client)} if csrf else {}
    payload = json.dumps(body) if body is not None else ""
    return getattr(client, method)(path, payload, content_type="application/json", **headers)


def login(client, username, password=PASSWORD):
    return post(client, "/api/auth/login/", {"username": username, "password": password})


def parsed_cookie(response, name) -> SimpleCookie:
    cookie = SimpleCookie()
    cookie.load(response.cookies[name].OutputString())
    return cookie[name]


def pending_session(client) -> str:
    """Cognito's session, as the server signed it into the challenge cookie."""
    raw = client.cookies[CHALLENGE_COOKIE].value
    return signing.loads(raw, salt=cookies.CHALLENGE_SALT)[0]


def signed_in_as(client, username) -> bool:
    return client.get("/api/me/").json().get("username") == username


# --- moto: SOFTWARE_TOKEN_MFA, SMS_MFA, NEW_PASSWORD_REQUIRED, MFA_SETUP --------------------


def test_an_authenticator_user_signs_in_with_a_code_after_a_wrong_one(pool, browser):
    username = pool.totp_user()
    asked = login(browser, username)
    assert asked.status_code == 401
    body = asked.json()
    assert body["code"] == "challenge_required"
    assert body["challenge"] == "SOFTWARE_TOKEN_MFA"
    assert body["parameters"] == {}
    session = pending_session(browser)
    assert session not in asked.content.decode()
    assert settings.ACCESS_TOKEN_KEY not in asked.cookies

    wrong = post(browser, CHALLENGE, {"code": "000000"})
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "invalid_code"

    answered = post(browser, CHALLENGE, {"code": fresh_totp_code(TOTP_SECRET)})
    assert answered.status_code == 200, answered.json()
    assert answered.json()["username"] == username
    assert b"eyJ" not in answered.content
    assert parsed_cookie(answered, CHALLENGE_COOKIE)["max-age"] == "0"
    assert settings.AWS_COGNITO_REFRESH_COOKIE in answered.cookies
    assert signed_in_as(browser, username)


def test_the_answer_that_signs_in_carries_the_new_csrf_token(pool, browser):
    username = pool.totp_user()
    asked = login(browser, username)
    assert asked.status_code == 401
    assert settings.CSRF_COOKIE_NAME not in asked.cookies  # not signed in yet: the token stays
    before = csrf_token(browser)
    old_cookie = browser.cookies[settings.CSRF_COOKIE_NAME].value
    answered = browser.post(
        CHALLENGE,
        {"code": fresh_totp_code(TOTP_SECRET)},
        format="json",
        HTTP_X_CSRFTOKEN=before,
    )
    assert answered.status_code == 200, answered.json()
    body = answered.json()
    assert set(body) == {"username", "expires_in", "csrfToken"}
    new_cookie = answered.cookies[settings.CSRF_COOKIE_NAME].value
    assert _unmask_cipher_token(body["csrfToken"]) == new_cookie
    assert new_cookie != old_cookie
    note = {"text": "after the code"}
    stale = browser.post("/api/notes/", note, format="json", HTTP_X_CSRFTOKEN=before)
    assert stale.status_code == 403
    fresh = browser.post("/api/notes/", note, format="json", HTTP_X_CSRFTOKEN=body["csrfToken"])
    assert fresh.status_code == 201


def test_the_challenge_cookie_is_signed_httponly_strict_and_short(pool, browser):
    asked = login(browser, pool.totp_user())
    cookie = parsed_cookie(asked, CHALLENGE_COOKIE)
    assert cookie["httponly"] is True
    assert cookie["secure"] is True  # DEBUG is off in the tests
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/api/auth/"
    assert cookie["max-age"] == "180"
    assert "no-store" in asked["Cache-Control"]


def test_an_sms_user_answers_with_the_code(pool, browser):
    username = pool.sms_user()
    asked = login(browser, username)
    assert asked.json()["challenge"] == "SMS_MFA"
    assert set(asked.json()["parameters"]) == {"destination"}
    assert post(browser, CHALLENGE, {"code": "123456"}).status_code == 200
    assert signed_in_as(browser, username)


def test_a_new_password_then_authenticator_setup_end_to_end(pool, browser):
    username = pool.user("newton", temporary=True)
    asked = login(browser, username)
    assert asked.json()["challenge"] == "NEW_PASSWORD_REQUIRED"
    assert asked.json()["parameters"] == {"required_attributes": []}

    setup = post(browser, CHALLENGE, {"new_password": NEW_PASSWORD})
    assert setup.status_code == 401
    assert setup.json()["challenge"] == "MFA_SETUP"
    # moto sends MFAS_CAN_SETUP as Python's repr of a list: read all the same.
    assert setup.json()["parameters"] == {"options": ["SOFTWARE_TOKEN_MFA"]}

    secret = post(browser, CHALLENGE, {"mfa": "SOFTWARE_TOKEN_MFA"})
    assert secret.status_code == 401
    assert secret.json()["challenge"] == "MFA_SETUP"
    parameters = secret.json()["parameters"]
    assert parameters["secret"] == TOTP_SECRET
    assert parameters["otpauth_uri"].startswith("otpauth://totp/testserver:")
    assert f"secret={TOTP_SECRET}" in parameters["otpauth_uri"]

    assert post(browser, CHALLENGE, {"code": "000000"}).json()["code"] == "invalid_code"
    assert post(browser, CHALLENGE, {"code": "not-digits"}).json()["code"] == "invalid_code"
    done = post(browser, CHALLENGE, {"code": fresh_totp_code(TOTP_SECRET)})
    assert done.status_code == 200, done.json()
    assert TOTP_SECRET not in done.content.decode()
    assert signed_in_as(browser, username)

    # From now on the new password and the authenticator sign the user in.
    again = APIClient(enforce_csrf_checks=True)
    assert login(again, username, NEW_PASSWORD).json()["challenge"] == "SOFTWARE_TOKEN_MFA"
    assert post(again, CHALLENGE, {"code": fresh_totp_code(TOTP_SECRET)}).status_code == 200


def test_the_mfa_setup_body_is_one_of_mfa_or_code(pool, browser):
    login(browser, pool.user("nina", temporary=True))
    post(browser, CHALLENGE, {"new_password": NEW_PASSWORD})
    for body in ({}, {"mfa": "SOFTWARE_TOKEN_MFA", "code": "1"}, {"mfa": "SMS_MFA"}):
        assert post(browser, CHALLENGE, body).status_code == 400


def test_secret_hash_goes_with_every_answer(pool, browser, settings):
    client = pool.new_client(secret=True)
    settings.AWS_COGNITO_APP_CLIENT_ID = client["ClientId"]
    settings.AWS_COGNITO_APP_CLIENT_SECRET = client["ClientSecret"]
    username = pool.totp_user()
    assert login(browser, username).json()["challenge"] == "SOFTWARE_TOKEN_MFA"
    # moto checks SECRET_HASH on the answer: a wrong or missing one is refused.
    assert post(browser, CHALLENGE, {"code": fresh_totp_code(TOTP_SECRET)}).status_code == 200


@pytest.mark.parametrize(
    "value",
    [
        None,
        "garbage",
        signing.dumps(["session", "alice", "SOFTWARE_TOKEN_MFA"], salt="another-salt"),
        signing.dumps("wrong shape", salt=cookies.CHALLENGE_SALT),
        signing.dumps(["", "alice", "SOFTWARE_TOKEN_MFA"], salt=cookies.CHALLENGE_SALT),
    ],
    ids=["missing", "garbage", "another-salt", "wrong-shape", "empty-session"],
)
def test_a_missing_or_forged_challenge_cookie_is_challenge_expired(pool, browser, value):
    if value is not None:
        browser.cookies[CHALLENGE_COOKIE] = value
    response = post(browser, CHALLENGE, {"code": "123456"})
    assert response.status_code == 401
    assert response.json()["code"] == "challenge_expired"
    assert parsed_cookie(response, CHALLENGE_COOKIE)["max-age"] == "0"


class PastTimestampSigner(signing.TimestampSigner):
    """Signs as this server does, dated ``seconds_ago`` in the past."""

    def __init__(self, seconds_ago: int, **kwargs):
        super().__init__(**kwargs)
        self.seconds_ago = seconds_ago

    def timestamp(self):
        return signing.b62_encode(int(time.time()) - self.seconds_ago)


def test_an_expired_challenge_cookie_or_session_is_challenge_expired(pool, browser):
    login(browser, pool.totp_user())
    current = signing.loads(browser.cookies[CHALLENGE_COOKIE].value, salt=cookies.CHALLENGE_SALT)
    stale = PastTimestampSigner(181, salt=cookies.CHALLENGE_SALT).sign_object(
        current, compress=True
    )
    browser.cookies[CHALLENGE_COOKIE] = stale
    assert post(browser, CHALLENGE, {"code": "123456"}).json()["code"] == "challenge_expired"
    # Signed by us, but a session Cognito does not know (any more).
    unknown = signing.dumps(["no-such-session-" * 3, *current[1:]], salt=cookies.CHALLENGE_SALT)
    browser.cookies[CHALLENGE_COOKIE] = unknown
    response = post(browser, CHALLENGE, {"code": "123456"})
    assert response.status_code == 401
    assert response.json()["code"] == "challenge_expired"


def test_six_wrong_codes_for_one_username_are_429_even_with_the_right_code(pool, browser):
    username = pool.totp_user()
    login(browser, username)
    answers = [post(browser, CHALLENGE, {"code": "000000"}).status_code for _ in range(5)]
    assert answers == [400] * 5
    locked = post(browser, CHALLENGE, {"code": fresh_totp_code(TOTP_SECRET)})
    assert locked.status_code == 429
    assert locked.json()["code"] == "too_many_attempts"
    assert 0 < int(locked["Retry-After"]) <= 300
    # The password sign-in of that username is locked as well.
    assert login(APIClient(enforce_csrf_checks=True), username).status_code == 429


@pytest.mark.parametrize(
    "cognito_error", ["TooManyFailedAttemptsException", "LimitExceededException"]
)
def test_cognitos_limits_on_an_answer_are_429(pool, browser, settings, cognito_error):
    login(browser, pool.totp_user())
    with CognitoErrorServer(cognito_error) as server:
        settings.AWS_COGNITO_ENDPOINT_URL = server.url
        response = post(browser, CHALLENGE, {"code": "123456"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert server.targets == ["AWSCognitoIdentityProviderService.RespondToAuthChallenge"]


@pytest.mark.parametrize(
    "payload",
    [
        '{"code": ',
        "[1, 2]",
        "{}",
        '{"code": {"$ne": 1}}',
        '{"code": ["1"]}',
        '{"code": "' + "1" * 5000 + '"}',
        '{"code": null}',
    ],
    ids=["truncated", "list", "empty", "object", "array", "huge", "null"],
)
def test_hostile_challenge_bodies_are_400(pool, browser, payload):
    login(browser, pool.totp_user())
    response = browser.post(
        CHALLENGE, payload, content_type="application/json", HTTP_X_CSRFTOKEN=csrf_token(browser)
    )
    assert response.status_code == 400


def test_hostile_new_password_bodies_are_400(pool, browser):
    login(browser, pool.user("hugo", temporary=True))
    for body in (
        {"new_password": NEW_PASSWORD, "attributes": {"name": {"nested": "x"}}},
        {"new_password": NEW_PASSWORD, "attributes": ["name"]},
        {"new_password": NEW_PASSWORD, "attributes": {"bad name!": "x"}},
        {"new_password": NEW_PASSWORD, "attributes": {f"a{n}": "x" for n in range(51)}},
        {"new_password": "x" * 300},
    ):
        assert post(browser, CHALLENGE, body).status_code == 400, body


def test_a_huge_challenge_body_is_refused(pool, browser):
    login(browser, pool.totp_user())
    payload = json.dumps({"code": "1" * (3 * 1024 * 1024)})
    response = browser.post(
        CHALLENGE, payload, content_type="application/json", HTTP_X_CSRFTOKEN=csrf_token(browser)
    )
    assert 400 <= response.status_code < 500


def test_codes_sessions_passwords_and_secrets_never_reach_the_logs(pool, browser, caplog):
    username = pool.user("lena", temporary=True)
    with caplog.at_level(logging.DEBUG, logger="djognito"), caplog.at_level(logging.INFO):
        login(browser, username)
        sessions = [pending_session(browser)]
        post(browser, CHALLENGE, {"new_password": NEW_PASSWORD})
        post(browser, CHALLENGE, {"mfa": "SOFTWARE_TOKEN_MFA"})
        sessions.append(pending_session(browser))
        post(browser, CHALLENGE, {"code": "000000"})
        code = fresh_totp_code(TOTP_SECRET)
        assert post(browser, CHALLENGE, {"code": code}).status_code == 200
    for secret in (*sessions, PASSWORD, NEW_PASSWORD, TOTP_SECRET, code, "000000", "eyJ"):
        assert secret not in caplog.text


# --- Self-service: the authenticator app of a signed-in user ---------------------------------


@pytest.fixture
def access_pool(pool, settings):
    """The pool, with the cookie holding access tokens: Cognito's MFA calls take no other
    (a project of id tokens answers these endpoints 401 access_token_required)."""
    settings.AWS_COGNITO_TOKEN_USE = "access"
    return pool


def test_a_signed_in_user_sets_up_and_removes_the_authenticator(access_pool, browser, monkeypatch):
    username = access_pool.user("mia")
    assert login(browser, username).status_code == 200
    assert browser.get("/api/auth/mfa/").json() == {"enabled": [], "preferred": None}

    setup = post(browser, "/api/auth/mfa/totp/")
    assert setup.status_code == 200
    assert setup.json()["secret"] == TOTP_SECRET
    assert setup.json()["otpauth_uri"].startswith(f"otpauth://totp/testserver:{username}?")

    wrong = post(browser, "/api/auth/mfa/totp/verify/", {"code": "000000"})
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "invalid_code"
    verified = post(browser, "/api/auth/mfa/totp/verify/", {"code": fresh_totp_code(TOTP_SECRET)})
    assert verified.status_code == 204
    assert browser.get("/api/auth/mfa/").json() == {
        "enabled": ["SOFTWARE_TOKEN_MFA"],
        "preferred": "SOFTWARE_TOKEN_MFA",
    }
    assert TOTP_SECRET not in browser.get("/api/auth/mfa/").content.decode()

    # Turning it off needs a recent sign-in.
    monkeypatch.setattr(mfa, "clock", lambda: time.time() + 301)
    late = post(browser, "/api/auth/mfa/totp/", method="delete")
    assert late.status_code == 403
    assert late.json()["code"] == "reauthentication_required"
    monkeypatch.setattr(mfa, "clock", time.time)
    assert post(browser, "/api/auth/mfa/totp/", method="delete").status_code == 204
    assert browser.get("/api/auth/mfa/").json() == {"enabled": [], "preferred": None}


def test_self_service_needs_a_signed_in_browser(pool, browser):
    for method, path in (
        ("get", "/api/auth/mfa/"),
        ("post", "/api/auth/mfa/totp/"),
        ("delete", "/api/auth/mfa/totp/"),
        ("post", "/api/auth/mfa/totp/verify/"),
    ):
        body = None if method == "get" else {"code": "123456"}
        response = post(browser, path, body, method=method)
        assert response.status_code == 401, path
        assert response["WWW-Authenticate"].startswith("Bearer")
    browser.cookies[settings.ACCESS_TOKEN_KEY] = "garbage"
    assert browser.get("/api/auth/mfa/").status_code == 401


def test_six_wrong_setup_codes_lock_the_username(access_pool, browser):
    assert login(browser, access_pool.user("otto")).status_code == 200
    post(browser, "/api/auth/mfa/totp/")
    answers = [
        post(browser, "/api/auth/mfa/totp/verify/", {"code": "000000"}).status_code
        for _ in range(5)
    ]
    assert answers == [400] * 5
    locked = post(browser, "/api/auth/mfa/totp/verify/", {"code": fresh_totp_code(TOTP_SECRET)})
    assert locked.status_code == 429


@pytest.mark.parametrize(
    "payload", ["[1]", '{"code": {"a": 1}}', '{"code": "' + "9" * 500 + '"}', "{"]
)
def test_hostile_verify_bodies_are_400(access_pool, browser, payload):
    assert login(browser, access_pool.user("vera")).status_code == 200
    response = browser.post(
        "/api/auth/mfa/totp/verify/",
        payload,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf_token(browser),
    )
    assert response.status_code == 400


UNSAFE = [
    ("post", CHALLENGE),
    ("post", "/api/auth/mfa/totp/"),
    ("delete", "/api/auth/mfa/totp/"),
    ("post", "/api/auth/mfa/totp/verify/"),
]


@pytest.mark.parametrize(("method", "path"), UNSAFE)
def test_unsafe_endpoints_need_the_csrf_token(pool, browser, method, path):
    assert login(browser, pool.user("cy")).status_code == 200
    response = post(browser, path, {"code": "123456"}, csrf=False, method=method)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", CHALLENGE),
        ("put", CHALLENGE),
        ("options", CHALLENGE),
        ("post", "/api/auth/mfa/"),
        ("delete", "/api/auth/mfa/"),
        ("get", "/api/auth/mfa/totp/"),
        ("put", "/api/auth/mfa/totp/"),
        ("get", "/api/auth/mfa/totp/verify/"),
        ("delete", "/api/auth/mfa/totp/verify/"),
    ],
)
def test_other_methods_are_405(pool, browser, method, path):
    assert getattr(browser, method)(path).status_code == 405


def test_the_new_endpoints_share_the_address_limit(pool, browser, settings):
    settings.AWS_COGNITO_SIGN_IN_RATE_PER_MINUTE = 3
    answers = [post(browser, CHALLENGE, {"code": "1"}).status_code for _ in range(4)]
    assert answers == [401, 401, 401, 429]
    assert browser.get("/api/auth/mfa/").status_code == 429


# --- What moto lacks: EMAIL_OTP, SELECT_MFA_TYPE, required attributes, unknown steps --------


@pytest.fixture
def challenge_server(settings, signing_key):
    """A Cognito stand-in for the test pool, its tokens signed with the published key."""
    config = load_config()
    users = [
        ChallengeUser("emma", PASSWORD, ("EMAIL_OTP",)),
        ChallengeUser("selma", PASSWORD, ("SELECT_MFA_TYPE",)),
        ChallengeUser("noor", PASSWORD, ("NEW_PASSWORD_REQUIRED",), required_attributes=("name",)),
        ChallengeUser("walt", PASSWORD, ("WEB_AUTHN",)),
    ]
    with CognitoChallengeServer(
        signing_key, config.issuer, config.app_client_ids[0], users, client_secret="s3cret"
    ) as server:
        settings.AWS_COGNITO_ENDPOINT_URL = server.url
        settings.AWS_COGNITO_APP_CLIENT_SECRET = "s3cret"
        yield server


def test_an_email_code_signs_in(challenge_server, browser):
    asked = login(browser, "emma")
    assert asked.json()["challenge"] == "EMAIL_OTP"
    assert asked.json()["parameters"] == {"destination": "a***@e***"}
    assert post(browser, CHALLENGE, {"code": "999999"}).json()["code"] == "invalid_code"
    assert post(browser, CHALLENGE, {"code": "123456"}).status_code == 200
    assert signed_in_as(browser, "emma")
    answers = [body for operation, body in challenge_server.requests[1:]]
    assert all(body["ChallengeResponses"]["SECRET_HASH"] for body in answers)


def test_the_chosen_mfa_is_asked_next(challenge_server, browser):
    asked = login(browser, "selma")
    assert asked.json()["challenge"] == "SELECT_MFA_TYPE"
    assert asked.json()["parameters"] == {"options": ["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"]}
    assert post(browser, CHALLENGE, {"mfa": "BOGUS"}).status_code == 400
    chosen = post(browser, CHALLENGE, {"mfa": "SOFTWARE_TOKEN_MFA"})
    assert chosen.status_code == 401
    assert chosen.json()["challenge"] == "SOFTWARE_TOKEN_MFA"
    assert post(browser, CHALLENGE, {"code": "123456"}).status_code == 200
    assert signed_in_as(browser, "selma")


def test_a_new_password_comes_with_the_required_attributes(challenge_server, browser):
    asked = login(browser, "noor")
    assert asked.json()["parameters"] == {"required_attributes": ["name"]}
    missing = post(browser, CHALLENGE, {"new_password": NEW_PASSWORD})
    assert missing.status_code == 400
    assert missing.json()["code"] == "invalid_parameter"
    body = {"new_password": NEW_PASSWORD, "attributes": {"name": "Noor"}}
    assert post(browser, CHALLENGE, body).status_code == 200
    sent = challenge_server.requests[-1][1]["ChallengeResponses"]
    assert sent["userAttributes.name"] == "Noor"


def test_an_unknown_challenge_is_a_clear_401(challenge_server, browser):
    response = login(browser, "walt")
    assert response.status_code == 401
    assert response.json()["code"] == "unsupported_challenge"
    assert response.json()["challenge"] == "WEB_AUTHN"
    assert "WEB_AUTHN" in response.json()["detail"]
    assert parsed_cookie(response, CHALLENGE_COOKIE)["max-age"] == "0"


# --- Cognito's parameters, read defensively ------------------------------------------------


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("['SOFTWARE_TOKEN_MFA']", ["SOFTWARE_TOKEN_MFA"]),
        ('["SMS_MFA","SOFTWARE_TOKEN_MFA"]', ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]),
        (["EMAIL_OTP", 3, None], ["EMAIL_OTP"]),
        ("SMS_MFA, EMAIL_OTP", ["SMS_MFA", "EMAIL_OTP"]),
        (None, []),
        ({"a": 1}, []),
        ("[]", []),
    ],
)
def test_list_parameters_are_read_in_every_shape(value, names):
    assert challenges.parse_names(value) == names


def test_odd_parameters_never_fail():
    for parameters in (None, [], {"MFAS_CAN_CHOOSE": 5}, {"requiredAttributes": {"x": 1}}):
        for name in challenges.SUPPORTED:
            assert isinstance(challenges.public_parameters(name, parameters), dict)
    required = {"requiredAttributes": '["userAttributes.name", "userAttributes.custom:team"]'}
    assert challenges.required_attributes(required) == ["name", "custom:team"]


def test_the_code_helper_matches_rfc_6238():
    # RFC 6238's SHA-1 test vector, truncated to 6 digits.
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert totp_code(secret, at=59) == "287082"


# --- The sign-in page's QR code of an authenticator set-up -------------------------------


def test_the_qr_code_is_an_svg_made_here_for_otpauth_uris_only(browser):
    uri = challenges.otpauth_uri(TOTP_SECRET, "ana", "example.test")
    made = post(browser, "/api/sign-in/qr-code/", {"text": uri})
    assert made.status_code == 200
    assert made["Content-Type"] == "image/svg+xml"
    assert made.content.startswith(b"<svg")
    assert "no-store" in made["Cache-Control"]
    for body in ({"text": "https://evil.example/"}, {"text": 5}, [1], {"text": uri * 20}):
        assert post(browser, "/api/sign-in/qr-code/", body).status_code == 400
    assert post(browser, "/api/sign-in/qr-code/", {"text": uri}, csrf=False).status_code == 403
    assert browser.get("/api/sign-in/qr-code/").status_code == 405


# --- make cognito-local's users who meet a step -------------------------------------------


def test_the_local_challenge_users_meet_their_steps(moto_pool, browser, settings, tmp_path):
    local = seed(moto_pool.endpoint_url, REGION, settings.COGNITO_ADMIN_GROUP)
    record = tmp_path / "challenge-users.json"
    users = seed_challenge_users(local, record)
    assert seed_challenge_users(local, record) == users  # seeding twice changes nothing
    assert json.loads(record.read_text())[0]["username"] == AUTHENTICATOR_USER.username
    use_local_pool(settings, local)
    for user in users:
        asked = login(APIClient(enforce_csrf_checks=True), user.username, user.password)
        assert asked.json()["challenge"] == user.challenge
