"""The sign-in page's account forms in a real browser (Debian's Chromium, through Playwright).

gunicorn serves the project and moto's emulator is its Cognito: a new user signs up on the
page, confirms (moto takes any code for ConfirmSignUp), signs in, changes the password and
signs out everywhere; a forgotten password is reset with the code Cognito would have sent;
refusals (a weak password, a wrong one, a wrong code, too many codes asked for) are shown.
Sending a sign-up code again, which moto lacks, is shown against CognitoChallengeServer
(scripts/cognito_challenges.py), which also checks the code.
"""

import dataclasses
import re

import pytest
from django.conf import settings

from scripts.cognito_challenges import CognitoChallengeServer
from scripts.seed import LocalPool, LocalUser, emulator_client, seed

from .browser import (
    CHROMIUM_MISSING,
    EXPECT_TIMEOUT_MS,
    chromium_path,
    launched_chromium,
    served_project,
)

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

# moto answers GlobalSignOut from its us-east-1 backend only (the call is unsigned, so the
# emulator cannot tell the region): the pool of this module lives there.
REGION = "us-east-1"
PASSWORD = "Account-Passw0rd!"
NEW_PASSWORD = "Account-Passw0rd-2!"
WEAK_PASSWORD = "weak"
# moto checks a ConfirmForgotPassword code only when it has this prefix (its own codes do).
MOTO_CODE_PREFIX = "moto-confirmation-code:"
MOTO_CODE_HEADER = "x-moto-forgot-password-confirmation-code"
POLICY_MESSAGE = "password policy"
# The pool and app client of the stand-in that checks confirmation codes.
CODES_POOL = LocalPool("", REGION, f"{REGION}_CheckedCodes1", "checkedcodesclient1", ())
FORGOT = "/api/auth/password/forgot/"
expect.set_options(timeout=EXPECT_TIMEOUT_MS)

if not chromium_path():
    pytest.skip(CHROMIUM_MISSING, allow_module_level=True)


@pytest.fixture(scope="module")
def cognito(moto_emulator):
    """The emulator's pool in us-east-1 with rita, a confirmed user with an email."""
    rita = LocalUser("rita", PASSWORD, "rita@example.com")
    return seed(moto_emulator.endpoint_url, REGION, settings.COGNITO_ADMIN_GROUP, users=[rita])


@pytest.fixture(scope="module")
def site(cognito, tmp_path_factory):
    """gunicorn for the us-east-1 pool. Access tokens whatever the bake's choice: Cognito's
    account calls (ChangePassword, GlobalSignOut) take nothing else."""
    folder = tmp_path_factory.mktemp("browser-accounts")
    with served_project(cognito, folder, AWS_COGNITO_TOKEN_USE="access") as server:
        yield server


@pytest.fixture(scope="module")
def checked_codes(signing_key, tmp_path_factory):
    """gunicorn whose Cognito is CognitoChallengeServer, and that server: moto lacks
    ResendConfirmationCode and takes any sign-up code, the stand-in sends (records) codes
    and checks them."""
    with CognitoChallengeServer(
        signing_key, CODES_POOL.issuer, CODES_POOL.client_id, []
    ) as cognito:
        pool = dataclasses.replace(CODES_POOL, endpoint_url=cognito.url)
        folder = tmp_path_factory.mktemp("browser-codes")
        with served_project(pool, folder, AWS_COGNITO_TOKEN_USE="access") as server:
            yield server, cognito


@pytest.fixture(scope="module")
def chromium():
    """One browser for the tests of this module."""
    with launched_chromium(playwright_api) as browser:
        yield browser


@pytest.fixture
def new_context(chromium):
    """Makes fresh contexts (each its own cookies: another device), closed after the test."""
    contexts = []

    def make():
        contexts.append(chromium.new_context())
        return contexts[-1]

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


def message(page):
    return page.locator("#message")


def sign_in(page, site, username: str, password: str) -> None:
    page.goto(f"{site.url}/")
    form = page.locator("#sign-in")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password").fill(password)
    form.get_by_role("button", name="Sign in").click()
    expect(page.locator("#username")).to_have_text(username)


def sign_up(page, site, username: str, password: str) -> None:
    page.goto(f"{site.url}/")
    page.get_by_role("button", name="Create an account").click()
    form = page.get_by_role("form", name="Create an account")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Email").fill(f"{username}@example.com")
    assert form.get_by_label("Password").get_attribute("autocomplete") == "new-password"
    form.get_by_label("Password").fill(password)
    form.get_by_role("button", name="Create the account").click()


def test_a_new_user_signs_up_confirms_signs_in_changes_the_password_and_signs_out_everywhere(
    page, new_context, site, cognito
):
    sign_up(page, site, "sam", PASSWORD)
    expect(message(page)).to_have_text("Check your email at s***@e*** for the code.")
    confirm = page.get_by_role("form", name="Confirm the account")
    expect(confirm.get_by_label("Username")).to_have_value("sam")
    assert confirm.get_by_label("Code").get_attribute("autocomplete") == "one-time-code"
    confirm.get_by_label("Code").fill("123456")
    confirm.get_by_role("button", name="Confirm").click()
    expect(message(page)).to_have_text("Your account is confirmed: sign in.")
    expect(page.locator("#sign-in").get_by_label("Username")).to_have_value("sam")

    sign_in(page, site, "sam", PASSWORD)
    change = page.get_by_role("form", name="Change the password")
    assert change.get_by_label("Current password").get_attribute("autocomplete") == (
        "current-password"
    )
    change.get_by_label("Current password").fill("Not-the-Passw0rd!")
    change.get_by_label("New password").fill(NEW_PASSWORD)
    change.get_by_role("button", name="Change the password").click()
    expect(message(page)).to_have_text("the current password is not right")
    expect(message(page)).to_have_class("error")
    change.get_by_label("Current password").fill(PASSWORD)
    change.get_by_label("New password").fill(NEW_PASSWORD)
    change.get_by_role("button", name="Change the password").click()
    expect(message(page)).to_have_text("Password changed.")

    other_device = new_context().new_page()
    sign_in(other_device, site, "sam", NEW_PASSWORD)
    page.get_by_role("button", name="Sign out everywhere").click()
    expect(message(page)).to_have_text("Signed out everywhere.")
    expect(page.locator("#sign-in")).to_be_visible()
    page.reload()
    expect(page.locator("#sign-in")).to_be_visible()
    # The other device's refresh token is revoked too: its session cannot be renewed.
    other_device.get_by_role("button", name="Refresh session").click()
    expect(message(other_device)).to_have_text("Session ended: sign in again.")


