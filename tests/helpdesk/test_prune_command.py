from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from helpdesk.models import ReferenceCode, ResetRequest

from .conftest import open_request

pytestmark = pytest.mark.django_db


class TestPruneCommand:
    def test_it_deletes_only_old_closed_requests(self, student, p2_student, form_teacher):
        old = open_request(student)
        old.close(ResetRequest.State.DONE, by=form_teacher.user)
        ResetRequest.objects.filter(pk=old.pk).update(handled_at=timezone.now() - timedelta(days=91))
        recent = open_request(p2_student)
        recent.close(ResetRequest.State.DECLINED, by=form_teacher.user, reason="x")
        still_open = open_request(student)
        ResetRequest.objects.filter(pk=still_open.pk).update(created=timezone.now() - timedelta(days=200))
        out = StringIO()
        call_command("prune_reset_requests", stdout=out)
        assert "Deleted 1 closed reset request" in out.getvalue()
        assert set(ResetRequest.objects.values_list("pk", flat=True)) == {recent.pk, still_open.pk}
        assert not ReferenceCode.objects.filter(request_id=old.pk).exists()
