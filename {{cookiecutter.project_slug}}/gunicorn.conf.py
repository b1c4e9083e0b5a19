"""Gunicorn settings, read from the environment (used by `make serve` and the Dockerfile).

GUNICORN_BIND       address to listen on                  127.0.0.1:8000
GUNICORN_WORKERS    worker processes (or WEB_CONCURRENCY)  2 x CPUs + 1, at most 8
GUNICORN_THREADS    threads per worker                     1
GUNICORN_TIMEOUT    seconds before a silent worker is restarted            30
GUNICORN_GRACEFUL_TIMEOUT  seconds given to requests in flight on shutdown 30
FORWARDED_ALLOW_IPS proxies trusted for X-Forwarded-* (gunicorn reads it)  127.0.0.1,::1

Each worker keeps its own copy of the key set and of the verified-token cache.
The access log names each request by its path only: a query string (a managed-login
callback's authorization code, a token) is never written, nor the Referer's.
"""

import multiprocessing
import os

from gunicorn.glogging import Logger


def without_query(url: str) -> str:
    """``url`` without its query string and fragment."""
    return url.split("?", 1)[0].split("#", 1)[0]


class AccessLogWithoutQueries(Logger):
    """gunicorn's logger, with the query string cut from the Referer it logs: a page
    reached from a managed-login callback names the callback's URL, code included."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["f"] = without_query(atoms["f"])
        return atoms


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
# The longest request line (method, path and query) gunicorn reads: its most, 8190 bytes.
# Its default, 4094, would answer 414 to requests the API takes: every query value the API
# documents fits within 8190 percent-encoded, at 12 bytes a character (4 bytes of UTF-8,
# each %XX){% if cookiecutter.browser_sessions == 'y' %}, as djognito.browser.views.MAX_NEXT_LENGTH works out for the
# managed login's `next`{% endif %}.
limit_request_line = 8190

# Access log to stdout, errors to stderr: the process manager or container runtime keeps them.
# gunicorn's combined format, with the path (%(U)s) instead of the request line (%(r)s, which
# holds the query string); never the Authorization header or cookies, so no token reaches it.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(f)s" "%(a)s"'
logger_class = AccessLogWithoutQueries
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
