"""Hashes made with older Argon2 parameters are upgraded on the next successful use."""

import argon2 as argon2_cffi
import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.urls import reverse

from accounts.hashers import MimsArgon2PasswordHasher
from sspr.answers import check_answer
from sspr.models import ChallengeAnswer, ChallengeQuestion


def _params(encoded: str) -> argon2_cffi.Parameters:
    return argon2_cffi.extract_parameters(encoded.removeprefix("argon2"))


def _django_default_hash(plain: str) -> str:
    return Argon2PasswordHasher().encode(plain, Argon2PasswordHasher().salt())


@pytest.mark.django_db
class TestHashUpgrade:
    def test_it_hashes_new_passwords_with_the_chosen_parameters(self, argon2):
        params = _params(make_password("Correct horse 42"))
        assert (params.time_cost, params.memory_cost, params.parallelism) == (
            MimsArgon2PasswordHasher.time_cost, MimsArgon2PasswordHasher.memory_cost, 1)

    def test_it_upgrades_an_old_password_hash_at_sign_in(self, client, student, argon2):
        student = student.user
        student.password = _django_default_hash("Correct horse 42")
        student.save(update_fields=["password"])
        assert _params(student.password).memory_cost == 102400

        response = client.post(reverse("login"), {"username": student.username, "password": "Correct horse 42"})

        assert response.status_code == 302
        student.refresh_from_db()
        assert _params(student.password).memory_cost == MimsArgon2PasswordHasher.memory_cost
        assert student.check_password("Correct horse 42")

    def test_it_keeps_an_old_hash_after_a_wrong_password(self, client, student, argon2):
        student = student.user
        old = student.password = _django_default_hash("Correct horse 42")
        student.save(update_fields=["password"])

        client.post(reverse("login"), {"username": student.username, "password": "wrong horse 42"})

        student.refresh_from_db()
        assert student.password == old

    def test_it_upgrades_an_old_answer_hash_when_it_matches(self, student, argon2):
        row = ChallengeAnswer.objects.create(
            user=student.user, question=ChallengeQuestion.objects.first(),
            answer_hash=_django_default_hash("tiger"), school_set=False,
        )

        assert not check_answer(row, "lion")
        row.refresh_from_db()
        assert _params(row.answer_hash).memory_cost == 102400

        assert check_answer(row, " Tiger ")
        row.refresh_from_db()
        assert _params(row.answer_hash).memory_cost == MimsArgon2PasswordHasher.memory_cost
        assert check_answer(row, "tiger")
