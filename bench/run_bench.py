"""Benchmark of a baked project: verification cost, request throughput, memory.

Run from the baked project's folder with its own virtualenv's python (``make bench`` in
the template repository does all of it). Prints figures, then one line per target.

Environment: BENCH_PARTS (cost,http,memory), BENCH_COST_ROUNDS, BENCH_ROUNDS and
BENCH_LOAD_SECONDS (throughput rounds and the length of one load run), BENCH_SHOW_RUNS=1
(every load run's requests per second), BENCH_DISTINCT_TOKENS (the memory part).
"""

import dataclasses
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from http.client import HTTPConnection
from pathlib import Path

PROJECT = Path.cwd()
sys.path.insert(0, str(PROJECT))

POOL, CLIENT, REGION = "us-east-1_Bench1", "benchclient1", "us-east-1"
# Many short runs rather than fewer long ones: one-second runs spread about as much as
# two-second runs did, so twice as many of them in the same time give a steadier median.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "16"))
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "1"))
DISTINCT_TOKENS = int(os.environ.get("BENCH_DISTINCT_TOKENS", "100000"))
PARTS = os.environ.get("BENCH_PARTS", "cost,http,memory").split(",")
RESULTS = []


def base_env(jwks_url: str, **extra) -> dict:
    from scripts.processes import scrubbed_environment

    return scrubbed_environment(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="off",
        DJANGO_SECRET_KEY="bench-secret-key-" + "x" * 50,
        DJANGO_SECURE_SSL_REDIRECT="off",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=f"sqlite:///{PROJECT / 'bench.sqlite3'}",
        AWS_COGNITO_REGION=REGION,
        AWS_COGNITO_USER_POOL_ID=POOL,
        AWS_COGNITO_APP_CLIENT_ID=CLIENT,
        AWS_COGNITO_JWKS_URL=jwks_url,
        **extra,
    )


def target(name: str, figure: float, limit: float, higher_is_better: bool, unit: str = "x"):
    holds = figure >= limit if higher_is_better else figure <= limit
    sign = ">=" if higher_is_better else "<="
    RESULTS.append(
        f"{name}: {figure:.3f}{unit} (target {sign} {limit}{unit}) {'HOLDS' if holds else 'FAILS'}"
    )


# --- 1. per-token verification cost --------------------------------------------------
def cognito_claims(factory, index: int, now: int) -> dict:
    """The claims Cognito writes, in its order: an access token's, or an id token's."""
    user = str(uuid.uuid4())
    if factory.token_use == "access":
        return {
            "sub": user,
            "cognito:groups": ["readers", "admin"],
            "iss": factory.issuer,
            "version": 2,
            "client_id": factory.client_id,
            "origin_jti": str(uuid.uuid4()),
            "event_id": str(uuid.uuid4()),
            "token_use": "access",
            "scope": "aws.cognito.signin.user.admin",
            "auth_time": now,
            "exp": now + 3600,
            "iat": now,
            "jti": str(uuid.uuid4()),
            "username": f"user{index}",
        }
    return {
        "at_hash": "K3bbyGkRRrC0Uq1cAVzpXw",
        "sub": user,
        "cognito:groups": ["readers", "admin"],
        "email_verified": True,
        "iss": factory.issuer,
        "cognito:username": f"user{index}",
        "origin_jti": str(uuid.uuid4()),
        "aud": factory.client_id,
        "event_id": str(uuid.uuid4()),
        "token_use": "id",
        "auth_time": now,
        "exp": now + 3600,
        "iat": now,
        "jti": str(uuid.uuid4()),
        "email": f"user{index}@example.com",
    }


def cognito_tokens(factory, count: int) -> list[str]:
    from djognito.testing import encode_token

    header = {"kid": factory.key.kid, "alg": "RS256"}
    now = int(time.time())
    return [
        encode_token(header, cognito_claims(factory, i, now), factory.key) for i in range(count)
    ]


