import pytest
from django.core import mail
from django.test import Client

from tests import factories

NEW = "rainbow42go"


@pytest.fixture
def signed_in(client, student):
    from tests.sspr.helpers import give_answers

    give_answers(student.user)
    client.force_login(student.user)
    return client


def change(client, old=factories.PASSWORD, new=NEW, new2=None):
    return client.post(
        "/account/password/", {"old_password": old, "new_password1": new, "new_password2": new2 or new}
    )


@pytest.mark.django_db
class TestPasswordChange:
    def test_it_needs_the_password_now(self, signed_in, student):
        r = change(signed_in, old="not-it-1x")
        assert b"That is not your password now" in r.content
        student.user.refresh_from_db()
        assert student.user.check_password(factories.PASSWORD)

    def test_it_changes_the_password_and_keeps_this_session(self, signed_in, student):
        assert change(signed_in)["Location"] == "/account/"
        student.user.refresh_from_db()
        assert student.user.check_password(NEW)
        assert signed_in.get("/account/").status_code == 200

    def test_it_ends_every_other_session(self, signed_in, student):
        laptop = Client()
        laptop.force_login(student.user)
        change(signed_in)
        assert laptop.get("/account/")["Location"].startswith("/login/")

    def test_it_mails_the_student_without_the_password(self, signed_in, student):
        change(signed_in)
        (notice,) = mail.outbox
        assert notice.to == [student.user.login_id]
        assert NEW not in notice.body and "tell your form teacher" in notice.body

    @pytest.mark.parametrize(
        "password, message",
        [
            ("short1", b"Make it longer: use at least 8"),
            ("x" * 129, b"Make it shorter: use at most 128"),
            ("raihan2015", b"Do not use your name"),
            ("muhammad_ali1", b"Do not use your name"),
            ("password1", b"Many people use this password"),
            ("iloveyou2", b"Many people use this password"),
            (factories.PASSWORD, b"Pick a password you have not used now"),
        ],
    )
    def test_it_explains_each_password_rule(self, signed_in, student, password, message):
        r = change(signed_in, new=password)
        assert r.status_code == 200
        assert message in r.content
        student.user.refresh_from_db()
        assert student.user.check_password(factories.PASSWORD)

    def test_the_checklist_script_is_served_from_the_portal(self, signed_in):
        r = signed_in.get("/account/password/")
        assert b'<script src="/static/js/password-checklist.js"' in r.content
        assert b"<script>" not in r.content
        assert "script-src 'self'" in r["Content-Security-Policy"]

    def test_it_needs_sign_in(self, client, db):
        assert client.get("/account/password/")["Location"].startswith("/login/")
