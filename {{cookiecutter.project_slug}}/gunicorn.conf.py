"""Gunicorn settings, read from the environment (used by `make serve` and the Dockerfile).

GUNICORN_BIND       address to listen on                  127.0.0.1:8000
GUNICORN_WORKERS    worker processes (or WEB_CONCURRENCY)  2 x CPUs + 1, at most 8
GUNICORN_THREADS    threads per worker                     1
GUNICORN_TIMEOUT    seconds before a silent worker is restarted            30
GUNICORN_GRACEFUL_TIMEOUT  seconds given to requests in flight on shutdown 30
FORWARDED_ALLOW_IPS proxies trusted for X-Forwarded-* (gunicorn reads it)  127.0.0.1,::1

Each worker keeps its own copy of the key set and of the verified-token cache.
"""

import multiprocessing
import os


def _int_from_env(*names: str, default: int) -> int:
    for name in names:
        value = os.environ.get(name)
        if value:
            return int(value)
    return default


wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int_from_env(
    "GUNICORN_WORKERS", "WEB_CONCURRENCY", default=min(2 * multiprocessing.cpu_count() + 1, 8)
)
threads = _int_from_env("GUNICORN_THREADS", default=1)
timeout = _int_from_env("GUNICORN_TIMEOUT", default=30)
graceful_timeout = _int_from_env("GUNICORN_GRACEFUL_TIMEOUT", default=30)
keepalive = 5

# Access log to stdout, errors to stderr: the process manager or container runtime keeps them.
# The access log holds the request line, never headers or cookies, so no token reaches it.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