def python_jose_verify(key, issuer: str, client_id: str, token_use: str):
    """python-jose verifying the same tokens, its key built once (what a careful user of it
    writes): signature, exp/iat/nbf, issuer, and the audience of an id token."""
    from jose import jwk, jwt

    prebuilt = jwk.construct(key.jwk(), algorithm="RS256")
    audience = client_id if token_use == "id" else None

    def verify(token):
        return jwt.decode(
            token,
            prebuilt,
            algorithms=["RS256"],
            issuer=issuer,
            audience=audience,
            options={"verify_aud": audience is not None, "verify_at_hash": False},
        )

    return verify


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


# Rounds are short (a few milliseconds each) and every measure of a round times the same
# new tokens, in an order that rotates from round to round: on a shared machine speed drifts
# over tens of milliseconds, and Python code slows more than the RSA check in a slow spell,
# so each measure is divided by the RSA check of its own round and the figure is the median
# of those per-round ratios.
COST_ROUNDS = int(os.environ.get("BENCH_COST_ROUNDS", "300"))
COST_BATCH = 20
HITS_PER_ROUND = 200


def quartiles(values: list) -> tuple[float, float]:
    """The first and third quartiles of ``values``: the middle half of them lies between."""
    ordered = sorted(values)
    return ordered[len(ordered) // 4], ordered[3 * len(ordered) // 4]


def rotated(items: list, round_index: int) -> list:
    """``items`` starting at place ``round_index`` (modulo their number): over the rounds,
    each item takes every place."""
    shift = round_index % len(items)
    return items[shift:] + items[:shift]


def _timed(function, items) -> float:
    started = time.perf_counter()
    for item in items:
        function(item)
    return (time.perf_counter() - started) / len(items)


def verification_cost(factory, config, raw_verify, reference_verify):
    """Per-token cost in short interleaved rounds: the bare RSA check, python-jose, a
    never-seen token with the cache on and off, and a token seen before. Every round uses
    new tokens; a repeat arrives as a new string, as each request's header does."""
    from djognito.core.jws import parse_token
    from djognito.core.verifier import TokenVerifier

    cached_verifier = TokenVerifier(config)
    uncached_verifier = TokenVerifier(dataclasses.replace(config, token_cache_size=0))
    fresh = cognito_tokens(factory, COST_ROUNDS * COST_BATCH + 1)
    seen = fresh.pop()
    cached_verifier.verify(seen)
    uncached_verifier.verify(seen)

    def raw(tokens):
        parsed = [parse_token(token, config.max_token_bytes) for token in tokens]
        return _timed(lambda p: raw_verify(p.signature, p.signing_input), parsed)

    def hit(_tokens):
        repeats = [seen[:-1] + seen[-1] for _ in range(HITS_PER_ROUND)]  # new strings
        return _timed(cached_verifier.verify, repeats)

    measures = {
        "raw": raw,
        "jose": lambda tokens: _timed(reference_verify, tokens),
        # The cache-off verifier keeps nothing: the same tokens are new to it too.
        "new": lambda tokens: _timed(cached_verifier.verify, tokens),
        "off": lambda tokens: _timed(uncached_verifier.verify, tokens),
        "hit": hit,
    }
    names = list(measures)
    figures = {name: [] for name in names}
    for round_index in range(COST_ROUNDS):
        tokens = fresh[round_index * COST_BATCH : (round_index + 1) * COST_BATCH]
        for name in rotated(names, round_index):
            figures[name].append(measures[name](tokens))
    us = {name: statistics.median(values) * 1e6 for name, values in figures.items()}
    ratio, spread = {}, {}
    for name, values in figures.items():
        per_round = [value / base for value, base in zip(values, figures["raw"], strict=True)]
        ratio[name] = statistics.median(per_round)
        spread[name] = quartiles(per_round)
    claims = len(cognito_claims(factory, 0, 0))
    print(
        f"1. Verification cost (one process, {COST_ROUNDS} interleaved rounds of "
        f"{COST_BATCH} new tokens; {factory.token_use} tokens with Cognito's {claims} claims, "
        f"{len(seen)} bytes)"
    )
    print(f"   CPU: {cpu_model()}")
    print("   median us; median of per-round ratios to the RSA check (quartiles)")
    rows = (
        ("raw", "raw RSA-2048 verify (cryptography)"),
        ("jose", "python-jose, key built once"),
        ("new", "new token, cache on (full verification)"),
        ("off", "new token, cache off"),
        ("hit", "token seen before (cache hit)"),
    )
    for name, label in rows:
        low, high = spread[name]
        print(f"   {label:<40} {us[name]:8.2f} us   {ratio[name]:.3f}x  ({low:.3f}-{high:.3f})")
    target("new token / raw RSA verify (cache on)", ratio["new"], 1.8, higher_is_better=False)
    target("new token / raw RSA verify (cache off)", ratio["off"], 1.7, higher_is_better=False)
    target("cached token / raw RSA verify", ratio["hit"], 0.04, higher_is_better=False)
    # Same tokens, same rounds: the median of per-round ratios, as for the others.
    jose_over_ours = statistics.median(
        jose / new for jose, new in zip(figures["jose"], figures["new"], strict=True)
    )
    target("python-jose / new token (cache on)", jose_over_ours, 1.3, higher_is_better=True)


# --- 2. throughput under gunicorn ----------------------------------------------------
# The project's gunicorn.conf.py writes an access log line per request; the load runs use a
# config without it, so the figures measure the application and not log writing.
NO_ACCESS_LOG_CONFIG = PROJECT / "bench_gunicorn.conf.py"


def start_server(env: dict, ports: int = 1):
    """gunicorn (2 sync workers, no access log) listening on ``ports`` free ports; ready once
    health answers. Returns the server and its ports."""
    # The baked project's helpers (its folder is on sys.path).
    from scripts.ports import free_port
    from scripts.processes import ChildProcess

    bound = [free_port() for _ in range(ports)]
    NO_ACCESS_LOG_CONFIG.write_text("accesslog = None\n")
    command = [str(Path(sys.executable).parent / "gunicorn"), "--config", NO_ACCESS_LOG_CONFIG]
    command += ["config.wsgi", "--workers", "2", "--worker-class", "sync"]
    for port in bound:
        command += ["--bind", f"127.0.0.1:{port}"]
    command += ["--log-level", "warning"]
    server = ChildProcess(
        command,
        name="gunicorn",
        env=env,
        cwd=PROJECT,
        ready_url=f"http://127.0.0.1:{bound[-1]}/api/health/",
    )
    return server.start(), bound


def load_with_wrk(url: str, headers: dict) -> float:
    command = ["wrk", "-t2", "-c8", f"-d{LOAD_SECONDS}s", "--timeout", "5s", url]
    for name, value in headers.items():
        command[1:1] = ["-H", f"{name}: {value}"]
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=LOAD_SECONDS + 30
    ).stdout
    non_2xx = [line for line in output.splitlines() if "Non-2xx" in line]
    if non_2xx:
        raise SystemExit(f"load run on {url} had errors: {non_2xx[0].strip()}")
    line = next(line for line in output.splitlines() if line.startswith("Requests/sec"))
    return float(line.split()[1])


