"""Background tasks (Django's ``django.tasks``; a database queue worked by
``manage.py db_worker`` in production and ``make run``)."""

from __future__ import annotations

from django.tasks import task

from accounts.housekeeping import HOURLY, every


@task()
def run_batch_task(batch_id: int) -> str:
    from .runner import run_batch

    return run_batch(batch_id)


@every(HOURLY)
def cleanup_batches() -> int:
    """Printable files not downloaded in time, and leftovers of batches that never finished."""
    from .runner import cleanup_expired

    return cleanup_expired()
