"""/metrics for Prometheus: request counts and times, sign-ins, locks and queue depth,
served only to the configured addresses."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from batches import runner
from sspr.questions import seed_questions
from tests import factories

WRONG = "not-the-password1"


def sample(text: str, line_start: str) -> float:
    found = re.search(rf"^{re.escape(line_start)} (\S+)$", text, re.M)
    return float(found[1]) if found else 0.0


@pytest.fixture
def prometheus(settings):
    settings.MIMS_METRICS_ALLOWED_IPS = ["10.9.0.0/16"]
    scraper = Client(REMOTE_ADDR="10.9.0.2")
    return lambda: scraper.get("/metrics").text


def test_it_hides_the_metrics_from_everyone_else(client, prometheus, settings):
    assert Client(REMOTE_ADDR="203.0.113.9").get("/metrics").status_code == 404
    # Through the proxy the address is the client's, not the proxy's.
    settings.MIMS_NUM_PROXIES = 1
    r = Client(REMOTE_ADDR="10.9.0.5").get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert r.status_code == 404
    settings.MIMS_METRICS_ALLOWED_IPS = []
    assert Client(REMOTE_ADDR="10.9.0.2").get("/metrics").status_code == 404


@pytest.mark.django_db
def test_it_counts_requests_sign_ins_and_locks(prometheus, student):
    before = prometheus()
    child = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(5):  # different wrong passwords: a repeat does not count
        child.post("/login/", {"username": student.user.username, "password": f"{WRONG}{n}"})
    after = prometheus()
    assert sample(after, 'mims_sign_ins_total{outcome="failure"}') - sample(
        before, 'mims_sign_ins_total{outcome="failure"}') == 5  # fmt: skip
    assert sample(after, "mims_sign_in_locks_total") - sample(before, "mims_sign_in_locks_total") == 1
    assert sample(after, 'mims_http_requests_total{method="POST",status="4xx"}') - sample(
        before, 'mims_http_requests_total{method="POST",status="4xx"}') >= 1  # the lock page is a 429  # fmt: skip
    assert sample(after, 'mims_http_request_duration_seconds_count{method="POST"}') > 0
    assert student.user.username not in after and "10.0.0.1" not in after


@pytest.mark.django_db
def test_it_reports_the_queue_depth(prometheus, settings, ict_admin, school, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    seed_questions()
    p2 = factories.make_class(school, 2, "2 Joy")
    children = [factories.make_student(p2, f"Queue Child {n}") for n in range(2)]
    assert sample(prometheus(), "mims_task_queue_depth") == 0
    with django_capture_on_commit_callbacks(execute=True):
        runner.create_batch(kind="cards", requested_by=ict_admin.user, school=school, students=children)
    assert sample(prometheus(), "mims_task_queue_depth") == 1
