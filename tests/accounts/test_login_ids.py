"""Handing out login IDs (lowest free duplicate number, race-free) and renaming one."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from accounts.login_ids import allocate_username, allocate_usernames, rename_login_id
from accounts.models import AuditEvent, Student, User
from accounts.usernames import with_suffix
from tests import factories


def make_user(username: str) -> User:
    return User.objects.create_user(username)


@pytest.mark.django_db
class TestAllocateUsernameTestCase:
    def test_it_gives_the_first_student_the_plain_id(self):
        assert allocate_username("tan_ah_kow") == "tan_ah_kow"

    def test_it_numbers_sequential_duplicates(self):
        for expected in ["tan_ah_kow", "tan_ah_kow_1", "tan_ah_kow_2"]:
            username = allocate_username("tan_ah_kow")
            assert username == expected
            make_user(username)

    def test_it_reuses_the_lowest_free_number(self):
        for name in ["tan_ah_kow", "tan_ah_kow_1", "tan_ah_kow_2"]:
            make_user(name)
        User.objects.get(username="tan_ah_kow_1").delete()
        assert allocate_username("tan_ah_kow") == "tan_ah_kow_1"

    def test_it_gives_the_plain_id_back_when_it_is_free(self):
        make_user("tan_ah_kow_1")
        assert allocate_username("tan_ah_kow") == "tan_ah_kow"

    def test_it_honours_ids_taken_earlier_in_the_batch(self):
        make_user("tan_ah_kow")
        assert allocate_username("tan_ah_kow", taken={"tan_ah_kow_1", "tan_ah_kow_2"}) == "tan_ah_kow_3"
        assert allocate_username("lim", taken={"lim"}) == "lim_1"

    def test_it_is_not_fooled_by_similar_ids(self):
        for name in ["tan_ah_kow_leong", "tan_ah_kowa", "tan_ah_kow_01", "tan_ah", "tan_ah_kow-lim_1"]:
            make_user(name)
        assert allocate_username("tan_ah_kow") == "tan_ah_kow"
        make_user("tan_ah_kow")
        assert allocate_username("tan_ah_kow") == "tan_ah_kow_1"

    def test_it_compares_exactly_not_ignoring_case(self):
        make_user("Tan_Ah_Kow")  # a staff account; student IDs are lowercase
        assert allocate_username("tan_ah_kow") == "tan_ah_kow"

    def test_it_numbers_a_64_character_base_within_64_characters(self):
        base = "a" * 30 + "_" + "b" * 33
        make_user(base)
        first = allocate_username(base)
        assert first == "a" * 30 + "_" + "b" * 31 + "_1"
        make_user(first)
        assert allocate_username(base) == "a" * 30 + "_" + "b" * 31 + "_2"

    def test_it_sees_numbered_ids_of_a_long_base_cut_differently(self):
        base = "a" * 64
        for n in range(1, 11):  # _10 cuts one more letter than _9
            make_user(with_suffix(base, n))
        make_user(base)
        assert allocate_username(base) == "a" * 61 + "_11"

    def test_it_sees_a_shorter_base_whose_numbered_ids_coincide(self):
        long_base, short_base = "a" * 64, "a" * 62
        make_user(short_base)
        make_user(with_suffix(short_base, 1))  # also with_suffix(long_base, 1)
        make_user(long_base)
        assert allocate_username(long_base) == "a" * 62 + "_2"

    def test_it_refuses_to_run_outside_a_transaction(self, transactional_db):
        with pytest.raises(transaction.TransactionManagementError):
            allocate_username("tan_ah_kow")

    @pytest.mark.parametrize("base", ["", "Tan", "tan_1", "tan kow", "a" * 65])
    def test_it_refuses_something_that_is_not_a_base(self, base):
        with pytest.raises(ValueError):
            allocate_username(base)


@pytest.mark.django_db
class TestAllocateUsernamesTestCase:
    def test_it_numbers_repeats_within_the_batch_in_order(self):
        make_user("lim")
        assert allocate_usernames(["tan", "lim", "tan", "ong", "tan"]) == ["tan", "lim_1", "tan_1", "ong", "tan_2"]

    def test_it_keeps_away_from_taken_overrides(self):
        assert allocate_usernames(["tan", "tan"], taken=["tan_1"]) == ["tan", "tan_2"]

    def test_it_uses_one_query_per_batch_not_per_row(self):
        make_user("child")
        for n in range(1, 50):
            make_user(f"child_{n}")
        bases = [f"child_{'x' * (n % 7 + 1)}" if n % 2 else "child" for n in range(600)]
        with CaptureQueriesContext(connection) as queries:
            result = allocate_usernames(bases)
        # One lock statement on PostgreSQL, one lookup for the whole batch.
        assert len(queries) == (2 if connection.vendor == "postgresql" else 1)
        assert len(set(result)) == 600
        assert result[0] == "child_50"

    def test_it_looks_up_a_thousand_distinct_bases_in_one_query(self):
        letters = "abcdefghijklmnopqrstuvwxyz"
        bases = [f"{a}{b}{c}" for a in letters[:3] for b in letters for c in letters[:12]]  # 936 distinct
        make_user(bases[-1])
        with CaptureQueriesContext(connection) as queries:
            result = allocate_usernames(bases)
        assert result[:-1] == bases[:-1] and result[-1] == bases[-1] + "_1"
        assert len(queries) == 1 + (connection.vendor == "postgresql")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers; the race only exists on PostgreSQL (runs in CI's PostgreSQL run)",
)
class TestConcurrentAllocationTestCase:
    def test_it_never_gives_two_imports_the_same_id(self, transactional_db):
        make_user("tan_ah_kow")
        rounds, workers = 5, 2

        def import_one() -> list[str]:
            with transaction.atomic():
                username = allocate_username("tan_ah_kow")
                make_user(username)
            return [username]

        results, errors = _run_together(import_one, rounds, workers)

        assert errors == []
        assert sorted(results) == sorted(f"tan_ah_kow_{n}" for n in range(1, rounds * workers + 1))

    def test_it_never_gives_two_batch_imports_the_same_ids(self, transactional_db):
        rounds, workers = 5, 2

        def import_batch() -> list[str]:
            with transaction.atomic():
                usernames = allocate_usernames(["ong", "tan", "lim", "tan", "ong"])
                User.objects.bulk_create([User(username=u) for u in usernames])
            return usernames

        results, errors = _run_together(import_batch, rounds, workers)

        assert errors == []
        counts = {"ong": 20, "tan": 20, "lim": 10}  # 2 per batch x 2 workers x 5 rounds, and 1 for "lim"
        expected = [with_suffix(base, n) for base, count in counts.items() for n in range(count)]
        assert sorted(results) == sorted(expected)


@pytest.mark.django_db
class TestRenameLoginIdTestCase:
    def test_it_renames_and_audits_old_and_new(self, rf, student, ict_admin):
        request = rf.post("/", REMOTE_ADDR="10.1.2.3")
        rename_login_id(student, "Muhammad_Ali@students.edu.sg", request=request, actor=ict_admin.user)
        student.refresh_from_db()
        assert student.user.username == "muhammad_ali"
        assert student.login_base == "muhammad_ali"
        event = AuditEvent.objects.get(action="login_id.rename")
        assert event.actor == ict_admin.user
        assert event.target == "muhammad_ali@students.edu.sg"
        assert event.school == student.school
        assert event.outcome == AuditEvent.Outcome.SUCCESS
        assert event.ip == "10.1.2.3"
        assert event.details == {
            "old": "muhammad_ali_muhammad_raihan@students.edu.sg",
            "new": "muhammad_ali@students.edu.sg",
        }

    def test_it_lets_moe_it_rename_a_numbered_id(self, student, moe_it):
        rename_login_id(student, "muhammad_ali_2", request=None, actor=moe_it)
        student.refresh_from_db()
        assert (student.user.username, student.login_base) == ("muhammad_ali_2", "muhammad_ali")

    def test_it_refuses_an_id_in_use(self, student, p2_student, ict_admin):
        with pytest.raises(ValidationError) as caught:
            rename_login_id(student, "tan_xiao_ming", request=None, actor=ict_admin.user)
        assert caught.value.code == "taken"
        assert caught.value.messages == ["The login ID tan_xiao_ming@students.edu.sg is already in use."]
        self.assert_unchanged(student)

    @pytest.mark.parametrize("value", ["", "Tan Xiao", "tan__xiao", "tan_1_2", "a" * 65, "tán", "tan;drop"])
    def test_it_refuses_a_malformed_id(self, student, ict_admin, value):
        with pytest.raises(ValidationError) as caught:
            rename_login_id(student, value, request=None, actor=ict_admin.user)
        assert caught.value.code == "invalid"
        assert "only small letters a–z" in caught.value.messages[0]
        self.assert_unchanged(student)

    def test_it_refuses_the_same_id(self, student, ict_admin):
        with pytest.raises(ValidationError) as caught:
            rename_login_id(student, student.user.username, request=None, actor=ict_admin.user)
        assert caught.value.code == "unchanged"
        self.assert_unchanged(student)

    def test_it_refuses_a_form_teacher(self, student, form_teacher):
        with pytest.raises(PermissionDenied):
            rename_login_id(student, "someone_else", request=None, actor=form_teacher.user)
        self.assert_unchanged(student)
        assert AuditEvent.objects.get(action="login_id.rename").outcome == AuditEvent.Outcome.REFUSED

    def test_it_refuses_the_ict_admin_of_another_school(self, student, other_school):
        other_admin = factories.make_teacher(other_school, username="other_ict", ict_admin=True)
        with pytest.raises(PermissionDenied):
            rename_login_id(student, "someone_else", request=None, actor=other_admin.user)
        self.assert_unchanged(student)

    @staticmethod
    def assert_unchanged(student: Student) -> None:
        student.refresh_from_db()
        assert student.user.username == "muhammad_ali_muhammad_raihan"
        assert student.login_base == "muhammad_ali_muhammad_raihan"
        success = AuditEvent.objects.filter(action="login_id.rename", outcome=AuditEvent.Outcome.SUCCESS)
        assert not success.exists()


def _run_together(work, rounds: int, workers: int) -> tuple[list[str], list[BaseException]]:
    """Run ``work`` in ``workers`` threads released at once by a barrier, ``rounds`` times."""
    results: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(barrier: threading.Barrier) -> None:
        try:
            barrier.wait()
            names = work()
            with lock:
                results.extend(names)
        except BaseException as e:  # reported by the caller
            errors.append(e)
        finally:
            connections.close_all()

    for _ in range(rounds):
        barrier = threading.Barrier(workers)
        threads = [threading.Thread(target=worker, args=(barrier,)) for _ in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return results, errors
