"""PKCE (RFC 7636, S256) and the signed, short-lived state of a managed login."""

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass

from django.core import signing

STATE_SALT = "djognito.hosted.state"
STATE_MAX_AGE_SECONDS = 600


class Utf8JSONSerializer:
    """JSON in UTF-8, for ``signing``: a character outside ASCII takes its 2 to 4 bytes of
    UTF-8 instead of a 6- or 12-byte ``\\u`` escape (Django's own serializer), so a ``next``
    of ``views.MAX_NEXT_LENGTH`` characters of any kind keeps the state cookie under 4 KB."""

    def dumps(self, obj) -> bytes:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    def loads(self, data: bytes):
        return json.loads(data.decode("utf-8"))


def code_challenge(verifier: str) -> str:
    """``BASE64URL(SHA256(verifier))`` without padding: the S256 challenge."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class LoginState:
    """What the browser carries between the redirect to Cognito and the callback."""

    state: str
    code_verifier: str
    next_url: str

    @classmethod
    def new(cls, next_url: str) -> "LoginState":
        """Fresh random ``state`` and PKCE verifier (43+ characters, RFC 7636)."""
        return cls(secrets.token_urlsafe(32), secrets.token_urlsafe(64), next_url)

    def dumps(self) -> str:
        """Signed (with the project's secret key) and timestamped, for a cookie."""
        return signing.dumps(
            [self.state, self.code_verifier, self.next_url],
            salt=STATE_SALT,
            serializer=Utf8JSONSerializer,
        )

    @classmethod
    def loads(cls, value: str, max_age: int = STATE_MAX_AGE_SECONDS) -> "LoginState":
        """The state from its cookie; ``signing.BadSignature`` when forged or expired."""
        parts = signing.loads(
            value, salt=STATE_SALT, serializer=Utf8JSONSerializer, max_age=max_age
        )
        if not (
            isinstance(parts, list) and len(parts) == 3 and all(isinstance(p, str) for p in parts)
        ):
            raise signing.BadSignature("unexpected state content")
        return cls(*parts)

    def matches(self, state: str) -> bool:
        """True when ``state`` (from the callback's query) is this browser's."""
        return secrets.compare_digest(self.state.encode(), state.encode())
