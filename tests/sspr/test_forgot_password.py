import re
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.utils import timezone

from accounts.models import AuditEvent
from tests import factories

from .helpers import answers_for, give_answers, post_setup, reset_lock_of

NEW = "rainbow42go"


def start(client, login_id, ip="10.0.0.1"):
    return client.post("/sspr/", {"login_id": login_id}, REMOTE_ADDR=ip)


def answer(client, data):
    return client.post("/sspr/questions/", data)


def new_password(client, pw=NEW, pw2=None):
    return client.post("/sspr/password/", {"new_password1": pw, "new_password2": pw2 or pw})


@pytest.fixture
def ready(student):
    """The P5 child with three answers of their own."""
    return give_answers(student.user)


@pytest.mark.django_db
class TestHappyPath:
    def test_it_resets_the_password_in_three_steps(self, client, student, ready):
        r = start(client, "  Muhammad_Ali_Muhammad_Raihan@students.edu.sg ")
        assert r["Location"] == "/sspr/questions/"
        r = client.get("/sspr/questions/")
        assert r.status_code == 200
        assert r.content.count(b'name="answer_') == 2
        r = answer(client, {k: v.upper() + "  " for k, v in answers_for(client, ready).items()})
        assert r["Location"] == "/sspr/password/"
        r = new_password(client)
        assert r["Location"] == "/sspr/done/"
        assert b"Sign in" in client.get("/sspr/done/").content
        student.user.refresh_from_db()
        assert student.user.check_password(NEW)
        assert AuditEvent.objects.filter(action="password.reset", details__channel="sspr").count() == 1

    def test_it_keeps_the_dealt_questions_on_reload(self, client, student, ready):
        start(client, student.user.username)
        first = client.get("/sspr/questions/").content
        for _ in range(5):
            assert client.get("/sspr/questions/").content.count(b"<label") == first.count(b"<label")
        labels = re.findall(rb"<label[^>]*>([^<]*)<", first)
        assert labels == re.findall(rb"<label[^>]*>([^<]*)<", client.get("/sspr/questions/").content)

    def test_it_mails_a_notice_to_the_student(self, client, student, ready):
        start(client, student.user.username)
        answer(client, answers_for(client, ready))
        new_password(client)
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["muhammad_ali_muhammad_raihan@students.edu.sg"]
        assert "If this wasn't you, tell your form teacher" in mail.outbox[0].body
        assert NEW not in mail.outbox[0].body

    def test_it_signs_out_other_sessions(self, client, student, ready):
        from django.test import Client

        other = Client()
        other.force_login(student.user)
        assert other.get("/account/").status_code == 200
        start(client, student.user.username)
        answer(client, answers_for(client, ready))
        new_password(client)
        assert other.get("/account/")["Location"].startswith("/login/")

    def test_it_refuses_a_weak_password_in_a_childs_words(self, client, student, ready):
        start(client, student.user.username)
        answer(client, answers_for(client, ready))
        r = new_password(client, "abcdefg")
        assert b"Make it longer" in r.content
        r = new_password(client, "muhammad123")
        assert b"Do not use your name" in r.content
        r = new_password(client, "password1")
        assert r.status_code == 200 and b"Many people use this password" in r.content
        r = new_password(client, NEW, "other42go")
        assert b"not the same" in r.content

    def test_it_lifts_a_sign_in_lock(self, client, student, ready):
        for i in range(5):
            client.post("/login/", {"username": student.user.username, "password": f"wrong-one{i}"})
        assert client.post("/login/", {"username": student.user.username, "password": NEW}).status_code == 429
        start(client, student.user.username)
        answer(client, answers_for(client, ready))
        new_password(client)
        r = client.post("/login/", {"username": student.user.username, "password": NEW})
        assert r.status_code == 302


