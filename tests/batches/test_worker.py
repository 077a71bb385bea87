"""The real path: a batch queued on the database backend, run by db_worker."""

from __future__ import annotations

import signal

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from batches import runner
from batches.models import Batch


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # db_worker installs its own signal handlers; give pytest its own back.
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)


@pytest.mark.django_db(transaction=True)
class TestDatabaseQueue:
    def test_it_queues_on_commit_and_db_worker_runs_it(self, database_queue, questions, p2_children, ict_admin,
                                                       school):
        batch = runner.create_batch(kind="cards", requested_by=ict_admin.user, school=school, students=p2_children)
        batch.refresh_from_db()
        task = DBTaskResult.objects.get()
        assert batch.task_id == str(task.id) and batch.status == Batch.Status.QUEUED
        assert task.task_path == "batches.tasks.run_batch_task"

        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

        batch.refresh_from_db()
        assert batch.status == Batch.Status.DONE and batch.done == 3
        task.refresh_from_db()
        assert task.status == "SUCCESSFUL" and task.return_value == "done"
        assert runner.take_file(batch, ict_admin.user).startswith(b"%PDF")
