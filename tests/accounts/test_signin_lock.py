"""The sign-in lock per login ID: familiar locations, repeated typos, one count
everywhere, the guarded password re-check, keyed hashes and parallel guesses."""

from __future__ import annotations

import threading

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY, hashers
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts import lockouts
from accounts.models import AuditEvent
from helpdesk import roster
from tests import factories
from tests.sspr.helpers import give_answers, post_setup

SCHOOL_IP, HOME_IP = "203.0.113.7", "198.51.100.20"


def sign_in(client, username, password=factories.PASSWORD, ip=HOME_IP, **extra):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


@pytest.fixture
def school_network(school):
    school.networks = "203.0.113.0/24"
    school.save()


@pytest.mark.django_db
class TestFamiliarLocations:
    def test_a_lock_made_from_outside_does_not_stop_the_child_at_school(self, client, student, school_network):
        for i in range(5):
            sign_in(client, student.user.username, f"guess{i}")
        assert sign_in(Client(), student.user.username).status_code == 429  # still locked from outside
        r = sign_in(client, student.user.username, ip=SCHOOL_IP)
        assert r.status_code == 302 and SESSION_KEY in client.session

    def test_a_lock_made_at_school_holds_everywhere(self, client, student, school_network):
        for i in range(5):
            sign_in(client, student.user.username, f"guess{i}", ip=SCHOOL_IP)
        assert sign_in(Client(), student.user.username, ip=SCHOOL_IP).status_code == 429
        assert sign_in(Client(), student.user.username, ip=HOME_IP).status_code == 429

    def test_another_schools_network_is_not_familiar(self, client, student, other_school):
        other_school.networks = "203.0.113.0/24"
        other_school.save()
        for i in range(5):
            sign_in(client, student.user.username, f"guess{i}")
        assert sign_in(Client(), student.user.username, ip=SCHOOL_IP).status_code == 429


@pytest.mark.django_db
class TestRepeatedTypos:
    def test_the_same_wrong_password_typed_again_does_not_count_twice(self, client, student):
        for _ in range(12):
            assert b"do not match" in sign_in(client, student.user.username, "sunny2dya").content
        assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 1
        # Every one audited, filed under the child's school.
        assert AuditEvent.objects.filter(action="login", outcome="failure", school=student.school).count() == 12
        assert sign_in(client, student.user.username).status_code == 302

    def test_different_wrong_passwords_each_count(self, client, student):
        for i in range(4):
            sign_in(client, student.user.username, f"guess{i}")
        sign_in(client, student.user.username, "guess3")  # a repeat of one of the last three: not the fifth
        assert sign_in(client, student.user.username).status_code == 302


@pytest.mark.django_db
class TestOneTruth:
    def test_a_lock_made_from_two_browsers_is_shown_everywhere(self, client, student, form_teacher, moe_it):
        for i in range(3):
            sign_in(Client(), student.user.username, f"guess{i}", HTTP_USER_AGENT="Tablet")
        for i in range(3, 5):
            sign_in(Client(), student.user.username, f"guess{i}", HTTP_USER_AGENT="Laptop")
        assert AccessAttempt.objects.count() == 2  # axes keeps a row per browser...
        assert sign_in(Client(), student.user.username).status_code == 429  # ...and locks on their sum
        assert lockouts.is_signin_locked(student.user.username)
        assert [row.signin_locked for row in roster.student_rows([student])] == [True]
        teacher = Client()
        teacher.force_login(form_teacher.user)
        page = teacher.get(reverse("teacher:child", args=[student.pk])).content.decode()
        assert '<dt>Sign-in</dt><dd><span class="badge bad">Locked</span>' in page
        page = teacher.get(reverse("teacher:class", args=[student.school_class_id])).content.decode()
        assert 'data-label="Locked"><span class="badge bad">Sign-in</span>' in page
        admin = Client()
        admin.force_login(moe_it)
        page = admin.get(reverse("mims_admin:lockouts")).content.decode()
        assert student.user.username in page and "Nobody is locked out" not in page

    def test_under_the_limit_is_not_locked_anywhere(self, student):
        for i in range(4):
            sign_in(Client(), student.user.username, f"guess{i}", HTTP_USER_AGENT=f"Browser {i}")
        assert sign_in(Client(), student.user.username).status_code == 302
        assert lockouts.signin_locks([student.user.username]) == {}


