"""Account endpoints: sign up, confirm, codes, password reset and change, sign out everywhere.

``POST signup/``, ``signup/confirm/``, ``signup/resend/``, ``password/forgot/``,
``password/reset/`` (anyone), ``password/change/`` and ``logout/everywhere/`` (signed in).
Cognito does the work; these views decide what the caller is told, so that no answer says
whether a username has an account: sign-up answers a taken username as a free one, a wrong
code and an unknown user are the same ``invalid_code``, and codes are "sent" to unknown
usernames too. What only concerns the caller (a password the pool's policy refuses, an
attribute it does not know) is shown.

With revocation on, a password reset, a password change and signing out everywhere cut
off every token of the user issued until then (``RevocationList.revoke_username``), so a
stolen session ends with them.
"""

import logging
import re
from functools import partial

from rest_framework import status
from rest_framework.response import Response

from .. import state
from . import cookies, idp
from .serializers import (
    AcceptedSerializer,
    ChangePasswordSerializer,
    ConfirmSignUpSerializer,
    ResetPasswordSerializer,
    SignUpAcceptedSerializer,
    SignUpSerializer,
    UsernameSerializer,
)
from .signed_in import SignedInView
from .throttles import CodeRequests, UsernameFailures
from .views import BrowserSessionView, refusal, too_many_attempts, unavailable

logger = logging.getLogger(__name__)

SIGNED_UP = "sign-up received: confirm it with the code sent"
RESENT = "if the account waits for confirmation, a new code is on its way"
RESET_SENT = "if the account exists, a code to reset its password is on its way"

# Cognito's answers that would tell whether a username has an account (taken, unknown,
# already confirmed, no verified address ...): each is answered as the ordinary case.
HIDDEN_WHEN_SENDING = frozenset(
    {
        "UserNotFoundException",
        "UserNotConfirmedException",
        "InvalidParameterException",
        "NotAuthorizedException",
        "CodeDeliveryFailureException",
    }
)
# A wrong or expired code, and what Cognito says of a user it does not know or who cannot
# take that code (already confirmed, an alias taken): all the same ``invalid_code``. moto
# answers ResourceNotFoundException for a reset of a user it does not know.
REFUSED_CODES = frozenset(
    {
        "CodeMismatchException",
        "ExpiredCodeException",
        "UserNotFoundException",
        "NotAuthorizedException",
        "AliasExistsException",
        "InvalidParameterException",
        "ResourceNotFoundException",
    }
)
PASSWORD_POLICY = "InvalidPasswordException"
# NotAuthorizedException of ChangePassword is a wrong password unless it is about the token
# ("Access Token has been revoked"; moto's message is the token itself).
TOKEN_REFUSED = re.compile(r"access token|^eyJ", re.IGNORECASE)


def masked_email(address: str) -> str:
    """``ana@example.com`` as Cognito shows it: ``a***@e***``."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


def masked_phone(number: str) -> str:
    """``+14155550123`` as Cognito shows it: ``+*******0123``."""
    digits = re.sub(r"\D", "", number)
    return f"+*******{digits[-4:]}"


def delivery(username: str, attributes: dict) -> dict:
    """Where a sign-up code goes, masked, from what the caller sent (never from Cognito's
    answer, which a taken username does not have): the email, else the phone number, else
    a username that is one of them; ``medium`` and ``destination`` null otherwise."""
    email = attributes.get("email", "")
    phone = attributes.get("phone_number", "")
    if "@" in email:
        return {"medium": "EMAIL", "destination": masked_email(email)}
    if re.fullmatch(r"\+[0-9]{6,15}", phone):
        return {"medium": "SMS", "destination": masked_phone(phone)}
    if "@" in username:
        return {"medium": "EMAIL", "destination": masked_email(username)}
    if re.fullmatch(r"\+[0-9]{6,15}", username):
        return {"medium": "SMS", "destination": masked_phone(username)}
    return {"medium": None, "destination": None}


def invalid_code() -> Response:
    """400 ``invalid_code``: a wrong or expired code, or an unknown user (one answer)."""
    return refusal(
        "the code is not right (or has expired): check it, or ask for a new one",
        "invalid_code",
        status.HTTP_400_BAD_REQUEST,
    )


def policy_refusal(error: idp.CognitoRefused) -> Response:
    """400 ``invalid_password`` or ``invalid_parameter`` with Cognito's explanation (the
    pool's rules, nothing about other users)."""
    code = "invalid_password" if error.code == PASSWORD_POLICY else "invalid_parameter"
    message = error.message[: idp.MAX_MESSAGE_LENGTH] or "Cognito refused the request"
    return refusal(message, code, status.HTTP_400_BAD_REQUEST)


