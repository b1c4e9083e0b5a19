"""Hot-path integrity: immutable cached claims, nothing interned from unverified input,
strings that are not Unicode refused, tighter claim rules, bounded request bodies."""

import base64
import json
import sys

import pytest
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from djognito.authentication import BaseCognitoAuthentication
from djognito.conf import load_config
from djognito.core.jws import parse_token
from djognito.errors import MalformedToken
from djognito.jwt_utils import get_verifier, verify_jwt
from djognito.testing import b64url, b64url_json

pytestmark = pytest.mark.django_db


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


# --- Cached claims cannot be changed by a caller ---------------------------------------


def test_nested_claims_handed_out_are_immutable(tokens):
    token = tokens.token("bob", groups=["readers"], **{"custom:profile": {"tier": "free"}})
    for claims in (verify_jwt(token), verify_jwt(token)):  # a miss, then a cache hit
        with pytest.raises(AttributeError):
            claims["cognito:groups"].append("admin")
        with pytest.raises(TypeError):
            claims["custom:profile"]["tier"] = "gold"
    assert verify_jwt(token)["cognito:groups"] == ("readers",)
    assert verify_jwt(token)["custom:profile"] == {"tier": "free"}


def test_changing_the_top_level_copy_leaves_the_cache_alone(tokens):
    token = tokens.token("bob")
    claims = verify_jwt(token)
    claims["cognito:groups"] = ["admin"]
    claims["username"] = "root"
    assert "cognito:groups" not in verify_jwt(token)
    assert verify_jwt(token).get("username", "bob") == "bob"


class EscalatingAuthentication(BaseCognitoAuthentication):
    """A careless hook that tries to change the claims it was given."""

    def attach_attributes(self, user, request):
        try:
            user.claims["cognito:groups"].append("admin")
        except AttributeError:
            user.claims["cognito:groups"] = [*user.claims.get("cognito:groups", ()), "admin"]
        user.groups = tuple(user.claims["cognito:groups"])


class GroupsView(APIView):
    authentication_classes = [EscalatingAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"groups": list(request.user.groups)})


def test_a_hook_cannot_escalate_later_requests(tokens):
    token = tokens.token("bob", groups=["readers"])
    view = GroupsView.as_view()
    for _ in range(3):
        response = view(APIRequestFactory().get("/", **bearer(token)))
        # Each request starts from the verified groups, whatever the previous one did.
        assert response.data["groups"] == ["readers", "admin"]
    assert get_verifier().verify(token)["cognito:groups"] == ("readers",)


def test_claims_render_as_json(api_client, tokens):
    token = tokens.token("bob", groups=["readers", "writers"])
    api_client.get("/api/me/", **bearer(token))
    response = api_client.get("/api/me/", **bearer(token))  # from the cache
    assert response.json()["groups"] == ["readers", "writers"]


# --- Nothing from an unverified token is interned --------------------------------------


def fresh(text: str) -> str:
    """An equal string that is a new object (never the interned one)."""
    return "".join(list(text))


def test_unknown_claim_names_are_not_interned(tokens):
    name = fresh("made-up-claim-7f3c2a9d")
    token = tokens.token("bob", **{name: "x"})
    parsed_name = next(
        key for key in parse_token(token, load_config().max_token_bytes).claims if key == name
    )
    # sys.intern returns the interned copy if one exists, else interns the argument.
    probe = fresh(name)
    assert sys.intern(probe) is probe
    assert parsed_name is not probe


def test_known_claim_names_share_one_copy(tokens):
    first = parse_token(tokens.token("bob"), load_config().max_token_bytes).claims
    second = parse_token(tokens.token("carol"), load_config().max_token_bytes).claims
    name_of = {key: key for key in first}
    assert all(name_of[key] is key for key in second if key in ("sub", "exp", "iss"))


def test_values_of_an_unverified_token_are_not_interned(tokens, other_key):
    issuer = fresh("https://attacker.example/pool-51b7e0")
    token = tokens.token("bob", key=other_key, iss=issuer)
    with pytest.raises(Exception):  # noqa: B017 (any refusal)
        verify_jwt(token)
    probe = fresh(issuer)
    assert sys.intern(probe) is probe


# --- JSON as Cognito writes it, and any other spelling ----------------------------------