@pytest.mark.django_db
class TestFlowState:
    def test_it_cannot_skip_to_the_questions(self, client, ready):
        assert client.get("/sspr/questions/")["Location"] == "/sspr/"

    def test_it_cannot_skip_to_the_new_password(self, client, student, ready):
        start(client, student.user.username)
        r = new_password(client)
        assert r["Location"] == "/sspr/"
        student.user.refresh_from_db()
        assert not student.user.check_password(NEW)

    def test_a_finished_flow_cannot_be_replayed(self, client, student, ready):
        start(client, student.user.username)
        answer(client, answers_for(client, ready))
        new_password(client)
        assert client.get("/sspr/done/").status_code == 200
        assert new_password(client, "another42go")["Location"] == "/sspr/"
        assert client.get("/sspr/done/")["Location"] == "/sspr/"
        student.user.refresh_from_db()
        assert student.user.check_password(NEW)

    def test_it_expires_after_ten_minutes(self, client, student, ready):
        start(client, student.user.username)
        data = answers_for(client, ready)
        session = client.session
        session["sspr_flow"]["started"] -= 601
        session.save()
        assert answer(client, data)["Location"] == "/sspr/"
        assert "sspr_flow" not in client.session

    def test_a_verified_flow_expires_too(self, client, student, ready):
        start(client, student.user.username)
        answer(client, answers_for(client, ready))
        session = client.session
        session["sspr_flow"]["started"] -= 601
        session.save()
        assert new_password(client)["Location"] == "/sspr/"

    def test_it_needs_a_csrf_token(self, student, ready):
        from django.test import Client

        strict = Client(enforce_csrf_checks=True)
        assert strict.post("/sspr/", {"login_id": student.user.username}).status_code == 403


@pytest.mark.django_db
class TestWrongAnswers:
    def test_it_says_the_answers_do_not_match(self, client, student, ready):
        start(client, student.user.username)
        r = answer(client, {"answer_1": "nope", "answer_2": "nope"})
        assert r.status_code == 200
        assert b"Those answers do not match" in r.content
        assert b"nope" not in r.content

    def test_one_right_answer_is_not_enough(self, client, student, ready):
        start(client, student.user.username)
        data = answers_for(client, ready)
        data["answer_2"] = "wrong"
        assert answer(client, data).status_code == 200
        assert "sspr_flow" in client.session and not client.session["sspr_flow"]["verified"]

    def test_it_locks_after_five_wrong_attempts_and_tells_the_form_teachers(
        self, client, student, ready, form_teacher, settings
    ):
        settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
        form_teacher.user.email = "ms.tan@school.edu.sg"
        form_teacher.user.save()
        start(client, student.user.username)
        for _ in range(4):
            assert b"do not match" in answer(client, {"answer_1": "x" * 3, "answer_2": "y" * 3}).content
        r = answer(client, {"answer_1": "xxx", "answer_2": "yyy"})
        assert b"Let a grown-up help you" in r.content
        assert reset_lock_of(student.user.username).get().is_locked
        assert [m.to for m in mail.outbox] == [["ms.tan@school.edu.sg"]]
        # Even the right answers are refused while locked.
        start(client, student.user.username)
        assert b"Let a grown-up help you" in client.get("/sspr/questions/").content
        assert AuditEvent.objects.filter(action="sspr.locked").count() == 1

    def test_the_lock_lasts_an_hour(self, client, student, ready):
        start(client, student.user.username)
        for _ in range(5):
            answer(client, {"answer_1": "xxx", "answer_2": "yyy"})
        reset_lock_of(student.user.username).update(
            locked_until=timezone.now() - timedelta(seconds=1)
        )
        start(client, student.user.username)
        assert answer(client, answers_for(client, ready))["Location"] == "/sspr/password/"

    def test_the_per_address_limit_stops_mass_guessing(self, client, db):
        for i in range(60):
            start(client, f"child_{i}")
        r = start(client, "child_61")
        assert b"Too many tries from this computer" in r.content
        assert start(client, "child_61", ip="10.9.9.9").status_code == 302


@pytest.mark.django_db
class TestWhoCanReset:
    def test_a_student_without_answers_cannot_reset(self, client, student):
        start(client, student.user.username)
        answer(client, {"answer_1": "xxx", "answer_2": "yyy"})
        assert client.get("/sspr/password/")["Location"] == "/sspr/"

    def test_a_staff_account_cannot_reset_by_questions(self, client, form_teacher):
        start(client, form_teacher.user.username)
        answer(client, {"answer_1": "xxx", "answer_2": "yyy"})
        assert new_password(client)["Location"] == "/sspr/"

    def test_a_p2_child_resets_with_the_card_answers(self, client, p2_student):
        card = give_answers(p2_student.user, school_set=True, answers=["mango", "kite", "panda"])
        start(client, p2_student.user.username)
        answer(client, answers_for(client, card))
        assert new_password(client)["Location"] == "/sspr/done/"
        r = client.post("/login/", {"username": p2_student.user.username, "password": NEW})
        assert r.status_code == 302


