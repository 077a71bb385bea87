"""Student admin actions: scoped to the ICT admin's school and audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import check_password
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from sspr.answers import set_answers
from sspr.models import ChallengeAnswer, ChallengeQuestion, ResetLock

CHANGELIST = "admin:accounts_student_changelist"


def _run(client, action: str, *students, confirm: bool = False, **extra):
    data = {"action": action, "_selected_action": [s.pk for s in students], **extra}
    if confirm:
        data["confirm"] = "yes"  # the confirmation page posts back without "index"
    else:
        data["index"] = 0
    return client.post(reverse(CHANGELIST), data)


@pytest.fixture
def signed_in(client, school_ict_admin):
    client.force_login(school_ict_admin.user)
    return client


@pytest.mark.django_db
class TestIssueTemporaryPassword:
    def test_it_asks_first_and_changes_nothing_yet(self, signed_in, student, other):
        before = student.user.password
        response = _run(signed_in, "issue_temporary_passwords", student, other["student"])
        body = response.content.decode()
        assert response.status_code == 200
        assert student.full_name in body and "Zebrafinch" not in body
        student.user.refresh_from_db()
        assert student.user.password == before
        assert not AuditEvent.objects.filter(action="password.temporary", target=student.login_id).exists()

    def test_it_issues_shows_once_and_audits(self, signed_in, student, other):
        other_before = other["user"].password
        response = _run(signed_in, "issue_temporary_passwords", student, other["student"], confirm=True)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        password = response.context["issued"][0]["password"]
        assert len(response.context["issued"]) == 1
        assert password in response.content.decode()
        student.user.refresh_from_db()
        assert check_password(password, student.user.password)
        assert student.user.must_change_password
        other["user"].refresh_from_db()
        assert other["user"].password == other_before
        event = AuditEvent.objects.get(action="password.temporary", target=student.login_id)
        assert event.details == {"channel": "it"}
        assert password not in str(event.details) + event.target

    def test_it_refuses_too_many_at_once(self, signed_in, student, monkeypatch):
        from staff import admin as accounts_admin

        monkeypatch.setattr(accounts_admin, "MAX_PASSWORDS_AT_ONCE", 0)
        before = student.user.password
        response = _run(signed_in, "issue_temporary_passwords", student, confirm=True)
        assert response.status_code == 302
        student.user.refresh_from_db()
        assert student.user.password == before


@pytest.mark.django_db
class TestClearChallengeAnswers:
    def test_it_clears_own_school_only_and_audits(self, signed_in, student, other):
        questions = [ChallengeQuestion.objects.create(text=f"Question {n}?") for n in range(3)]
        for s in (student, other["student"]):
            set_answers(s.user, [(q, "tiger") for q in questions], school_set=False)
        response = _run(signed_in, "clear_challenge_answers", student, other["student"], confirm=True)
        assert response.status_code == 302
        assert not ChallengeAnswer.objects.filter(user=student.user).exists()
        assert ChallengeAnswer.objects.filter(user=other["user"]).count() == 3
        event = AuditEvent.objects.get(action="answers.cleared")
        assert event.target == student.login_id and event.school_id == student.school_id
        assert event.details == {"removed": 3, "channel": "it"}


@pytest.mark.django_db
class TestUnlock:
    def _lock(self, username: str) -> None:
        AccessAttempt.objects.create(
            username=username, ip_address="10.0.0.1", user_agent="x", failures_since_start=5,
            get_data="", post_data="", http_accept="", path_info="/login/",
        )  # fmt: skip
        ResetLock.objects.create(login_key=username, failures=5, locked_until=timezone.now() + timedelta(hours=1))

    def test_it_unlocks_own_school_only_and_audits(self, signed_in, student, other):
        self._lock(student.user.username)
        self._lock(other["user"].username)
        response = _run(signed_in, "unlock_students", student, other["student"])
        assert response.status_code == 302
        assert not AccessAttempt.objects.filter(username=student.user.username).exists()
        assert not ResetLock.objects.filter(login_key=student.user.username).exists()
        assert AccessAttempt.objects.filter(username=other["user"].username).exists()
        assert ResetLock.objects.filter(login_key=other["user"].username).exists()
        events = AuditEvent.objects.filter(action="lockout.unlocked").order_by("pk")
        assert {e.target for e in events} == {student.login_id}
        assert [e.details for e in events] == [
            {"removed": 1, "kind": "signin", "channel": "it"},
            {"removed": 1, "kind": "reset", "channel": "it"},
        ]


@pytest.mark.django_db
class TestRenameLoginId:
    def test_it_shows_a_form_for_one_student(self, signed_in, student):
        response = _run(signed_in, "rename_login_id", student)
        assert response.status_code == 200
        assert 'name="new_login_id"' in response.content.decode()

    def test_it_renames_and_audits(self, signed_in, student):
        response = _run(signed_in, "rename_login_id", student, new_login_id="ali_raihan")
        assert response.status_code == 302
        student.user.refresh_from_db()
        assert student.user.username == "ali_raihan"
        assert AuditEvent.objects.filter(action__startswith="login_id", target__contains="raihan").exists()

    def test_it_shows_the_error_beside_the_field_and_changes_nothing(self, signed_in, student, other):
        taken = other["user"].username
        response = _run(signed_in, "rename_login_id", student, new_login_id=taken)
        assert response.status_code == 200
        body = response.content.decode()
        assert "already in use" in body and 'id="id_new_login_id_errors"' in body
        student.user.refresh_from_db()
        assert student.user.username == "muhammad_ali_muhammad_raihan"

    def test_it_cannot_reach_another_schools_student(self, signed_in, other):
        response = _run(signed_in, "rename_login_id", other["student"], new_login_id="stolen_id")
        assert response.status_code == 302
        other["user"].refresh_from_db()
        assert other["user"].username != "stolen_id"

    def test_it_refuses_two_students(self, signed_in, student, p2_student):
        response = _run(signed_in, "rename_login_id", student, p2_student)
        assert response.status_code == 302
        student.user.refresh_from_db()
        assert student.user.username == "muhammad_ali_muhammad_raihan"


@pytest.mark.django_db
class TestStudentChangelist:
    def test_it_lists_a_page_with_a_fixed_number_of_queries(self, signed_in, p5_class, django_assert_max_num_queries):
        from tests import factories

        for n in range(3):
            factories.make_student(p5_class)
        with django_assert_max_num_queries(15) as few:
            signed_in.get(reverse(CHANGELIST))
        for n in range(30):
            factories.make_student(p5_class)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = signed_in.get(reverse(CHANGELIST))
        assert response.status_code == 200
        assert response.content.decode().count("test_child_") >= 33

    def test_it_shows_answer_status(self, signed_in, student):
        questions = [ChallengeQuestion.objects.create(text=f"Question {n}?") for n in range(3)]
        set_answers(student.user, [(q, "tiger") for q in questions], school_set=True)
        body = signed_in.get(reverse(CHANGELIST)).content.decode()
        assert "set by school (card)" in body


@pytest.mark.django_db
class TestImportLinks:
    def test_it_links_the_import_and_class_exports(self, signed_in, p5_class):
        body = signed_in.get(reverse(CHANGELIST)).content.decode()
        assert f'href="{reverse("admin:accounts_student_import")}"' in body and "Import students" in body
        body = signed_in.get(reverse("admin:accounts_schoolclass_changelist")).content.decode()
        assert reverse("admin:accounts_student_export_class", args=[p5_class.pk]) in body

    def test_it_hides_the_import_from_staff_who_may_only_look(self, client, ict_admin):
        from django.contrib.auth.models import Permission

        ict_admin.user.user_permissions.add(Permission.objects.get(codename="view_student"))
        client.force_login(ict_admin.user)
        body = client.get(reverse(CHANGELIST)).content.decode()
        assert "Import students" not in body
