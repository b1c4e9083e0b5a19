"""Accounts without Amplify: sign-up, confirmation, codes, password reset and change, and
signing out everywhere, with answers that never tell who has an account.

moto (the session's emulator; the pool is in us-east-1 because moto serves the unsigned
``GlobalSignOut`` from that region's backend only) signs users up, confirms them (any code),
resets passwords (checking only codes that start ``moto-confirmation-code:``), changes
passwords and signs out everywhere. ``CognitoChallengeServer`` speaks Cognito's protocol
for what moto cannot show: a wrong sign-up code, an unknown user at confirmation,
``ResendConfirmationCode``, the password policy at reset, Cognito's own limits. With
revocation on, the deny-list is a real Redis.
"""

import json
import logging
from http.cookies import SimpleCookie
from io import StringIO

import boto3
import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from rest_framework.test import APIClient

from djognito import state
from djognito.conf import load_config
from djognito.jwt_utils import reset_verifier
from scripts.cognito_challenges import CognitoChallengeServer
from scripts.ports import free_port
from scripts.redis_server import RedisServer
from scripts.seed import EMULATOR_CREDENTIALS, seed

from .local_pool import use_local_pool

pytestmark = pytest.mark.django_db

REGION = "us-east-1"  # moto answers GlobalSignOut from this region's backend only
PASSWORD = "Account-Passw0rd!"
NEW_PASSWORD = "Brand-New-Passw0rd!"
SIGNUP = "/api/auth/signup/"
CONFIRM = "/api/auth/signup/confirm/"
RESEND = "/api/auth/signup/resend/"
FORGOT = "/api/auth/password/forgot/"
RESET = "/api/auth/password/reset/"
CHANGE = "/api/auth/password/change/"
EVERYWHERE = "/api/auth/logout/everywhere/"
# moto checks a reset code only when it starts so; this one is never the code it made.
WRONG_MOTO_CODE = "moto-confirmation-code:000000"
FORGOT_CODE_HEADER = "x-moto-forgot-password-confirmation-code"


