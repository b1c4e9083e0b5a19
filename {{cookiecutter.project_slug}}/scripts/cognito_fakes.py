"""Loopback HTTP servers that stand in for Cognito where no emulator speaks the contract.

A key set server with switchable faults (``JWKSServer``), one that serves several pools'
key sets (``PoolKeySetServer``), the client-credentials token endpoint
(``ClientCredentialsServer``, used by ``make login-client`` against the local emulator) and
a managed login domain (``CognitoOAuthServer``) and Cognito's rate limits
(``CognitoErrorServer``). Each listens on 127.0.0.1 on a free port
and is served from a thread. Development and test tooling only: not in the image.
"""

import base64
import binascii
import contextlib
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from djognito.testing import (
    SigningKey,
    TokenFactory,
    b64url,
    client_credentials_claims,
    encode_token,
    jwks_document,
)


class LoopbackHandler(BaseHTTPRequestHandler):
    """Request handler of the loopback servers: reads forms, answers bodies, logs nothing."""

    MAX_FORM_BYTES = 65536

    def read_form(self) -> dict:
        """The request's ``application/x-www-form-urlencoded`` body, first value per name."""
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, self.MAX_FORM_BYTES)).decode("utf-8", "replace")
        form = {}
        for name, value in parse_qsl(body):
            form.setdefault(name, value)
        return form

    def send_body(self, status: int, body: bytes, content_type: str, headers=None) -> None:
        """Answer ``status`` with ``body`` (a client that gave up is no error)."""
        self.send_response(status)
        for name, value in {"Content-Type": content_type, **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    def send_json(self, status: int, document, headers=None) -> None:
        """Answer ``status`` with ``document`` as JSON."""
        self.send_body(status, json.dumps(document).encode(), "application/json", headers)

    def log_message(self, format, *args):
        pass


class LoopbackServer:
    """A real HTTP server on 127.0.0.1 (a free port), served from a background thread.

    Subclasses give ``_handler_class()``; use as a context manager, or ``start``/``stop``.
    """

    def __init__(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        # A short poll interval makes stop() quick: tests start a server each.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError


class JWKSServer(LoopbackServer):
    """A real HTTP server on 127.0.0.1 serving a key set, with switchable faults.

    ``behaviour`` is one of ``"ok"``, ``"error"`` (HTTP 500), ``"html"``, ``"garbage"``
    (not JSON), ``"wrong-shape"``, ``"slow"`` (answers after ``delay`` seconds) or
    ``"close"`` (drops the connection). ``fetches`` counts the requests served.
    """

    def __init__(self, document: dict | None = None, behaviour: str = "ok", delay: float = 5.0):
        self.document = document or {"keys": []}
        self.behaviour = behaviour
        self.delay = delay
        self.fetches = 0
        self._count_lock = threading.Lock()
        super().__init__()

    @property
    def url(self) -> str:
        """The key set's URL."""
        return f"{self.base_url}/pool/.well-known/jwks.json"

    def _count(self, path: str):
        with self._count_lock:
            self.fetches += 1

    def answer_for(self, path: str) -> tuple[str, dict]:
        """The behaviour and document served at ``path`` (the same on every path here)."""
        return self.behaviour, self.document

    def _handler_class(self):
        server = self

        class Handler(LoopbackHandler):
            def do_GET(self):
                server._count(self.path)
                behaviour, document = server.answer_for(self.path)
                if behaviour == "slow":
                    time.sleep(server.delay)
                if behaviour == "close":
                    self.close_connection = True
                    self.connection.close()
                    return
                status, content_type, body = 200, "application/json", b""
                if behaviour in ("ok", "slow"):
                    body = json.dumps(document).encode()
                elif behaviour == "error":
                    status, body = 500, b'{"message": "internal error"}'
                elif behaviour == "html":
                    content_type, body = "text/html", b"<html><body>Login</body></html>"
                elif behaviour == "garbage":
                    body = b"\x00\xffnot json{"
                elif behaviour == "wrong-shape":
                    body = b'{"keys": "none"}'
                self.send_body(status, body, content_type)

        return Handler


class PoolKeySetServer(JWKSServer):
    """One server publishing the key sets of several pools at ``/<pool id>/.well-known/...``.

    ``pools`` maps a pool id to its document; ``behaviours[pool_id]`` switches one pool's
    faults (as ``JWKSServer.behaviour``) and ``fetches_by_pool`` counts each pool's fetches.
    ``url_template`` is an ``AWS_COGNITO_JWKS_URL`` with ``{user_pool_id}``.
    """

    def __init__(self, pools: dict[str, dict]):
        super().__init__()
        self.pools = dict(pools)
        self.behaviours = {pool_id: "ok" for pool_id in pools}
        self.fetches_by_pool = {pool_id: 0 for pool_id in pools}

    @property
    def url_template(self) -> str:
        """The key set URL of every pool, with ``{user_pool_id}`` in its path."""
        return self.base_url + "/{user_pool_id}/.well-known/jwks.json"

    def _pool_of(self, path: str) -> str:
        return path.lstrip("/").split("/", 1)[0]

    def _count(self, path: str):
        super()._count(path)
        with self._count_lock:
            pool_id = self._pool_of(path)
            if pool_id in self.fetches_by_pool:
                self.fetches_by_pool[pool_id] += 1

    def answer_for(self, path: str) -> tuple[str, dict]:
        pool_id = self._pool_of(path)
        if pool_id not in self.pools:
            return "error", {}
        return self.behaviours[pool_id], self.pools[pool_id]


# --- Client-credentials grant (machine clients) --------------------------------------------
# Cognito issues tokens to services at POST {domain}/oauth2/token with
# grant_type=client_credentials and the app client's id and secret. Emulators do not serve
# that endpoint; this server speaks its documented contract on 127.0.0.1.


@dataclass(frozen=True)
class MachineClient:
    """An app client allowed the client-credentials grant, with its secret and scopes."""

    client_id: str
    client_secret: str = field(repr=False)
    scopes: tuple[str, ...] = ()


class ClientCredentialsServer(LoopbackServer):
    """A real HTTP server on 127.0.0.1 answering ``POST /oauth2/token`` for
    ``grant_type=client_credentials``, as Cognito's token endpoint does.

    The client authenticates with HTTP Basic (``client_id:client_secret``) or with both in
    the form; ``scope`` (space-separated) must be among the client's scopes and defaults to
    all of them. Tokens are signed with ``key``, which the pool's key set must publish.
    Errors follow RFC 6749: 400 ``invalid_request``, ``unsupported_grant_type``,
    ``invalid_scope``; 401 ``invalid_client``.
    """

    def __init__(self, key: SigningKey, issuer: str, clients, lifetime: int = 3600):
        self.key = key
        self.issuer = issuer
        self.clients = {client.client_id: client for client in clients}
        self.lifetime = lifetime
        super().__init__()

    @property
    def token_url(self) -> str:
        """The token endpoint's URL."""
        return f"{self.base_url}/oauth2/token"

    def grant(self, authorization: str, form: dict) -> tuple[int, dict]:
        """The (status, JSON body) answer to a token request."""
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type"}
        client_id, secret = _client_credentials(authorization, form)
        client = self.clients.get(client_id)
        if client is None or not secrets.compare_digest(
            client.client_secret.encode(), secret.encode()
        ):
            return 401, {"error": "invalid_client"}
        requested = form.get("scope", "").split() or list(client.scopes)
        if not set(requested) <= set(client.scopes):
            return 400, {"error": "invalid_scope"}
        claims = client_credentials_claims(
            self.issuer, client_id, requested, self.lifetime, time.time()
        )
        token = encode_token({"kid": self.key.kid, "alg": "RS256"}, claims, self.key)
        return 200, {"access_token": token, "expires_in": self.lifetime, "token_type": "Bearer"}

    def _handler_class(self):
        server = self

        class Handler(LoopbackHandler):
            def do_POST(self):
                if self.path.split("?")[0] != "/oauth2/token":
                    self._answer(404, {"error": "not_found"})
                    return
                form = self.read_form()
                self._answer(*server.grant(self.headers.get("Authorization", ""), form))

            def _answer(self, status: int, document: dict):
                self.send_json(status, document, {"Cache-Control": "no-store"})

        return Handler


def _client_credentials(authorization: str, form: dict) -> tuple[str, str]:
    """(client_id, client_secret) from HTTP Basic, else from the form; empty when absent."""
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() == "basic" and encoded:
        try:
            decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return form.get("client_id", ""), form.get("client_secret", "")


class CognitoOAuthServer(LoopbackServer):
    """A local stand-in for a managed login domain, speaking Cognito's documented contract.

    ``GET /oauth2/authorize`` signs in ``username`` at once and redirects to
    ``redirect_uri`` with a one-time ``code``; ``POST /oauth2/token`` exchanges it
    (``authorization_code`` with the PKCE S256 check) or a refresh token (``refresh_token``)
    for tokens signed with ``key``, whose JWKS it serves at ``jwks_url``; client
    authentication is HTTP Basic when ``client_secret`` is set. ``GET /logout`` redirects
    to ``logout_uri``. ``token_requests`` records each form posted to the token endpoint.
    With ``rotate_refresh_tokens``, a refresh also answers a new refresh token (Cognito's
    refresh token rotation).
    """

    def __init__(
        self,
        key: SigningKey,
        issuer: str,
        client_id: str,
        client_secret: str = "",
        username: str = "alice",
        groups=(),
    ):
        self.key = key
        self.client_id = client_id
        self.client_secret = client_secret
        self.username = username
        self.groups = tuple(groups)
        self.access_tokens = TokenFactory(key, issuer, client_id, "access")
        # True: hand out client-credentials access tokens, as a misconfigured client would.
        self.client_tokens = False
        self.rotate_refresh_tokens = False
        self.id_tokens = TokenFactory(key, issuer, client_id, "id")
        self.token_requests: list[dict] = []
        self._codes: dict[str, dict] = {}
        self._refresh_tokens: dict[str, str] = {}
        self._lock = threading.Lock()
        super().__init__()

    @property
    def url(self) -> str:
        """The domain, as ``AWS_COGNITO_DOMAIN`` names it."""
        return self.base_url

    @property
    def jwks_url(self) -> str:
        """The key set of the tokens this server issues."""
        return f"{self.url}/pool/.well-known/jwks.json"

    def authorize(self, query: dict) -> tuple[int, dict, dict]:
        """(status, headers, body) of ``GET /oauth2/authorize``."""
        if query.get("response_type") != "code" or query.get("client_id") != self.client_id:
            return 400, {}, {"error": "invalid_request"}
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return 400, {}, {"error": "invalid_request"}
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = {
                "challenge": query["code_challenge"],
                "redirect_uri": query.get("redirect_uri", ""),
            }
        answer = urlencode({"code": code, "state": query.get("state", "")})
        return 302, {"Location": f"{query.get('redirect_uri', '')}?{answer}"}, {}

    def token(self, form: dict, authorization: str | None) -> tuple[int, dict, dict]:
        """(status, headers, body) of ``POST /oauth2/token``."""
        self.token_requests.append({**form, "authorization": authorization})
        if not self._client_authenticated(form, authorization):
            return 401, {}, {"error": "invalid_client"}
        grant = form.get("grant_type")
        if grant == "authorization_code":
            with self._lock:
                issued = self._codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            challenge = b64url(hashlib.sha256(verifier.encode()).digest())
            if (
                issued is None
                or issued["redirect_uri"] != form.get("redirect_uri")
                or not secrets.compare_digest(issued["challenge"], challenge)
            ):
                return 400, {}, {"error": "invalid_grant"}
            refresh_token = secrets.token_urlsafe(48)
            with self._lock:
                self._refresh_tokens[refresh_token] = self.username
            return 200, {}, {**self._tokens(self.username), "refresh_token": refresh_token}
        if grant == "refresh_token":
            with self._lock:
                username = self._refresh_tokens.get(form.get("refresh_token", ""))
            if username is None:
                return 400, {}, {"error": "invalid_grant"}
            if not self.rotate_refresh_tokens:
                return 200, {}, self._tokens(username)
            rotated = secrets.token_urlsafe(48)
            with self._lock:
                self._refresh_tokens[rotated] = username
            return 200, {}, {**self._tokens(username), "refresh_token": rotated}
        return 400, {}, {"error": "unsupported_grant_type"}

    def _client_authenticated(self, form: dict, authorization: str | None) -> bool:
        if not self.client_secret:
            return form.get("client_id") == self.client_id
        # With a secret, Cognito takes the client's credentials by HTTP Basic only.
        client_id, secret = _client_credentials(authorization or "", {})
        return client_id == self.client_id and secrets.compare_digest(secret, self.client_secret)

    def _tokens(self, username: str) -> dict:
        if self.client_tokens:
            access_token = self.access_tokens.client_token()
        else:
            access_token = self.access_tokens.token(username, self.groups)
        return {
            "access_token": access_token,
            "id_token": self.id_tokens.token(username, self.groups),
            "token_type": "Bearer",
            "expires_in": self.access_tokens.lifetime,
        }

    def _handler_class(self):
        server = self

        class Handler(LoopbackHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                query = dict(parse_qsl(parts.query))
                if parts.path == "/oauth2/authorize":
                    self._answer(*server.authorize(query))
                elif parts.path == "/logout":
                    self._answer(302, {"Location": query.get("logout_uri", "/")}, {})
                elif parts.path == "/pool/.well-known/jwks.json":
                    self._answer(200, {}, jwks_document(server.key))
                else:
                    self._answer(404, {}, {"error": "not_found"})

            def do_POST(self):
                form = self.read_form()
                if urlsplit(self.path).path != "/oauth2/token":
                    self._answer(404, {}, {"error": "not_found"})
                    return
                self._answer(*server.token(form, self.headers.get("Authorization")))

            def _answer(self, status, headers, body):
                self.send_json(status, body, headers)

        return Handler


class CognitoErrorServer(LoopbackServer):
    """A real HTTP server on 127.0.0.1 answering every Cognito API call (``POST /`` with
    ``X-Amz-Target``) with one error of Cognito's JSON protocol: ``{"__type": code,
    "message": message}`` and HTTP 400, as Cognito answers its own rate limits
    (``LimitExceededException``, ``TooManyRequestsException`` ...), which no emulator gives.
    ``targets`` records the operations asked for."""

    def __init__(self, code: str, message: str = "Rate exceeded"):
        self.code = code
        self.message = message
        self.targets: list[str] = []
        super().__init__()

    @property
    def url(self) -> str:
        """The endpoint URL to give boto3 (``AWS_COGNITO_ENDPOINT_URL``)."""
        return self.base_url

    def _handler_class(self):
        server = self

        class Handler(LoopbackHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.targets.append(self.headers.get("X-Amz-Target", ""))
                body = json.dumps({"__type": server.code, "message": server.message}).encode()
                self.send_body(400, body, "application/x-amz-json-1.1")

        return Handler
