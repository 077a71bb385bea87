"""The hourly and nightly jobs run on the task worker on their own: no cron
(accounts/housekeeping.py). A real database queue and the real worker command."""

from __future__ import annotations

import datetime
import signal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts import housekeeping
from sspr.models import ResetLock

SGT = ZoneInfo("Asia/Singapore")
JOBS = {
    "accounts.tasks.remove_leaver_data_task",
    "accounts.tasks.prune_signin_locks",
    "sspr.tasks.prune_reset_locks",
    "batches.tasks.cleanup_batches",
    "helpdesk.tasks.prune_reset_requests",
    "sso.tasks.clear_expired_tokens",
    "staff.tasks.count_all_schools_answers",
}


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)


def work_once():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


class TestSchedule:
    def test_hourly_runs_at_the_next_full_hour(self):
        now = datetime.datetime(2026, 3, 1, 14, 0, tzinfo=SGT)
        assert housekeeping.HOURLY.next_run(now) == datetime.datetime(2026, 3, 1, 15, 0, tzinfo=SGT)
        now = datetime.datetime(2026, 3, 1, 23, 59, 59, tzinfo=SGT)
        assert housekeeping.HOURLY.next_run(now) == datetime.datetime(2026, 3, 2, 0, 0, tzinfo=SGT)

    def test_nightly_runs_at_two_in_the_morning_singapore_time(self):
        now = datetime.datetime(2026, 3, 1, 1, 59, tzinfo=SGT)
        assert housekeeping.NIGHTLY.next_run(now) == datetime.datetime(2026, 3, 1, 2, 0, tzinfo=SGT)
        now = datetime.datetime(2026, 3, 1, 2, 0, tzinfo=SGT)
        assert housekeeping.NIGHTLY.next_run(now) == datetime.datetime(2026, 3, 2, 2, 0, tzinfo=SGT)


@pytest.mark.django_db(transaction=True)
class TestTheWorkerRunsThem:
    def test_starting_the_worker_queues_each_job_once(self, database_queue):
        work_once()
        work_once()
        waiting = list(DBTaskResult.objects.filter(status="READY").values_list("task_path", flat=True))
        assert sorted(waiting) == sorted(JOBS)

    def test_each_run_does_its_work_and_queues_the_next(self, database_queue):
        stale = ResetLock.objects.create(key="k" * 64, failures=1)
        ResetLock.objects.filter(pk=stale.pk).update(updated=timezone.now() - datetime.timedelta(days=1))
        work_once()  # queues every job for later; nothing is due yet
        assert ResetLock.objects.filter(pk=stale.pk).exists()
        # The hour comes: make every queued run due, as the clock would.
        first = set(DBTaskResult.objects.filter(status="READY").values_list("pk", flat=True))
        DBTaskResult.objects.filter(pk__in=first).update(run_after=datetime.datetime(2000, 1, 1, tzinfo=SGT))
        for _ in JOBS:
            work_once()
        assert set(DBTaskResult.objects.filter(pk__in=first).values_list("status", flat=True)) == {"SUCCESSFUL"}
        assert not ResetLock.objects.filter(pk=stale.pk).exists()
        next_runs = DBTaskResult.objects.filter(status="READY")
        assert sorted(next_runs.values_list("task_path", flat=True)) == sorted(JOBS)
        assert all(run.run_after > timezone.now() for run in next_runs)

    def test_the_tests_immediate_queue_keeps_nothing_for_later(self):
        assert housekeeping.ensure_scheduled() == []
