"""A bounded, thread-safe LRU of tokens that verified, so repeat requests skip RSA.

An entry lives until the earlier of its token's expiry (``exp`` plus leeway) and a short
TTL, and is only used while the key that verified it is still the pool's key for its
``kid``. Only successes are stored: refused tokens cost an attacker a full verification
each and take no memory. Entries are immutable (``frozen_claims``): callers get a shallow
copy whose nested values cannot be changed, so no request can alter what later ones see.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass


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
        return tuple(_frozen(item) for item in value)
    if kind is dict:
        return ReadOnlyDict({name: _frozen(item) for name, item in value.items()})
    return value


def frozen_claims(claims: dict) -> ReadOnlyDict:
    """``claims`` with every list turned into a tuple and every object made read-only."""
    frozen = ReadOnlyDict(claims)
    # Most claims are strings and numbers: only containers need converting.
    for name, value in claims.items():
        kind = type(value)
        if kind is list or kind is dict:
            dict.__setitem__(frozen, name, _frozen(value))
    return frozen


@dataclass(frozen=True, slots=True)
class CachedToken:
    """What a verification proved, and until when it may be reused."""

    claims: dict
    kid: str
    key: object
    valid_until: float


class VerifiedTokenCache:
    """LRU of ``token -> CachedToken`` holding at most ``maxsize`` entries (0: off)."""

    def __init__(self, maxsize: int, ttl: float):
        self.maxsize = maxsize
        self.ttl = ttl
        self._entries: OrderedDict[str, CachedToken] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, token: str, now: float) -> CachedToken | None:
        """The live entry for ``token`` at time ``now``, or None (expired ones are dropped)."""
        if not self.maxsize:
            return None
        with self._lock:
            entry = self._entries.get(token)
            if entry is None:
                return None
            if now > entry.valid_until:
                del self._entries[token]
                return None
            self._entries.move_to_end(token)
            return entry

    def put(self, token: str, entry: CachedToken) -> None:
        """Store an entry, evicting the least recently used beyond ``maxsize``."""
        if not self.maxsize:
            return
        with self._lock:
            self._entries[token] = entry
            self._entries.move_to_end(token)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)

    def discard(self, token: str) -> None:
        """Forget ``token`` (its key left the key set)."""
        with self._lock:
            self._entries.pop(token, None)