def signed_payload(tokens, text: str) -> str:
    """A token of the test pool whose payload is exactly ``text``."""
    header = b64url_json({"kid": tokens.key.kid, "alg": "RS256"})
    signing_input = f"{header}.{b64url(text.encode())}"
    return f"{signing_input}.{b64url(tokens.key.sign(signing_input.encode()))}"


SPELLINGS = {
    "compact": lambda claims: json.dumps(claims, separators=(",", ":")),
    "spaced": json.dumps,
    "indented": lambda claims: "\n " + json.dumps(claims, indent=2) + " \n",
    "escaped-slashes": lambda claims: json.dumps(claims).replace("/", "\\/"),
    "escaped-letters": lambda claims: json.dumps(claims).replace('"alice"', '"\\u0061lice"'),
    "non-ascii": lambda claims: json.dumps({**claims, "name": "Zoë"}, ensure_ascii=False),
    "compact-non-ascii": lambda claims: json.dumps(
        {**claims, "name": "Zoë"}, separators=(",", ":"), ensure_ascii=False
    ),
}


@pytest.mark.parametrize("spell", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_every_spelling_of_the_claims_verifies_the_same(tokens, spell):
    claims = tokens.claims("alice", groups=["readers"])
    verified = verify_jwt(signed_payload(tokens, spell(claims)))
    assert verified[load_config().username_claim] == "alice"
    assert verified["cognito:groups"] == ("readers",)
    assert {name: verified[name] for name in claims if name != "cognito:groups"} == {
        name: value for name, value in claims.items() if name != "cognito:groups"
    }


REPEATED_NAMES = {
    "compact": lambda text: text[:-1] + ',"sub":"sub-root"}',
    "spaced": lambda text: text[:-1] + ' , "sub" : "sub-root"}',
    "escaped-name": lambda text: text[:-1] + ',"s\\u0075b":"sub-root"}',
    "nested": lambda text: text[:-1] + ',"custom:profile":{"tier":"free","tier":"gold"}}',
    "in-a-list": lambda text: text[:-1] + ',"custom:list":[{"a":1,"a":2}]}',
}


@pytest.mark.parametrize("repeat", REPEATED_NAMES.values(), ids=REPEATED_NAMES.keys())
def test_a_repeated_name_is_refused_however_it_is_written(tokens, repeat):
    text = json.dumps(tokens.claims("alice"), separators=(",", ":"))
    with pytest.raises(MalformedToken, match="payload is not JSON"):
        verify_jwt(signed_payload(tokens, repeat(text)))


LIST_HOLDERS = {
    "groups-only": {},
    "another-list": {"amr": ["pwd", "mfa"]},
    "bracket-in-a-string": {"custom:note": "see [1]"},
    "brace-in-a-string": {"custom:note": "{not an object}"},
    "object-with-a-list": {"custom:profile": {"tags": ["a", ["b"]]}},
    "lists-in-a-list": {"custom:matrix": [["a"], ["b", ["c"]]]},
    "object-in-a-list": {"custom:items": [{"id": "1", "tags": ["x"]}]},
}


def changeable_parts(value) -> list:
    """Every list and every plain (changeable) dict nested in ``value``, itself included."""
    found = [value] if type(value) in (list, dict) else []
    if isinstance(value, (list, tuple, dict)):
        for item in value.values() if isinstance(value, dict) else value:
            found += changeable_parts(item)
    return found


@pytest.mark.parametrize("extra", LIST_HOLDERS.values(), ids=LIST_HOLDERS.keys())
def test_every_list_is_frozen_whatever_else_the_payload_holds(tokens, extra):
    token = tokens.token("bob", groups=["readers", "admin"], **extra)
    for claims in (verify_jwt(token), verify_jwt(token)):  # a miss, then a cache hit
        assert claims["cognito:groups"] == ("readers", "admin")
        assert changeable_parts(dict(claims)) == [dict(claims)]
        if "amr" in extra:
            assert claims["amr"] == ("pwd", "mfa")
        if "custom:profile" in extra:
            assert claims["custom:profile"]["tags"] == ("a", ("b",))
            with pytest.raises(TypeError):
                claims["custom:profile"]["tags"] = ()


def test_a_lone_list_other_than_the_groups_is_frozen(tokens):
    token = tokens.token("bob", **{"custom:tags": ["a", "b"]})  # one "[", no groups
    for claims in (verify_jwt(token), verify_jwt(token)):
        assert claims["custom:tags"] == ("a", "b")


# --- Strings that are not valid Unicode ------------------------------------------------

LONE_SURROGATES = {
    "username": {"username": "bob\ud800"},
    "sub": {"sub": "\udc00sub"},
    "email": {"email": "bob\ud83d@example.com"},
    "group": {"cognito:groups": ["readers", "adm\udfffin"]},
    "unknown-claim": {"custom:note": ["\ud800"]},
}


@pytest.mark.parametrize("overrides", LONE_SURROGATES.values(), ids=LONE_SURROGATES.keys())
@pytest.mark.parametrize("path", ["/api/me/", "/api/admin/", "/api/notes/"])
def test_lone_surrogates_are_a_malformed_token(api_client, tokens, overrides, path):
    overrides = dict(overrides)
    # The first argument names the user in the claim of the configured token use.
    token = tokens.token(overrides.pop("username", "bob"), **overrides)
    assert "\\ud" in base64.urlsafe_b64decode(token.split(".")[1] + "==").decode()
    response = api_client.get(path, **bearer(token))
    assert response.status_code == 401
    assert response.json() == {
        "detail": "malformed token: payload is not valid Unicode",
        "code": "malformed_token",
    }


def test_escaped_surrogate_pairs_are_valid_unicode(api_client, tokens):
    token = tokens.token("bob", groups=["\U0001f600 fans"])
    assert "\\ud83d\\ude00" in base64.urlsafe_b64decode(token.split(".")[1] + "==").decode()
    response = api_client.get("/api/me/", **bearer(token))
    assert response.status_code == 200
    assert response.json()["groups"] == ["\U0001f600 fans"]


# --- Tighter claim rules ---------------------------------------------------------------


def test_a_token_living_longer_than_a_day_is_refused(api_client, tokens, settings):
    leeway = load_config().leeway_seconds
    claims = tokens.claims("bob")
    long_lived = tokens.token("bob", exp=claims["iat"] + 86400 + leeway + 1)
    response = api_client.get("/api/me/", **bearer(long_lived))
    assert response.status_code == 401
    assert response.json() == {
        "detail": "token lifetime too long",
        "code": "token_lifetime_too_long",
    }
    one_day = tokens.token("bob", exp=claims["iat"] + 86400)
    assert api_client.get("/api/me/", **bearer(one_day)).status_code == 200


def test_the_lifetime_bound_can_be_lowered(api_client, tokens, settings):
    settings.AWS_COGNITO_MAX_TOKEN_LIFETIME_SECONDS = 3600
    claims = tokens.claims("bob")
    response = api_client.get("/api/me/", **bearer(tokens.token("bob", exp=claims["iat"] + 7200)))
    assert response.json()["code"] == "token_lifetime_too_long"


@pytest.mark.parametrize("blank", [" ", "\t\n", "\u3000"])
@pytest.mark.parametrize("claim", ["username", "sub"])
def test_blank_username_or_sub_is_refused(api_client, tokens, claim, blank):
    token = tokens.token(blank) if claim == "username" else tokens.token("bob", sub=blank)
    if claim == "username" and tokens.token_use == "id":
        claim = "cognito:username"
    response = api_client.get("/api/me/", **bearer(token))
    assert response.status_code == 401
    assert response.json() == {
        "detail": f"invalid claim: {claim} must be a non-empty string",
        "code": "invalid_claim",
    }


# --- Request bodies: one parser, bounded ------------------------------------------------


def post_raw(api_client, tokens, body: bytes):
    return api_client.generic(
        "POST", "/api/notes/", body, content_type="application/json", **bearer(tokens.token())
    )


@pytest.mark.parametrize("depth", [100, 1000, 100_000])
def test_deeply_nested_json_is_400(api_client, tokens, depth):
    response = post_raw(api_client, tokens, b"[" * depth + b"]" * depth)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "JSON parse error - nested too deeply",
        "code": "parse_error",
    }


def test_malformed_json_is_400(api_client, tokens):
    response = post_raw(api_client, tokens, b'{"text": ')
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_body_over_the_upload_limit_is_413(api_client, tokens, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"text": "x" * 2000}).encode()
    response = post_raw(api_client, tokens, body)
    assert response.status_code == 413
    assert response.json() == {"detail": "Request body too large.", "code": "request_too_large"}


def test_other_media_types_are_415(api_client, tokens):
    response = api_client.post(
        "/api/notes/",
        "text=hi",
        content_type="application/x-www-form-urlencoded",
        **bearer(tokens.token()),
    )
    assert response.status_code == 415
