"""Sessions on shared laptops (issue 18): idle timeout and absolute lifetime on a
fixed clock, the session list and ending sessions, the concurrent limit, cookies."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from accounts import sessions
from accounts.models import AuditEvent, UserSession
from tests import factories
from tests.second_factor.conftest import code_for
from tests.sspr.helpers import give_answers

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """A fixed clock the test moves by hand: no sleeps."""

    class Clock:
        now = T0

        def move(self, **kwargs):
            self.now += timedelta(**kwargs)

    c = Clock()
    monkeypatch.setattr(sessions, "now", lambda: c.now)
    return c


def sign_in(user, password=factories.PASSWORD, agent="Mozilla/5.0 (X11; CrOS x86_64) Chrome/131.0 Safari/537.36"):
    client = Client(HTTP_USER_AGENT=agent)
    r = client.post("/login/", {"username": user.username, "password": password})
    assert r.status_code == 302, r.content
    return client


@pytest.fixture
def child(student):
    give_answers(student.user)
    return student.user


@pytest.mark.django_db
class TestIdleTimeout:
    def test_a_child_is_signed_out_after_15_idle_minutes(self, clock, child):
        client = sign_in(child)
        clock.move(minutes=14)
        assert client.get("/account/").status_code == 200  # activity counts
        clock.move(minutes=14)
        assert client.get("/account/").status_code == 200
        clock.move(minutes=15, seconds=1)
        r = client.get("/account/")
        assert r["Location"] == "/signed-out/?why=idle"
        page = client.get(r["Location"])
        assert b"You were signed out" in page.content and b"shared computer" in page.content
        assert client.get("/account/")["Location"].startswith("/login/")
        assert AuditEvent.objects.filter(action="session.expired", details__reason="idle").count() == 1
        assert not UserSession.objects.filter(user=child).exists()

    def test_staff_have_a_longer_idle_timeout(self, clock, form_teacher):
        device = factories.give_authenticator(form_teacher.user)
        client = sign_in(form_teacher.user)
        r = client.post("/staff/second-factor/", {"code": code_for(device), "next": "/teacher/"})
        assert r["Location"] == "/teacher/"
        clock.move(minutes=20)
        assert client.get("/teacher/").status_code == 200
        clock.move(minutes=30, seconds=1)
        assert client.get("/teacher/")["Location"] == "/signed-out/?why=idle"

    def test_the_idle_limits_are_configurable(self, clock, child, settings):
        settings.MIMS_IDLE_MINUTES_STUDENT = 5
        client = sign_in(child)
        clock.move(minutes=5, seconds=1)
        assert client.get("/account/")["Location"] == "/signed-out/?why=idle"

    def test_the_absolute_lifetime_ends_even_a_busy_session(self, clock, child):
        client = sign_in(child)
        for _ in range(8 * 6):  # a request every 10 minutes for 8 hours: never idle
            clock.move(minutes=10)
            assert client.get("/account/").status_code == 200
        clock.move(minutes=1)
        r = client.get("/account/")
        assert r["Location"] == "/signed-out/?why=max"
        assert b"8 hours" in client.get(r["Location"]).content


@pytest.mark.django_db
class TestSessionList:
    def test_it_lists_device_address_and_times(self, clock, child):
        client = sign_in(child)
        sign_in(child, agent="Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) Safari/604.1")
        page = client.get("/account/sessions/").content.decode()
        assert "Chrome on a Chromebook" in page and "(this one)" in page
        assert "Safari on an iPad" in page and "127.0.0.1" in page

    def test_ending_the_others_keeps_this_one(self, clock, child):
        client = sign_in(child)
        laptop = sign_in(child)
        phone = sign_in(child)
        r = client.post("/account/sessions/", {"end": "others", "password": factories.PASSWORD})
        assert r["Location"] == "/account/sessions/"
        assert client.get("/account/").status_code == 200
        for other in (laptop, phone):
            assert other.get("/account/")["Location"].startswith("/login/")
        assert UserSession.objects.filter(user=child).count() == 1
        assert AuditEvent.objects.get(action="session.ended").details == {"ended": 2, "by": "self"}

    def test_ending_one_leaves_the_rest(self, clock, child):
        client = sign_in(child)
        laptop = sign_in(child)
        phone = sign_in(child)
        target = UserSession.objects.get(session_key=laptop.session.session_key)
        client.post("/account/sessions/", {"end": target.pk, "password": factories.PASSWORD})
        assert laptop.get("/account/")["Location"].startswith("/login/")
        assert phone.get("/account/").status_code == 200

    def test_one_cannot_end_someone_elses_session(self, clock, child, p2_student):
        other = sign_in(p2_student.user)
        client = sign_in(child)
        row = UserSession.objects.get(user=p2_student.user)
        client.post("/account/sessions/", {"end": row.pk, "password": factories.PASSWORD})
        assert other.get("/account/").status_code == 200

    def test_ending_sessions_asks_for_the_password_again(self, clock, child):
        client = sign_in(child)
        laptop = sign_in(child)
        for password in ("", "not-my-password"):
            r = client.post("/account/sessions/", {"end": "others", "password": password})
            assert r.status_code == 200 and b"password" in r.content
        assert laptop.get("/account/").status_code == 200
        assert not AuditEvent.objects.filter(action="session.ended").exists()
        # The wrong one is counted and audited like any password re-check.
        assert AuditEvent.objects.filter(action="password.recheck", outcome="failure").count() == 1

    def test_a_wrong_session_number_changes_nothing(self, clock, child):
        client = sign_in(child)
        laptop = sign_in(child)
        r = client.post("/account/sessions/", {"end": "all-of-them", "password": factories.PASSWORD})
        assert r.status_code == 200
        assert laptop.get("/account/").status_code == 200

    def test_it_needs_sign_in(self, client, db):
        assert client.get("/account/sessions/")["Location"].startswith("/login/")


@pytest.mark.django_db
class TestConcurrentLimit:
    def test_a_fourth_sign_in_ends_the_least_recently_used(self, clock, child, settings):
        assert settings.MIMS_MAX_SESSIONS == 3
        first = sign_in(child)
        clock.move(minutes=1)
        second = sign_in(child)
        clock.move(minutes=1)
        third = sign_in(child)
        clock.move(minutes=1)
        second.get("/account/")  # used lately: kept
        clock.move(minutes=1)
        fourth = sign_in(child)
        assert first.get("/account/")["Location"].startswith("/login/")
        for kept in (second, third, fourth):
            assert kept.get("/account/").status_code == 200
        assert UserSession.objects.filter(user=child).count() == 3
        assert AuditEvent.objects.filter(action="session.limit").count() == 1


@pytest.mark.django_db
class TestAdminEndsSessions:
    @pytest.fixture
    def admin_client(self, ict_admin):
        from django.contrib.auth.models import Group

        ict_admin.user.groups.add(Group.objects.get(name="School ICT admin"))
        client = Client()
        client.force_login(ict_admin.user)
        return client

    def test_an_ict_admin_ends_a_childs_sessions(self, clock, admin_client, child):
        laptop = sign_in(child)
        r = admin_client.post(
            reverse("admin:accounts_student_changelist"),
            {"action": "end_sessions", "_selected_action": [child.student.pk], "index": 0},
        )
        assert r.status_code == 302
        assert laptop.get("/account/")["Location"].startswith("/login/")
        assert AuditEvent.objects.get(action="session.ended").details == {"ended": 1, "by": "admin"}

    def test_an_ict_admin_ends_a_teachers_sessions(self, clock, admin_client, form_teacher):
        staffroom = sign_in(form_teacher.user)
        admin_client.post(
            reverse("admin:accounts_teacher_changelist"),
            {"action": "end_sessions", "_selected_action": [form_teacher.pk], "index": 0},
        )
        assert staffroom.get("/teacher/")["Location"].startswith("/login/")

    def test_an_ict_admin_cannot_end_another_schools_sessions(self, clock, admin_client, other_school):
        pupil = factories.make_student(factories.make_class(other_school), username="far_away_child")
        give_answers(pupil.user)
        away = sign_in(pupil.user)
        admin_client.post(
            reverse("admin:accounts_student_changelist"),
            {"action": "end_sessions", "_selected_action": [pupil.pk], "index": 0},
        )
        assert away.get("/account/").status_code == 200


@pytest.mark.django_db
class TestCookies:
    def test_production_uses_host_prefixed_cookies_and_hsts_for_subdomains(self, tmp_path):
        import subprocess
        import sys

        from tests.production.servers import production_env

        code = (
            "import django; from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, "
            "s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
        )
        env = production_env("sqlite:///unused.sqlite3", "", tmp_path)
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        assert out.stdout.split() == ["__Host-sessionid", "__Host-csrftoken", "True", "True"]
