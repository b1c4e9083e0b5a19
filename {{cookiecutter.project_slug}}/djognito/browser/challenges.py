"""Cognito's sign-in challenges: what the browser is told, and what Cognito is answered.

``public_parameters()`` turns Cognito's ``ChallengeParameters`` into the ``parameters`` of
a ``challenge_required`` answer, defensively: lists arrive as JSON from AWS and as Python's
repr from moto, attributes may be absent, and nothing unexpected may cause a 500.
``challenge_answers()`` builds the ``ChallengeResponses`` for a validated body. The session
itself never leaves the server except in the signed challenge cookie (``cookies``).
"""

import re
from urllib.parse import quote, urlencode

SOFTWARE_TOKEN_MFA = "SOFTWARE_TOKEN_MFA"
SMS_MFA = "SMS_MFA"
EMAIL_OTP = "EMAIL_OTP"
SELECT_MFA_TYPE = "SELECT_MFA_TYPE"
NEW_PASSWORD_REQUIRED = "NEW_PASSWORD_REQUIRED"
MFA_SETUP = "MFA_SETUP"

# Challenges answered with a code, and the ChallengeResponses key the code goes under.
CODE_CHALLENGES = {
    SOFTWARE_TOKEN_MFA: "SOFTWARE_TOKEN_MFA_CODE",
    SMS_MFA: "SMS_MFA_CODE",
    EMAIL_OTP: "EMAIL_OTP_CODE",
}
SUPPORTED = frozenset({*CODE_CHALLENGES, SELECT_MFA_TYPE, NEW_PASSWORD_REQUIRED, MFA_SETUP})
# The MFA kinds a user may pick (SELECT_MFA_TYPE) or set up (MFA_SETUP, authenticator only).
MFA_KINDS = (SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP)
SETUP_KINDS = (SOFTWARE_TOKEN_MFA,)

ATTRIBUTE_PREFIX = "userAttributes."
# A name in a list parameter: an MFA kind or an attribute name (custom:... included).
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]{0,127}")
MAX_LIST_ITEMS = 50
MAX_PARAMETER_LENGTH = 4096
MAX_DESTINATION_LENGTH = 128


def parse_names(value) -> list[str]:
    """The names in a list parameter: a list, JSON (``'["A","B"]'``), Python's repr
    (``"['A']"``, as moto sends) or a comma-separated string; ``[]`` for anything else."""
    if isinstance(value, list | tuple):
        value = ",".join(item for item in value if isinstance(item, str))
    if not isinstance(value, str):
        return []
    names = []
    for name in _NAME.findall(value[:MAX_PARAMETER_LENGTH]):
        if name not in names:
            names.append(name)
    return names[:MAX_LIST_ITEMS]


def required_attributes(parameters: dict) -> list[str]:
    """The attributes a new password must come with (``requiredAttributes``), unprefixed."""
    return [
        name.removeprefix(ATTRIBUTE_PREFIX)
        for name in parse_names(parameters.get("requiredAttributes"))
    ]


def destination(parameters: dict) -> str:
    """Cognito's masked destination of a code (``+*******1234``, ``a***@e***``)."""
    value = parameters.get("CODE_DELIVERY_DESTINATION")
    return value[:MAX_DESTINATION_LENGTH] if isinstance(value, str) else ""


def public_parameters(name: str, parameters) -> dict:
    """What the browser needs to show the step ``name``; never the session, never a secret
    the step did not set up."""
    parameters = parameters if isinstance(parameters, dict) else {}
    if name in (SMS_MFA, EMAIL_OTP):
        return {"destination": destination(parameters)}
    if name == SELECT_MFA_TYPE:
        offered = parse_names(parameters.get("MFAS_CAN_CHOOSE"))
        return {"options": [kind for kind in offered if kind in MFA_KINDS]}
    if name == MFA_SETUP:
        offered = parse_names(parameters.get("MFAS_CAN_SETUP"))
        # Only the authenticator app can be set up here (SMS and email need no set-up step).
        return {"options": [kind for kind in offered if kind in SETUP_KINDS] or list(SETUP_KINDS)}
    if name == NEW_PASSWORD_REQUIRED:
        return {"required_attributes": required_attributes(parameters)}
    return {}


def cognito_username(username: str, parameters) -> str:
    """The username Cognito answers for (``USER_ID_FOR_SRP`` or ``USERNAME`` when it names
    one: the real username behind an email alias), else the one signed in with. Cognito's
    SECRET_HASH and ``USERNAME`` must use it."""
    parameters = parameters if isinstance(parameters, dict) else {}
    for key in ("USER_ID_FOR_SRP", "USERNAME"):
        value = parameters.get(key)
        if isinstance(value, str) and 0 < len(value) <= 128:
            return value
    return username


def challenge_answers(name: str, body: dict) -> dict:
    """``ChallengeResponses`` (without ``USERNAME`` and ``SECRET_HASH``) for the validated
    ``body`` of the step ``name``."""
    if name in CODE_CHALLENGES:
        return {CODE_CHALLENGES[name]: body["code"]}
    if name == SELECT_MFA_TYPE:
        return {"ANSWER": body["mfa"]}
    if name == NEW_PASSWORD_REQUIRED:
        answers = {"NEW_PASSWORD": body["new_password"]}
        for attribute, value in (body.get("attributes") or {}).items():
            answers[ATTRIBUTE_PREFIX + attribute] = value
        return answers
    return {}  # MFA_SETUP: the verified software token is the answer


def otpauth_uri(secret: str, account: str, issuer: str) -> str:
    """The ``otpauth://totp/`` URI authenticator apps read from a QR code."""
    label = quote(f"{issuer}:{account}", safe=":@")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": 6, "period": 30}
    )
    return f"otpauth://totp/{label}?{query}"
