"""An authenticator app for the local emulator: the current code of a TOTP secret.

moto gives every user the same secret (``moto_server.TOTP_SECRET``) and accepts a code only
in its own 30-second step, as RFC 6238 apps count them. ``python -m scripts.authenticator
[SECRET]`` prints the current code (of moto's secret by default). Development and test
tooling only.
"""

import base64
import sys
import time

from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

TIME_STEP = 30
DIGITS = 6


def totp_code(secret: str, at: float | None = None) -> str:
    """The 6-digit code of the base32 ``secret`` at ``at`` (now by default)."""
    padded = secret.upper() + "=" * (-len(secret) % 8)
    # RFC 6238 and Cognito's authenticator codes are HMAC-SHA1: not a choice of ours.
    algorithm = SHA1()  # noqa: S303
    totp = TOTP(base64.b32decode(padded), DIGITS, algorithm, TIME_STEP, enforce_key_length=False)
    return totp.generate(int(time.time() if at is None else at)).decode()


def fresh_totp_code(secret: str, margin: float = 3.0) -> str:
    """The current code, waiting for the next step when this one ends within ``margin``
    seconds (so the code is still good when the emulator checks it)."""
    left = TIME_STEP - time.time() % TIME_STEP
    if left < margin:
        time.sleep(left + 0.05)
    return totp_code(secret)


def main(argv=None) -> None:
    """Print the current code of the secret given (moto's by default)."""
    from .moto_server import TOTP_SECRET

    arguments = sys.argv[1:] if argv is None else argv
    secret = arguments[0] if arguments else TOTP_SECRET
    left = TIME_STEP - int(time.time()) % TIME_STEP
    print(f"{totp_code(secret)}  (good for {left} more seconds)")


if __name__ == "__main__":
    main()
