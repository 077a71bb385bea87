"""No free re-draws, locks that grow, teachers told (issue 18)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEvent
from sspr.models import ResetLock

from .helpers import answers_for, give_answers, reset_lock_of


def start(client, login_id):
    return client.post("/sspr/", {"login_id": login_id})


def wrong(client):
    return client.post("/sspr/questions/", {"answer_1": "xxx", "answer_2": "yyy"})


def lock_out(login_id):
    client = Client()
    start(client, login_id)
    for _ in range(5):
        r = wrong(client)
    return r


def expire_lock(login_id):
    reset_lock_of(login_id).update(locked_until=timezone.now() - timedelta(seconds=1))


@pytest.fixture
def ready(student, form_teacher, settings):
    # Lock notices go through the task queue: run them at once here.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    form_teacher.user.email = "ms.tan@school.edu.sg"
    form_teacher.user.save()
    return give_answers(student.user)


@pytest.mark.django_db
class TestTheSamePair:
    def test_it_deals_a_real_child_the_same_pair_on_every_start(self, student, ready):
        pairs = set()
        for _ in range(8):
            c = Client()
            start(c, student.user.username)
            c.post("/sspr/questions/", answers_for(c, ready))  # right answers, but never finished
            pairs.add(tuple(c.session["sspr_flow"]["question_ids"]))
        assert len(pairs) == 1

    def test_a_new_pair_is_dealt_after_a_successful_reset(self, student, ready):
        c = Client()
        start(c, student.user.username)
        c.post("/sspr/questions/", answers_for(c, ready))
        r = c.post("/sspr/password/", {"new_password1": "rainbow42go", "new_password2": "rainbow42go"})
        assert r["Location"] == "/sspr/done/"
        assert not reset_lock_of(student.user.username).exists()

    def test_a_new_pair_is_dealt_only_after_the_fixed_period(self, student, ready, settings):
        c = Client()
        start(c, student.user.username)
        lock = reset_lock_of(student.user.username).get()
        assert lock.dealt_until - timezone.now() > timedelta(days=settings.MIMS_SSPR_PAIR_DAYS - 1)
        seen = set()
        for _ in range(20):  # an expired pair is dealt afresh: some of 20 new deals differ
            reset_lock_of(student.user.username).update(dealt_until=timezone.now() - timedelta(seconds=1))
            c = Client()
            start(c, student.user.username)
            seen.add(tuple(sorted(c.session["sspr_flow"]["question_ids"])))
        assert len(seen) > 1

    def test_the_row_holds_an_hmac_of_the_typed_id_never_the_id(self, db):
        start(Client(), "made_up_child_name")
        lock = ResetLock.objects.get()
        assert lock.user is None and len(lock.key) == 64 and "made_up" not in lock.key
        assert reset_lock_of("made_up_child_name").exists()


@pytest.mark.django_db
class TestAbandonedAttempts:
    @pytest.mark.parametrize("login_id", ["muhammad_ali_muhammad_raihan", "made_up_child_name"])
    def test_restarting_without_answering_counts_as_a_wrong_try(self, login_id, student, ready):
        c = Client()
        for _ in range(5):
            start(c, login_id)
        assert reset_lock_of(login_id).get().failures == 4
        start(c, login_id)
        assert reset_lock_of(login_id).get().is_locked
        assert b"Let a grown-up help you" in c.get("/sspr/questions/").content
        assert AuditEvent.objects.filter(action="sspr.abandoned", outcome="failure").count() == 5

    def test_an_answered_attempt_is_not_counted_twice(self, student, ready):
        c = Client()
        start(c, student.user.username)
        wrong(c)
        start(c, student.user.username)
        assert reset_lock_of(student.user.username).get().failures == 1


@pytest.mark.django_db
class TestLocksGrow:
    @pytest.mark.parametrize("login_id", ["muhammad_ali_muhammad_raihan", "made_up_child_name"])
    def test_an_hour_then_a_day_then_only_a_teacher(self, login_id, student, ready):
        lock_out(login_id)
        first = reset_lock_of(login_id).get()
        assert timedelta(minutes=59) < first.locked_until - timezone.now() <= timedelta(minutes=60)
        expire_lock(login_id)
        lock_out(login_id)
        second = reset_lock_of(login_id).get()
        assert timedelta(hours=23) < second.locked_until - timezone.now() <= timedelta(hours=24)
        expire_lock(login_id)
        r = lock_out(login_id)
        third = reset_lock_of(login_id).get()
        assert third.needs_teacher and third.is_locked
        assert b"until your form teacher switches it on again" in r.content
        # Time does not lift it.
        expire_lock(login_id)
        c = Client()
        start(c, login_id)
        assert b"until your form teacher switches it on again" in c.get("/sspr/questions/").content

    def test_the_form_teacher_unlocks_a_teacher_only_lock(self, client, student, ready, form_teacher):
        for _ in range(3):
            lock_out(student.user.username)
            expire_lock(student.user.username)
        assert reset_lock_of(student.user.username).get().needs_teacher
        client.force_login(form_teacher.user)
        client.post(f"/teacher/child/{student.pk}/unlock-reset/")
        assert not reset_lock_of(student.user.username).exists()

    def test_the_teachers_are_told_how_long_each_lock_lasts(self, student, ready):
        lock_out(student.user.username)
        expire_lock(student.user.username)
        lock_out(student.user.username)
        expire_lock(student.user.username)
        lock_out(student.user.username)
        bodies = [m.body for m in mail.outbox]
        assert len(bodies) == 3
        assert "locked for 1 hour." in bodies[0]
        assert "locked for 24 hours." in bodies[1]
        assert "until you unlock it" in bodies[2]

    def test_the_locked_page_is_the_same_for_a_real_and_a_made_up_id(self, student, ready):
        def page(login_id):
            r = lock_out(login_id)
            return r.content.decode()

        import re

        strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # noqa: E731
        assert strip(page(student.user.username)) == strip(page("made_up_child_name"))


@pytest.mark.django_db
class TestTeachersTold:
    def test_a_reset_after_wrong_answers_is_reported_to_the_form_teachers(self, student, ready):
        c = Client()
        start(c, student.user.username)
        wrong(c)
        c.post("/sspr/questions/", answers_for(c, ready))
        c.post("/sspr/password/", {"new_password1": "rainbow42go", "new_password2": "rainbow42go"})
        teacher_mail = [m for m in mail.outbox if m.to == ["ms.tan@school.edu.sg"]]
        assert len(teacher_mail) == 1 and "after wrong answers" in teacher_mail[0].subject

    def test_a_clean_reset_tells_only_the_child(self, student, ready):
        c = Client()
        start(c, student.user.username)
        c.post("/sspr/questions/", answers_for(c, ready))
        c.post("/sspr/password/", {"new_password1": "rainbow42go", "new_password2": "rainbow42go"})
        assert [m.to for m in mail.outbox] == [[student.user.login_id]]


@pytest.mark.django_db
def test_the_daily_prune_forgets_only_rows_that_hold_nothing(student, ready):
    from io import StringIO

    from django.core.management import call_command

    start(Client(), "made_up_one")  # pair dealt, nothing else
    lock_out("made_up_two")  # locked
    ResetLock.objects.update(
        dealt_until=timezone.now() - timedelta(seconds=1), updated=timezone.now() - timedelta(hours=2)
    )
    out = StringIO()
    call_command("prune_locks", stdout=out)
    assert "and 1 self-service reset lock rows" in out.getvalue()
    assert not reset_lock_of("made_up_one").exists() and reset_lock_of("made_up_two").exists()
