"""Several user pools: each token is routed by its `iss` to its own pool's keys."""

import dataclasses

import pytest

from djognito.conf import load_config, pool_configs, problems
from djognito.core.pools import PoolRouter
from djognito.errors import InvalidIssuer, InvalidSignature, KeySetUnavailable, UnknownKey
from djognito.testing import SigningKey, TokenFactory, jwks_document
from scripts.cognito_fakes import PoolKeySetServer

POOL_A, POOL_B = "eu-west-1_PoolA1", "us-east-1_PoolB2"


def issuer(pool_id: str) -> str:
    region = pool_id.split("_")[0]
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture(scope="module")
def key_a():
    return SigningKey.generate("pool-a-key")


@pytest.fixture(scope="module")
def key_b():
    return SigningKey.generate("pool-b-key")


@pytest.fixture
def key_sets(key_a, key_b):
    """One loopback server publishing each pool's key set under its own path."""
    with PoolKeySetServer({POOL_A: jwks_document(key_a), POOL_B: jwks_document(key_b)}) as server:
        yield server


@pytest.fixture
def two_pools(settings, key_sets):
    """The project configured for pools A and B (no AWS_COGNITO_REGION: ids give it)."""
    settings.AWS_COGNITO_REGION = ""
    settings.AWS_COGNITO_USER_POOL_ID = f"{POOL_A}, {POOL_B}"
    settings.AWS_COGNITO_TOKEN_USE = "access"
    settings.AWS_COGNITO_JWKS_URL = key_sets.url_template
    return settings


@pytest.fixture
def factories(two_pools, key_a, key_b):
    client = load_config().app_client_ids[0]
    return (
        TokenFactory(key_a, issuer(POOL_A), client),
        TokenFactory(key_b, issuer(POOL_B), client),
    )


def test_each_pool_gets_its_region_issuer_and_key_set_url(two_pools, key_sets):
    pools = pool_configs(load_config())
    assert [(p.user_pool_id, p.region) for p in pools] == [
        (POOL_A, "eu-west-1"),
        (POOL_B, "us-east-1"),
    ]
    assert [p.issuer for p in pools] == [issuer(POOL_A), issuer(POOL_B)]
    assert pools[1].jwks_url == key_sets.url_template.format(user_pool_id=POOL_B)
    assert problems(load_config()) == []


def test_templates_take_the_pool_id_and_the_region(settings):
    settings.AWS_COGNITO_USER_POOL_ID = f"{POOL_A},{POOL_B}"
    settings.AWS_COGNITO_REGION = ""
    settings.AWS_COGNITO_ISSUER = "http://127.0.0.1:9229/{region}/{user_pool_id}"
    settings.AWS_COGNITO_JWKS_URL = "http://127.0.0.1:9229/keys/{user_pool_id}.json"
    pools = pool_configs(load_config())
    assert pools[1].issuer == f"http://127.0.0.1:9229/us-east-1/{POOL_B}"
    assert pools[1].jwks_url == f"http://127.0.0.1:9229/keys/{POOL_B}.json"


@pytest.mark.django_db
def test_a_token_is_verified_by_its_own_pool(api_client, factories):
    token_a, token_b = (factory.token("alice") for factory in factories)
    body_a = api_client.get("/api/me/", **bearer(token_a)).json()
    body_b = api_client.get("/api/me/", **bearer(token_b)).json()
    assert (body_a["pool"], body_b["pool"]) == (POOL_A, POOL_B)


def test_request_auth_names_the_pool(rf, factories):
    from api.authentication import CognitoAuthentication

    request = rf.get("/api/me/", **bearer(factories[1].token("bob")))
    user, claims = CognitoAuthentication().authenticate(request)
    assert claims.pool == user.pool == POOL_B
    assert claims["iss"] == issuer(POOL_B)


def test_an_unconfigured_issuer_is_refused_before_any_network_call(factories, key_sets):
    router = PoolRouter(load_config())
    stranger = TokenFactory(factories[0].key, issuer("eu-west-1_Other9"), factories[0].client_id)
    with pytest.raises(InvalidIssuer):
        router.verify(stranger.token("mallory"))
    assert key_sets.fetches == 0


def test_a_token_claiming_pool_a_signed_with_pool_b_key_is_refused(factories, key_b):
    router = PoolRouter(load_config())
    factory_a = factories[0]
    with pytest.raises(UnknownKey):
        router.verify(factory_a.token("mallory", key=key_b))
    # Same kid as pool A's key, signed by pool B's private key.
    impostor = SigningKey(factory_a.key.kid, key_b.private_key)
    with pytest.raises(InvalidSignature):
        router.verify(factory_a.token("mallory", key=impostor))


def test_one_pools_outage_leaves_the_other_working(factories, key_sets):
    router = PoolRouter(load_config())
    key_sets.behaviours[POOL_A] = "error"
    with pytest.raises(KeySetUnavailable):
        router.verify(factories[0].token("alice"))
    assert router.verify(factories[1].token("bob"))["username"] == "bob"
    assert key_sets.fetches_by_pool[POOL_B] == 1


def test_each_pool_has_its_own_key_set_and_cache(factories):
    router = PoolRouter(load_config())
    verifier_a, verifier_b = router.verifiers.values()
    assert verifier_a.keyset is not verifier_b.keyset
    assert verifier_a.cache is not verifier_b.cache
    router.verify(factories[0].token("alice"))
    assert (len(verifier_a.cache), len(verifier_b.cache)) == (1, 0)


@pytest.mark.parametrize(
    ("overrides", "setting", "message"),
    [
        ({"region": "eu-west-1"}, "AWS_COGNITO_USER_POOL_ID", "not to AWS_COGNITO_REGION"),
        ({"pools": f"{POOL_A},bad id"}, "AWS_COGNITO_USER_POOL_ID", "'bad id'"),
        (
            {"issuer": "https://issuer.example.com"},
            "AWS_COGNITO_ISSUER",
            "must contain {user_pool_id}",
        ),
        ({"issuer": "https://issuer.example.com/{pool}"}, "AWS_COGNITO_ISSUER", "only hold"),
    ],
    ids=["region-disagrees", "bad-pool-id", "issuer-shared", "issuer-unknown-field"],
)
def test_pool_list_problems_are_named(settings, overrides, setting, message):
    settings.AWS_COGNITO_USER_POOL_ID = overrides.get("pools", f"{POOL_A},{POOL_B}")
    settings.AWS_COGNITO_REGION = overrides.get("region", "")
    settings.AWS_COGNITO_ISSUER = overrides.get("issuer", "")
    found = dict(problems(load_config()))
    assert message in found.get(setting, ""), found


def test_one_pool_keeps_the_single_verifier(settings):
    from djognito.core.verifier import TokenVerifier
    from djognito.jwt_utils import get_verifier

    assert isinstance(get_verifier(), TokenVerifier)
    settings.AWS_COGNITO_USER_POOL_ID = f"{POOL_A},{POOL_B}"
    settings.AWS_COGNITO_REGION = ""
    assert isinstance(get_verifier(), PoolRouter)
    assert dataclasses.is_dataclass(get_verifier().config)
