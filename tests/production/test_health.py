"""/health/ for a load balancer: 200 when everything answers, 503 otherwise, nothing secret."""

from __future__ import annotations

import pytest
from django.test import override_settings

from .servers import free_port


@pytest.mark.django_db(transaction=True)
def test_it_answers_200_when_the_database_the_cache_and_the_queue_answer(client):
    r = client.get("/health/")
    assert r.status_code == 200
    assert r.text == "Database: OK\nCache: OK\nTaskQueue: OK\n"
    assert "no-cache" in r["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_it_answers_503_without_details_when_the_cache_is_unreachable(client):
    port = free_port()  # nothing listens there
    unreachable = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                               "LOCATION": f"redis://127.0.0.1:{port}/0"}}  # fmt: skip
    with override_settings(CACHES=unreachable):
        r = client.get("/health/")
    assert r.status_code == 503
    assert r.text == "Database: OK\nCache: unavailable\nTaskQueue: OK\n"
    assert str(port) not in r.text