def end_every_session(username: str, pool: str) -> None:
    """With revocation on, refuse every token of ``username`` of ``pool`` issued until now;
    a deny-list that cannot be written is logged (the password has changed already)."""
    revocation_list = state.revocation_list()
    if not (revocation_list.enabled and username and pool):
        return
    try:
        revocation_list.revoke_username(username, pool)
    except Exception as error:  # the cache's own errors (Redis down ...)
        logger.error(
            "the user's older tokens were not cut off (%s): revoke them with "
            "manage.py revoke_tokens --username",
            type(error).__name__,
        )


class AccountView(BrowserSessionView):
    """Base of the endpoints anyone may call (no token): bodies read with ``validated``."""

    def validated(self, request) -> dict:
        """The request body, validated by the view's serializer (400 otherwise)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def unexpected(self, operation: str, error: idp.CognitoRefused) -> Response:
        """503 for a Cognito error no contract answer fits (logged by its code only)."""
        logger.warning("Cognito refused %s with %s", operation, error.code)
        return unavailable()


class CodeSendingView(AccountView):
    """Base of the endpoints that make Cognito send a code: at most
    ``AWS_COGNITO_CODES_PER_USERNAME`` per username per window, known or not."""

    # Cognito's refusals answered as if the code had gone, and those shown to the caller.
    hidden = HIDDEN_WHEN_SENDING
    shown = frozenset()

    def send(self, username: str, operation: str, call, accepted: dict, serializer) -> Response:
        """202 with ``accepted`` once ``call()`` asked Cognito for the code, or when its
        refusal would tell whether the username has an account."""
        limit = CodeRequests.from_settings()
        limit.check(username)  # 429 before Cognito is asked
        limit.record(username)
        try:
            call()
        except idp.RateLimited:
            return too_many_attempts(limit.window_seconds)
        except idp.CognitoRefused as error:
            if error.code in self.shown:
                return policy_refusal(error)
            if error.code not in self.hidden:
                return self.unexpected(operation, error)
            logger.info("Cognito did not send a code (%s); answered as if it had", error.code)
        except idp.IdentityProviderError:
            return unavailable()
        return Response(serializer(accepted).data, status=status.HTTP_202_ACCEPTED)


class SignUpView(CodeSendingView):
    """A new account; Cognito sends the confirmation code. A taken username gets the very
    same 202 (no code is sent to anyone then)."""

    serializer_class = SignUpSerializer
    hidden = frozenset({"UsernameExistsException"})
    shown = frozenset({PASSWORD_POLICY, "InvalidParameterException"})

    def post(self, request):
        body = self.validated(request)
        username, attributes = body["username"], body["attributes"]
        accepted = {"detail": SIGNED_UP, "delivery": delivery(username, attributes)}
        return self.send(
            username,
            "SignUp",
            partial(self.provider.sign_up, username, body["password"], attributes),
            accepted,
            SignUpAcceptedSerializer,
        )


class ConfirmSignUpView(AccountView):
    """The code sent at sign-up confirms the account; a wrong one counts as a failed
    attempt of that username."""

    serializer_class = ConfirmSignUpSerializer

    def post(self, request):
        body = self.validated(request)
        username = body["username"]
        failures = UsernameFailures.from_settings()
        failures.check(username)
        try:
            self.provider.confirm_sign_up(username, body["code"])
        except idp.RateLimited:
            return too_many_attempts(failures.window_seconds)
        except idp.CognitoRefused as error:
            if error.code not in REFUSED_CODES:
                return self.unexpected("ConfirmSignUp", error)
            failures.record(username)
            return invalid_code()
        except idp.IdentityProviderError:
            return unavailable()
        return Response(status=status.HTTP_204_NO_CONTENT)


class ResendCodeView(CodeSendingView):
    """A new sign-up code; 202 whether or not the username waits for one."""

    serializer_class = UsernameSerializer

    def post(self, request):
        username = self.validated(request)["username"]
        call = partial(self.provider.resend_confirmation_code, username)
        accepted = {"detail": RESENT}
        return self.send(username, "ResendConfirmationCode", call, accepted, AcceptedSerializer)


class ForgotPasswordView(CodeSendingView):
    """A code to reset the password; 202 with the same body whether or not the account
    exists."""

    serializer_class = UsernameSerializer

    def post(self, request):
        username = self.validated(request)["username"]
        call = partial(self.provider.forgot_password, username)
        accepted = {"detail": RESET_SENT}
        return self.send(username, "ForgotPassword", call, accepted, AcceptedSerializer)


class ResetPasswordView(AccountView):
    """A new password with the code from ``password/forgot/``; every older token of the
    user is cut off when revocation is on."""

    serializer_class = ResetPasswordSerializer

    def post(self, request):
        body = self.validated(request)
        username = body["username"]
        failures = UsernameFailures.from_settings()
        failures.check(username)
        try:
            self.provider.confirm_forgot_password(username, body["code"], body["new_password"])
        except idp.RateLimited:
            return too_many_attempts(failures.window_seconds)
        except idp.CognitoRefused as error:
            if error.code == PASSWORD_POLICY:
                return policy_refusal(error)
            if error.code not in REFUSED_CODES:
                return self.unexpected("ConfirmForgotPassword", error)
            failures.record(username)
            return invalid_code()
        except idp.IdentityProviderError:
            return unavailable()
        end_every_session(username, self.config.cognito.user_pool_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChangePasswordView(SignedInView):
    """The signed-in user's new password (the current one is asked again). With
    revocation on, every older token of the user is cut off, this browser's included:
    its cookies are cleared, and it signs in again with the new password."""

    serializer_class = ChangePasswordSerializer

    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body = serializer.validated_data
        failures = UsernameFailures.from_settings()
        failures.check(self.username)
        try:
            self.provider.change_password(
                self.access_token, body["old_password"], body["new_password"]
            )
        except idp.RateLimited:
            return too_many_attempts(failures.window_seconds)
        except idp.CognitoRefused as error:
            if error.code == "NotAuthorizedException":
                if TOKEN_REFUSED.search(error.message):
                    return self.cognito_failed(idp.AccessRefused(error.code))
                failures.record(self.username)
                return refusal("the current password is not right", "invalid_credentials")
            if error.code in (PASSWORD_POLICY, "InvalidParameterException"):
                return policy_refusal(error)
            logger.warning("Cognito refused ChangePassword with %s", error.code)
            return unavailable()
        except idp.IdentityProviderError as error:
            return self.cognito_failed(error)
        response = Response(status=status.HTTP_204_NO_CONTENT)
        if state.revocation_list().enabled:
            end_every_session(self.username, self.pool)
            cookies.clear_token_cookies(response, self.config, self.mount_path)
        return response


class LogoutEverywhereView(SignedInView):
    """Sign out on every device: Cognito's ``GlobalSignOut`` (every refresh token of the
    user stops working), this browser's cookies cleared and, with revocation on, every
    token of the user issued until now refused at once."""

    serializer_class = None

    def post(self, request):
        try:
            self.provider.global_sign_out(self.access_token)
        except idp.RateLimited:
            return too_many_attempts(UsernameFailures.from_settings().window_seconds)
        except idp.CognitoRefused as error:
            if error.code != "NotAuthorizedException":
                logger.warning("Cognito refused GlobalSignOut with %s", error.code)
                return unavailable()
            # Cognito no longer takes this token: this browser's session is over anyway.
            response = self.cognito_failed(idp.AccessRefused(error.code))
            cookies.clear_token_cookies(response, self.config, self.mount_path)
            return response
        except idp.IdentityProviderError:
            return unavailable()
        end_every_session(self.username, self.pool)
        response = Response(status=status.HTTP_204_NO_CONTENT)
        cookies.clear_token_cookies(response, self.config, self.mount_path)
        return response
