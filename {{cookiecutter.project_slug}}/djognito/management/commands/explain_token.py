"""``manage.py explain_token``: why a token is accepted or refused.

Prints the token's header and claims (never its signature), then either the first rule
it breaks or ``valid`` with the user it maps to. The token is checked exactly as a request
would be: by the project's Cognito authentication class, against the configured pool.
"""

import json
import sys
from datetime import UTC, datetime

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.http import HttpRequest
from django.utils.module_loading import import_string
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.settings import api_settings

from djognito import state
from djognito.authentication import BaseCognitoAuthentication
from djognito.core.jws import parse_token
from djognito.errors import TokenError

TIME_CLAIMS = ("exp", "iat", "nbf", "auth_time")


def authentication_class(dotted_path: str | None = None) -> type[BaseCognitoAuthentication]:
    """The class named by ``dotted_path``, else DRF's first Cognito authentication class."""
    if dotted_path:
        return import_string(dotted_path)
    for candidate in api_settings.DEFAULT_AUTHENTICATION_CLASSES:
        if issubclass(candidate, BaseCognitoAuthentication):
            return candidate
    return BaseCognitoAuthentication


def bearer_request(token: str) -> Request:
    """A GET request that carries ``token`` the way an API client sends it."""
    request = HttpRequest()
    request.method = "GET"
    request.META["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return Request(request)


def describe_time(value, now: float) -> str:
    """``value`` as a UTC date with its distance from ``now``, when it is a timestamp."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "not a number"
    try:
        when = datetime.fromtimestamp(value, UTC).isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):
        return "out of range"
    delta = round(value - now)
    distance = f"in {delta} s" if delta >= 0 else f"{-delta} s ago"
    return f"{when} ({distance})"


class Command(BaseCommand):
    help = (
        "Explain a Cognito token: its header and claims (never the signature) and the first "
        "rule it fails, or 'valid' with the user it maps to. Exit status 1 when invalid."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument(
            "token", nargs="?", help="the token; read from standard input when omitted or '-'"
        )
        parser.add_argument(
            "--auth-class",
            help="dotted path of the authentication class (default: the first Cognito one "
            "in REST_FRAMEWORK's DEFAULT_AUTHENTICATION_CLASSES)",
        )

    def handle(self, *args, token=None, auth_class=None, **options):
        if token in (None, "-"):
            token = (options.get("stdin") or sys.stdin).read()
        token = token.strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        try:
            verifier = state.verifier()
        except ImproperlyConfigured as exc:
            raise CommandError(f"not configured: {exc} (run `manage.py check`)") from exc
        self.show_contents(token, verifier.config.max_token_bytes, verifier.clock())
        try:
            claims = verifier.verify(token)
        except TokenError as exc:
            raise CommandError(f"invalid: {exc.reason} ({exc.code})") from exc
        user = self.map_user(token, claims, authentication_class(auth_class)())
        self.stdout.write(
            f"valid: username={user.username!r} sub={user.sub!r} groups={list(user.groups)!r}"
        )

    def show_contents(self, token: str, max_bytes: int, now: float) -> None:
        """Print the decoded header and claims, never the signature."""
        try:
            parsed = parse_token(token, max_bytes)
        except TokenError as exc:
            self.stdout.write(f"contents: unreadable ({exc.reason})")
            return
        for title, value in (("header", parsed.header), ("claims", parsed.claims)):
            self.stdout.write(f"{title}:")
            self.stdout.write(json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False))
        for name in TIME_CLAIMS:
            if name in parsed.claims:
                self.stdout.write(f"  {name}: {describe_time(parsed.claims[name], now)}")

    def map_user(self, token: str, claims: dict, authentication: BaseCognitoAuthentication):
        """The user the project's authentication class makes of the verified ``claims``."""
        try:
            return authentication.user_from_claims(claims, bearer_request(token))
        except exceptions.APIException as exc:
            raise CommandError(f"invalid: {exc.detail}") from exc
