"""Wrong answers sent in parallel cannot slip past the lock's limit."""

import threading

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import RequestFactory

from accounts.models import AuditEvent
from sspr import flows
from sspr.models import ResetLock
from sspr.questions import seed_questions

from .helpers import give_answers


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_answers_cannot_pass_the_limit(student):
    seed_questions()  # an earlier transactional test may have flushed the migration's bank
    give_answers(student.user)
    request = RequestFactory().post("/sspr/questions/")
    request.session = SessionStore()
    flow = flows.start(request, student.user.username)
    n = 12
    barrier = threading.Barrier(n)
    outcomes = []

    def attempt():
        try:
            r = RequestFactory().post("/sspr/questions/", REMOTE_ADDR="10.1.1.1")
            r.session = SessionStore()
            barrier.wait()
            outcomes.append(flows.verify(r, flow, ["wrong", "wrong"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    checked = AuditEvent.objects.filter(action="sspr.answers", outcome="failure").count()
    assert checked == 5
    assert ResetLock.objects.get(login_key=student.user.username).failures == 5
    assert outcomes.count(flows.Outcome.WRONG) == 4
