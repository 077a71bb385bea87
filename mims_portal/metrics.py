"""Metrics for Prometheus at ``/metrics``, served only to ``MIMS_METRICS_ALLOWED_IPS``.

Request counts and times, sign-ins (and failures), sign-in locks, and the batches'
queue depth, with prometheus-client. Under gunicorn each worker is a process: set
``PROMETHEUS_MULTIPROC_DIR`` to an empty directory (``gunicorn.conf.py`` clears a dead
worker's files) and ``/metrics`` adds up every worker. Counters only, no login IDs or
addresses in labels: a metric is never a way to learn who signed in.
"""

from __future__ import annotations

import ipaddress
import os
import time
from collections.abc import Callable, Iterator

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.tasks import TaskResultStatus
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

from accounts.client_address import client_address

REQUESTS = Counter("mims_http_requests", "HTTP requests answered, by method and status class.", ["method", "status"])
REQUEST_SECONDS = Histogram("mims_http_request_duration_seconds", "Time to answer a request.", ["method"])
SIGN_INS = Counter("mims_sign_ins", "Sign-in attempts, by outcome.", ["outcome"])
LOCKS = Counter("mims_sign_in_locks", "Login IDs locked after too many failed sign-ins.")


@receiver(user_logged_in)
def _signed_in(sender, **kwargs):
    SIGN_INS.labels("success").inc()


@receiver(user_login_failed)
def _sign_in_failed(sender, **kwargs):
    SIGN_INS.labels("failure").inc()


@receiver(user_locked_out)
def _locked(sender, **kwargs):
    LOCKS.inc()


class QueueDepth(Collector):
    """Batches waiting for a worker, read from the queue when scraped."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
        yield GaugeMetricFamily("mims_task_queue_depth", "Background tasks waiting for a worker.", value=waiting)


class MetricsMiddleware:
    """Counts and times every request (second in MIDDLEWARE: outages included)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in ("GET", "POST", "HEAD") else "other"
        REQUEST_SECONDS.labels(method).observe(time.perf_counter() - start)
        REQUESTS.labels(method, f"{response.status_code // 100}xx").inc()
        return response


def _allowed(request: HttpRequest) -> bool:
    address = client_address(request)
    if address is None:
        return False
    return any(ipaddress.ip_address(address) in ipaddress.ip_network(net, strict=False)
               for net in settings.MIMS_METRICS_ALLOWED_IPS)  # fmt: skip


def metrics(request: HttpRequest) -> HttpResponse:
    """The metrics, for configured addresses only; everyone else gets the 404 page."""
    if not _allowed(request):
        raise Http404
    if os.getenv("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    body = generate_latest(registry) + generate_latest(_queue_registry)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


_queue_registry = CollectorRegistry()
_queue_registry.register(QueueDepth())
