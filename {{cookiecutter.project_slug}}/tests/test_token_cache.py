"""The verified-token cache: bounded, exact about expiry, tied to the key that verified."""

import dataclasses
import sys
import threading

import pytest

from djognito.conf import load_config
from djognito.core.jwks import KeySet
from djognito.core.verifier import TokenVerifier
from djognito.errors import InvalidSignature, TokenExpired, UnknownKey
from djognito.testing import SigningKey, jwks_document


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: float):
        self.now = start

    def __call__(self) -> float:
        return self.now


class CountingKeySet(KeySet):
    """A real KeySet that counts how often a signature is checked with its keys."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.signature_checks = 0

    def get_key(self, kid):
        key = super().get_key(kid)
        keyset = self

        class CountingKey:
            def verify(self, signing_input, signature):
                keyset.signature_checks += 1
                return key.verify(signing_input, signature)

        # Cache hits compare key identity, so hand out one wrapper per real key.
        wrappers = self.__dict__.setdefault("_wrappers", {})
        return wrappers.setdefault(id(key), CountingKey())


@pytest.fixture
def clock(tokens):
    # Whole seconds, like the exp claims the factory writes.
    return Clock(float(int(tokens.clock())))


def make_verifier(clock, counting=False, **overrides):
    config = dataclasses.replace(load_config(), **overrides)
    keyset_class = CountingKeySet if counting else KeySet
    keyset = keyset_class.for_pool(config, clock=clock)
    return TokenVerifier(config, keyset=keyset, clock=clock)


def test_a_token_seen_before_skips_the_signature_check(tokens, clock):
    verifier = make_verifier(clock, counting=True)
    token = tokens.token("alice")
    first, second = verifier.verify(token), verifier.verify(token)
    assert first == second and first["sub"] == "sub-alice"
    assert verifier.keyset.signature_checks == 1
    assert len(verifier.cache) == 1


def test_each_hit_gets_its_own_claims_dict(tokens, clock):
    verifier = make_verifier(clock)
    token = tokens.token("alice")
    verifier.verify(token)["username_was_changed"] = True
    assert "username_was_changed" not in verifier.verify(token)


def test_a_cache_hit_still_honours_exp_to_the_second(tokens, clock):
    verifier = make_verifier(clock, token_cache_ttl_seconds=3600)
    token = tokens.token("alice", exp=int(clock.now) + 100)
    verifier.verify(token)
    clock.now += 100 + verifier.config.leeway_seconds
    assert verifier.verify(token)["sub"] == "sub-alice"
    clock.now += 0.001
    with pytest.raises(TokenExpired):
        verifier.verify(token)
    assert len(verifier.cache) == 0


def test_an_entry_lives_no_longer_than_the_cache_ttl(tokens, clock):
    verifier = make_verifier(clock, counting=True, token_cache_ttl_seconds=60)
    token = tokens.token("alice")
    verifier.verify(token)
    clock.now += 61
    verifier.verify(token)
    assert verifier.keyset.signature_checks == 2


def test_the_cache_is_bounded_and_evicts_the_oldest_first(tokens, clock):
    verifier = make_verifier(clock, counting=True, token_cache_size=3)
    alice, bob, carol, dave = (tokens.token(name) for name in ("alice", "bob", "carol", "dave"))
    for token in (alice, bob, carol):
        verifier.verify(token)
    verifier.verify(alice)  # a hit changes nothing: alice is still the oldest
    verifier.verify(dave)  # evicts alice
    assert len(verifier.cache) == 3
    checks = verifier.keyset.signature_checks
    for token in (bob, carol, dave):
        verifier.verify(token)
    assert verifier.keyset.signature_checks == checks
    verifier.verify(alice)  # verified once more, and stored again (evicting bob)
    assert verifier.keyset.signature_checks == checks + 1
    assert len(verifier.cache) == 3


def test_size_zero_turns_the_cache_off(tokens, clock):
    verifier = make_verifier(clock, counting=True, token_cache_size=0)
    token = tokens.token("alice")
    verifier.verify(token)
    verifier.verify(token)
    assert verifier.keyset.signature_checks == 2
    assert len(verifier.cache) == 0


def test_refused_tokens_take_no_cache_space(tokens, clock, other_key):
    verifier = make_verifier(clock)
    for index in range(50):
        with pytest.raises(InvalidSignature):
            verifier.verify(tokens.token(f"mallory{index}", key=other_key))
    assert len(verifier.cache) == 0


def test_an_entry_is_dropped_when_its_key_leaves_the_key_set(tokens, clock, jwks_server):
    verifier = make_verifier(clock, jwks_ttl_seconds=600, token_cache_ttl_seconds=3600)
    token = tokens.token("alice")
    verifier.verify(token)
    jwks_server.document = jwks_document(SigningKey.generate("rotated-key"))
    clock.now += 599
    assert verifier.verify(token)["sub"] == "sub-alice"  # key set not refreshed yet
    clock.now += 2
    with pytest.raises(UnknownKey):
        verifier.verify(token)
    assert len(verifier.cache) == 0


def with_other_claims(tokens, genuine: str) -> str:
    """``genuine``'s header and signature around an admin's claims: a token that ends like
    it, so it finds ``genuine``'s cache entry."""
    header, _, signature = genuine.split(".")
    forged_payload = tokens.token("root", **{"cognito:groups": ["admin"]}).split(".")[1]
    return f"{header}.{forged_payload}.{signature}"


