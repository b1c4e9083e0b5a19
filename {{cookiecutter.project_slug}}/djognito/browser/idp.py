"""Cognito's sign-in calls: password and refresh sign-in, challenges, MFA, accounts,
revocation, the token endpoint.

``CognitoIdentityProvider`` speaks to Cognito's API with boto3 (``InitiateAuth``,
``RespondToAuthChallenge``, ``AssociateSoftwareToken``, ``VerifySoftwareToken``,
``GetUser``, ``SetUserMFAPreference``, ``RevokeToken``, ``SignUp``, ``ConfirmSignUp``,
``ResendConfirmationCode``, ``ForgotPassword``, ``ConfirmForgotPassword``,
``ChangePassword``, ``GlobalSignOut``: operations that need no AWS credentials) and to
the managed login's
``/oauth2/token`` with requests. Every failure becomes one of the exceptions below, so the
views map each to one HTTP answer; no message ever contains a token or a password.
"""

import base64
import hashlib
import hmac
import logging
import re
import threading
from dataclasses import dataclass, field

import boto3
import requests
from botocore.config import Config as BotocoreConfig
from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from .settings import BrowserConfig

logger = logging.getLogger(__name__)

# Cognito's answers to a wrong password and to an unknown user differ; both become the same
# SignInRefused so that nobody learns which usernames exist.
REFUSALS = frozenset(
    {
        "NotAuthorizedException",
        "UserNotFoundException",
        "UserNotConfirmedException",
        "PasswordResetRequiredException",
        "InvalidParameterException",
    }
)


# Cognito's own rate limits: answered like ours (429), never as a wrong password.
RATE_LIMITS = frozenset(
    {"LimitExceededException", "TooManyRequestsException", "TooManyFailedAttemptsException"}
)
# NotAuthorizedException's message when Cognito itself locks a user after failed passwords.
PASSWORD_ATTEMPTS_EXCEEDED = "Password attempts exceeded"
# Answers to a challenge: a wrong code, and a session Cognito no longer takes (moto answers
# ResourceNotFoundException for a session it never issued).
# AWS answers a wrong first code of VerifySoftwareToken with EnableSoftwareTokenMFAException.
CODE_MISMATCHES = frozenset(
    {"CodeMismatchException", "ExpiredCodeException", "EnableSoftwareTokenMFAException"}
)
SESSION_REFUSALS = frozenset({"NotAuthorizedException", "ResourceNotFoundException"})
ANSWER_REFUSALS = frozenset(
    {
        "InvalidPasswordException",
        "InvalidParameterException",
        "InvalidUserPoolConfigurationException",
    }
)
MAX_MESSAGE_LENGTH = 300
SOFTWARE_TOKEN_CODE = re.compile(r"[0-9]{6}")


class IdentityProviderError(Exception):
    """Base class: Cognito did not sign the user in."""


class SignInRefused(IdentityProviderError):
    """Wrong credentials, unknown user, or a refresh token Cognito no longer accepts."""


class ChallengeRequired(IdentityProviderError):
    """Cognito asks for another step (``NEW_PASSWORD_REQUIRED``, an MFA code ...).

    ``session`` is Cognito's ``Session`` for the answer (never logged, never in a body);
    ``parameters`` its ``ChallengeParameters`` exactly as sent (see ``challenges``).
    """

    def __init__(self, name: str, session: str = "", parameters: dict | None = None):
        self.name = name
        self.session = session
        self.parameters = parameters if isinstance(parameters, dict) else {}
        super().__init__(f"Cognito asks for the {name} step")


class CodeMismatch(IdentityProviderError):
    """The code does not match (``CodeMismatchException``) or has expired."""


class ChallengeExpired(IdentityProviderError):
    """Cognito no longer knows the challenge's session (expired, used, or not its own)."""


class AnswerRefused(IdentityProviderError):
    """Cognito refused the answer's content; ``code`` is Cognito's error, ``message`` its
    explanation (a password policy, a missing attribute: never a secret)."""

    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message
        super().__init__(code)


class AccessRefused(IdentityProviderError):
    """Cognito refused the access token (revoked, signed out everywhere)."""


class RateLimited(IdentityProviderError):
    """Cognito refuses for now: too many requests or failed attempts."""


class IdentityProviderUnavailable(IdentityProviderError):
    """Cognito could not be reached or answered with an error of its own."""


class InvalidGrant(IdentityProviderError):
    """The token endpoint refused the code or refresh token (``invalid_grant``)."""


