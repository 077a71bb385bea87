import pytest
from django.contrib.auth import SESSION_KEY
from django.test import override_settings

from accounts.models import AuditEvent
from tests import factories

LOGIN_URL = "/login/"


def sign_in(client, username, password=factories.PASSWORD, ip="10.0.0.1"):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
class TestLogin:
    def test_it_shows_the_form(self, client):
        r = client.get(LOGIN_URL)
        assert r.status_code == 200
        assert b'name="username"' in r.content and b'autocomplete="current-password"' in r.content

    def test_it_prefills_the_login_id_from_the_qr_code(self, client):
        r = client.get(LOGIN_URL + "?id=tan_xiao_ming@students.edu.sg")
        assert b'value="tan_xiao_ming@students.edu.sg"' in r.content

    @pytest.mark.parametrize(
        "typed",
        [
            "muhammad_ali_muhammad_raihan",
            "muhammad_ali_muhammad_raihan@students.edu.sg",
            "  Muhammad_Ali_Muhammad_Raihan@STUDENTS.EDU.SG  ",
        ],
    )
    def test_it_accepts_the_login_id_in_any_form(self, client, student, typed):
        r = sign_in(client, typed)
        assert r.status_code == 302
        assert client.session[SESSION_KEY] == str(student.user.pk)

    def test_it_sends_a_student_to_the_account_page(self, client, student):
        student.user.must_change_password = False
        r = sign_in(client, student.user.username)
        assert r["Location"] == "/account/"

    def test_it_sends_staff_to_their_pages(self, client, ict_admin):
        r = sign_in(client, "ict_admin")
        assert r["Location"] == "/admin/"  # by way of the second factor (tests/second_factor)

    def test_it_follows_a_safe_next_url_only(self, client, student):
        r = client.post(LOGIN_URL + "?next=https://evil.example/", {"username": student.user.username,
                        "password": factories.PASSWORD})
        assert r["Location"] == "/account/"

    def test_it_gives_one_message_for_wrong_password_and_unknown_id(self, client, student):
        wrong = sign_in(client, student.user.username, "not-my-pass1")
        unknown = sign_in(client, "nobody_at_all", "not-my-pass1")
        assert wrong.status_code == unknown.status_code == 200
        assert b"do not match" in wrong.content
        assert wrong.content.replace(b"muhammad_ali_muhammad_raihan", b"X").split(b'name="csrfmiddlewaretoken"')[0] \
            == unknown.content.replace(b"nobody_at_all", b"X").split(b'name="csrfmiddlewaretoken"')[0]

    def test_it_refuses_a_deactivated_student(self, client, student):
        student.user.is_active = False
        student.user.save()
        r = sign_in(client, student.user.username)
        assert r.status_code == 200
        assert SESSION_KEY not in client.session

    def test_it_audits_success_and_failure_without_the_password(self, client, student):
        sign_in(client, student.user.username, "wrong-guess9")
        sign_in(client, student.user.username)
        events = list(AuditEvent.objects.filter(action="login").values_list("outcome", "target"))
        assert events == [("success", "muhammad_ali_muhammad_raihan@students.edu.sg"),
                          ("failure", "muhammad_ali_muhammad_raihan")]
        assert "wrong-guess9" not in str(list(AuditEvent.objects.values()))

    def test_it_refuses_a_get_logout_and_signs_out_on_post(self, client, student):
        client.force_login(student.user)
        assert client.get("/logout/").status_code == 405
        client.post("/logout/")
        assert SESSION_KEY not in client.session


@pytest.mark.django_db
class TestLockout:
    def test_it_locks_a_login_id_after_five_failures(self, client, student):
        for i in range(4):
            assert sign_in(client, student.user.username, f"wrong-guess{i}").status_code == 200
        r = sign_in(client, student.user.username, "wrong-guess9")
        assert r.status_code == 429
        assert b"Please wait" in r.content
        # Now even the right password is refused, typed in any form.
        r = sign_in(client, student.user.username.upper() + "@students.edu.sg")
        assert r.status_code == 429
        assert SESSION_KEY not in client.session
        assert AuditEvent.objects.filter(action="login.locked").exists()

    def test_it_locks_a_made_up_login_id_the_same_way(self, client, db):
        for i in range(4):
            sign_in(client, "made_up_child", f"wrong-guess{i}")
        assert sign_in(client, "made_up_child", "wrong-guess9").status_code == 429

    def test_the_lock_page_does_not_repeat_the_login_id(self, client, student):
        for i in range(5):
            r = sign_in(client, student.user.username, f"wrong-guess{i}")
        assert student.user.username.encode() not in r.content

    @override_settings(AXES_FAILURE_LIMIT=2)
    def test_the_limit_is_configurable(self, client, student):
        sign_in(client, student.user.username, "wrong-guess8")
        assert sign_in(client, student.user.username, "wrong-guess9").status_code == 429

    def test_the_lock_ends_after_the_cool_off(self, client, student, settings):
        from datetime import timedelta

        from axes.models import AccessAttempt

        for i in range(5):
            sign_in(client, student.user.username, f"wrong-guess{i}")
        AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
        assert sign_in(client, student.user.username).status_code == 302


@pytest.mark.django_db
class TestSharedSchoolAddress:
    def test_a_class_of_forty_behind_one_address_is_never_blocked(self, client, p5_class):
        children = [factories.make_student(p5_class) for _ in range(40)]
        for i, child in enumerate(children):
            if i % 5 == 0:  # every fifth child mistypes twice first
                for _ in range(2):
                    assert sign_in(client, child.user.username, "oops-typo1").status_code == 200
            r = sign_in(client, child.user.username)
            assert r.status_code == 302, child.user.username
            client.logout()

    def test_one_address_trying_many_login_ids_is_slowed(self, client, student, settings):
        for i in range(61):
            sign_in(client, f"guess_{i}", "password1")
        r = sign_in(client, student.user.username)  # even a right password waits now
        assert r.status_code == 200
        assert b"Too many tries from this computer" in r.content
        # Another address is not affected.
        assert sign_in(client, student.user.username, ip="10.0.0.2").status_code == 302


@pytest.mark.django_db
@override_settings(AXES_COOLOFF_TIME=__import__("datetime").timedelta(minutes=30))
def test_the_lock_page_says_how_long_to_wait(client, student):
    for i in range(5):
        r = sign_in(client, student.user.username, f"wrong-guess{i}")
    assert b"Wait 30 minutes" in r.content


@pytest.mark.django_db
def test_the_admin_sign_in_is_the_portal_sign_in(client, ict_admin):
    r = client.get("/admin/")
    r = client.get(r["Location"])
    assert r["Location"] == "/staff/sign-in/?next=/admin/"
    r = client.post("/staff/sign-in/?next=/admin/", {"username": "ict_admin", "password": factories.PASSWORD})
    assert r["Location"] == "/admin/"
    # A password alone is not enough for staff (tests/second_factor).
    assert client.get("/admin/")["Location"] == "/staff/second-factor/set-up/?next=%2Fadmin%2F"
