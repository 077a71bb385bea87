"""Two people at the same moment, on PostgreSQL (row locks are real there;
SQLite serialises whole transactions, which would prove nothing)."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from accounts.models import AuditEvent
from helpdesk.flows import password_stamp
from helpdesk.models import ReferenceCode, ResetRequest

from .conftest import open_request, request_data

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL row locks: run with DATABASE_URL=postgres://…",
    ),
    pytest.mark.django_db(transaction=True),
]


def _together(*calls):
    """Run the calls in threads released at the same instant; return results in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i: int, call) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except BaseException as e:  # reported below, in the test's thread
            results[i] = e
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    for r in results:
        if isinstance(r, BaseException):
            raise r
    return results


class TestTwoTeachersAtOnce:
    @pytest.mark.parametrize("round_", range(3))
    def test_only_one_temporary_password_is_issued(self, student, form_teacher, co_teacher, round_):
        reset_request = open_request(student)
        data = {"stamp": password_stamp(student.user), "request": reset_request.pk}
        url = f"/teacher/child/{student.pk}/temporary-password/"
        clients = []
        for teacher in (form_teacher, co_teacher):
            c = Client()
            c.force_login(teacher.user)
            clients.append(c)
        responses = _together(*(lambda c=c: c.post(url, data) for c in clients))

        assert sorted(r.status_code for r in responses) == [200, 302]  # never an error page
        winner = next(r for r in responses if r.status_code == 200)
        loser_client = clients[[r.status_code for r in responses].index(302)]
        assert 'class="secret"' in winner.content.decode()
        assert AuditEvent.objects.filter(action="password.temporary").count() == 1
        reset_request.refresh_from_db()
        assert reset_request.state == ResetRequest.State.DONE
        page = loser_client.get(f"/teacher/child/{student.pk}/").content.decode()
        assert f"{reset_request.handled_by.get_full_name()} already handled this request" in page
        assert AuditEvent.objects.filter(action="teacher.conflict").count() == 1

    def test_a_close_and_a_password_at_once_do_not_both_happen(self, student, form_teacher, co_teacher):
        reset_request = open_request(student)
        a, b = Client(), Client()
        a.force_login(form_teacher.user)
        b.force_login(co_teacher.user)
        responses = _together(
            lambda: a.post(f"/teacher/child/{student.pk}/temporary-password/",
                           {"stamp": password_stamp(student.user), "request": reset_request.pk}),
            lambda: b.post(f"/teacher/request/{reset_request.pk}/close/",
                           {"state": "declined", "reason": "Come to the office"}),
        )
        assert all(r.status_code in (200, 302) for r in responses)
        reset_request.refresh_from_db()
        issued = AuditEvent.objects.filter(action="password.temporary").count()
        if reset_request.state == ResetRequest.State.DONE:
            assert issued == 1 and reset_request.handled_by == form_teacher.user
        else:
            assert issued == 0 and reset_request.handled_by == co_teacher.user


class TestTwoSubmissionsAtOnce:
    def test_the_same_child_twice_at_once_is_one_request(self, school, student):
        data = request_data(school)
        clients = [Client(REMOTE_ADDR=f"10.0.0.{n}") for n in (1, 2, 3)]
        responses = _together(*(lambda c=c: c.post("/request-reset/", data) for c in clients))
        assert [r.status_code for r in responses] == [302, 302, 302]
        assert ResetRequest.objects.count() == 1
        assert ReferenceCode.objects.count() == 3
        assert ResetRequest.objects.get().submissions == 3