@dataclass(frozen=True)
class TokenSet:
    """The tokens of one sign-in; ``refresh_token`` is empty after a refresh."""

    access_token: str = field(repr=False)
    id_token: str = field(repr=False)
    expires_in: int
    refresh_token: str = field(default="", repr=False)

    def token_for(self, token_use: str) -> str:
        """The token the API accepts: the access token, or the id token."""
        return self.id_token if token_use == "id" else self.access_token


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    """The ``SECRET_HASH`` Cognito wants from app clients that have a secret."""
    digest = hmac.new(
        client_secret.encode(), (username + client_id).encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


_clients: dict[tuple, object] = {}
_clients_lock = threading.Lock()


def cognito_client(region: str, endpoint_url: str, timeout: float):
    """A boto3 ``cognito-idp`` client, made once per process (making one is slow)."""
    key = (region, endpoint_url, timeout)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = boto3.client(
                "cognito-idp",
                region_name=region,
                endpoint_url=endpoint_url or None,
                config=BotocoreConfig(
                    connect_timeout=timeout,
                    read_timeout=timeout,
                    retries={"total_max_attempts": 1, "mode": "standard"},
                ),
            )
            _clients[key] = client
    return client


class CognitoIdentityProvider:
    """The Cognito calls behind the sign-in endpoints, for one app client."""

    def __init__(self, config: BrowserConfig):
        self.config = config
        self.client_id = config.client_id

    @property
    def _client(self):
        config = self.config
        return cognito_client(
            config.cognito.region, config.endpoint_url, config.idp_timeout_seconds
        )

    def sign_in(self, username: str, password: str) -> TokenSet:
        """``USER_PASSWORD_AUTH``: the user's tokens, or why not."""
        parameters = {"USERNAME": username, "PASSWORD": password}
        self._add_secret_hash(parameters, username)
        return self._initiate_auth("USER_PASSWORD_AUTH", parameters)

    def refresh(self, refresh_token: str, username: str) -> TokenSet:
        """``REFRESH_TOKEN_AUTH``: new access and id tokens."""
        parameters = {"REFRESH_TOKEN": refresh_token}
        self._add_secret_hash(parameters, username)
        return self._initiate_auth("REFRESH_TOKEN_AUTH", parameters)

    def revoke(self, refresh_token: str) -> None:
        """``RevokeToken``: the refresh token and the tokens made from it stop working."""
        arguments = {"Token": refresh_token, "ClientId": self.client_id}
        if self.config.client_secret:
            arguments["ClientSecret"] = self.config.client_secret
        try:
            self._client.revoke_token(**arguments)
        except ClientError as error:
            raise IdentityProviderError(_error_code(error)) from None
        except BotoCoreError as error:
            raise IdentityProviderUnavailable(type(error).__name__) from None

    def exchange_code(self, code: str, code_verifier: str, redirect_uri: str) -> TokenSet:
        """The managed login's ``authorization_code`` grant, with the PKCE verifier."""
        return self._token_endpoint(
            {
                "grant_type": "authorization_code",
                "code": code,
                "code_verifier": code_verifier,
                "redirect_uri": redirect_uri,
            }
        )

    def refresh_at_token_endpoint(self, refresh_token: str) -> TokenSet:
        """The managed login's ``refresh_token`` grant."""
        return self._token_endpoint({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def respond(self, challenge: str, session: str, username: str, answers: dict) -> TokenSet:
        """``RespondToAuthChallenge``: the tokens, or the next ``ChallengeRequired``.

        Raises ``CodeMismatch``, ``ChallengeExpired``, ``AnswerRefused``, ``RateLimited``.
        """
        responses = {"USERNAME": username, **answers}
        self._add_secret_hash(responses, username)
        try:
            answer = self._call(
                "respond_to_auth_challenge",
                ClientId=self.client_id,
                ChallengeName=challenge,
                Session=session,
                ChallengeResponses=responses,
            )
        except CognitoRefused as error:
            raise _answer_error(error) from None
        return _tokens_or_challenge(answer)

    def associate_software_token(
        self, *, session: str = "", access_token: str = ""
    ) -> tuple[str, str]:
        """``AssociateSoftwareToken`` for a sign-in's ``session`` or a signed-in user's
        ``access_token``: (the TOTP secret, the session to go on with, empty for a token)."""
        arguments = {"Session": session} if session else {"AccessToken": access_token}
        try:
            answer = self._call("associate_software_token", **arguments)
        except CognitoRefused as error:
            raise _answer_error(error, session_bound=bool(session)) from None
        secret = answer.get("SecretCode")
        if not isinstance(secret, str) or not secret:
            raise IdentityProviderUnavailable("no SecretCode in Cognito's answer")
        return secret, str(answer.get("Session") or session)

    def verify_software_token(self, code: str, *, session: str = "", access_token: str = "") -> str:
        """``VerifySoftwareToken``: the authenticator's first code; the new session (empty
        for an access token). Raises ``CodeMismatch`` for a wrong code."""
        if not SOFTWARE_TOKEN_CODE.fullmatch(code):
            raise CodeMismatch("not a 6-digit code")  # what VerifySoftwareToken accepts
        arguments = {"Session": session} if session else {"AccessToken": access_token}
        try:
            answer = self._call("verify_software_token", UserCode=code, **arguments)
        except CognitoRefused as error:
            raise _answer_error(error, session_bound=bool(session)) from None
        if answer.get("Status", "SUCCESS") != "SUCCESS":
            raise CodeMismatch("VerifySoftwareToken did not succeed")
        return str(answer.get("Session") or "")

    def mfa_settings(self, access_token: str) -> tuple[list[str], str | None]:
        """``GetUser``: the MFA kinds the user has on, and the preferred one (or None)."""
        try:
            answer = self._call("get_user", AccessToken=access_token)
        except CognitoRefused as error:
            raise _answer_error(error) from None
        enabled = answer.get("UserMFASettingList") or []
        preferred = answer.get("PreferredMfaSetting") or None
        return (
            [name for name in enabled if isinstance(name, str)],
            preferred if isinstance(preferred, str) else None,
        )

    def set_totp(self, access_token: str, enabled: bool) -> None:
        """``SetUserMFAPreference``: the authenticator app on and preferred, or off."""
        try:
            self._call(
                "set_user_mfa_preference",
                AccessToken=access_token,
                SoftwareTokenMfaSettings={"Enabled": enabled, "PreferredMfa": enabled},
            )
        except CognitoRefused as error:
            raise _answer_error(error) from None

    # Accounts: each raises ``CognitoRefused`` (Cognito's error code and message) for the
    # caller to map, as only the caller knows which answers would tell who has an account.

    def sign_up(self, username: str, password: str, attributes: dict[str, str]) -> None:
        """``SignUp``: a new, unconfirmed user with ``attributes`` (name -> value)."""
        self._call(
            "sign_up",
            **self._user_arguments(username),
            Password=password,
            UserAttributes=[{"Name": name, "Value": value} for name, value in attributes.items()],
        )

    def confirm_sign_up(self, username: str, code: str) -> None:
        """``ConfirmSignUp``: the code sent at sign-up confirms the user."""
        self._call("confirm_sign_up", **self._user_arguments(username), ConfirmationCode=code)

    def resend_confirmation_code(self, username: str) -> None:
        """``ResendConfirmationCode``: a new sign-up code."""
        self._call("resend_confirmation_code", **self._user_arguments(username))

    def forgot_password(self, username: str) -> None:
        """``ForgotPassword``: a code to reset the password is sent."""
        self._call("forgot_password", **self._user_arguments(username))

    def confirm_forgot_password(self, username: str, code: str, new_password: str) -> None:
        """``ConfirmForgotPassword``: the code sent by ``forgot_password`` sets a new password."""
        self._call(
            "confirm_forgot_password",
            **self._user_arguments(username),
            ConfirmationCode=code,
            Password=new_password,
        )

    def change_password(self, access_token: str, old_password: str, new_password: str) -> None:
        """``ChangePassword`` for the signed-in user of ``access_token``."""
        self._call(
            "change_password",
            AccessToken=access_token,
            PreviousPassword=old_password,
            ProposedPassword=new_password,
        )

    def global_sign_out(self, access_token: str) -> None:
        """``GlobalSignOut``: every refresh token of the user stops working."""
        self._call("global_sign_out", AccessToken=access_token)

    def _user_arguments(self, username: str) -> dict:
        arguments = {"ClientId": self.client_id, "Username": username}
        if self.config.client_secret:
            arguments["SecretHash"] = secret_hash(
                username, self.client_id, self.config.client_secret
            )
        return arguments

    def _call(self, operation: str, **arguments) -> dict:
        """One Cognito operation; rate limits and network failures mapped, other errors
        raised as ``CognitoRefused`` for the caller to map."""
        try:
            return getattr(self._client, operation)(**arguments)
        except ClientError as error:
            code = _error_code(error)
            if code in RATE_LIMITS or _error_message(error) == PASSWORD_ATTEMPTS_EXCEEDED:
                raise RateLimited(code) from None
            raise CognitoRefused(code, _error_message(error)) from None
        except ParamValidationError:
            # botocore refused to send it (outside Cognito's documented bounds).
            raise CognitoRefused(
                "InvalidParameterException", "a value is outside what Cognito accepts"
            ) from None
        except BotoCoreError as error:
            logger.warning("Cognito unreachable for %s: %s", operation, type(error).__name__)
            raise IdentityProviderUnavailable(type(error).__name__) from None

    def _add_secret_hash(self, parameters: dict, username: str) -> None:
        if self.config.client_secret:
            parameters["SECRET_HASH"] = secret_hash(
                username, self.client_id, self.config.client_secret
            )

    def _initiate_auth(self, flow: str, parameters: dict) -> TokenSet:
        try:
            answer = self._client.initiate_auth(
                AuthFlow=flow, ClientId=self.client_id, AuthParameters=parameters
            )
        except ClientError as error:
            code = _error_code(error)
            if code in RATE_LIMITS or _error_message(error) == PASSWORD_ATTEMPTS_EXCEEDED:
                raise RateLimited(code) from None
            if code in REFUSALS:
                raise SignInRefused(code) from None
            logger.warning("Cognito refused %s with %s", flow, code)
            raise IdentityProviderUnavailable(code) from None
        except BotoCoreError as error:
            logger.warning("Cognito unreachable for %s: %s", flow, type(error).__name__)
            raise IdentityProviderUnavailable(type(error).__name__) from None
        return _tokens_or_challenge(answer)

    def _token_endpoint(self, form: dict) -> TokenSet:
        auth = None
        if self.config.client_secret:
            auth = (self.client_id, self.config.client_secret)
        else:
            form = {**form, "client_id": self.client_id}
        try:
            response = requests.post(
                f"{self.config.domain}/oauth2/token",
                data=form,
                auth=auth,
                headers={"Accept": "application/json"},
                timeout=self.config.idp_timeout_seconds,
                allow_redirects=False,
            )
        except requests.RequestException as error:
            logger.warning("Cognito token endpoint unreachable: %s", type(error).__name__)
            raise IdentityProviderUnavailable(type(error).__name__) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            logger.warning("Cognito token endpoint answered %s without JSON", response.status_code)
            raise IdentityProviderUnavailable(f"HTTP {response.status_code}")
        if response.status_code == 400 and body.get("error") in (
            "invalid_grant",
            "invalid_request",
        ):
            raise InvalidGrant(str(body["error"]))
        if response.status_code != 200 or not isinstance(body.get("access_token"), str):
            logger.warning(
                "Cognito token endpoint answered %s (%s)", response.status_code, body.get("error")
            )
            raise IdentityProviderUnavailable(f"HTTP {response.status_code}")
        try:
            expires_in = int(body.get("expires_in", 0))
        except (TypeError, ValueError):
            expires_in = 0
        return TokenSet(
            access_token=body["access_token"],
            id_token=str(body.get("id_token") or ""),
            expires_in=expires_in,
            refresh_token=str(body.get("refresh_token") or ""),
        )


class CognitoRefused(IdentityProviderError):
    """Cognito answered an operation with an error (mapped by the caller)."""

    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message
        super().__init__(code)


def _answer_error(error: CognitoRefused, session_bound: bool = True) -> IdentityProviderError:
    """The exception for Cognito's refusal of a challenge answer or an MFA call."""
    if error.code in CODE_MISMATCHES:
        return CodeMismatch(error.code)
    if error.code in SESSION_REFUSALS:
        return ChallengeExpired(error.code) if session_bound else AccessRefused(error.code)
    if error.code in ANSWER_REFUSALS:
        return AnswerRefused(error.code, error.message[:MAX_MESSAGE_LENGTH])
    logger.warning("Cognito refused a challenge or MFA call with %s", error.code)
    return IdentityProviderUnavailable(error.code)


def _tokens_or_challenge(answer: dict) -> TokenSet:
    """The tokens of an ``InitiateAuth`` / ``RespondToAuthChallenge`` answer, or the
    ``ChallengeRequired`` it asks for."""
    result = answer.get("AuthenticationResult")
    if not result:
        raise ChallengeRequired(
            str(answer.get("ChallengeName") or "UNKNOWN"),
            str(answer.get("Session") or ""),
            answer.get("ChallengeParameters"),
        )
    return TokenSet(
        access_token=result["AccessToken"],
        id_token=result.get("IdToken", ""),
        expires_in=int(result.get("ExpiresIn", 0)),
        refresh_token=result.get("RefreshToken", ""),
    )


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code") or "UnknownError")


def _error_message(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Message") or "").strip().rstrip(".")
