"""A bounded LRU of tokens that verified, so repeat requests skip RSA.

An entry lives until the earlier of its token's expiry (``exp`` plus leeway) and a short
TTL, and is only used while the key that verified it is still the pool's key for its
``kid``. Only successes are stored: refused tokens cost an attacker a full verification
each and take no memory. Cached claims are never handed out themselves: callers get a
shallow copy whose nested values cannot be changed (``frozen_claims``), so no request can
alter what later ones see.

Entries are found by the last ``KEY_CHARACTERS`` characters of the token (its signature's
end) and used only when the whole token is equal: hashing a kilobyte-long token on every
request would cost more than the rest of a cache hit. Safe under threads without a lock:
each ``OrderedDict`` operation is atomic under the GIL, and an entry another thread evicts
in between is simply gone.
"""

from collections import OrderedDict

OPEN_BRACE, OPEN_BRACKET = b"{["
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
        return tuple(_frozen(item) for item in value)
    if kind is dict:
        return ReadOnlyDict({name: _frozen(item) for name, item in value.items()})
    return value


def frozen_claims(claims: dict, text: bytes | None = None) -> dict:
    """``claims`` with every nested list turned into a tuple and every nested object made
    read-only, changed in place (the top level stays a dict: callers only get copies of it).

    ``text``, the JSON the claims were read from, lets the usual payloads skip the walk."""
    # One "{" in the whole text and no "[": there is no container but the claims. One "{"
    # and one "[": the groups list is the only other container, and holds none. Anything
    # else (a bracket inside a string included) takes the walk. (An int's find is one
    # memchr; bytes.count would read the text byte by byte.)
    brace = -1 if text is None else text.find(OPEN_BRACE)
    if brace >= 0 and text.find(OPEN_BRACE, brace + 1) < 0:
        bracket = text.find(OPEN_BRACKET)
        if bracket < 0:
            return claims
        groups = claims.get("cognito:groups")
        if type(groups) is list and text.find(OPEN_BRACKET, bracket + 1) < 0:
            claims["cognito:groups"] = tuple(groups)
            return claims
    # Most claims are strings and numbers: only containers need converting.
    for name, value in claims.items():
        kind = type(value)
        if kind is list or kind is dict:
            claims[name] = _frozen(value)
    return claims


class VerifiedTokenCache(OrderedDict):
    """LRU of verified tokens holding at most ``maxsize`` entries (0: off), each under the
    last ``KEY_CHARACTERS`` characters of its token.

    An entry is a plain tuple (built and read on every request, where a class costs more):
    ``(token, claims, valid_until, *proof)``. ``valid_until`` is the last instant of the
    caller's clock at which the entry may be used; ``proof`` is whatever the caller needs to
    decide that the key which verified the token still holds (``TokenVerifier`` keeps the
    key set's state, the ``kid`` and the key).

    It is the ``OrderedDict`` itself: ``TokenVerifier`` finds, refreshes and stores entries
    with its C calls (``get``, ``move_to_end``, ``pop``, item assignment, then ``trim``),
    since a method of this class would cost a tenth of a cache hit."""

    def __init__(self, maxsize: int, ttl: float):
        super().__init__()
        self.maxsize = maxsize
        self.ttl = ttl

    def trim(self) -> None:
        """Evict the least recently used entries beyond ``maxsize``."""
        while len(self) > self.maxsize:
            try:
                self.popitem(last=False)
            except KeyError:  # another thread emptied it meanwhile
                break

    def discard(self, token: str) -> None:
        """Forget ``token`` (its key left the key set)."""
        key = token[-KEY_CHARACTERS:]
        entry = self.get(key)
        if entry is not None and entry[0] == token:
            self.pop(key, None)
