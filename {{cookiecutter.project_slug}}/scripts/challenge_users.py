"""Users of the local pool who meet a sign-in challenge: one with an authenticator app
(``SOFTWARE_TOKEN_MFA``) and one an administrator created (``NEW_PASSWORD_REQUIRED``).

``make cognito-local`` seeds them next to the password-only users and records them in
``.cognito-local/challenge-users.json`` (the walk-through of ``make demo`` reads it). moto
gives every authenticator the secret ``TOTP_SECRET``: ``.venv/bin/python -m
scripts.authenticator`` prints its current code. Development tooling only.
"""

import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .authenticator import fresh_totp_code
from .moto_server import TOTP_SECRET
from .seed import LocalPool, emulator_client


@dataclass(frozen=True)
class ChallengeUser:
    """A local user and the step Cognito asks of them after the password."""

    username: str
    password: str = field(repr=False)
    challenge: str
    totp_secret: str = ""


AUTHENTICATOR_USER = ChallengeUser(
    "tina", "Tina-Passw0rd!", "SOFTWARE_TOKEN_MFA", totp_secret=TOTP_SECRET
)
NEW_PASSWORD_USER = ChallengeUser("newton", "Newton-Temp0rary!", "NEW_PASSWORD_REQUIRED")


def ensure_authenticator_user(idp, pool: LocalPool, user: ChallengeUser) -> None:
    """``user`` with a permanent password and the authenticator app on and preferred."""
    try:
        idp.admin_get_user(UserPoolId=pool.pool_id, Username=user.username)
    except idp.exceptions.UserNotFoundException:
        idp.admin_create_user(
            UserPoolId=pool.pool_id, Username=user.username, MessageAction="SUPPRESS"
        )
    idp.admin_set_user_password(
        UserPoolId=pool.pool_id, Username=user.username, Password=user.password, Permanent=True
    )
    answer = idp.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password},
    )
    if "AuthenticationResult" not in answer:
        return  # the authenticator is on already
    token = answer["AuthenticationResult"]["AccessToken"]
    idp.associate_software_token(AccessToken=token)
    idp.verify_software_token(AccessToken=token, UserCode=fresh_totp_code(user.totp_secret))
    idp.set_user_mfa_preference(
        AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )


def ensure_new_password_user(idp, pool: LocalPool, user: ChallengeUser) -> None:
    """``user`` created by an administrator with a temporary password (kept if present)."""
    try:
        idp.admin_get_user(UserPoolId=pool.pool_id, Username=user.username)
    except idp.exceptions.UserNotFoundException:
        idp.admin_create_user(
            UserPoolId=pool.pool_id,
            Username=user.username,
            TemporaryPassword=user.password,
            MessageAction="SUPPRESS",
        )


def seed_challenge_users(pool: LocalPool, path: Path) -> tuple[ChallengeUser, ...]:
    """Seed both users in ``pool`` and record them in ``path`` (owner-readable only)."""
    idp = emulator_client(pool.endpoint_url, pool.region)
    ensure_authenticator_user(idp, pool, AUTHENTICATOR_USER)
    ensure_new_password_user(idp, pool, NEW_PASSWORD_USER)
    users = (AUTHENTICATOR_USER, NEW_PASSWORD_USER)
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps([asdict(user) for user in users], indent=2) + "\n")
    path.chmod(0o600)
    return users


def print_challenge_users(users) -> None:
    """How to sign each in: the step they meet and where its code comes from."""
    print("Users who meet a sign-in step (sign in at / or POST /api/auth/login/):")
    for user in users:
        print(f"  {user.username:<8} password {user.password:<18} then {user.challenge}")
    print(
        f"  Authenticator codes: {shown_interpreter()} -m scripts.authenticator (moto's secret "
        f"{TOTP_SECRET} for every user); a temporary password asks for a new one once."
    )


def shown_interpreter() -> str:
    """This interpreter (the project's virtualenv's), relative to here when below it: the
    command that runs ``scripts.authenticator`` with what it needs installed."""
    interpreter = Path(sys.executable)
    cwd = Path.cwd()
    return str(interpreter.relative_to(cwd) if interpreter.is_relative_to(cwd) else interpreter)
