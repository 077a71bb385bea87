"""When PostgreSQL or Redis cannot be reached: 503 with Retry-After, one log line.

Almost every page needs the database (sessions, users), and every sign-in and reset
step needs Redis (the per-address counters). While either is unreachable the portal
answers "try again in a minute" with 503 and ``Retry-After`` (a load balancer and a
browser both know it is temporary), with no internals on the page, and each worker
logs one line when the outage starts and one when the service is back, instead of a
traceback per request. Nothing needs restarting: Django reconnects to PostgreSQL
(``CONN_HEALTH_CHECKS``) and redis-py to Redis on the next request.

Sign-in fails closed. Without Redis the per-address counters cannot be read or
counted, and without the database neither can the locks per login ID; letting
sign-ins through uncounted would give anyone who can slow Redis down unlimited
guesses at children's passwords. So no one signs in until the counters are back
(django-ratelimit's ``RATELIMIT_FAIL_OPEN`` stays off).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

import redis.exceptions
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views import defaults

RETRY_AFTER_SECONDS = 30
logger = logging.getLogger("mims.outages")
# The services this worker process found unreachable (one log line each).
_down: set[str] = set()


def unreachable_service(exc: BaseException | None) -> str | None:
    """"database" or "cache" when EXC means that service cannot be reached."""
    if isinstance(exc, InterfaceError | OperationalError):
        # A server that answered (a deadlock, a full lock table) is not an outage:
        # those keep their traceback. No SQLSTATE, or class 08 (connection
        # exception) / 57P (shutting down, cannot connect now), is one.
        state = getattr(exc.__cause__, "sqlstate", None)
        if state is None or state.startswith(("08", "57P")):
            return "database"
    if isinstance(exc, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
        return "cache"
    return None


def noticed(service: str, what: str) -> None:
    """SERVICE is unreachable: say so once (per worker) until it is back."""
    if service not in _down:
        _down.add(service)
        logger.error("%s unreachable (%s): answering 503 until it is back", service, what)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a 503 page for an outage, Django's 500 page for anything else."""
    exc = sys.exception()
    service = unreachable_service(exc)
    if service is None:
        return defaults.server_error(request)
    noticed(service, type(exc.__cause__ or exc).__name__)
    # Rendered without the request, like the 500 page: nothing on it touches a service.
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _database_answers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache_answers() -> None:
    cache.get("mims:outage-probe")


PROBES: dict[str, Callable[[], None]] = {"database": _database_answers, "cache": _cache_answers}


class OutageMiddleware:
    """First in MIDDLEWARE: after an outage, says once when the service is back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _down and response.status_code != 503:
            for service in sorted(_down):
                try:
                    PROBES[service]()
                except (DatabaseError, redis.exceptions.RedisError):
                    continue
                _down.discard(service)
                logger.warning("%s is back", service)
        return response


class HideOutageTracebacks(logging.Filter):
    """On ``django.request``: the outage was logged once above, so not a traceback per
    request, nor a line per poll of the health check (a load balancer polls every few seconds)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 503 and getattr(getattr(record, "request", None), "path", "") == (
            "/health/"
        ):
            return False
        exc = record.exc_info[1] if record.exc_info else None
        return unreachable_service(exc) is None