@pytest.mark.django_db
class TestPasswordRecheck:
    def test_wrong_current_passwords_on_the_password_page_lock_and_are_audited(self, client, student):
        student.user.must_change_password = False
        student.user.save()
        give_answers(student.user)
        client.force_login(student.user)
        for i in range(5):
            r = client.post("/account/password/", {"old_password": f"guess{i}x", "new_password1": "rainbow42go",
                                                   "new_password2": "rainbow42go"})
        assert r.status_code == 429
        assert AuditEvent.objects.filter(action="password.recheck", outcome="failure").count() == 5
        # Locked now: the right password is refused on the page and at sign-in.
        r = client.post("/account/password/", {"old_password": factories.PASSWORD, "new_password1": "rainbow42go",
                                               "new_password2": "rainbow42go"})
        assert r.status_code == 429
        student.user.refresh_from_db()
        assert student.user.check_password(factories.PASSWORD)
        assert sign_in(Client(), student.user.username).status_code == 429

    def test_wrong_current_passwords_on_the_answers_page_lock_and_are_audited(self, client, student):
        give_answers(student.user)  # answers of the child's own: changing them asks for the password
        client.force_login(student.user)
        for i in range(5):
            r = post_setup(client, {"current_password": f"guess{i}x", "question_1": 1, "answer_1": "red kite",
                                             "question_2": 2, "answer_2": "mak tok", "question_3": 3,
                                             "answer_3": "kaya toast"})
        assert r.status_code == 429
        assert AuditEvent.objects.filter(action="password.recheck", outcome="failure").count() == 5
        assert sign_in(Client(), student.user.username).status_code == 429

    def test_the_right_current_password_still_works(self, client, student):
        student.user.must_change_password = False
        student.user.save()
        give_answers(student.user)
        client.force_login(student.user)
        r = client.post("/account/password/", {"old_password": factories.PASSWORD, "new_password1": "rainbow42go",
                                               "new_password2": "rainbow42go"})
        assert r.status_code == 302


@pytest.mark.django_db
def test_a_password_typed_as_the_login_id_is_found_nowhere(client, student, caplog):
    caplog.set_level("DEBUG")
    typed = "Kopi-Peng77"
    for i in range(5):
        sign_in(client, typed, f"guess{i}")
    client.post("/sspr/", {"login_id": typed})
    for _ in range(5):
        client.post("/sspr/questions/", {"answer_1": "xxx", "answer_2": "yyy"})
    client.post("/login/?next=/account/&id=" + typed, {"username": typed, "password": "x"}, REMOTE_ADDR=HOME_IP)
    sign_in(client, "~" + typed, "guess9")  # what looks like a stored key is hashed too
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            dump.append(repr(cursor.fetchall()))
    everything = ("".join(dump) + caplog.text).lower()
    assert AccessAttempt.objects.exists() and AuditEvent.objects.filter(action="sspr.locked").exists()
    assert typed.lower() not in everything
    assert AuditEvent.objects.filter(action="login", target=student.user.username).count() == 0
    assert lockouts.lock_key(typed) in everything  # kept as a keyed hash: the same each time it is typed


@pytest.mark.django_db
def test_prune_locks_deletes_only_stale_rows(student):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from sspr.models import ResetLock

    for i in range(2):
        sign_in(Client(), f"someone_{i}", "guess1")
    AccessAttempt.objects.filter(username=lockouts.lock_key("someone_0")).update(
        attempt_time=timezone.now() - timedelta(minutes=20))
    from sspr.locks import key_of

    ResetLock.objects.create(key=key_of("~old"), failures=2)
    ResetLock.objects.create(key=key_of("~locked"), failures=5, locked_until=timezone.now() + timedelta(minutes=30))
    ResetLock.objects.update(updated=timezone.now() - timedelta(hours=2))
    call_command("prune_locks")
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [lockouts.lock_key("someone_1")]
    assert list(ResetLock.objects.values_list("key", flat=True)) == [key_of("~locked")]


class CountingHasher(hashers.MD5PasswordHasher):
    checks = 0
    _lock = threading.Lock()

    def verify(self, password, encoded):
        with self._lock:
            CountingHasher.checks += 1
        return super().verify(password, encoded)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_guesses_get_at_most_five_password_checks(student, settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.test_signin_lock.CountingHasher"]
    CountingHasher.checks = 0
    n = 20
    barrier = threading.Barrier(n)
    statuses = []

    def guess(i: int) -> None:
        try:
            client = Client()
            barrier.wait()
            statuses.append(sign_in(client, student.user.username, f"guess{i}").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert CountingHasher.checks == 5
    assert sorted(statuses) == [200] * 4 + [429] * 16
    assert lockouts.is_signin_locked(student.user.username)
