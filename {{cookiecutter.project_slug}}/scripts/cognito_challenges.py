"""A loopback stand-in for the sign-in challenges moto does not implement.

``CognitoChallengeServer`` speaks Cognito's API (JSON over ``POST /`` with ``X-Amz-Target:
AWSCognitoIdentityProviderService.<Op>``; errors HTTP 400 ``{"__type", "message"}``) for
``InitiateAuth`` (``USER_PASSWORD_AUTH``) and ``RespondToAuthChallenge``: enough for
``EMAIL_OTP``, ``SELECT_MFA_TYPE``, ``NEW_PASSWORD_REQUIRED`` with required attributes, and
a step nobody knows yet; and the account operations as Cognito answers them without
``PreventUserExistenceErrors`` (``SignUp``, ``ConfirmSignUp``, ``ResendConfirmationCode``,
``ForgotPassword``, ``ConfirmForgotPassword``), with a password policy, checked codes and
the errors that would tell who has an account. Development and test tooling only: not in
the image.
"""

import base64
import hmac
import json
import secrets
import threading
from dataclasses import dataclass, field

from djognito.testing import SigningKey, TokenFactory

from .cognito_fakes import LoopbackHandler, LoopbackServer

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
AMZ_JSON = "application/x-amz-json-1.1"


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    """Cognito's ``SECRET_HASH``: Base64(HMAC-SHA256(secret, username + client id))."""
    digest = hmac.new(client_secret.encode(), (username + client_id).encode(), "sha256")
    return base64.b64encode(digest.digest()).decode()


@dataclass(frozen=True)
class ChallengeUser:
    """A user whose sign-in asks for ``steps`` in order (a ``SELECT_MFA_TYPE`` step is
    followed by the kind chosen); every code is ``code``. ``options`` are the kinds offered
    at ``SELECT_MFA_TYPE``; ``required_attributes`` those ``NEW_PASSWORD_REQUIRED`` needs."""

    username: str
    password: str = field(repr=False)
    steps: tuple[str, ...]
    code: str = field(default="123456", repr=False)
    options: tuple[str, ...] = ("SOFTWARE_TOKEN_MFA", "EMAIL_OTP")
    required_attributes: tuple[str, ...] = ()


@dataclass
class Account:
    """A user of the account operations: ``code`` is the last code sent (``None`` when
    none is pending), as if read from the user's inbox."""

    password: str = field(repr=False)
    attributes: dict = field(default_factory=dict)
    confirmed: bool = False
    code: str | None = field(default=None, repr=False)


# The pool's password policy (as Cognito words its refusal) and the attributes it knows.
MINIMUM_PASSWORD_LENGTH = 8
KNOWN_ATTRIBUTES = frozenset({"email", "phone_number", "name", "custom:team"})
ACCOUNT_OPERATIONS = (
    "SignUp",
    "ConfirmSignUp",
    "ResendConfirmationCode",
    "ForgotPassword",
    "ConfirmForgotPassword",
)


class CognitoError(Exception):
    """An error answer of Cognito's JSON protocol."""

    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message
        super().__init__(code)


