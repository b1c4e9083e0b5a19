"""Signing a user in to Cognito with a password (``USER_PASSWORD_AUTH``) and refreshing."""

import base64
import hashlib
import hmac

import boto3

from .seed import EMULATOR_CREDENTIALS


class SignInError(RuntimeError):
    """Cognito refused the sign-in or asked for a step this helper does not do."""


def identity_provider(region: str, endpoint_url: str | None = None):
    """A boto3 Cognito client: real Cognito, or the emulator at ``endpoint_url``."""
    if endpoint_url:
        return boto3.client(
            "cognito-idp", region_name=region, endpoint_url=endpoint_url, **EMULATOR_CREDENTIALS
        )
    # InitiateAuth is an unsigned operation: no AWS credentials are needed.
    return boto3.client("cognito-idp", region_name=region)


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    """The ``SECRET_HASH`` Cognito wants from app clients that have a secret."""
    digest = hmac.new(
        client_secret.encode(), (username + client_id).encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def _authenticate(idp, client_id: str, flow: str, parameters: dict) -> dict:
    try:
        answer = idp.initiate_auth(AuthFlow=flow, ClientId=client_id, AuthParameters=parameters)
    except idp.exceptions.ClientError as error:
        raise SignInError(error.response["Error"].get("Message", str(error))) from None
    if "AuthenticationResult" not in answer:
        raise SignInError(
            f"Cognito asks for the {answer.get('ChallengeName')} step; complete it once "
            "(console or hosted UI), then sign in again."
        )
    return answer["AuthenticationResult"]


def sign_in(
    idp, client_id: str, username: str, password: str, client_secret: str | None = None
) -> dict:
    """``AccessToken``, ``IdToken``, ``RefreshToken`` and ``ExpiresIn`` for the user."""
    parameters = {"USERNAME": username, "PASSWORD": password}
    if client_secret:
        parameters["SECRET_HASH"] = secret_hash(username, client_id, client_secret)
    return _authenticate(idp, client_id, "USER_PASSWORD_AUTH", parameters)


def refresh(
    idp,
    client_id: str,
    refresh_token: str,
    username: str | None = None,
    client_secret: str | None = None,
) -> dict:
    """New ``AccessToken`` and ``IdToken`` from a refresh token (no password)."""
    parameters = {"REFRESH_TOKEN": refresh_token}
    if client_secret and username:
        parameters["SECRET_HASH"] = secret_hash(username, client_id, client_secret)
    return _authenticate(idp, client_id, "REFRESH_TOKEN_AUTH", parameters)
