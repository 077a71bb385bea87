"""Warn before a reset lock: the questions page says how many tries are left and
how long the lock that follows lasts, the same for a real and a made-up ID."""

import re

import pytest
from django.conf import settings
from django.test import Client

from sspr import locks

from .helpers import give_answers

REAL = "lim_wei_ming"
MADE_UP = "lim_wei_mingg"


@pytest.fixture
def child(p5_class):
    from tests import factories

    student = factories.make_student(p5_class, "Lim Wei Ming", username=REAL)
    give_answers(student.user)
    return student


def wrong_try(client):
    return client.post("/sspr/questions/", {"answer_1": "not it", "answer_2": "not this"})


def summary(response):
    """The error summary's words (the problem and the warning), spaces folded."""
    found = re.search(r'<div class="form-errors error-summary".*?</div>', response.content.decode(), re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split()) if found else None


@pytest.mark.django_db
class TestResetWarning:
    def test_it_counts_down_then_locks_for_an_hour(self, client, child):
        client.post("/sspr/", {"login_id": REAL})
        limit = settings.MIMS_SSPR_FAILURE_LIMIT
        for n in range(1, limit):
            r = wrong_try(client)
            left = limit - n
            word = "try" if left == 1 else "tries"
            assert f"You have {left} more {word}. Then you must wait 1 hour." in summary(r)
            assert "<title>Error: Your challenge questions" in r.content.decode()
        assert b"Let a grown-up help you" in wrong_try(client).content

    def test_a_made_up_id_is_warned_in_the_same_words(self, child):
        real, made_up = Client(), Client()
        real.post("/sspr/", {"login_id": REAL})
        made_up.post("/sspr/", {"login_id": MADE_UP})
        for _ in range(settings.MIMS_SSPR_FAILURE_LIMIT - 1):
            r1, r2 = wrong_try(real), wrong_try(made_up)
            assert r1.status_code == r2.status_code == 200
            assert summary(r1) == summary(r2) and "more tr" in summary(r1)

    def test_after_the_first_lock_it_says_a_day(self, client, child):
        from .helpers import lock_reset

        lock_reset(REAL, minutes=-1)  # the first lock, already over
        client.post("/sspr/", {"login_id": REAL})
        assert "Then you must wait 1 day." in summary(wrong_try(client))

    def test_after_the_last_timed_lock_only_a_teacher_can_help(self, settings, client, child):
        settings.MIMS_SSPR_LOCK_STEPS = [60]
        from .helpers import lock_reset

        lock_reset(REAL, minutes=-1)
        client.post("/sspr/", {"login_id": REAL})
        assert "Then only your teacher can let you try again." in summary(wrong_try(client))

    def test_the_lock_and_the_warning_are_one_rule(self, child):
        from django.db import transaction

        assert locks.tries_left(None) == settings.MIMS_SSPR_FAILURE_LIMIT
        with transaction.atomic():
            lock = locks.lock_row(REAL)
            for n in range(settings.MIMS_SSPR_FAILURE_LIMIT):
                assert locks.tries_left(lock) == settings.MIMS_SSPR_FAILURE_LIMIT - n
                just_locked = locks.count_failure(lock)
                assert just_locked is (locks.tries_left(lock) == 0)
        assert locks.is_reset_locked(REAL)

    def test_the_no_card_yet_hint_is_the_same_for_every_id(self, child):
        real, made_up = Client(), Client()
        real.post("/sspr/", {"login_id": REAL})
        made_up.post("/sspr/", {"login_id": MADE_UP})
        hint = b"You cannot answer these questions yet. Ask your teacher."
        assert hint in real.get("/sspr/questions/").content and hint in made_up.get("/sspr/questions/").content
