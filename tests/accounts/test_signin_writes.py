"""What one sign-in costs the database, and that the cuts of issue 17 kept what they must.

A sign-in (the form's POST) writes the session row once, one audit row, one session record and the
last-login time; no axes access-log row. It reads the account with its profile once (the lock key's
look-up; the password check, the audit row's school and the landing page reuse it), the school
networks from the cache, and asks axes' table nothing more when there was no failure to lift. The
session key still changes at sign-in (session fixation), failures still count toward the lock, and a
success still lifts them.
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEvent, UserSession
from accounts.sessions import RECORD
from sspr.answers import set_answers
from sspr.models import ChallengeQuestion
from tests import factories

POST_QUERIES = 11  # see docs/benchmarks.md, "Where a sign-in's time goes"
ADVISORY_LOCK = 1  # PostgreSQL only: accounts.lockouts.checking serialises guesses at one ID


@pytest.fixture
def child(student):
    questions = list(ChallengeQuestion.objects.filter(is_active=True, for_cards=False)[:3])
    set_answers(student.user, [(q, f"answer {q.pk}") for q in questions], school_set=False)
    return student.user


def _sign_in(client: Client, user, password: str = factories.PASSWORD):
    return client.post("/login/", {"username": user.username, "password": password})


class TestSignInWritesTestCase:
    def test_it_signs_in_with_a_fixed_number_of_queries_and_one_write_per_row(self, child):
        _sign_in(Client(), child)  # not the first time: the language they use is remembered already
        client = Client()
        client.get("/login/")
        with CaptureQueriesContext(connection) as ctx:
            response = _sign_in(client, child)
        assert response.status_code == 302 and response["Location"] == "/account/"
        sql = [q["sql"] for q in ctx.captured_queries]
        expected = POST_QUERIES + (ADVISORY_LOCK if connection.vendor == "postgresql" else 0)
        assert len(sql) == expected, "\n".join(sql)
        writes = [s.split(" (")[0].split(" SET ")[0].split(" WHERE ")[0] for s in sql
                  if s.startswith(("INSERT", "UPDATE", "DELETE"))]  # fmt: skip
        assert sorted(writes) == sorted([
            'INSERT INTO "accounts_auditevent"',
            'INSERT INTO "accounts_usersession"',
            'UPDATE "accounts_user"',  # last_login
            'INSERT INTO "django_session"',
        ]), writes
        reads = [s.split(" FROM ")[1].split()[0] for s in sql if s.startswith("SELECT") and " FROM " in s]
        assert sorted(reads) == sorted([
            '"accounts_user"',  # the lock key's look-up, with the profile joined; authenticate() reuses it
            '"axes_accessattempt"',  # the lock's count
            '"accounts_usersession"',  # the limit of sessions at once
        ]), reads

    def test_the_session_row_holds_the_sign_in_and_its_record(self, child):
        client = Client()
        _sign_in(client, child)
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        data = Session.objects.get(session_key=key).get_decoded()
        assert data["_auth_user_id"] == str(child.pk)
        assert UserSession.objects.get(pk=data[RECORD]).session_key == key
        assert client.get("/account/").status_code == 200

    def test_the_session_key_changes_at_sign_in(self, child):
        client = Client()
        client.get("/login/")
        session = client.session
        session["planted"] = "by someone else"
        session.save()
        planted = session.session_key
        client.cookies[settings.SESSION_COOKIE_NAME] = planted
        _sign_in(client, child)
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        assert key != planted
        assert not Session.objects.filter(session_key=planted).exists()

    def test_a_success_is_audited_once_and_axes_keeps_no_access_log(self, child):
        _sign_in(Client(), child)
        assert AuditEvent.objects.filter(action="login", actor=child, outcome="success").count() == 1
        assert not AccessLog.objects.exists()

    def test_a_teachers_sign_in_reuses_the_profile_for_the_audit_row_and_the_landing_page(self, form_teacher):
        _sign_in(Client(), form_teacher.user)
        client = Client()
        with CaptureQueriesContext(connection) as ctx:
            response = _sign_in(client, form_teacher.user)
        assert response.status_code == 302 and response["Location"] == "/teacher/"
        assert not [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "accounts_teacher"')]
        event = AuditEvent.objects.filter(action="login", actor=form_teacher.user).latest("pk")
        assert event.school_id == form_teacher.school_id

    def test_a_childs_sign_in_is_filed_under_the_childs_school(self, child):
        assert _sign_in(Client(), child)["Location"] == "/account/"
        assert AuditEvent.objects.get(action="login", actor=child).school_id == child.student.school_id

    def test_failures_count_and_a_success_lifts_them(self, child):
        client = Client()
        for n in range(3):
            _sign_in(client, child, password=f"wrong password {n}")
        assert sum(AccessAttempt.objects.filter(username=child.username).values_list("failures_since_start",
                                                                                    flat=True)) == 3
        assert _sign_in(Client(), child).status_code == 302
        assert not AccessAttempt.objects.filter(username=child.username).exists()

    def test_signing_out_ends_the_session_row_and_record(self, child):
        client = Client()
        _sign_in(client, child)
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        client.post("/logout/")
        assert not Session.objects.filter(session_key=key).exists()
        assert not UserSession.objects.filter(session_key=key).exists()
