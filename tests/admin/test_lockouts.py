"""The lockouts page: who is locked now, scoped by school, with an audited unlock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from sspr.models import ResetLock

PAGE, UNLOCK = "mims_admin:lockouts", "mims_admin:unlock"


def _signin_lock(username: str, failures: int = 5, minutes_ago: int = 1) -> AccessAttempt:
    attempt = AccessAttempt.objects.create(
        username=username, ip_address="10.0.0.1", user_agent="x", failures_since_start=failures,
        get_data="", post_data="", http_accept="", path_info="/login/",
    )  # fmt: skip
    # attempt_time is auto_now_add; axes' own table, so it may be moved.
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=timezone.now() - timedelta(minutes=minutes_ago))
    return attempt


def _reset_lock(key: str, minutes: int = 30) -> ResetLock:
    return ResetLock.objects.create(login_key=key, failures=5, locked_until=timezone.now() + timedelta(minutes=minutes))


@pytest.mark.django_db
class TestLockoutsPage:
    @pytest.fixture(autouse=True)
    def _locks(self, student, p2_student, other):
        _signin_lock(student.user.username)
        _reset_lock(p2_student.user.username)
        _signin_lock(other["user"].username)
        _reset_lock(other["user"].username)
        _signin_lock("made_up_id")
        _signin_lock("few_failures", failures=2)  # under the limit
        _signin_lock("cooled_off", minutes_ago=60)  # lock expired
        _reset_lock("expired_reset", minutes=-5)
        self.student, self.p2_student, self.other = student, p2_student, other

    def test_it_lists_own_school_locks_only(self, client, school_ict_admin):
        client.force_login(school_ict_admin.user)
        body = client.get(reverse(PAGE)).content.decode()
        assert self.student.login_id in body and self.p2_student.login_id in body
        for hidden in ("zebrafinch", "made_up_id", "few_failures", "cooled_off", "expired_reset"):
            assert hidden not in body.lower(), hidden

    def test_it_shows_moe_it_every_lock_including_unknown_ids(self, client, moe_it):
        client.force_login(moe_it)
        body = client.get(reverse(PAGE)).content.decode()
        assert "made_up_id" in body and "zebrafinch" in body.lower() and self.student.login_id in body
        assert "few_failures" not in body and "cooled_off" not in body and "expired_reset" not in body

    def test_it_unlocks_and_audits(self, client, school_ict_admin):
        client.force_login(school_ict_admin.user)
        response = client.post(reverse(UNLOCK), {"kind": "signin", "key": self.student.user.username})
        assert response.status_code == 302
        assert not AccessAttempt.objects.filter(username=self.student.user.username).exists()
        event = AuditEvent.objects.get(action="lockout.unlocked")
        assert event.target == self.student.login_id and event.school_id == self.student.school_id
        assert event.details == {"removed": 1, "kind": "signin", "channel": "it"}
        client.post(reverse(UNLOCK), {"kind": "reset", "key": self.p2_student.user.username})
        assert not ResetLock.objects.filter(login_key=self.p2_student.user.username).exists()

    def test_it_answers_404_for_another_schools_lock(self, client, school_ict_admin):
        client.force_login(school_ict_admin.user)
        for kind in ("signin", "reset"):
            response = client.post(reverse(UNLOCK), {"kind": kind, "key": self.other["user"].username})
            assert response.status_code == 404
            response = client.post(reverse(UNLOCK), {"kind": kind, "key": "made_up_id"})
            assert response.status_code == 404
        assert AccessAttempt.objects.filter(username=self.other["user"].username).exists()
        assert ResetLock.objects.filter(login_key=self.other["user"].username).exists()
        assert not AuditEvent.objects.filter(action="lockout.unlocked").exists()

    def test_it_refuses_bad_input_without_change(self, client, school_ict_admin):
        client.force_login(school_ict_admin.user)
        for data in ({"kind": "everything", "key": "x"}, {"kind": "signin", "key": "x" * 500}, {}):
            response = client.post(reverse(UNLOCK), data)
            assert response.status_code == 302
        assert AccessAttempt.objects.filter(username=self.student.user.username).exists()
        assert not AuditEvent.objects.filter(action="lockout.unlocked").exists()
        assert client.get(reverse(UNLOCK)).status_code == 405

    def test_it_lets_only_those_who_may_change_students_unlock(self, client, ict_admin):
        client.force_login(ict_admin.user)  # staff without the group's permissions
        assert client.get(reverse(PAGE)).status_code == 403
        assert client.post(reverse(UNLOCK), {"kind": "signin", "key": self.student.user.username}).status_code == 403
        assert AccessAttempt.objects.filter(username=self.student.user.username).exists()


@pytest.mark.django_db
class TestStaffGroups:
    def test_it_creates_the_groups_with_their_permissions(self):
        from django.contrib.auth.models import Group

        group = Group.objects.get(name="School ICT admin")
        ict = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert {"accounts.change_student", "accounts.view_auditevent", "sspr.view_challengequestion"} <= ict
        assert not {"accounts.add_school", "accounts.delete_school", "sspr.change_challengequestion"} & ict
        assert not any(p.startswith("auth.") or "auditevent" in p and not p.endswith("view_auditevent") for p in ict)
        teacher = {p.codename for p in Group.objects.get(name="Form teacher").permissions.all()}
        assert {"view_student", "view_schoolclass"} <= teacher  # other apps add their own