def test_a_forgotten_password_is_reset_with_the_code_and_signs_in(page, site, cognito):
    page.goto(f"{site.url}/")
    page.locator("#sign-in").get_by_label("Username").fill("rita")
    page.get_by_role("button", name="Forgot your password?").click()
    forgot = page.get_by_role("form", name="Forgot your password?")
    expect(forgot.get_by_label("Username")).to_have_value("rita")
    forgot.get_by_role("button", name="Send a reset code").click()
    reset = page.get_by_role("form", name="Choose a new password")
    expect(reset.get_by_label("Username")).to_have_value("rita")
    expect(message(page)).not_to_have_text("")
    expect(message(page)).not_to_have_class("error")

    reset.get_by_label("Code").fill(f"{MOTO_CODE_PREFIX}000000")  # moto's are 100000-999999
    reset.get_by_label("New password").fill(NEW_PASSWORD)
    reset.get_by_role("button", name="Reset the password").click()
    expect(message(page)).to_contain_text("the code is not right")
    expect(message(page)).to_have_class("error")
    expect(reset).to_be_visible()

    # The code Cognito would have emailed: moto hands the newest one back to whoever calls
    # ForgotPassword, in a header of its own (the project, as with Cognito, never sees it).
    idp = emulator_client(cognito.endpoint_url, cognito.region)
    answer = idp.forgot_password(ClientId=cognito.client_id, Username="rita")
    code = answer["ResponseMetadata"]["HTTPHeaders"][MOTO_CODE_HEADER]
    assert code.startswith(MOTO_CODE_PREFIX)
    reset.get_by_label("Code").fill(code)
    reset.get_by_label("New password").fill(NEW_PASSWORD)
    reset.get_by_role("button", name="Reset the password").click()
    expect(message(page)).to_have_text("Password reset: sign in with the new one.")

    sign_in(page, site, "rita", NEW_PASSWORD)


def test_sign_up_refusals_are_shown_a_weak_password_with_the_pools_policy(page, site):
    sign_up(page, site, "wendy", WEAK_PASSWORD)
    expect(message(page)).to_contain_text(POLICY_MESSAGE)
    expect(message(page)).to_have_class("error")
    form = page.get_by_role("form", name="Create an account")
    expect(form).to_be_visible()
    # What the browser lets through but the API refuses is named by its field.
    form.get_by_label("Username").fill("two words")
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Create the account").click()
    expect(message(page)).to_have_text(re.compile(r"^username: \S"))
    expect(form).to_be_visible()


def test_too_many_codes_asked_for_show_how_long_to_wait(page, site):
    page.goto(f"{site.url}/")
    page.get_by_role("button", name="Forgot your password?").click()
    forgot = page.get_by_role("form", name="Forgot your password?")
    forgot.get_by_label("Username").fill("nobody-here")
    forgot.get_by_role("button", name="Send a reset code").click()
    reset = page.get_by_role("form", name="Choose a new password")
    expect(reset.get_by_label("Username")).to_have_value("nobody-here")
    for expected in (202, 202, 429):
        with page.expect_response(lambda response: response.url.endswith(FORGOT)) as answer:
            reset.get_by_role("button", name="Send a new code").click()
        assert answer.value.status == expected
    expect(message(page)).to_have_class("error")
    expect(message(page)).to_contain_text(re.compile(r"Wait \d+ (seconds|minutes) before"))


def test_a_wrong_sign_up_code_is_shown_and_the_code_sent_again_confirms(page, checked_codes):
    site, cognito = checked_codes
    sign_up(page, site, "cleo", PASSWORD)
    expect(message(page)).to_have_text("Check your email at c***@e*** for the code.")
    confirm = page.get_by_role("form", name="Confirm the account")
    sent = cognito.accounts["cleo"].code
    confirm.get_by_label("Code").fill("111111" if sent == "000000" else "000000")
    confirm.get_by_role("button", name="Confirm").click()
    expect(message(page)).to_contain_text("the code is not right")
    expect(message(page)).to_have_class("error")

    confirm.get_by_role("button", name="Send the code again").click()
    expect(message(page)).to_have_text(
        "if the account waits for confirmation, a new code is on its way"
    )
    assert ("ResendConfirmationCode", "cleo") in [
        (operation, body.get("Username")) for operation, body in cognito.requests
    ]
    confirm.get_by_label("Code").fill(cognito.accounts["cleo"].code)
    confirm.get_by_role("button", name="Confirm").click()
    expect(message(page)).to_have_text("Your account is confirmed: sign in.")
    assert cognito.accounts["cleo"].confirmed
