"""A mail server that is down never stops a child: the change goes through
and the lock page looks the same for a real and a made-up ID."""

import pytest
from django.test import Client

from tests import factories

from .helpers import give_answers


@pytest.mark.django_db
class TestMailServerDown:
    @pytest.fixture(autouse=True)
    def _smtp_refused(self, settings):
        # A real SMTP backend pointed at a port nobody listens on.
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
            }
        }

    def test_a_password_change_still_succeeds(self, client, student):
        give_answers(student.user)
        client.force_login(student.user)
        r = client.post("/account/password/", {"old_password": factories.PASSWORD, "new_password1": "rainbow42go",
                                               "new_password2": "rainbow42go"})
        assert r.status_code == 302
        student.user.refresh_from_db()
        assert student.user.check_password("rainbow42go")

    def test_the_lock_looks_the_same_for_a_real_and_a_made_up_id(self, student, form_teacher):
        form_teacher.user.email = "ms.tan@school.edu.sg"
        form_teacher.user.save()
        give_answers(student.user)
        pages = []
        for login_id in (student.user.username, "made_up_child_name"):
            client = Client()
            client.post("/sspr/", {"login_id": login_id})
            for _ in range(5):
                r = client.post("/sspr/questions/", {"answer_1": "xxx", "answer_2": "yyy"})
            pages.append((r.status_code, b"Let a grown-up help you" in r.content))
        assert pages == [(200, True), (200, True)]
