"""Batches run on the immediate task backend here, with files under a
temporary VAR_DIR; one test in test_worker.py runs the real database queue."""

from __future__ import annotations

import pytest

from accounts.models import SchoolClass, Student
from sspr.questions import seed_questions
from tests import factories

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _batch_settings(settings, tmp_path):
    settings.TASKS = IMMEDIATE
    settings.VAR_DIR = tmp_path
    settings.MIMS_BATCH_HASH_WORKERS = 1
    settings.SITE_ROOT = "https://mims.example.edu.sg"


@pytest.fixture
def questions(db):
    seed_questions()


@pytest.fixture
def p2_children(p2_class) -> list[Student]:
    return [factories.make_student(p2_class, f"Child {n} Tan", username=f"p2_child_{n}") for n in range(3)]


@pytest.fixture
def p3_class(school) -> SchoolClass:
    return factories.make_class(school, 3, "3 Kindness")


@pytest.fixture
def p3_children(p3_class) -> list[Student]:
    return [factories.make_student(p3_class, f"Child {n} Lim", username=f"p3_child_{n}") for n in range(2)]


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Run what the code queued on commit (the immediate backend runs it at once)."""

    def _run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return _run
