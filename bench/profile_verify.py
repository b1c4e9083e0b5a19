"""Where a never-seen token's verification spends its time: cProfile over new tokens.

Run from a baked project's folder with its interpreter (as ``run_bench.py``):
``.venv/bin/python ../../../bench/profile_verify.py``. Prints the functions that take the
most time of their own, per token. cProfile adds its own cost to every call, so read the
shares, not the absolute figures; ``run_bench.py`` gives the real costs.
"""

import cProfile
import os
import pstats
import sys

from run_bench import CLIENT, base_env, cognito_tokens

TOKENS = int(os.environ.get("PROFILE_TOKENS", "3000"))


def main() -> int:
    from djognito.testing import SigningKey, TokenFactory, jwks_document
    from scripts.cognito_fakes import JWKSServer

    key = SigningKey.generate("profile-key")
    with JWKSServer(jwks_document(key)) as jwks:
        os.environ.update(base_env(jwks.url))
        import django

        django.setup()
        from djognito.conf import load_config
        from djognito.core.verifier import TokenVerifier

        config = load_config()
        verifier = TokenVerifier(config)
        factory = TokenFactory(key, config.issuer, CLIENT, config.token_use)
        tokens = cognito_tokens(factory, TOKENS + 1)
        verifier.verify(tokens.pop())  # the key set is fetched outside the profile
        profile = cProfile.Profile()
        profile.enable()
        for token in tokens:
            verifier.verify(token)
        profile.disable()
    stats = pstats.Stats(profile)
    total = stats.total_tt
    print(f"{TOKENS} new tokens, cache on: {total / TOKENS * 1e6:.1f} us each under cProfile")
    print(f"{'own time':>9} {'share':>6} {'calls/token':>11}  function")
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)
    for (filename, line, name), (_, calls, own, _, _) in rows[:15]:
        where = f"{os.path.basename(filename)}:{line}({name})" if line else name
        print(f"{own / TOKENS * 1e6:7.2f}us {own / total:6.1%} {calls / TOKENS:11.1f}  {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
