"""/health/ for a load balancer: 200 when everything answers, 503 otherwise, nothing secret."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import override_settings

from mims_portal import outages

from .servers import free_port


def _health(client):
    """GET /health/ (an async view) from a thread of its own: Playwright's sync API, once the browser tests
    have run in this process, leaves an event loop set on the main thread, where asgiref refuses to run it."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(client.get, "/health/").result()


@pytest.fixture(autouse=True)
def _no_outage_yet():
    # What this worker process believes is down lives in the module: start each test clean.
    outages._down.clear()
    yield
    outages._down.clear()


@pytest.mark.django_db(transaction=True)
def test_it_answers_200_when_the_database_the_cache_and_the_queue_answer(client):
    r = _health(client)
    assert r.status_code == 200
    assert r.text == "Database: OK\nCache: OK\nTaskQueue: OK\n"
    assert "no-cache" in r["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_it_answers_503_without_details_when_the_cache_is_unreachable(client):
    port = free_port()  # nothing listens there
    unreachable = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                               "LOCATION": f"redis://127.0.0.1:{port}/0"}}  # fmt: skip
    with override_settings(CACHES=unreachable):
        r = _health(client)
    assert r.status_code == 503
    assert r.text == "Database: OK\nCache: unavailable\nTaskQueue: OK\n"
    assert str(port) not in r.text


@pytest.mark.django_db(transaction=True)
def test_it_logs_an_outage_seen_by_the_health_check_once_and_its_end(client, caplog):
    unreachable = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                               "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}}  # fmt: skip
    with override_settings(CACHES=unreachable):
        for _ in range(3):  # a load balancer polling
            assert _health(client).status_code == 503
    assert [r.getMessage() for r in caplog.records] == [
        "cache unreachable (health check): answering 503 until it is back"
    ]
    caplog.clear()
    assert _health(client).status_code == 200
    assert [r.getMessage() for r in caplog.records] == ["cache is back"]
