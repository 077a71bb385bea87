"""``manage.py db_worker``: django-tasks-db's worker, which first makes sure
the next run of every hourly and nightly job is queued (accounts/housekeeping.py).

This app comes before ``django_tasks_db`` in INSTALLED_APPS, so this command
is the one Django runs; everything else is the package's own worker. A worker
started anywhere (``make run``, systemd) thus keeps those jobs running
without cron.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from accounts.housekeeping import ensure_scheduled


class Command(DbWorkerCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        ensure_scheduled()
        super().handle(*args, **options)