def test_a_token_ending_like_a_cached_one_is_verified_in_full(tokens, clock):
    # Entries are found by the signature's end: a token that keeps a cached token's
    # signature under other claims finds that entry, and is still checked in full.
    verifier = make_verifier(clock, counting=True)
    genuine = tokens.token("alice")
    verifier.verify(genuine)
    with pytest.raises(InvalidSignature):
        verifier.verify(with_other_claims(tokens, genuine))
    assert verifier.keyset.signature_checks == 2
    assert verifier.verify(genuine)["sub"] == "sub-alice"  # still served from the cache
    assert verifier.keyset.signature_checks == 2


def test_a_token_ending_like_a_fresh_entry_is_refused(tokens, clock):
    # As above, with the entry's key set neither fetched since nor due (the hit's common
    # case, which the counting key set never reaches).
    verifier = make_verifier(clock)
    genuine = tokens.token("alice")
    verifier.verify(genuine)
    with pytest.raises(InvalidSignature):
        verifier.verify(with_other_claims(tokens, genuine))
    assert verifier.verify(genuine)["sub"] == "sub-alice"


def test_an_entry_is_dropped_when_a_fetch_before_its_deadline_drops_its_key(
    tokens, clock, jwks_server
):
    verifier = make_verifier(
        clock, jwks_ttl_seconds=600, jwks_cooldown_seconds=10, token_cache_ttl_seconds=3600
    )
    token = tokens.token("alice")
    verifier.verify(token)
    rotated = SigningKey.generate("rotated-key")
    jwks_server.document = jwks_document(rotated)
    clock.now += 11
    # A token under the new key: its unknown kid makes the key set fetch at once, long
    # before its TTL would, and the old key is gone from it.
    assert verifier.verify(tokens.token("bob", key=rotated))["sub"] == "sub-bob"
    with pytest.raises(UnknownKey):
        verifier.verify(token)


def test_a_refetch_of_unchanged_keys_keeps_every_cached_token(tokens, clock, jwks_server):
    # One made-up kid per cool-down makes the key set fetch again; the pool's keys are the
    # same, so the tokens already verified are still answered without RSA.
    verifier = make_verifier(clock, counting=True, jwks_cooldown_seconds=10)
    cached = [tokens.token(f"user{index}") for index in range(20)]
    for token in cached:
        verifier.verify(token)
    assert verifier.keyset.signature_checks == 20
    for _ in range(3):
        clock.now += 11
        with pytest.raises(UnknownKey):
            verifier.verify(tokens.token("mallory", header={"kid": "made-up", "alg": "RS256"}))
        for token in cached:
            assert verifier.verify(token)["sub"].startswith("sub-user")
    assert jwks_server.fetches == 4
    assert verifier.keyset.signature_checks == 20


def test_a_refetch_that_changes_a_key_under_its_kid_drops_its_tokens(
    tokens, clock, jwks_server, signing_key
):
    verifier = make_verifier(clock, counting=True, jwks_cooldown_seconds=10)
    token = tokens.token("alice")
    verifier.verify(token)
    # Another key published under the same kid: the cached token's key is gone.
    impostor = SigningKey.generate(signing_key.kid)
    jwks_server.document = jwks_document(impostor)
    clock.now += 11
    with pytest.raises(UnknownKey):
        verifier.verify(tokens.token("mallory", header={"kid": "made-up", "alg": "RS256"}))
    with pytest.raises(InvalidSignature):
        verifier.verify(token)
    assert len(verifier.cache) == 0


def _under_lock(method):
    def checked(self, *args, **kwargs):
        assert self.lock.locked(), "the token cache was changed without its lock"
        self.changes += 1
        return method(self, *args, **kwargs)

    return checked


class LockCheckingEntries(dict):
    """The cache's entries, refusing any change while the cache's lock is not held (reads
    need none: each is atomic on every build)."""

    def __init__(self, lock):
        super().__init__()
        self.lock = lock
        self.changes = 0

    pop = _under_lock(dict.pop)
    popitem = _under_lock(dict.popitem)
    clear = _under_lock(dict.clear)
    update = _under_lock(dict.update)
    setdefault = _under_lock(dict.setdefault)
    __setitem__ = _under_lock(dict.__setitem__)
    __delitem__ = _under_lock(dict.__delitem__)


def test_threads_hammering_one_cache_change_it_under_its_lock(tokens, clock):
    # Hits, misses, evictions and expiries at once from eight threads, with a thread switch
    # every microsecond: every change of the shared entries holds the lock (what keeps it
    # safe on a Python without a GIL), the bound holds, and each token gets its own claims.
    verifier = make_verifier(clock, token_cache_size=8, token_cache_ttl_seconds=60)
    entries = LockCheckingEntries(verifier.cache._lock)
    verifier.cache._entries = entries
    users = [f"user{index}" for index in range(24)]
    issued = {user: tokens.token(user) for user in users}
    failures, sizes = [], []

    def hammer(offset):
        try:
            for round_index in range(150):
                user = users[(offset * 7 + round_index) % len(users)]
                claims = verifier.verify(issued[user])
                if claims["sub"] != f"sub-{user}":
                    failures.append((user, claims["sub"]))
                sizes.append(len(verifier.cache))
                if round_index % 50 == 49:
                    clock.now += 61  # every entry expires: dropped as threads read them
        except Exception as exc:  # reported below, with the others
            failures.append(repr(exc))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=hammer, args=(offset,)) for offset in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert failures == []
    assert max(sizes) <= 8
    assert entries.changes > 8 * 150 // 2