class CognitoChallengeServer(LoopbackServer):
    """Cognito's ``InitiateAuth`` and ``RespondToAuthChallenge`` for ``users``, on 127.0.0.1.

    Each step answers with a new ``Session``; a wrong code is ``CodeMismatchException`` and
    leaves the session usable; an unknown session is ``NotAuthorizedException``. With
    ``client_secret``, every call must carry the right ``SECRET_HASH``. Tokens are signed
    with ``key`` (serve its JWKS elsewhere, e.g. ``JWKSServer``). ``requests`` records each
    (operation, body) received.
    """

    def __init__(self, key: SigningKey, issuer: str, client_id: str, users, client_secret=""):
        self.client_id = client_id
        self.client_secret = client_secret
        self.users = {user.username: user for user in users}
        self.access_tokens = TokenFactory(key, issuer, client_id, "access")
        self.id_tokens = TokenFactory(key, issuer, client_id, "id")
        self.requests: list[tuple[str, dict]] = []
        # username -> Account, for the account operations.
        self.accounts: dict[str, Account] = {}
        # operation -> the error code it answers with from now on (Cognito's limits ...).
        self.failing: dict[str, str] = {}
        # session -> (username, the steps still to answer)
        self._sessions: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._lock = threading.Lock()
        super().__init__()

    @property
    def url(self) -> str:
        """The endpoint URL to give boto3 (``AWS_COGNITO_ENDPOINT_URL``)."""
        return self.base_url

    def call(self, operation: str, body: dict) -> dict:
        """The answer to one operation; raises ``CognitoError``."""
        self.requests.append((operation, body))
        if body.get("ClientId") != self.client_id:
            raise CognitoError("ResourceNotFoundException", "User pool client does not exist.")
        if operation in self.failing:
            raise CognitoError(self.failing[operation], f"{operation} refused for now.")
        if operation in ACCOUNT_OPERATIONS:
            username = str(body.get("Username", ""))
            self._check_secret_hash({"SECRET_HASH": body.get("SecretHash", "")}, username)
            with self._lock:
                return getattr(self, f"_{operation}")(username, body)
        if operation == "InitiateAuth":
            return self._initiate_auth(body)
        if operation == "RespondToAuthChallenge":
            return self._respond(body)
        raise CognitoError("InvalidActionException", f"{operation} is not served here")

    def _account(self, username: str) -> Account:
        account = self.accounts.get(username)
        if account is None:
            raise CognitoError("UserNotFoundException", "Username/client id combination not found.")
        return account

    def _check_password(self, password: str) -> None:
        if len(password) < MINIMUM_PASSWORD_LENGTH or not any(c.isdigit() for c in password):
            raise CognitoError(
                "InvalidPasswordException",
                "Password did not conform with policy: Password not long enough or has no number",
            )

    def _send_code(self, account: Account) -> dict:
        account.code = f"{secrets.randbelow(1_000_000):06d}"
        email = account.attributes.get("email", "")
        return {
            "Destination": f"{email[:1]}***@{email.partition('@')[2][:1]}***",
            "DeliveryMedium": "EMAIL",
            "AttributeName": "email",
        }

    def _SignUp(self, username: str, body: dict) -> dict:
        if username in self.accounts:
            raise CognitoError("UsernameExistsException", "User already exists")
        attributes = {item["Name"]: item["Value"] for item in body.get("UserAttributes") or []}
        unknown = sorted(set(attributes) - KNOWN_ATTRIBUTES)
        if unknown:
            raise CognitoError(
                "InvalidParameterException",
                f"Attributes did not conform to the schema: {unknown[0]}: Attribute does not exist",
            )
        self._check_password(str(body.get("Password", "")))
        account = Account(str(body["Password"]), attributes)
        self.accounts[username] = account
        return {
            "UserConfirmed": False,
            "UserSub": secrets.token_hex(16),
            "CodeDeliveryDetails": self._send_code(account),
        }

    def _ConfirmSignUp(self, username: str, body: dict) -> dict:
        account = self._account(username)
        if account.confirmed:
            raise CognitoError(
                "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED"
            )
        if account.code is None or body.get("ConfirmationCode") != account.code:
            raise CognitoError("CodeMismatchException", "Invalid verification code provided.")
        account.confirmed, account.code = True, None
        return {}

    def _ResendConfirmationCode(self, username: str, body: dict) -> dict:
        account = self._account(username)
        if account.confirmed:
            raise CognitoError("InvalidParameterException", "User is already confirmed.")
        return {"CodeDeliveryDetails": self._send_code(account)}

    def _ForgotPassword(self, username: str, body: dict) -> dict:
        return {"CodeDeliveryDetails": self._send_code(self._account(username))}

    def _ConfirmForgotPassword(self, username: str, body: dict) -> dict:
        account = self._account(username)
        if account.code is None or body.get("ConfirmationCode") != account.code:
            raise CognitoError("CodeMismatchException", "Invalid verification code provided.")
        self._check_password(str(body.get("Password", "")))
        account.password, account.code = str(body["Password"]), None
        return {}

    def _check_secret_hash(self, parameters: dict, username: str) -> None:
        if not self.client_secret:
            return
        expected = secret_hash(username, self.client_id, self.client_secret)
        if not secrets.compare_digest(str(parameters.get("SECRET_HASH", "")), expected):
            raise CognitoError(
                "NotAuthorizedException",
                f"Client {self.client_id} is configured with secret but SECRET_HASH was not "
                "received or is wrong",
            )

    def _initiate_auth(self, body: dict) -> dict:
        if body.get("AuthFlow") != "USER_PASSWORD_AUTH":
            raise CognitoError("InvalidParameterException", "only USER_PASSWORD_AUTH here")
        parameters = body.get("AuthParameters") or {}
        user = self.users.get(parameters.get("USERNAME", ""))
        if user is None or not secrets.compare_digest(
            user.password.encode(), str(parameters.get("PASSWORD", "")).encode()
        ):
            raise CognitoError("NotAuthorizedException", "Incorrect username or password.")
        self._check_secret_hash(parameters, user.username)
        return self._next(user, user.steps)

    def _respond(self, body: dict) -> dict:
        with self._lock:
            pending = self._sessions.get(str(body.get("Session", "")))
        if pending is None:
            raise CognitoError(
                "NotAuthorizedException", "Invalid session for the user, session is expired."
            )
        username, steps = pending
        user = self.users[username]
        responses = body.get("ChallengeResponses") or {}
        if body.get("ChallengeName") != steps[0] or responses.get("USERNAME") != username:
            raise CognitoError("InvalidParameterException", "Invalid challenge response.")
        self._check_secret_hash(responses, username)
        step, rest = steps[0], steps[1:]
        if step == "SELECT_MFA_TYPE":
            chosen = responses.get("ANSWER")
            if chosen not in user.options:
                raise CognitoError("InvalidParameterException", "Invalid ANSWER.")
            rest = (chosen, *rest)
        elif step == "NEW_PASSWORD_REQUIRED":
            if not responses.get("NEW_PASSWORD"):
                raise CognitoError("InvalidPasswordException", "Password does not conform.")
            missing = [
                name
                for name in user.required_attributes
                if not responses.get(f"userAttributes.{name}")
            ]
            if missing:
                raise CognitoError(
                    "InvalidParameterException", f"Missing required attribute {missing[0]}"
                )
        elif responses.get(f"{step}_CODE") != user.code:
            raise CognitoError("CodeMismatchException", "Invalid code received for user")
        with self._lock:
            self._sessions.pop(body["Session"], None)
        return self._next(user, rest)

    def _next(self, user: ChallengeUser, steps: tuple[str, ...]) -> dict:
        if not steps:
            return {
                "AuthenticationResult": {
                    "AccessToken": self.access_tokens.token(user.username),
                    "IdToken": self.id_tokens.token(user.username),
                    "RefreshToken": secrets.token_urlsafe(48),
                    "ExpiresIn": self.access_tokens.lifetime,
                    "TokenType": "Bearer",
                },
                "ChallengeParameters": {},
            }
        session = secrets.token_urlsafe(96)
        with self._lock:
            self._sessions[session] = (user.username, steps)
        return {
            "ChallengeName": steps[0],
            "Session": session,
            "ChallengeParameters": self._parameters(user, steps[0]),
        }

    def _parameters(self, user: ChallengeUser, step: str) -> dict:
        parameters = {"USER_ID_FOR_SRP": user.username}
        if step == "EMAIL_OTP":
            parameters |= {
                "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
                "CODE_DELIVERY_DESTINATION": "a***@e***",
            }
        elif step == "SMS_MFA":
            parameters |= {
                "CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
                "CODE_DELIVERY_DESTINATION": "+*******1234",
            }
        elif step == "SELECT_MFA_TYPE":
            parameters["MFAS_CAN_CHOOSE"] = json.dumps(list(user.options))
        elif step == "NEW_PASSWORD_REQUIRED":
            names = [f"userAttributes.{name}" for name in user.required_attributes]
            parameters |= {"requiredAttributes": json.dumps(names), "userAttributes": "{}"}
        return parameters

    def _handler_class(self):
        server = self

        class Handler(LoopbackHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                target = self.headers.get("X-Amz-Target", "")
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                    if not target.startswith(TARGET_PREFIX) or not isinstance(body, dict):
                        raise CognitoError("UnknownOperationException", "Unknown operation")
                    answer = server.call(target.removeprefix(TARGET_PREFIX), body)
                except CognitoError as error:
                    document = {"__type": error.code, "message": error.message}
                    self.send_body(400, json.dumps(document).encode(), AMZ_JSON)
                    return
                except ValueError:
                    document = {"__type": "SerializationException", "message": "not JSON"}
                    self.send_body(400, json.dumps(document).encode(), AMZ_JSON)
                    return
                self.send_body(200, json.dumps(answer).encode(), AMZ_JSON)

        return Handler
