"""Decoy questions, parallel attempts and a mail server that is down."""

import threading

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client, RequestFactory

from accounts.models import AuditEvent
from sspr import flows
from sspr.models import ChallengeQuestion
from sspr.questions import seed_questions
from tests import factories
from tests.sspr.helpers import reset_lock_of

from .helpers import answers_for, give_answers


def _dealt_family(login_id):
    client = Client()
    client.post("/sspr/", {"login_id": login_id})
    dealt = client.session["sspr_flow"]["question_ids"]
    return {q.for_cards for q in ChallengeQuestion.objects.filter(pk__in=dealt)}


@pytest.mark.django_db
class TestDecoys:
    def test_made_up_ids_get_card_questions_as_often_as_children_do(self):
        families = [_dealt_family(f"made_up_{i}") for i in range(60)]
        assert all(len(f) == 1 for f in families)  # never a mix, like a real child
        cards = sum(f == {True} for f in families)
        assert 10 <= cards <= 40  # about two in five

    def test_a_bank_edit_moves_few_made_up_ids(self):
        before = [flows._decoy_question_ids(f"made_up_{i}") for i in range(60)]
        ChallengeQuestion.objects.create(text="What is the name of your first bicycle?", order=50)
        after = [flows._decoy_question_ids(f"made_up_{i}") for i in range(60)]
        moved = sum(a != b for a, b in zip(before, after, strict=True))
        assert moved < 30

    def test_a_switched_off_question_is_never_asked_of_a_real_child(self, student):
        answers = give_answers(student.user)
        ChallengeQuestion.objects.filter(pk=next(iter(answers))).update(is_active=False)
        client = Client()
        client.post("/sspr/", {"login_id": student.user.username})
        dealt = client.session["sspr_flow"]["question_ids"]
        assert ChallengeQuestion.objects.filter(pk__in=dealt, is_active=False).count() == 0
        # With only two active answers left the child cannot reset by questions.
        client.post("/sspr/questions/", answers_for(client, {**answers, **dict.fromkeys(dealt, "x")}))
        assert client.get("/sspr/password/")["Location"] == "/sspr/"


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
    assert reset_lock_of(student.user.username).get().failures == 5
    assert outcomes.count(flows.Outcome.WRONG) == 4