def load_with_python(url: str, headers: dict) -> float:
    """Fallback without wrk: 8 threads, new connection per request, bounded by time."""
    host, port = url.split("/")[2].split(":")
    path = "/" + url.split("/", 3)[3]
    stop_at = time.monotonic() + LOAD_SECONDS
    counts = []

    def worker():
        done = 0
        while time.monotonic() < stop_at and done < 1_000_000:
            connection = HTTPConnection(host, int(port), timeout=5)
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status != 200:
                raise SystemExit(f"{url} answered {response.status}")
            done += 1
        counts.append(done)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started)


BASELINE = "public, same header"


def throughput(jwks_url: str, token: str):
    """Requests per second of the sample endpoints under gunicorn, in interleaved rounds.

    The baseline for the targets is /api/public/ called with the same Authorization header
    as /api/me/ (the public view ignores it): both requests then cost the same to send and
    parse, and the ratio isolates what authenticating costs. /api/public/ without a header
    is shown too, for the cost of carrying a token at all.
    """
    if not shutil.which("redis-server"):
        raise SystemExit(
            "redis-server is not installed: the throughput part needs it for the revocation "
            "figures (apt-get install redis-server), or leave the part out: "
            "BENCH_PARTS=cost,memory"
        )
    load = load_with_wrk if shutil.which("wrk") else load_with_python
    env = base_env(jwks_url)
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "-v0"], cwd=PROJECT, env=env, check=True
        )
    from scripts.redis_server import RedisServer  # the baked project's throw-away Redis

    redis_server = RedisServer().start()
    # Every run closes thousands of connections, each leaving a TIME_WAIT socket on its port
    # for a minute: four back-to-back runs of /api/public/ on one port gave 1.000x, 0.984x,
    # 0.984x and 0.962x, then 1.005x on a fresh port. Each endpoint is therefore loaded on a
    # port of its own, so that no run inherits another's sockets.
    # Each endpoint is compared with /api/public/ (with the same header) on its own server:
    # two servers of one configuration differed by 5 % on the same endpoint (the one that
    # had carried every baseline run was the slower), which a ratio across servers took in.
    bearer = {"Authorization": f"Bearer {token}"}
    servers = {
        "cached": env,
        "uncached": base_env(jwks_url, AWS_COGNITO_TOKEN_CACHE_SIZE="0"),
        # Revocation on (defaults): a Redis round trip per token and recheck window (0.5 s).
        "revoking": base_env(
            jwks_url, AWS_COGNITO_REVOCATION="on", DJANGO_CACHE_URL=redis_server.url
        ),
        # The same with every request asking Redis (no per-process recheck window): shown.
        "asking": base_env(
            jwks_url,
            AWS_COGNITO_REVOCATION="on",
            AWS_COGNITO_REVOCATION_RECHECK_SECONDS="0",
            DJANGO_CACHE_URL=redis_server.url,
        ),
    }
    plans = {
        "public, no token": ("cached", "public", {}),
        "me, cache on": ("cached", "me", bearer),
        "me, cache off": ("uncached", "me", bearer),
        "me, revocation on": ("revoking", "me", bearer),
        "me, revocation, recheck 0": ("asking", "me", bearer),
    }
    started, ports = [], {}
    try:
        for server, server_env in servers.items():
            endpoints = [name for name, plan in plans.items() if plan[0] == server]
            # A port for each of its endpoints, and two for its baseline (before and after).
            process, bound = start_server(server_env, ports=len(endpoints) + 2)
            started.append(process)
            *own, before_port, after_port = bound
            ports.update(zip(endpoints, own, strict=True))
            ports[server] = (before_port, after_port)
        # The machine's speed drifts by a tenth and more from one run to the next, so every
        # run of an endpoint sits between two runs of the baseline on its server, and is
        # divided by their mean: a drift that is steady over the three cancels out. The
        # order of the endpoints rotates from round to round. Each figure is the median of
        # those per-run ratios.
        runs = {BASELINE: [], **{name: [] for name in plans}}
        ratios = {name: [] for name in plans}

        def run(port, endpoint, headers):
            return load(f"http://127.0.0.1:{port}/api/{endpoint}/", headers)

        for round_index in range(ROUNDS):
            for name in rotated(list(plans), round_index):
                server, endpoint, headers = plans[name]
                before_port, after_port = ports[server]
                before = run(before_port, "public", bearer)
                value = run(ports[name], endpoint, headers)
                after = run(after_port, "public", bearer)
                runs[name].append(value)
                runs[BASELINE] += [before, after]
                ratios[name].append(2 * value / (before + after))
    finally:
        for process in [*started, redis_server]:
            process.stop()
    if os.environ.get("BENCH_SHOW_RUNS"):
        for name, values in runs.items():
            print(f"   {name}: {' '.join(str(round(value)) for value in values)}")
    medians = {name: statistics.median(values) for name, values in runs.items()}
    ratio = {name: statistics.median(values) for name, values in ratios.items()}
    spread = {name: quartiles(values) for name, values in ratios.items()}
    ratio[BASELINE] = 1.0
    print(
        "2. Requests per second, gunicorn 2 sync workers (no access log), "
        f"{load.__name__.split('_')[-1]}, {ROUNDS} rounds of {LOAD_SECONDS}s runs, each run "
        "between two of /api/public/ with the same header on its server (median req/s; "
        "median ratio to the mean of the two, with the quartiles of those ratios)"
    )
    for name in runs:
        line = f"   /api/{name:<26} {medians[name]:9.0f} req/s   {ratio[name]:.3f}x"
        if name in spread:
            line += "  ({:.3f}-{:.3f})".format(*spread[name])
        print(line)
    target("/api/me/ cache on / /api/public/", ratio["me, cache on"], 0.95, True)
    target("/api/me/ cache off / /api/public/", ratio["me, cache off"], 0.80, True)
    target("/api/me/ revocation on (Redis) / /api/public/", ratio["me, revocation on"], 0.85, True)


