"""What attackers leave behind is audited (issue 18): rate-limited attempts,
question re-draws, staff pages' 403/404s, failed password re-checks."""

import pytest
from django.test import Client

from accounts.models import AuditEvent
from tests.sspr.helpers import give_answers


@pytest.mark.django_db
class TestTraces:
    def test_a_rate_limited_address_is_audited_once_a_minute(self, settings, db):
        settings.MIMS_SSPR_RATE_PER_IP = "2/m"
        client = Client()
        for i in range(6):
            client.post("/sspr/", {"login_id": f"child_{i}"}, REMOTE_ADDR="10.6.6.6")
        (event,) = AuditEvent.objects.filter(action="ratelimited")
        assert event.outcome == "refused" and event.ip == "10.6.6.6" and event.details["group"] == "sspr"

    def test_restarting_a_reset_is_audited(self, student):
        give_answers(student.user)
        client = Client()
        client.post("/sspr/", {"login_id": student.user.username})
        client.post("/sspr/", {"login_id": student.user.username})
        assert AuditEvent.objects.filter(action="sspr.abandoned", target=student.user.username).count() == 1

    def test_a_teacher_probing_another_class_is_audited(self, client, other_teacher, student):
        client.force_login(other_teacher.user)
        assert client.get(f"/teacher/child/{student.pk}/").status_code == 404
        event = AuditEvent.objects.get(action="access.denied")
        assert event.actor == other_teacher.user and event.details == {"status": 404, "method": "GET"}
        assert event.target == f"/teacher/child/{student.pk}/"

    def test_a_child_trying_the_admin_is_audited(self, client, student):
        give_answers(student.user)
        client.force_login(student.user)
        client.get("/teacher/")
        assert AuditEvent.objects.filter(action="access.denied", actor=student.user).exists()

    def test_a_wrong_password_in_a_re_check_is_audited(self, client, student):
        give_answers(student.user)
        client.force_login(student.user)
        client.post("/account/password/", {"old_password": "not-it-at-all", "new_password1": "kite river lamp",
                                           "new_password2": "kite river lamp"})  # fmt: skip
        event = AuditEvent.objects.get(action="password.recheck")
        assert event.outcome == "failure" and "not-it-at-all" not in str(event.details)

    def test_an_ordinary_page_leaves_no_denied_trace(self, client, student):
        give_answers(student.user)
        client.force_login(student.user)
        client.get("/account/")
        client.get("/no-such-page/")  # not a staff page
        assert not AuditEvent.objects.filter(action="access.denied").exists()
