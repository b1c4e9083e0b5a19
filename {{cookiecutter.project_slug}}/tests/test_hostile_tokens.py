"""Hostile tokens, each refused over HTTP with 401 and its own reason, by cookie and header.

Every case is built fresh against the test pool (real RSA keys, real key set server) and
sent to ``/api/me/`` through the Django test client. The response must be 401 with the
reason in the body and in ``WWW-Authenticate``, and neither the body nor the logs may
contain the token. In process, ``verify_jwt`` (the Djognito package's entry point) returns
the verified claims or raises the rule a token breaks.
"""

import base64
import hashlib
import hmac
import json
import logging
import re
import time
from dataclasses import dataclass

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding

from djognito.conf import load_config
from djognito.core.jwks import KeySet
from djognito.core.verifier import TokenVerifier
from djognito.errors import InvalidSignature, TokenExpired
from djognito.jwt_utils import verify_jwt
from djognito.testing import b64url, b64url_json

EXPIRED = "token expired"
BAD_SIGNATURE = "invalid token signature"
ALG_REFUSED = "token algorithm not allowed"
UNKNOWN_KEY = "token signed with an unknown key"
WRONG_ISSUER = "token issued by another issuer"
WRONG_CLIENT = "token issued for another client"
THREE_SEGMENTS = "malformed token: expected three dot-separated segments"
KID_REQUIRED = "malformed token: kid must be a non-empty string"
GROUPS_TYPE = "invalid claim: cognito:groups must be a list of strings"


# The stable code of each reason: clients branch on these, so they never change.
CODE_OF_REASON = (
    ("token expired", "token_expired"),
    ("invalid token signature", "invalid_signature"),
    ("token algorithm not allowed", "unsupported_algorithm"),
    ("token signed with an unknown key", "unknown_key"),
    ("token issued by another issuer", "invalid_issuer"),
    ("token issued for another client", "invalid_client"),
    ("token issued in the future", "token_issued_in_future"),
    ("token not yet valid", "token_not_yet_valid"),
    ("token lifetime too long", "token_lifetime_too_long"),
    ("token too large", "token_too_large"),
    ("token header not supported", "unsupported_header"),
    ("wrong token use", "wrong_token_use"),
    ("malformed token", "malformed_token"),
    ("invalid claim", "invalid_claim"),
    ("invalid Authorization header", "malformed_authorization_header"),
)
B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


def code_of(reason: str) -> str:
    return next(code for prefix, code in CODE_OF_REASON if reason.startswith(prefix))


def not_base64url(what):
    return f"malformed token: {what} is not base64url"


def not_json(what):
    return f"malformed token: {what} is not JSON"


def header_refused(name):
    return f"token header not supported: {name}"


def number_required(name):
    return f"invalid claim: {name} is required and must be a number"


def not_a_number(name):
    return f"invalid claim: {name} must be a number"


@dataclass
class Pool:
    """What a case needs: the token factory, both keys and the configuration."""

    tokens: object
    key: object
    other_key: object
    config: object

    def token(self, **overrides):
        return self.tokens.token("alice", groups=["readers"], **overrides)

    def with_claims(self, **changes):
        """A token signed by the pool's key with ``changes`` applied (None removes)."""
        claims = {**self.claims(), **changes}
        return self.signed(self.header(), {k: v for k, v in claims.items() if v is not None})

    def header(self, **fields):
        return {"kid": self.key.kid, "alg": "RS256", **fields}

    def claims(self, **overrides):
        return self.tokens.claims("alice", groups=["readers"], **overrides)

    def sign(self, header_segment, payload_segment, sign=None):
        signing_input = f"{header_segment}.{payload_segment}".encode()
        signature = (sign or self.key.sign)(signing_input)
        return f"{header_segment}.{payload_segment}.{b64url(signature)}"

    def signed(self, header, claims=None, sign=None):
        return self.sign(b64url_json(header), b64url_json(claims or self.claims()), sign)

    def raw_payload(self, text):
        """A token whose payload is ``text`` verbatim, signed with the pool's key."""
        return self.sign(b64url_json(self.header()), b64url(text.encode()))

    def other_token_use(self):
        return "id" if self.config.token_use == "access" else "access"