# --- 3. memory with a stream of distinct tokens ----------------------------------------
MEMORY_PROBE = """
import os, sys, time, uuid
sys.path.insert(0, os.getcwd())
import django
django.setup()
from djognito.jwt_utils import get_verifier
from djognito.testing import SigningKey, TokenFactory
from djognito.conf import load_config
from cryptography.hazmat.primitives.serialization import load_pem_private_key

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) / 1024

key = SigningKey(sys.argv[1], load_pem_private_key(sys.stdin.buffer.read(), None))
config = load_config()
factory = TokenFactory(key, config.issuer, config.app_client_ids[0], config.token_use)
verifier = get_verifier()
verifier.verify(factory.token("warm-up"))
baseline = status("VmRSS")
for index in range(int(sys.argv[2])):
    # Cognito's claim set: four UUIDs, the version and two groups besides the rest.
    ids = {name: str(uuid.uuid4()) for name in ("sub", "jti", "origin_jti", "event_id")}
    verifier.verify(factory.token(f"user{index}", groups=["readers", "admin"], version=2, **ids))
print(baseline, status("VmHWM"), status("VmRSS"), len(verifier.cache))
"""


def memory(jwks_url: str, key):
    from cryptography.hazmat.primitives import serialization

    pem = key.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    output = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, key.kid, str(DISTINCT_TOKENS)],
        input=pem,
        capture_output=True,
        cwd=PROJECT,
        env=base_env(jwks_url),
        check=True,
        timeout=1800,
    ).stdout.decode()
    baseline, peak, final, cached = (float(value) for value in output.split())
    print(f"3. Memory: one worker process fed {DISTINCT_TOKENS:,} distinct valid tokens")
    print(
        f"   RSS before {baseline:.1f} MB, peak {peak:.1f} MB, after {final:.1f} MB; "
        f"{int(cached):,} tokens cached (the cache bound)"
    )
    target("worker growth over the distinct-token stream", peak - baseline, 30, False, " MB")


def main():
    os.environ.update(base_env("http://127.0.0.1:1/"))
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from djognito.testing import SigningKey, TokenFactory, jwks_document
    from scripts.cognito_fakes import JWKSServer

    key = SigningKey.generate("bench-key")
    with JWKSServer(jwks_document(key)) as jwks:
        os.environ.update(base_env(jwks.url))
        import django

        django.setup()
        from djognito.conf import load_config

        config = load_config()
        factory = TokenFactory(key, config.issuer, CLIENT, config.token_use)
        public_key = key.private_key.public_key()
        reference = python_jose_verify(key, config.issuer, CLIENT, config.token_use)

        def raw_verify(signature, signing_input):
            public_key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())

        print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}\n")
        if "cost" in PARTS:
            verification_cost(factory, config, raw_verify, reference)
            print()
        if "http" in PARTS:
            throughput(jwks.url, cognito_tokens(factory, 1)[0])
            print()
        if "memory" in PARTS:
            memory(jwks.url, key)
    print("\nTargets:")
    for line in RESULTS:
        print("  ", line)
    return 0 if all(line.endswith("HOLDS") for line in RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
