"""A bounded cache of tokens that verified, so repeat requests skip RSA.

An entry lives until the earlier of its token's expiry (``exp`` plus leeway) and a short
TTL; the verifier uses it only while the key that verified it is still the pool's key for
its ``kid``. Only successes are stored: refused tokens cost an attacker a full verification
each and take no memory. Cached claims are never handed out themselves: callers get a
shallow copy whose nested values cannot be changed (``frozen_claims``), so no request can
alter what later ones see.

Entries are found by the last ``KEY_CHARACTERS`` characters of the token (its signature's
end) and used only when the whole token is equal: hashing a kilobyte-long token on every
request would cost more than the rest of a cache hit.

Safe without the GIL too (free-threaded Python): the entries are a plain ``dict``, whose
reads and writes are each atomic on every build, so a hit reads without a lock; every change
holds the cache's lock, so changes never interleave (an ``OrderedDict`` gives no such
promise without the GIL). Eviction is oldest first: a hit does not reorder (that would be a
change, and a lock, on every hit); a busy token evicted by 10,000 newer ones is verified
once more and stored again.
"""

import threading

# 32 base64url characters of an RSA signature: 192 bits no one can aim at without the key.
KEY_CHARACTERS = 32


class ReadOnlyDict(dict):
    """A dict that refuses every change; still a dict for JSON encoders and ``isinstance``."""

    def _refuse(self, *args, **kwargs):
        raise TypeError("verified claims are read-only; copy them to change them")

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self):
        return (dict, (dict(self),))


def _frozen(value):
    kind = type(value)
    if kind is list:
        return tuple(map(_frozen, value))
    if kind is dict:
        return ReadOnlyDict({name: _frozen(item) for name, item in value.items()})
    return value


def frozen_claims(claims: dict) -> dict:
    """``claims`` with every nested list turned into a tuple and every nested object made
    read-only, changed in place (the top level stays a dict: callers only get copies of it).

    The walk recurses once per level: the parser refuses text nested deeper than
    ``jws.MAX_JSON_DEPTH``."""
    for name, value in claims.items():
        kind = type(value)
        if kind is list or kind is dict:
            claims[name] = _frozen(value)
    return claims


class VerifiedTokenCache:
    """Verified tokens, at most ``maxsize`` entries (0: off), each under the last
    ``KEY_CHARACTERS`` characters of its token, the oldest evicted first.

    An entry is a plain tuple (built on every new token and read on every hit, where a
    named tuple's constructor would cost a tenth of a hit): ``(token, claims, valid_until,
    keys_state, kid, key)``. ``valid_until`` is the last instant of the caller's clock at
    which it may be used; the rest shows that the key which verified the token still holds
    (``TokenVerifier`` keeps the key set's state at the time, the ``kid`` and the key)."""

    def __init__(self, maxsize: int, ttl: float):
        self.maxsize = maxsize
        self.ttl = ttl
        self._entries: dict[str, tuple] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, token: str, now: float) -> tuple | None:
        """The live entry of ``token``; None when there is none (an expired one is
        dropped)."""
        entry = self._entries.get(token[-KEY_CHARACTERS:])
        if entry is None:
            return None
        cached_token, _, valid_until, _, _, _ = entry
        if cached_token != token:
            return None
        if now > valid_until:
            self.discard(token)
            return None
        return entry

    def put(self, entry: tuple) -> None:
        """Store ``entry`` (replacing one under the same key), first evicting the oldest
        entries that would leave it no room: no reader ever sees more than ``maxsize``."""
        if not self.maxsize:
            return
        key = entry[0][-KEY_CHARACTERS:]
        entries = self._entries
        with self._lock:
            if key not in entries:
                while len(entries) >= self.maxsize:
                    del entries[next(iter(entries))]
            entries[key] = entry

    def discard(self, token: str) -> None:
        """Forget ``token`` (expired, or its key left the key set)."""
        key = token[-KEY_CHARACTERS:]
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] == token:
                del self._entries[key]