def segments(token):
    return token.split(".")


def with_signature_of(token, donor):
    return ".".join([*segments(token)[:2], segments(donor)[2]])


def with_signature_bytes(token, change):
    """``token`` whose decoded signature went through ``change`` (re-encoded canonically)."""
    header, payload, signature = segments(token)
    raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    return f"{header}.{payload}.{b64url(change(raw))}"


def flip_one_bit(raw):
    return raw[:100] + bytes([raw[100] ^ 0x01]) + raw[101:]


def respell_last_character(token):
    """Another spelling of the same signature: only unused low bits differ."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    index = alphabet.index(token[-1])
    return token[:-1] + alphabet[index ^ 1]


def hmac_signer(secret, digest):
    return lambda data: hmac.new(secret, data, digest).digest()


def public_pem(pool):
    return pool.key.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def pss_signer(pool):
    return lambda data: pool.key.private_key.sign(
        data,
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
        hashes.SHA256(),
    )


def ec_signer(data):
    return ec.generate_private_key(ec.SECP256R1()).sign(data, ec.ECDSA(hashes.SHA256()))


def username_must_be_string(pool):
    return f"invalid claim: {pool.config.username_claim} must be a non-empty string"


def username_missing(pool):
    # An access token without a username is a machine client's: its sub must be its client.
    if pool.config.token_use == "access":
        return "invalid claim: a client token's sub must be its client_id"
    return username_must_be_string(pool)


def wrong_token_use(pool):
    return f"wrong token use: expected an {pool.config.token_use} token"


def client_override(pool, value):
    return {pool.config.client_claim: value}


def username_override(pool, value):
    return {pool.config.username_claim: value}


def now():
    return int(time.time())


# (case id, build(pool) -> token, expected reason: a string or build(pool) -> string)
CASES = [
    # Size and structure: refused before any key is looked at.
    ("oversized", lambda p: p.token(padding="x" * 9000), "token too large"),
    ("one-segment", lambda p: segments(p.token())[1], THREE_SEGMENTS),
    ("two-segments", lambda p: ".".join(segments(p.token())[:2]), THREE_SEGMENTS),
    ("four-segments", lambda p: p.token() + ".e30", THREE_SEGMENTS),
    ("five-segments-jwe-shape", lambda p: "e30.e30.e30.e30.e30", THREE_SEGMENTS),
    ("dots-only", lambda p: "..", not_base64url("header")),
    ("standard-base64-alphabet", lambda p: "e30+/" + p.token()[5:], not_base64url("header")),
    ("padded-signature", lambda p: p.token() + "==", not_base64url("signature")),
    ("padding-in-header", lambda p: "e30=" + p.token()[3:], not_base64url("header")),
    (
        "non-canonical-signature-spelling",
        lambda p: respell_last_character(p.token()),
        not_base64url("signature"),
    ),
    ("empty-signature", lambda p: p.token().rsplit(".", 1)[0] + ".", not_base64url("signature")),
    ("header-not-json", lambda p: b64url(b"{kid:1") + ".e30.AAAA", not_json("header")),
    (
        "header-json-array",
        lambda p: b64url(b'["RS256"]') + ".e30.AAAA",
        "malformed token: header is not a JSON object",
    ),
    ("header-not-utf8", lambda p: b64url(b'{"a":"\xff"}') + ".e30.AAAA", not_json("header")),
    ("payload-not-json", lambda p: p.raw_payload("not json"), not_json("payload")),
    (
        "payload-json-string",
        lambda p: p.raw_payload('"alice"'),
        "malformed token: payload is not a JSON object",
    ),
    (
        "payload-duplicate-claim",
        lambda p: p.raw_payload(json.dumps(p.claims())[:-1] + ', "sub": "sub-root"}'),
        not_json("payload"),
    ),
    (
        "payload-nan-constant",
        lambda p: p.raw_payload(json.dumps(p.claims())[:-1] + ', "x": NaN}'),
        not_json("payload"),
    ),
    (
        "payload-nested-2500-deep",
        lambda p: p.raw_payload('{"a":' + "[" * 2500 + "]" * 2500 + "}"),
        not_json("payload"),
    ),
    (
        "exp-with-5000-digits",
        lambda p: p.raw_payload(
            json.dumps(p.claims(exp=None))[:-1] + ', "exp": ' + "9" * 5000 + "}"
        ),
        not_json("payload"),
    ),
    # Algorithm: RS256 only, whatever the header says.
    ("alg-none-unsigned", lambda p: b64url_json(p.header(alg="none")) + ".e30.", ALG_REFUSED),
    ("alg-none-signed", lambda p: p.signed(p.header(alg="none")), ALG_REFUSED),
    ("alg-None-capitalised", lambda p: p.signed(p.header(alg="None")), ALG_REFUSED),
    (
        "alg-hs256-public-key-as-secret",
        lambda p: p.signed(p.header(alg="HS256"), sign=hmac_signer(public_pem(p), hashlib.sha256)),
        ALG_REFUSED,
    ),
    (
        "alg-hs512",
        lambda p: p.signed(p.header(alg="HS512"), sign=hmac_signer(b"secret", hashlib.sha512)),
        ALG_REFUSED,
    ),
    ("alg-ps256", lambda p: p.signed(p.header(alg="PS256"), sign=pss_signer(p)), ALG_REFUSED),
    (
        "alg-rs512",
        lambda p: p.signed(
            p.header(alg="RS512"), sign=lambda data: p.key.sign(data, hashes.SHA512())
        ),
        ALG_REFUSED,
    ),
    ("alg-es256", lambda p: p.signed(p.header(alg="ES256"), sign=ec_signer), ALG_REFUSED),
    ("alg-missing", lambda p: p.signed({"kid": p.key.kid}), ALG_REFUSED),
    ("alg-lowercase", lambda p: p.signed(p.header(alg="rs256")), ALG_REFUSED),
    ("alg-list", lambda p: p.signed(p.header(alg=["RS256"])), ALG_REFUSED),
    # Header parameters this verifier never honours.
    ("crit-exp", lambda p: p.signed(p.header(crit=["exp"], exp=1)), header_refused("crit")),
    ("crit-b64", lambda p: p.signed(p.header(crit=["b64"], b64=False)), header_refused("crit")),
    (
        "embedded-jwk-attacker-key",
        lambda p: p.signed(p.header(jwk=p.other_key.jwk()), sign=p.other_key.sign),
        header_refused("jwk"),
    ),
    (
        "jku-attacker-url",
        lambda p: p.signed(p.header(jku="https://attacker.example/jwks.json")),
        header_refused("jku"),
    ),
    (
        "x5u",
        lambda p: p.signed(p.header(x5u="https://attacker.example/c.pem")),
        header_refused("x5u"),
    ),
    ("x5c", lambda p: p.signed(p.header(x5c=["MIIB"])), header_refused("x5c")),
    ("typ-jwe", lambda p: p.signed(p.header(typ="JWE")), header_refused("typ")),
    # kid: a non-empty string naming a key of the pool.
    ("kid-missing", lambda p: p.signed({"alg": "RS256"}), KID_REQUIRED),
    ("kid-empty", lambda p: p.signed(p.header(kid="")), KID_REQUIRED),
    ("kid-number", lambda p: p.signed(p.header(kid=1)), KID_REQUIRED),
    ("kid-unknown", lambda p: p.signed(p.header(kid="rotated-away")), UNKNOWN_KEY),
    ("kid-path-traversal", lambda p: p.signed(p.header(kid="../../jwks.json")), UNKNOWN_KEY),
    # Signature.
    (
        "signed-by-attacker-same-kid",
        lambda p: p.signed(p.header(), sign=p.other_key.sign),
        BAD_SIGNATURE,
    ),
    (
        "claims-swapped-signature-kept",
        lambda p: with_signature_of(
            p.tokens.token("root", groups=["admin"]), p.tokens.token("alice")
        ),
        BAD_SIGNATURE,
    ),
    (
        "signature-bit-flipped",
        lambda p: with_signature_bytes(p.token(), flip_one_bit),
        BAD_SIGNATURE,
    ),
    (
        "signature-truncated",
        lambda p: with_signature_bytes(p.token(), lambda raw: raw[:-1]),
        BAD_SIGNATURE,
    ),
    (
        "signature-zeroed",
        lambda p: with_signature_bytes(p.token(), lambda raw: bytes(len(raw))),
        BAD_SIGNATURE,
    ),
    # Time: exp required and numeric, iat and nbf not in the future.
    ("expired", lambda p: p.token(exp=now() - 3600), EXPIRED),
    ("expired-beyond-leeway", lambda p: p.token(exp=now() - p.config.leeway_seconds - 2), EXPIRED),
    ("exp-missing", lambda p: p.token(exp=None), number_required("exp")),
    ("exp-string", lambda p: p.token(exp=str(now() + 3600)), not_a_number("exp")),
    ("exp-true", lambda p: p.token(exp=True), not_a_number("exp")),
    (
        "exp-null",
        lambda p: p.raw_payload(json.dumps({**p.claims(), "exp": None})),
        number_required("exp"),
    ),
    (
        "exp-infinite-1e999",
        lambda p: p.raw_payload(json.dumps({**p.claims(), "exp": "INF"}).replace('"INF"', "1e999")),
        not_a_number("exp"),
    ),
    ("iat-in-future", lambda p: p.token(iat=now() + 3600), "token issued in the future"),
    ("iat-missing", lambda p: p.token(iat=None), number_required("iat")),
    ("iat-string", lambda p: p.token(iat="yesterday"), not_a_number("iat")),
    ("nbf-in-future", lambda p: p.token(nbf=now() + 3600), "token not yet valid"),
    ("nbf-list", lambda p: p.token(nbf=[0]), not_a_number("nbf")),
    # Issuer: exactly the configured pool.
    (
        "iss-other-pool",
        lambda p: p.token(iss="https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other"),
        WRONG_ISSUER,
    ),
    (
        # Another issuer is refused before its key is looked up, whatever signed it.
        "iss-other-pool-signed-by-attacker",
        lambda p: p.signed(
            p.header(kid="attacker-kid"),
            p.claims(iss="https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other"),
            sign=p.other_key.sign,
        ),
        WRONG_ISSUER,
    ),
    ("iss-trailing-slash", lambda p: p.token(iss=p.config.issuer + "/"), WRONG_ISSUER),
    ("iss-http", lambda p: p.token(iss=p.config.issuer.replace("https:", "http:")), WRONG_ISSUER),
    ("iss-uppercase", lambda p: p.token(iss=p.config.issuer.upper()), WRONG_ISSUER),
    ("iss-missing", lambda p: p.token(iss=None), WRONG_ISSUER),
    ("iss-list", lambda p: p.token(iss=[p.config.issuer]), WRONG_ISSUER),
    # token_use: exactly the configured one.
    ("token-use-other", lambda p: p.token(token_use=p.other_token_use()), wrong_token_use),
    ("token-use-missing", lambda p: p.token(token_use=None), wrong_token_use),
    (
        "token-use-capitalised",
        lambda p: p.token(token_use=p.config.token_use.title()),
        wrong_token_use,
    ),
    # App client: client_id (access) or aud (id) in the configured list.
    ("client-other", lambda p: p.token(**client_override(p, "otherclient")), WRONG_CLIENT),
    ("client-missing", lambda p: p.token(**client_override(p, None)), WRONG_CLIENT),
    (
        "client-uppercase",
        lambda p: p.token(**client_override(p, p.config.app_client_ids[0].upper())),
        WRONG_CLIENT,
    ),
    (
        "client-in-a-list",
        lambda p: p.token(**client_override(p, list(p.config.app_client_ids))),
        WRONG_CLIENT,
    ),
    (
        "client-list-joined",
        lambda p: p.token(**client_override(p, ",".join(p.config.app_client_ids))),
        WRONG_CLIENT,
    ),
    # Claim types.
    (
        "username-missing",
        lambda p: p.with_claims(**username_override(p, None)),
        username_missing,
    ),
    (
        "username-empty",
        lambda p: p.with_claims(**username_override(p, "")),
        username_must_be_string,
    ),
    (
        "username-number",
        lambda p: p.with_claims(**username_override(p, 42)),
        username_must_be_string,
    ),
    ("sub-missing", lambda p: p.token(sub=None), "invalid claim: sub must be a non-empty string"),
    ("groups-string", lambda p: p.token(**{"cognito:groups": "admin"}), GROUPS_TYPE),
    ("groups-with-number", lambda p: p.token(**{"cognito:groups": ["admin", 1]}), GROUPS_TYPE),
    ("groups-object", lambda p: p.token(**{"cognito:groups": {"admin": True}}), GROUPS_TYPE),
    ("scope-list", lambda p: p.token(scope=["openid"]), "invalid claim: scope must be a string"),
]


@pytest.fixture
def pool(tokens, signing_key, other_key):
    """The test pool's token factory, keys and configuration."""
    return Pool(tokens, signing_key, other_key, load_config())


