"""A batch's PDF (passwords or challenge answers) goes only to a requester
who may still see every class in it: a teacher moved off the class, or an
ICT admin who is no longer one, gets "not found" like anyone else.

Lives here because tests/batches/ belongs to the batches engineer; it reuses
their fixtures (immediate task backend, files under a temporary VAR_DIR).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from batches import runner
from batches.models import Batch
from tests.batches.conftest import _batch_settings, p2_children, questions, run_tasks  # noqa: F401

pytestmark = pytest.mark.django_db


def _slips_for(client, who, school_class, run_tasks) -> Batch:  # noqa: F811
    client.force_login(who.user)
    run_tasks(client.post, reverse("batches:class", args=[school_class.pk]), {"kind": "slips", "confirm": "on"})
    batch = Batch.objects.get()
    assert batch.status == Batch.Status.DONE
    return batch


class TestBatchDownloadScope:
    def test_it_answers_404_to_a_teacher_no_longer_on_the_class(
        self, client, questions, form_teacher, p2_class, p2_children, run_tasks  # noqa: F811
    ):
        batch = _slips_for(client, form_teacher, p2_class, run_tasks)
        form_teacher.form_classes.remove(p2_class)
        assert client.post(reverse("batches:download", args=[batch.pk])).status_code == 404
        batch.refresh_from_db()
        assert batch.status == Batch.Status.DONE and batch.file_path  # nothing handed over
        assert runner.take_file(batch, form_teacher.user) is None
        # Back on the class, the file is theirs again.
        form_teacher.form_classes.add(p2_class)
        assert client.post(reverse("batches:download", args=[batch.pk])).content.startswith(b"%PDF")

    def test_it_answers_404_to_an_ict_admin_who_is_no_longer_one(
        self, client, questions, ict_admin, p2_class, p2_children, run_tasks  # noqa: F811
    ):
        batch = _slips_for(client, ict_admin, p2_class, run_tasks)
        ict_admin.user.is_staff = False
        ict_admin.user.save()
        assert client.post(reverse("batches:download", args=[batch.pk])).status_code == 404
        batch.refresh_from_db()
        assert batch.status == Batch.Status.DONE
