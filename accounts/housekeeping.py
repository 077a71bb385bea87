"""Jobs the task worker runs on its own, every hour or every night: no cron.

Each job is a task declared with :func:`every` in its own app's ``tasks.py``
(the leaver retention here, stale lock rows, expired printable files, old reset
requests, expired single sign-on tokens, the all-schools report's answer figures). ``manage.py db_worker`` calls
:func:`ensure_scheduled` when it starts, and every run queues the job's next
run before it ends, so exactly one run of each job is always waiting in the
queue. The management commands of the same names run a job at once by hand.
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.tasks import Task, task
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    """Every hour at ``minute``, or every night at ``at`` (Singapore time)."""

    minute: int = 0
    at: datetime.time | None = None

    def next_run(self, now: datetime.datetime | None = None) -> datetime.datetime:
        """The next run in local time, strictly after ``now``."""
        now = timezone.localtime(now)
        if self.at is None:
            run = now.replace(minute=self.minute, second=0, microsecond=0)
            return run if run > now else run + datetime.timedelta(hours=1)
        run = now.replace(hour=self.at.hour, minute=self.at.minute, second=0, microsecond=0)
        return run if run > now else run + datetime.timedelta(days=1)


HOURLY = Schedule()
# 02:00: no school is signed in then.
NIGHTLY = Schedule(at=datetime.time(2, 0))

JOBS: dict[str, tuple[Task, Schedule]] = {}


def every(schedule: Schedule) -> Callable[[Callable[[], int]], Task]:
    """Make ``func`` (no arguments, returns how many things it removed) a task
    that runs on ``schedule`` and queues its own next run."""

    def declare(func: Callable[[], int]) -> Task:
        @functools.wraps(func)
        def run() -> int:
            try:
                return func()
            finally:
                _queue(recurring, schedule)

        recurring = task()(run)
        JOBS[recurring.module_path] = (recurring, schedule)
        return recurring

    return declare


def ensure_scheduled(now: datetime.datetime | None = None) -> list[str]:
    """Queue each job's next run unless one is already waiting; returns the
    task paths queued. Only a database queue keeps runs for later: with the
    tests' immediate backend nothing is queued."""
    autodiscover_modules("tasks")
    return [path for path, (job, schedule) in JOBS.items() if _queue(job, schedule, now)]


def _queue(job: Task, schedule: Schedule, now: datetime.datetime | None = None) -> bool:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(job.get_backend(), DatabaseBackend):
        return False
    if DBTaskResult.objects.filter(task_path=job.module_path, status="READY").exists():
        return False
    job.using(run_after=schedule.next_run(now)).enqueue()
    return True