@pytest.fixture(params=["header", "cookie"])
def send(request, api_client, settings):
    """Sends a token to /api/me/ by Authorization header or by cookie."""

    def by_header(token):
        return api_client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {token}")

    def by_cookie(token):
        api_client.cookies[settings.ACCESS_TOKEN_KEY] = token
        return api_client.get("/api/me/")

    by_header.channel, by_cookie.channel = "header", "cookie"
    return by_header if request.param == "header" else by_cookie


# Tokens at the edges of the rules, which must still be accepted.
ACCEPTED = [
    ("valid", lambda p: p.token()),
    ("second-app-client", lambda p: p.token(**client_override(p, p.config.app_client_ids[1]))),
    ("expired-within-leeway", lambda p: p.token(exp=now() - p.config.leeway_seconds + 2)),
    ("issued-within-leeway", lambda p: p.token(iat=now() + p.config.leeway_seconds - 2)),
    ("not-before-in-the-past", lambda p: p.token(nbf=now() - 60)),
    ("float-timestamps", lambda p: p.token(exp=now() + 60.5, iat=now() - 0.5)),
    ("no-groups", lambda p: p.tokens.token("alice")),
]


@pytest.mark.parametrize("build", [case[1] for case in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_a_valid_token_is_accepted(pool, send, build):
    response = send(build(pool))
    assert response.status_code == 200
    assert response.json()["username"] == "alice"


@pytest.mark.parametrize(
    ("build", "reason"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_hostile_token_is_refused_with_its_reason(pool, send, build, reason, caplog):
    token = build(pool)
    expected = reason(pool) if callable(reason) else reason
    if send.channel == "header" and not B64TOKEN.fullmatch(token):
        # RFC 6750's b64token: such a header is refused before the token is read.
        expected = "invalid Authorization header: expected 'Bearer <token>'"
    with caplog.at_level(logging.DEBUG):
        response = send(token)
    assert response.status_code == 401
    assert response.json() == {"detail": expected, "code": code_of(expected)}
    assert response["WWW-Authenticate"] == (
        f'Bearer realm="api", error="invalid_token", error_description="{expected}"'
    )
    body = response.content.decode()
    assert token not in body
    assert all(part not in body for part in token.split(".") if len(part) > 8)
    assert token not in caplog.text


def test_expiry_follows_the_verifier_clock(pool, jwks_server):
    # Time is a parameter: the same verifier accepts the token, then refuses it once its
    # clock passes exp + leeway, with no sleeping and whatever it has cached.
    token = pool.token(exp=now() + 60)
    instant = [time.time()]
    config = pool.config
    verifier = TokenVerifier(
        config, keyset=KeySet.for_pool(config, clock=lambda: instant[0]), clock=lambda: instant[0]
    )
    assert verifier.verify(token)["sub"] == "sub-alice"
    instant[0] += 60 + config.leeway_seconds - 1
    assert verifier.verify(token)["sub"] == "sub-alice"
    instant[0] += 2
    with pytest.raises(TokenExpired):
        verifier.verify(token)
    assert jwks_server.fetches == 1


def test_verify_jwt_returns_the_verified_claims(tokens):
    claims = verify_jwt(tokens.token("bob", groups=["readers"]))
    assert claims["sub"] == "sub-bob"
    assert claims["cognito:groups"] == ("readers",)


def test_verify_jwt_raises_the_failed_rule(tokens, other_key):
    with pytest.raises(TokenExpired):
        verify_jwt(tokens.token("bob", exp=1000))
    with pytest.raises(InvalidSignature):
        verify_jwt(tokens.token("bob", key=other_key))
