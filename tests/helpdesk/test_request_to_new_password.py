"""The whole way through: a parent asks, the form teacher gives a temporary
password, the child signs in with it and must choose a new one."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import AuditEvent
from helpdesk.flows import password_stamp
from helpdesk.models import ResetRequest

from .conftest import code_on, give_answers, request_data

pytestmark = pytest.mark.django_db


class TestFullStory:
    def test_a_parents_request_ends_with_the_child_choosing_a_new_password(self, school, student,
                                                                           teacher_with_email):
        give_answers(student.user, school_set=False)  # a P5 child who did set up, but forgot
        parent, teacher, child = Client(), Client(), Client()

        # 1. A parent asks on a phone, without the login ID.
        response = parent.post("/request-reset/", request_data(school, full_name="muhammad ali muhammad raihan"),
                               follow=True)
        code = code_on(response.content.decode())
        assert "We have your request" in parent.get("/request-reset/status/", {"code": code}).content.decode()

        # 2. The form teacher is told, and finds the request in the queue.
        assert mail.outbox and mail.outbox[0].to == ["ms.tan@school.example"]
        teacher.force_login(teacher_with_email.user)
        queue = teacher.get("/teacher/").content.decode()
        assert student.full_name in queue
        child_page = teacher.get(f"/teacher/child/{student.pk}/").content.decode()
        stamp = re.search(r'name="stamp" value="([^"]+)"', child_page).group(1)
        request_id = re.search(r'name="request" value="(\d+)"', child_page).group(1)
        assert stamp == password_stamp(student.user)

        # 3. The teacher gives a temporary password; the request is done.
        slip = teacher.post(f"/teacher/child/{student.pk}/temporary-password/",
                            {"stamp": stamp, "request": request_id}).content.decode()
        temporary = re.search(r'<span class="secret">([^<]+)</span>', slip).group(1)
        assert "Done." in parent.get("/request-reset/status/", {"code": code}).content.decode()
        assert ResetRequest.objects.get().state == ResetRequest.State.DONE

        # 4. The child signs in with it and is sent to change it.
        response = child.post("/login/", {"username": student.user.login_id, "password": temporary})
        assert response.status_code == 302
        response = child.get(response["Location"])
        assert response.status_code == 302 and response["Location"] == "/account/password/"
        assert child.get("/account/").headers["Location"] == "/account/password/"  # nothing else until then

        # 5. The child chooses a new password; the temporary one stops working.
        response = child.post("/account/password/", {"new_password1": "green7apple", "new_password2": "green7apple"})
        assert response.status_code == 302
        student.user.refresh_from_db()
        assert not student.user.must_change_password
        assert student.user.check_password("green7apple") and not student.user.check_password(temporary)
        actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
        for expected in ("helpdesk.request", "password.temporary", "helpdesk.request.closed", "login",
                         "password.change"):
            assert expected in actions
