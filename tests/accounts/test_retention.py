"""Leavers' records removed after the retention period, on a fixed clock, by
the worker on its own; the login ID is never handed to another child."""

from __future__ import annotations

import datetime
import io
import signal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from accounts import housekeeping, importing, leavers, retention
from accounts.login_ids import rename_login_id
from accounts.models import AuditEvent, ReservedLoginId, Student, User
from accounts.passwords import issue_temporary_password
from sspr.models import ChallengeAnswer
from tests.sspr.helpers import give_answers

SGT = ZoneInfo("Asia/Singapore")
LEFT = datetime.date(2025, 1, 10)
HEADER = "school_code,class,level,full_name,student_ref,login_id\r\n"


def import_rows(*lines):
    data = (HEADER + "".join(line + "\r\n" for line in lines)).encode()
    result = importing.import_file(data, name="c.csv", actor=None, commit=True, source="command")
    assert result.committed, result.errors
    return result


def make_leaver(answers=True):
    import_rows("NPS,5 Courage,P5,Tan Wei,R1,")
    child = Student.objects.select_related("user").get(student_ref="R1")
    if answers:
        give_answers(child.user)
    leavers.deactivate([child], request=None, actor=None, reason="left", on=LEFT)
    return child


@pytest.fixture
def tan(school):
    return make_leaver()


@pytest.mark.django_db
class TestRemoval:
    def test_it_keeps_a_leaver_until_the_period_is_over(self, tan, settings):
        settings.MIMS_LEAVER_RETENTION_DAYS = 365
        assert retention.remove_due(today=LEFT + datetime.timedelta(days=364)) == 0
        assert Student.objects.filter(pk=tan.pk).exists()

    def test_it_removes_the_personal_data_and_keeps_the_id_reserved(self, tan, school, settings):
        # The child signed in while at school: the log names them as actor too.
        leavers.reactivate([tan], request=None, actor=None, reason="test")
        password = issue_temporary_password(tan.user, request=None)
        assert Client().post("/login/", {"username": "tan_wei", "password": password}).status_code == 302
        leavers.deactivate([tan], request=None, actor=None, reason="left", on=LEFT)
        settings.MIMS_LEAVER_RETENTION_DAYS = 365
        assert retention.remove_due(today=LEFT + datetime.timedelta(days=365)) == 1
        assert not Student.objects.exists() and not User.objects.filter(username="tan_wei").exists()
        assert not ChallengeAnswer.objects.exists()
        assert ReservedLoginId.objects.filter(username="tan_wei").exists()
        event = AuditEvent.objects.get(action="student.records_removed")
        assert event.target == "tan_wei@students.edu.sg" and event.school == school
        assert event.details == {"left_on": "2025-01-10", "retention_days": 365}
        # The audit log keeps what it needs without the name.
        sign_in = AuditEvent.objects.get(action="login", outcome="success")
        assert sign_in.actor is None and sign_in.actor_label == "tan_wei"
        assert sign_in.target == "tan_wei@students.edu.sg"
        for e in AuditEvent.objects.all():
            assert "Tan Wei" not in f"{e.target} {e.actor_label} {e.details}"

    def test_it_never_removes_a_child_still_at_school(self, school, settings):
        import_rows("NPS,5 Courage,P5,Lim Bee Hoon,R9,")
        assert retention.remove_due(today=datetime.date(2099, 1, 1)) == 0
        assert Student.objects.count() == 1

    def test_the_period_is_configurable(self, tan, settings):
        settings.MIMS_LEAVER_RETENTION_DAYS = 30
        assert retention.remove_due(today=LEFT + datetime.timedelta(days=30)) == 1

    def test_the_command_removes_too(self, tan, settings):
        settings.MIMS_LEAVER_RETENTION_DAYS = 0
        out = io.StringIO()
        call_command("remove_leaver_data", stdout=out)
        assert "Removed the records of 1 children" in out.getvalue()
        assert not Student.objects.exists()


@pytest.mark.django_db
class TestIdNeverReused:
    def test_a_new_child_with_the_same_name_gets_a_new_number(self, tan, settings):
        settings.MIMS_LEAVER_RETENTION_DAYS = 0
        retention.remove_due()
        result = import_rows("NPS,5 Courage,P5,Tan Wei,R2,")
        assert result.rows[0].login_id == "tan_wei_1"

    def test_the_import_refuses_a_reserved_id_as_override(self, tan, settings):
        settings.MIMS_LEAVER_RETENTION_DAYS = 0
        retention.remove_due()
        data = (HEADER + "NPS,5 Courage,P5,Lim Bee Hoon,R2,tan_wei\r\n").encode()
        result = importing.import_file(data, name="c.csv", actor=None, commit=True, source="command")
        assert not result.committed and "already taken" in str(result.errors[0])

    def test_a_rename_cannot_take_a_reserved_id_and_reserves_the_old_one(self, tan, school, moe_it, settings):
        settings.MIMS_LEAVER_RETENTION_DAYS = 0
        retention.remove_due()
        import_rows("NPS,5 Courage,P5,Lim Bee Hoon,R2,")
        lim = Student.objects.get(student_ref="R2")
        with pytest.raises(ValidationError, match="already in use"):
            rename_login_id(lim, "tan_wei", request=None, actor=moe_it)
        rename_login_id(lim, "lim_b_h", request=None, actor=moe_it)
        assert set(ReservedLoginId.objects.values_list("username", flat=True)) >= {"lim_bee_hoon", "lim_b_h"}
        import_rows("NPS,5 Courage,P5,Lim Bee Hoon,R3,")
        assert Student.objects.get(student_ref="R3").user.username == "lim_bee_hoon_1"


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)


@pytest.mark.django_db(transaction=True)
class TestWorkerRunsItOnItsOwn:
    def test_it_is_queued_once_for_the_next_night(self, database_queue):
        now = datetime.datetime(2026, 3, 1, 14, 0, tzinfo=SGT)
        assert "accounts.tasks.remove_leaver_data_task" in housekeeping.ensure_scheduled(now)
        assert housekeeping.ensure_scheduled(now) == []
        task = DBTaskResult.objects.get(task_path="accounts.tasks.remove_leaver_data_task")
        assert task.run_after == datetime.datetime(2026, 3, 2, 2, 0, tzinfo=SGT)

    def test_the_worker_queues_it_at_start_runs_it_and_queues_the_next(self, database_queue, school, settings):
        # (A transactional test starts without the seeded question bank: no answers here.)
        tan = make_leaver(answers=False)
        settings.MIMS_LEAVER_RETENTION_DAYS = 30
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        assert Student.objects.filter(pk=tan.pk).exists()  # queued for the night, not run now
        waiting = DBTaskResult.objects.get(status="READY", task_path="accounts.tasks.remove_leaver_data_task")
        # The night comes: make the queued run due, as the clock would.
        DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=datetime.datetime(2000, 1, 1, tzinfo=SGT))
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        waiting.refresh_from_db()
        assert waiting.status == "SUCCESSFUL" and waiting.return_value == 1
        assert not Student.objects.filter(pk=tan.pk).exists()
        assert DBTaskResult.objects.filter(status="READY", task_path=waiting.task_path).count() == 1