class Pool:
    """A pool and app client in the session's moto server, with users made as needed."""

    def __init__(self, endpoint_url: str):
        self.endpoint_url = endpoint_url
        self.idp = boto3.client(
            "cognito-idp", region_name=REGION, endpoint_url=endpoint_url, **EMULATOR_CREDENTIALS
        )
        self.pool_id = self.idp.create_user_pool(
            PoolName="accounts", AutoVerifiedAttributes=["email"]
        )["UserPool"]["Id"]
        self.client_id = self.idp.create_user_pool_client(
            UserPoolId=self.pool_id,
            ClientName="accounts",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        self._count = 0

    def name(self, prefix: str) -> str:
        """A username nobody has yet."""
        self._count += 1
        return f"{prefix}{self._count}"

    def user(self, prefix: str) -> str:
        """A new confirmed user with ``PASSWORD``."""
        username = self.name(prefix)
        self.idp.admin_create_user(
            UserPoolId=self.pool_id,
            Username=username,
            TemporaryPassword=PASSWORD,
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
        )
        self.idp.admin_set_user_password(
            UserPoolId=self.pool_id, Username=username, Password=PASSWORD, Permanent=True
        )
        return username

    def reset_code(self, username: str) -> str:
        """A reset code for ``username``, as moto hands it out (a response header)."""
        answer = self.idp.forgot_password(ClientId=self.client_id, Username=username)
        return answer["ResponseMetadata"]["HTTPHeaders"][FORGOT_CODE_HEADER]


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
    # Cognito's account calls take access tokens (a project of id tokens cannot use them).
    settings.AWS_COGNITO_TOKEN_USE = "access"
    reset_verifier()
    return moto_pool


@pytest.fixture(scope="module")
def redis_server():
    with RedisServer() as server:
        yield server


@pytest.fixture
def revocation_on(settings, redis_server, pool):
    """Revocation on, the deny-list (and the rate-limit counts) in a real Redis."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
        }
    }
    settings.AWS_COGNITO_REVOCATION = True
    settings.AWS_COGNITO_REVOCATION_RECHECK_SECONDS = 0
    caches["default"].clear()
    return state.revocation_list()


def browser() -> APIClient:
    return APIClient(enforce_csrf_checks=True)


def csrf_token(client) -> str:
    return client.get("/api/csrf/").json()["csrfToken"]


def post(client, path, body=None, csrf=True, **headers):
    if csrf:
        headers["HTTP_X_CSRFTOKEN"] = csrf_token(client)
    payload = json.dumps(body) if body is not None else ""
    return client.post(path, payload, content_type="application/json", **headers)


def login(client, username, password=PASSWORD):
    return post(client, "/api/auth/login/", {"username": username, "password": password})


def signed_in(username, password=PASSWORD) -> APIClient:
    client = browser()
    assert login(client, username, password).status_code == 200
    return client


def access_token(client) -> str:
    return client.cookies[settings.ACCESS_TOKEN_KEY].value


def me_with(token: str):
    return APIClient().get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {token}")


def cleared(response, name) -> bool:
    cookie = SimpleCookie()
    cookie.load(response.cookies[name].OutputString())
    return cookie[name]["max-age"] == "0"


def same_answer(first, second) -> None:
    """Two answers a caller cannot tell apart: status, body and content type."""
    assert (first.status_code, first.content) == (second.status_code, second.content)
    assert first.get("Content-Type") == second.get("Content-Type")


# --- Sign up and confirm (moto) ------------------------------------------------------------


def test_sign_up_confirm_then_sign_in(pool):
    username = pool.name("ana")
    client = browser()
    body = {"username": username, "password": PASSWORD, "email": "ana@example.com"}
    signed_up = post(client, SIGNUP, body)
    assert signed_up.status_code == 202
    assert signed_up.json() == {
        "detail": "sign-up received: confirm it with the code sent",
        "delivery": {"medium": "EMAIL", "destination": "a***@e***"},
    }
    assert "no-store" in signed_up["Cache-Control"]
    assert login(client, username).status_code == 401  # not confirmed yet
    confirmed = post(client, CONFIRM, {"username": username, "code": "123456"})
    assert confirmed.status_code == 204
    assert login(client, username).status_code == 200
    assert client.get("/api/me/").json()["username"] == username


def test_a_taken_username_answers_as_a_free_one(pool):
    taken = pool.user("tom")
    body = {"password": PASSWORD, "email": "tom@example.com"}
    free = post(browser(), SIGNUP, {"username": pool.name("tim"), **body})
    again = post(browser(), SIGNUP, {"username": taken, **body, "password": NEW_PASSWORD})
    assert free.status_code == 202
    same_answer(free, again)
    # The taken account is untouched.
    assert login(browser(), taken).status_code == 200


def test_the_destination_is_masked_from_what_was_sent(pool):
    for body, expected in (
        (
            {"attributes": [{"name": "phone_number", "value": "+14155550123"}]},
            {"medium": "SMS", "destination": "+*******0123"},
        ),
        ({}, {"medium": None, "destination": None}),
    ):
        answer = post(
            browser(), SIGNUP, {"username": pool.name("mo"), "password": PASSWORD, **body}
        )
        assert answer.status_code == 202
        assert answer.json()["delivery"] == expected
    by_email = post(browser(), SIGNUP, {"username": "zoe@example.org", "password": PASSWORD})
    assert by_email.json()["delivery"] == {"medium": "EMAIL", "destination": "z***@e***"}


def test_a_weak_password_is_shown_as_invalid_password(pool):
    answer = post(browser(), SIGNUP, {"username": pool.name("wes"), "password": "weak"})
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_password"
    assert "password policy" in answer.json()["detail"]


def test_confirming_an_unknown_user_is_invalid_code(pool):
    answer = post(browser(), CONFIRM, {"username": pool.name("nobody"), "code": "123456"})
    assert answer.status_code == 400
    assert answer.json() == {
        "detail": "the code is not right (or has expired): check it, or ask for a new one",
        "code": "invalid_code",
    }


# --- Forgot and reset (moto) ---------------------------------------------------------------


def test_forgot_answers_the_same_for_a_user_and_for_nobody(pool):
    known = post(browser(), FORGOT, {"username": pool.user("fay")})
    unknown = post(browser(), FORGOT, {"username": pool.name("nobody")})
    assert known.status_code == 202
    assert known.json() == {
        "detail": "if the account exists, a code to reset its password is on its way"
    }
    same_answer(known, unknown)


def test_a_reset_with_the_code_sets_the_new_password(pool):
    username = pool.user("rex")
    code = pool.reset_code(username)
    reset = post(
        browser(), RESET, {"username": username, "code": code, "new_password": NEW_PASSWORD}
    )
    assert reset.status_code == 204
    assert login(browser(), username).status_code == 401
    assert login(browser(), username, NEW_PASSWORD).status_code == 200


def test_a_wrong_reset_code_and_an_unknown_user_answer_the_same(pool):
    username = pool.user("ria")
    pool.reset_code(username)
    body = {"code": WRONG_MOTO_CODE, "new_password": NEW_PASSWORD}
    wrong = post(browser(), RESET, {"username": username, **body})
    unknown = post(browser(), RESET, {"username": pool.name("nobody"), **body})
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "invalid_code"
    same_answer(wrong, unknown)
    assert login(browser(), username).status_code == 200  # the password did not change


# --- Change the password, sign out everywhere (moto) ---------------------------------------


def test_a_signed_in_user_changes_the_password(pool):
    username = pool.user("cal")
    client = signed_in(username)
    wrong = post(
        client, CHANGE, {"old_password": "Not-The-Passw0rd!", "new_password": NEW_PASSWORD}
    )
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "invalid_credentials"
    assert wrong["WWW-Authenticate"].startswith("Bearer")
    weak = post(client, CHANGE, {"old_password": PASSWORD, "new_password": "weak"})
    assert weak.status_code == 400
    assert weak.json()["code"] == "invalid_password"
    changed = post(client, CHANGE, {"old_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert changed.status_code == 204
    assert login(browser(), username).status_code == 401
    assert login(browser(), username, NEW_PASSWORD).status_code == 200


def test_the_password_change_takes_a_bearer_token_too(pool):
    username = pool.user("bea")
    token = access_token(signed_in(username))
    client = browser()
    changed = post(
        client,
        CHANGE,
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert changed.status_code == 204
    assert login(browser(), username, NEW_PASSWORD).status_code == 200


def test_signing_out_everywhere_ends_every_sign_in(pool):
    username = pool.user("eve")
    laptop, phone = signed_in(username), signed_in(username)
    out = post(laptop, EVERYWHERE)
    assert out.status_code == 204
    assert cleared(out, settings.ACCESS_TOKEN_KEY)
    assert cleared(out, settings.AWS_COGNITO_REFRESH_COOKIE)
    # Cognito no longer takes the phone's access token: its own sign-out-everywhere is
    # refused, and ends that browser's session.
    copy = browser()
    copy.cookies[settings.ACCESS_TOKEN_KEY] = access_token(phone)
    again = post(copy, EVERYWHERE)
    assert again.status_code == 401
    assert again.json()["code"] == "access_refused"
    assert cleared(again, settings.ACCESS_TOKEN_KEY)
    # Cognito revoked every refresh token of the user: the phone's refresh is refused.
    refreshed = post(phone, "/api/auth/refresh/")
    assert refreshed.status_code == 401
    assert refreshed.json()["code"] == "refresh_refused"


@pytest.mark.parametrize("path", [CHANGE, EVERYWHERE])
def test_the_signed_in_endpoints_need_a_token(pool, path, tokens):
    body = {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    anonymous = post(browser(), path, body)
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"].startswith("Bearer")
    garbage = post(browser(), path, body, HTTP_AUTHORIZATION="Bearer garbage")
    assert garbage.status_code == 401


# --- Revocation: a stolen session ends with the password ------------------------------------


def test_a_password_change_elsewhere_cuts_off_a_copied_token(revocation_on, pool):
    username = pool.user("sid")
    thief = signed_in(username)
    stolen = access_token(thief)
    assert me_with(stolen).status_code == 200
    owner = signed_in(username)
    changed = post(owner, CHANGE, {"old_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert changed.status_code == 204
    # This browser's session was cut off too: its cookies are cleared.
    assert cleared(changed, settings.ACCESS_TOKEN_KEY)
    refused = me_with(stolen)
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_revoked"
    # The copied refresh cookie cannot make a new access token either.
    refreshed = post(thief, "/api/auth/refresh/")
    assert refreshed.status_code == 401
    assert refreshed.json()["code"] == "token_revoked"


def test_a_reset_cuts_off_a_copied_token(revocation_on, pool):
    username = pool.user("ray")
    stolen = access_token(signed_in(username))
    body = {"username": username, "code": pool.reset_code(username), "new_password": NEW_PASSWORD}
    assert post(browser(), RESET, body).status_code == 204
    refused = me_with(stolen)
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_revoked"


def test_signing_out_everywhere_cuts_off_a_copied_token(revocation_on, pool):
    username = pool.user("ivy")
    stolen = access_token(signed_in(username))
    other = pool.user("ola")
    bystander = access_token(signed_in(other))
    assert post(signed_in(username), EVERYWHERE).status_code == 204
    refused = me_with(stolen)
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_revoked"
    assert me_with(bystander).status_code == 200
    # Nor does the copied token reach the account and MFA endpoints.
    body = {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    change = post(browser(), CHANGE, body, HTTP_AUTHORIZATION=f"Bearer {stolen}")
    assert (change.status_code, change.json()["code"]) == (401, "token_revoked")
    mfa = browser().get("/api/auth/mfa/", HTTP_AUTHORIZATION=f"Bearer {stolen}")
    assert (mfa.status_code, mfa.json()["code"]) == (401, "token_revoked")


def test_a_wrong_reset_code_cuts_nobody_off(revocation_on, pool):
    username = pool.user("kim")
    token = access_token(signed_in(username))
    body = {"username": username, "code": WRONG_MOTO_CODE, "new_password": NEW_PASSWORD}
    assert post(browser(), RESET, body).status_code == 400
    assert me_with(token).status_code == 200


# --- Rate limits ---------------------------------------------------------------------------


def test_three_codes_per_username_across_endpoints_then_429(pool):
    username = pool.user("Cora")
    answers = [
        post(browser(), SIGNUP, {"username": username, "password": PASSWORD}).status_code,
        post(browser(), FORGOT, {"username": username.lower()}).status_code,
        post(browser(), FORGOT, {"username": username.upper()}).status_code,
    ]
    assert answers == [202, 202, 202]
    for path in (FORGOT, RESEND, SIGNUP):
        limited = post(browser(), path, {"username": username, "password": PASSWORD})
        assert limited.status_code == 429, path
        assert limited.json()["code"] == "too_many_attempts"
        assert 0 < int(limited["Retry-After"]) <= 900


def test_the_code_limit_counts_unknown_usernames_the_same(pool, settings):
    known, unknown = pool.user("kai"), pool.name("nobody")
    answers = {
        name: [post(browser(), FORGOT, {"username": name}).status_code for _ in range(4)]
        for name in (known, unknown)
    }
    assert answers == {known: [202, 202, 202, 429], unknown: [202, 202, 202, 429]}
    fourth = [post(browser(), FORGOT, {"username": name}) for name in (known, unknown)]
    same_answer(*fourth)


def test_the_code_limit_follows_its_settings(pool, settings):
    settings.AWS_COGNITO_CODES_PER_USERNAME = 1
    settings.AWS_COGNITO_CODES_WINDOW_SECONDS = 60
    username = pool.name("nobody")
    assert post(browser(), FORGOT, {"username": username}).status_code == 202
    limited = post(browser(), RESEND, {"username": username})
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 60


@pytest.mark.parametrize(
    ("setting", "value", "check_id"),
    [
        ("AWS_COGNITO_CODES_PER_USERNAME", 0, "djognito.E119"),
        ("AWS_COGNITO_CODES_PER_USERNAME", "three", "djognito.E119"),
        ("AWS_COGNITO_CODES_WINDOW_SECONDS", -1, "djognito.E120"),
        ("AWS_COGNITO_CODES_WINDOW_SECONDS", 10**9, "djognito.E120"),
    ],
)
def test_the_code_limit_settings_are_checked(settings, setting, value, check_id):
    setattr(settings, setting, value)
    with pytest.raises(SystemCheckError) as refused:
        call_command("check", stdout=StringIO(), stderr=StringIO())
    assert f"{setting} " in str(refused.value)
    assert f"({check_id})" in str(refused.value)


def test_five_wrong_reset_codes_lock_the_username_whatever_the_code(pool):
    username = pool.user("lou")
    body = {"username": username, "code": WRONG_MOTO_CODE, "new_password": NEW_PASSWORD}
    answers = [post(browser(), RESET, body).status_code for _ in range(5)]
    assert answers == [400] * 5
    right = {**body, "code": pool.reset_code(username)}
    locked = post(browser(), RESET, right)
    assert locked.status_code == 429
    assert 0 < int(locked["Retry-After"]) <= 300
    # The sign-in of that username is locked as well.
    assert login(browser(), username).status_code == 429


def test_five_failed_confirmations_lock_an_unknown_username_too(pool):
    username = pool.name("nobody")
    body = {"username": username, "code": "123456"}
    answers = [post(browser(), CONFIRM, body).status_code for _ in range(6)]
    assert answers == [400] * 5 + [429]


def test_wrong_current_passwords_lock_the_password_change(pool):
    username = pool.user("gil")
    client = signed_in(username)
    body = {"old_password": "Not-The-Passw0rd!", "new_password": NEW_PASSWORD}
    answers = [post(client, CHANGE, body).status_code for _ in range(5)]
    assert answers == [401] * 5
    right = post(client, CHANGE, {**body, "old_password": PASSWORD})
    assert right.status_code == 429


ACCOUNT_ENDPOINTS = [SIGNUP, CONFIRM, RESEND, FORGOT, RESET, CHANGE, EVERYWHERE]


@pytest.mark.parametrize("path", ACCOUNT_ENDPOINTS)
def test_every_account_endpoint_shares_the_address_limit(pool, settings, path):
    settings.AWS_COGNITO_SIGN_IN_RATE_PER_MINUTE = 3
    client = browser()
    answers = [post(client, path, {}).status_code for _ in range(3)]
    assert 429 not in answers
    limited = post(client, path, {})
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    # The limit is the address's, over the sign-in endpoints together.
    assert login(client, "anyone").status_code == 429


# --- CSRF, methods, hostile bodies -----------------------------------------------------------


@pytest.mark.parametrize("path", ACCOUNT_ENDPOINTS)
def test_every_account_endpoint_needs_the_csrf_token(pool, path):
    client = signed_in(pool.user("cy"))
    body = {"username": "cy", "password": PASSWORD, "code": "1", "old_password": PASSWORD}
    response = post(client, path, {**body, "new_password": NEW_PASSWORD}, csrf=False)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


@pytest.mark.parametrize("path", ACCOUNT_ENDPOINTS)
@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_other_methods_are_405(pool, path, method):
    assert getattr(browser(), method)(path).status_code == 405


GOOD_BODIES = {
    SIGNUP: {"username": "hal", "password": PASSWORD, "email": "hal@example.com"},
    CONFIRM: {"username": "hal", "code": "123456"},
    RESEND: {"username": "hal"},
    FORGOT: {"username": "hal"},
    RESET: {"username": "hal", "code": "123456", "new_password": NEW_PASSWORD},
    CHANGE: {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
}
HOSTILE_FIELDS = [
    None,
    5,
    True,
    ["x"],
    {"$ne": 1},
    "",
    " padded ",
    "nul\x00byte",
    "x" * 5000,
]


# What Schemathesis found: whitespace and controls that Python's regular expressions and
# JSON Schema's count differently, and a final newline that Python's $ lets through.
@pytest.mark.parametrize(
    "username",
    ["hal\n", "hal\x85", "hal\x9f", "\ufeffhal"],
    ids=["final-newline", "next-line", "c1-control", "byte-order-mark"],
)
def test_a_username_the_schema_refuses_is_400(pool, username):
    response = post(signed_in(pool.user("hal")), FORGOT, {"username": username})
    assert response.status_code == 400
    assert response.json() == {"username": ["a username has no spaces nor control characters"]}


def post_raw(client, path, payload: str):
    return client.post(
        path, payload, content_type="application/json", HTTP_X_CSRFTOKEN=csrf_token(client)
    )


@pytest.mark.parametrize("path", list(GOOD_BODIES))
def test_hostile_bodies_are_400(pool, path, settings):
    settings.AWS_COGNITO_SIGN_IN_RATE_PER_MINUTE = 1000
    client = signed_in(pool.user("hal"))  # the change needs a sign-in; the others ignore it
    for raw in ('{"username": ', "[1, 2]", "{}", '"text"', "null", '{"a": ' * 100 + "1"):
        response = post_raw(client, path, raw)
        assert response.status_code == 400, (raw, response.status_code)
    for field in GOOD_BODIES[path]:
        for value in HOSTILE_FIELDS:
            if field.endswith("password") and value == " padded ":
                continue  # a password may hold spaces: Cognito's policy decides
            response = post(client, path, {**GOOD_BODIES[path], field: value})
            assert response.status_code == 400, (field, value, response.status_code)
            assert field in response.json()


def test_hostile_attributes_are_400(pool):
    for attributes in (
        {"name": "Ana"},
        ["name"],
        [{"name": "name"}],
        [{"name": "name", "value": {"nested": "x"}}],
        [{"name": "bad name!", "value": "x"}],
        [{"name": f"a{n}", "value": "x"} for n in range(51)],
        [{"name": "name", "value": "x" * 3000}],
        [{"name": "name", "value": "nul\x00"}],
    ):
        body = {"username": pool.name("ada"), "password": PASSWORD, "attributes": attributes}
        answer = post(browser(), SIGNUP, body)
        assert answer.status_code == 400, attributes
        assert "attributes" in answer.json()


@pytest.mark.parametrize("path", list(GOOD_BODIES))
def test_a_huge_body_is_413(pool, path):
    client = signed_in(pool.user("hugh")) if path == CHANGE else browser()
    response = post_raw(client, path, json.dumps({"username": "x" * (3 * 1024 * 1024)}))
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_an_unreachable_cognito_is_503(pool, settings):
    settings.AWS_COGNITO_ENDPOINT_URL = f"http://127.0.0.1:{free_port()}"
    for path in (SIGNUP, CONFIRM, RESEND, FORGOT, RESET):
        response = post(browser(), path, {**GOOD_BODIES[path], "username": pool.name("una")})
        assert response.status_code == 503, path
        assert response.json()["code"] == "identity_provider_unavailable"


def test_passwords_codes_and_tokens_never_reach_the_logs(pool, caplog):
    username = pool.user("lena")
    with caplog.at_level(logging.DEBUG, logger="djognito"), caplog.at_level(logging.INFO):
        fresh = pool.name("leo")
        post(browser(), SIGNUP, {"username": fresh, "password": PASSWORD, "email": "leo@x.io"})
        post(browser(), SIGNUP, {"username": username, "password": PASSWORD})
        post(browser(), CONFIRM, {"username": pool.name("nobody"), "code": "424242"})
        post(browser(), FORGOT, {"username": username})
        code = pool.reset_code(username)
        body = {"username": username, "code": WRONG_MOTO_CODE, "new_password": NEW_PASSWORD}
        post(browser(), RESET, body)
        assert post(browser(), RESET, {**body, "code": code}).status_code == 204
        client = signed_in(username, NEW_PASSWORD)
        token = access_token(client)
        refresh = client.cookies[settings.AWS_COGNITO_REFRESH_COOKIE].value
        post(client, CHANGE, {"old_password": "Wr0ng-Passw0rd!", "new_password": PASSWORD})
        post(client, CHANGE, {"old_password": NEW_PASSWORD, "new_password": PASSWORD})
        post(client, EVERYWHERE)
        post(client, EVERYWHERE)  # Cognito's refusal names the token: never logged
    assert caplog.text  # the refusals were logged (by code)
    for secret in (PASSWORD, NEW_PASSWORD, "Wr0ng", code, "424242", token, refresh, "eyJ"):
        assert secret not in caplog.text


def test_the_local_pool_signs_up_and_resets_with_any_code(moto_pool, settings):
    local = seed(moto_pool.endpoint_url, REGION, settings.COGNITO_ADMIN_GROUP)
    use_local_pool(settings, local)
    username = moto_pool.name("dev")
    body = {"username": username, "password": PASSWORD, "email": "dev@example.com"}
    assert post(browser(), SIGNUP, body).status_code == 202
    assert post(browser(), CONFIRM, {"username": username, "code": "123456"}).status_code == 204
    assert post(browser(), FORGOT, {"username": username}).status_code == 202
    reset = {"username": username, "code": "123456", "new_password": NEW_PASSWORD}
    assert post(browser(), RESET, reset).status_code == 204
    assert login(browser(), username, NEW_PASSWORD).status_code == 200


# --- What moto cannot show: CognitoChallengeServer -------------------------------------------


@pytest.fixture(scope="module")
def challenge_server(signing_key):
    """A Cognito stand-in for the test pool, with an app client secret (one per module)."""
    config = load_config()
    with CognitoChallengeServer(
        signing_key, config.issuer, config.app_client_ids[0], [], client_secret="s3cret"
    ) as server:
        yield server


@pytest.fixture
def cognito(settings, challenge_server):
    """The stand-in as each test first finds it: no accounts, no refusals, no requests."""
    challenge_server.accounts.clear()
    challenge_server.failing.clear()
    challenge_server.requests.clear()
    settings.AWS_COGNITO_ENDPOINT_URL = challenge_server.url
    settings.AWS_COGNITO_APP_CLIENT_SECRET = "s3cret"
    return challenge_server


def test_the_code_sent_confirms_and_a_wrong_one_does_not(cognito):
    body = {"username": "nia", "password": PASSWORD, "email": "nia@example.com"}
    assert post(browser(), SIGNUP, body).status_code == 202
    code = cognito.accounts["nia"].code
    wrong = post(browser(), CONFIRM, {"username": "nia", "code": "000000"})
    unknown = post(browser(), CONFIRM, {"username": "nobody", "code": "000000"})
    assert wrong.json()["code"] == "invalid_code"
    same_answer(wrong, unknown)
    assert post(browser(), CONFIRM, {"username": "nia", "code": code}).status_code == 204
    assert cognito.accounts["nia"].confirmed
    # Confirming again tells nothing either.
    same_answer(wrong, post(browser(), CONFIRM, {"username": "nia", "code": code}))
    # Every call carried the SECRET_HASH the client secret asks for.
    assert all(body.get("SecretHash") for _operation, body in cognito.requests)


def test_resend_answers_the_same_for_pending_confirmed_and_unknown(cognito):
    post(browser(), SIGNUP, {"username": "pia", "password": PASSWORD, "email": "p@e.io"})
    post(browser(), SIGNUP, {"username": "ned", "password": PASSWORD, "email": "n@e.io"})
    first = cognito.accounts["pia"].code
    post(browser(), CONFIRM, {"username": "ned", "code": cognito.accounts["ned"].code})
    pending = post(browser(), RESEND, {"username": "pia"})
    confirmed = post(browser(), RESEND, {"username": "ned"})
    unknown = post(browser(), RESEND, {"username": "nobody"})
    assert pending.status_code == 202
    assert pending.json() == {
        "detail": "if the account waits for confirmation, a new code is on its way"
    }
    same_answer(pending, confirmed)
    same_answer(pending, unknown)
    assert ("ResendConfirmationCode", "pia") in [
        (operation, body.get("Username")) for operation, body in cognito.requests
    ]
    new = cognito.accounts["pia"].code
    assert post(browser(), CONFIRM, {"username": "pia", "code": new}).status_code == 204
    assert first is not None


def test_forgot_then_reset_with_the_code_sent(cognito):
    post(browser(), SIGNUP, {"username": "rio", "password": PASSWORD, "email": "r@e.io"})
    known = post(browser(), FORGOT, {"username": "rio"})
    unknown = post(browser(), FORGOT, {"username": "nobody"})  # UserNotFoundException
    same_answer(known, unknown)
    code = cognito.accounts["rio"].code
    weak = post(browser(), RESET, {"username": "rio", "code": code, "new_password": "short"})
    assert weak.status_code == 400
    assert weak.json()["code"] == "invalid_password"
    assert "Password did not conform with policy" in weak.json()["detail"]
    body = {"username": "rio", "code": "999999", "new_password": NEW_PASSWORD}
    wrong = post(browser(), RESET, body)
    unknown = post(browser(), RESET, {**body, "username": "nobody"})
    assert wrong.json()["code"] == "invalid_code"
    same_answer(wrong, unknown)
    assert post(browser(), RESET, {**body, "code": code}).status_code == 204
    assert cognito.accounts["rio"].password == NEW_PASSWORD


def test_an_attribute_the_pool_does_not_know_is_invalid_parameter(cognito):
    attributes = [{"name": "name", "value": "Uma"}, {"name": "shoe_size", "value": "38"}]
    body = {"username": "uma", "password": PASSWORD, "attributes": attributes}
    answer = post(browser(), SIGNUP, body)
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_parameter"
    assert "shoe_size" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("path", "operation"),
    [
        (SIGNUP, "SignUp"),
        (CONFIRM, "ConfirmSignUp"),
        (RESEND, "ResendConfirmationCode"),
        (FORGOT, "ForgotPassword"),
        (RESET, "ConfirmForgotPassword"),
    ],
)
@pytest.mark.parametrize("error", ["LimitExceededException", "TooManyRequestsException"])
def test_cognitos_own_limits_are_429(cognito, path, operation, error):
    cognito.failing[operation] = error
    response = post(browser(), path, GOOD_BODIES[path])
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"
    assert int(response["Retry-After"]) > 0