def _normalised(response, *secrets):
    """The page with CSRF tokens and question texts (labels) removed."""
    body = response.content
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)
    body = re.sub(rb"(<label[^>]*>)[^<]*(</label>)", rb"\1\2", body)
    for s in secrets:
        body = body.replace(s.encode(), b"ID")
    return body


@pytest.mark.django_db
class TestNoEnumeration:
    def _walk(self, client, login_id):
        steps = [start(client, login_id)]
        steps.append(client.get("/sspr/questions/"))
        steps.append(answer(client, {"answer_1": "wrong", "answer_2": "wrong"}))
        steps.append(new_password(client))
        return steps

    @pytest.mark.parametrize("answers", [True, False])
    def test_a_real_and_a_made_up_id_look_the_same(self, student, answers):
        from django.test import Client

        if answers:
            give_answers(student.user)
        real, fake = Client(), Client()
        real_steps = self._walk(real, student.user.username)
        fake_steps = self._walk(fake, "made_up_child_name")
        for a, b in zip(real_steps, fake_steps, strict=True):
            assert a.status_code == b.status_code
            assert a.get("Location") == b.get("Location")
            assert sorted(a.cookies.keys()) == sorted(b.cookies.keys())
            assert _normalised(a, student.user.username) == _normalised(b, "made_up_child_name")

    def test_a_made_up_id_gets_plausible_questions_from_the_bank(self, client, db):
        from sspr.models import ChallengeQuestion

        start(client, "made_up_child_name")
        dealt = client.session["sspr_flow"]["question_ids"]
        assert len(set(dealt)) == 2
        # Active questions of one family (own or card), as a real child would be asked.
        asked = ChallengeQuestion.objects.filter(pk__in=dealt, is_active=True)
        assert asked.count() == 2 and len({q.for_cards for q in asked}) == 1

    def test_a_made_up_id_is_dealt_the_same_pair_every_time(self, db):
        from django.test import Client

        seen = set()
        for _ in range(12):
            c = Client()
            start(c, "made_up_child_name")
            seen.add(tuple(c.session["sspr_flow"]["question_ids"]))
        assert len(seen) == 1 and len(seen.pop()) == 2

    def test_a_made_up_id_locks_after_five_tries_too(self, client, db):
        start(client, "made_up_child_name")
        for _ in range(5):
            r = answer(client, {"answer_1": "xxx", "answer_2": "yyy"})
        assert b"Let a grown-up help you" in r.content

    def test_a_wrong_answer_for_a_made_up_id_still_costs_a_hash(self, client, db, argon2):
        from django.contrib.auth import hashers

        calls = []
        real = hashers.Argon2PasswordHasher.encode

        def counting(self, *args, **kwargs):
            calls.append(1)
            return real(self, *args, **kwargs)

        hashers.Argon2PasswordHasher.encode = counting
        try:
            start(client, "made_up_child_name")
            answer(client, {"answer_1": "xxx", "answer_2": "yyy"})
        finally:
            hashers.Argon2PasswordHasher.encode = real
        assert len(calls) == 2


@pytest.mark.django_db
def test_no_answer_or_password_is_stored_or_logged_in_plain_text(client, student, caplog, argon2):
    caplog.set_level("DEBUG")
    student.user.set_password(factories.PASSWORD)  # under Argon2, which is now the only hasher
    student.user.save()
    client.force_login(student.user)
    post_setup(client, {
        "question_1": 1, "answer_1": "Sparkle Pony", "question_2": 2, "answer_2": "Mak Tok", "question_3": 3,
        "answer_3": "Kaya Toast", "current_password": factories.PASSWORD,
    })
    client.logout()
    start(client, student.user.username)
    dealt = client.session["sspr_flow"]["question_ids"]
    plain = {1: "sparkle pony", 2: "mak tok", 3: "kaya toast"}
    answer(client, {f"answer_{i}": plain[q] for i, q in enumerate(dealt, 1)})
    new_password(client, "Zebra77crossing")
    from django.db import connection

    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            dump.append(repr(cursor.fetchall()))
    everything = ("".join(dump) + caplog.text + "".join(m.body for m in mail.outbox)).lower()
    for secret in ("sparkle pony", "mak tok", "kaya toast", "zebra77crossing", factories.PASSWORD):
        assert secret not in everything, secret
    assert SESSION_KEY not in client.session
