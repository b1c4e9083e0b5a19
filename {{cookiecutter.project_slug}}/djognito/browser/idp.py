"""Cognito's sign-in calls: password and refresh sign-in, revocation, the token endpoint.

``CognitoIdentityProvider`` speaks to Cognito's API with boto3 (``InitiateAuth``,
``RevokeToken``: operations that need no AWS credentials) and to the managed login's
``/oauth2/token`` with requests. Every failure becomes one of the exceptions below, so the
views map each to one HTTP answer; no message ever contains a token or a password.
"""

import base64
import hashlib
import hmac
import logging
import threading
from dataclasses import dataclass, field

import boto3
import requests
from botocore.config import Config as BotocoreConfig
from botocore.exceptions import BotoCoreError, ClientError

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


class IdentityProviderError(Exception):
    """Base class: Cognito did not sign the user in."""


class SignInRefused(IdentityProviderError):
    """Wrong credentials, unknown user, or a refresh token Cognito no longer accepts."""


class ChallengeRequired(IdentityProviderError):
    """Cognito asks for another step (``NEW_PASSWORD_REQUIRED``, an MFA code ...)."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"Cognito asks for the {name} step")


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
        result = answer.get("AuthenticationResult")
        if not result:
            raise ChallengeRequired(str(answer.get("ChallengeName") or "UNKNOWN"))
        return TokenSet(
            access_token=result["AccessToken"],
            id_token=result.get("IdToken", ""),
            expires_in=int(result.get("ExpiresIn", 0)),
            refresh_token=result.get("RefreshToken", ""),
        )

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


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code") or "UnknownError")


def _error_message(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Message") or "").strip().rstrip(".")
