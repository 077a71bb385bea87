"""Report numbers against a small known data set, and the reports pages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, School, Student, Teacher
from accounts.passwords import issue_temporary_password
from batches.models import Batch
from sspr.answers import set_answers
from sspr.models import ChallengeQuestion
from staff import reports
from tests import factories
from tests.sspr.helpers import answers_for, give_answers

SGT = ZoneInfo("Asia/Singapore")
TODAY = date(2026, 11, 25)  # a Wednesday; its week starts Monday 23 November
THIS_WEEK, LAST_WEEK = date(2026, 11, 23), date(2026, 11, 16)


@pytest.fixture
def questions(db):
    return [ChallengeQuestion.objects.create(text=f"Question {n}?") for n in range(3)]


def _answers(student, questions, *, school_set: bool, n: int = 3) -> None:
    set_answers(student.user, [(q, "tiger") for q in questions[:n]], school_set=school_set)


@contextmanager
def _clock(monkeypatch, when: datetime) -> Iterator[None]:
    # ``created`` is auto_now_add and events cannot be changed afterwards, so
    # the clock is set for the moments the real code writes them.
    monkeypatch.setattr(timezone, "now", lambda: when)
    yield
    monkeypatch.undo()


def _reset_by_questions(student: Student) -> None:
    """The whole self-service reset, as a child does it."""
    answers = give_answers(student.user)
    client = Client()
    client.post("/sspr/", {"login_id": student.user.username})
    client.post("/sspr/questions/", answers_for(client, answers))
    new = {"new_password1": "rainbow42go", "new_password2": "rainbow42go"}
    assert client.post("/sspr/password/", new)["Location"] == "/sspr/done/"


def _lock_signin(login_id: str) -> None:
    """Wrong passwords until axes locks the ID, then one more try while locked."""
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT + 1):  # different ones: a repeat does not count
        client.post("/login/", {"username": login_id, "password": f"not-the-password{n}"})


def _lock_reset(student: Student) -> None:
    give_answers(student.user)
    client = Client()
    client.post("/sspr/", {"login_id": student.user.username})
    for _ in range(settings.MIMS_SSPR_FAILURE_LIMIT):
        client.post("/sspr/questions/", {"answer_1": "wrong", "answer_2": "wrong"})


@pytest.mark.django_db
class TestAnswerShares:
    def test_it_counts_own_answers_and_cards(self, school, other_school, p5_class, p2_class, questions):
        own, card, partial, _none = (factories.make_student(p5_class) for _ in range(4))
        _answers(own, questions, school_set=False)
        _answers(card, questions, school_set=True)
        _answers(partial, questions, school_set=False, n=2)
        old_class = factories.make_class(school, 4, "4 Old")
        old_class.is_active = False
        old_class.save()
        _answers(factories.make_student(old_class), questions, school_set=False)  # inactive class: not counted
        p2_card, _p2_none, p2_own = (factories.make_student(p2_class) for _ in range(3))
        _answers(p2_card, questions, school_set=True)
        _answers(p2_own, questions, school_set=False)
        elsewhere = factories.make_student(factories.make_class(other_school, 6))
        _answers(elsewhere, questions, school_set=False)

        upper, lower = reports.answer_shares(Student.objects.filter(school=school))
        assert (upper.part, upper.total, upper.percent) == (1, 4, 25.0)
        assert (lower.part, lower.total, lower.percent) == (1, 3, 33.3)
        upper_all, _lower_all = reports.answer_shares(Student.objects.all())
        assert (upper_all.part, upper_all.total) == (2, 5)

    def test_it_reports_zero_of_zero(self, school):
        shares = reports.answer_shares(Student.objects.filter(school=school))
        assert [(s.part, s.total, s.percent) for s in shares] == [(0, 0, 0.0), (0, 0, 0.0)]

    def test_it_uses_three_aggregate_queries(self, school, django_assert_num_queries):
        with django_assert_num_queries(3):
            reports.answer_shares(Student.objects.filter(school=school))


@pytest.mark.django_db
class TestWeeklyNumbers:
    @pytest.fixture(autouse=True)
    def _events(self, monkeypatch, school, other_school, p5_class, ict_admin, form_teacher, settings, tmp_path,
                django_capture_on_commit_callbacks):
        def at(day: date, hour: int, minute: int = 0) -> datetime:
            return datetime.combine(day, time(hour, minute), tzinfo=SGT)

        children = [factories.make_student(p5_class) for _ in range(4)]
        elsewhere = factories.make_student(factories.make_class(other_school, 5))
        # Monday 00:30 in Singapore is still Sunday in UTC: it belongs to this week.
        with _clock(monkeypatch, at(THIS_WEEK, 0, 30)):
            _reset_by_questions(children[0])
        with _clock(monkeypatch, at(TODAY, 9)):
            _reset_by_questions(children[1])
            _reset_by_questions(elsewhere)
        with _clock(monkeypatch, at(TODAY, 10)):
            issue_temporary_password(children[2].user, request=None, actor=form_teacher.user, channel="teacher")
        # Sunday 23:59 in Singapore: still last week.
        with _clock(monkeypatch, at(LAST_WEEK + timedelta(days=6), 23, 59)):
            issue_temporary_password(children[3].user, request=None, actor=ict_admin.user, channel="it")
        with _clock(monkeypatch, at(THIS_WEEK - timedelta(weeks=13), 9)):
            _reset_by_questions(children[2])  # too old to count
        settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
        settings.VAR_DIR, settings.MIMS_BATCH_HASH_WORKERS = tmp_path, 1
        # The yearly reset for Primary 5: a slip for each of the four children.
        with _clock(monkeypatch, at(TODAY, 11)), django_capture_on_commit_callbacks(execute=True):
            self._yearly_reset(ict_admin, school)
        assert Batch.objects.get().status == Batch.Status.DONE
        self.school = school

    @staticmethod
    def _yearly_reset(ict_admin: Teacher, school: School) -> None:
        client = Client()
        client.force_login(ict_admin.user)
        client.post(reverse("batches:school", args=[school.pk]), {"kind": "slips", "levels": ["5"], "confirm": "on"})

    def test_it_counts_resets_per_week_by_channel(self):
        weeks, series = reports.resets_per_week(AuditEvent.objects.filter(school=self.school), TODAY)
        assert len(weeks) == 12 and weeks[-1] == THIS_WEEK and weeks[-2] == LAST_WEEK
        assert series["self-service"][-1] == 2
        assert series["teacher"][-1] == 1
        assert series["IT"][-2:] == [1, 0]
        assert series["yearly reset"][-1] == 4
        assert sum(sum(v) for v in series.values()) == 8  # the 13-week-old reset is out

    def test_it_counts_all_schools_for_moe_it(self):
        _weeks, series = reports.resets_per_week(AuditEvent.objects.all(), TODAY)
        assert series["self-service"][-1] == 3



@pytest.mark.django_db
class TestLockoutNumbers:
    # Now, not on a set clock: django-axes reads the time where a test cannot
    # set it. Which week an event falls in is proven by TestWeeklyNumbers.
    def test_it_counts_each_lockout_once_for_the_childs_school(self, school, p5_class):
        children = [factories.make_student(p5_class) for _ in range(3)]
        _lock_signin(children[0].user.username)
        _lock_signin("made_up_child")  # no school: only MOE IT's numbers count it
        _lock_reset(children[1])
        _lock_reset(children[2])
        today = timezone.localdate()
        _weeks, series = reports.lockouts_per_week(AuditEvent.objects.filter(school=school), today)
        assert (series["login.locked"][-1], series["sspr.locked"][-1]) == (1, 2)
        _weeks, series = reports.lockouts_per_week(AuditEvent.objects.all(), today)
        assert series["login.locked"][-1] == 2


class TestSvg:
    def test_it_escapes_text_and_describes_itself(self):
        svg = reports.bar_chart_svg(
            "Resets <script>", "for <b>&", ["23 Nov"], [("Self-service\"'", [3])], chart_id="c"
        )
        assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;&amp;" in svg
        assert '<title id="c-title">' in svg and '<desc id="c-desc">' in svg
        assert 'aria-labelledby="c-title c-desc"' in svg

    def test_it_draws_an_empty_chart_without_dividing_by_zero(self):
        svg = reports.bar_chart_svg("t", "d", ["a", "b"], [("x", [0, 0])], chart_id="z")
        assert svg.startswith("<svg") and svg.count("<rect") == 1  # the legend's swatch, no bars
        assert "nan" not in svg and "inf" not in svg

    def test_it_makes_csv_cells_formula_safe(self):
        assert [reports.csv_safe(v) for v in ("=1+1", "+1", "-1", "@x", "plain", None, 3, "＝1")] == [
            "'=1+1", "'+1", "'-1", "'@x", "plain", "", "3", "'＝1",
        ]  # fmt: skip


@pytest.mark.django_db
class TestReportsPage:
    URL = "mims_admin:reports"

    def test_it_shows_the_own_school_with_charts_and_numbers(self, client, school_ict_admin, school, other):
        client.force_login(school_ict_admin.user)
        response = client.get(reverse(self.URL))
        body = response.content.decode()
        assert response.status_code == 200
        assert body.count("class=\"mims-chart\"") == 3 and "<desc" in body and "<table" in body
        assert school.name in body and "Zebrafinch" not in body
        assert 'name="school"' not in body  # no chooser for an ICT admin

    def test_it_answers_404_for_another_school(self, client, school_ict_admin, other):
        client.force_login(school_ict_admin.user)
        assert client.get(reverse(self.URL), {"school": other["school"].pk}).status_code == 404
        csv_url = reverse("mims_admin:reports_csv", args=["answers"])
        assert client.get(csv_url, {"school": other["school"].pk}).status_code == 404

    def test_it_lets_moe_it_choose_a_school(self, client, moe_it, school, other):
        client.force_login(moe_it)
        body = client.get(reverse(self.URL)).content.decode()
        assert 'name="school"' in body and "all schools" in body
        body = client.get(reverse(self.URL), {"school": other["school"].pk}).content.decode()
        assert "Zebrafinch Primary School" in body
        assert client.get(reverse(self.URL), {"school": "x"}).status_code == 404
        assert client.get(reverse(self.URL), {"school": "999999"}).status_code == 404

    @pytest.mark.parametrize("typed", ["²", "٣", "9" * 40, " 1"])
    def test_it_answers_404_for_a_school_that_is_not_a_number(self, client, moe_it, school, typed):
        client.force_login(moe_it)
        assert client.get(reverse(self.URL), {"school": typed}).status_code == 404
        csv_url = reverse("mims_admin:reports_csv", args=["answers"])
        assert client.get(csv_url, {"school": typed}).status_code == 404

    def test_it_escapes_a_school_name_in_the_chart(self, client, moe_it, school):
        school.name = "<script>alert(1)</script> Primary"
        school.save()
        client.force_login(moe_it)
        body = client.get(reverse(self.URL), {"school": school.pk}).content.decode()
        assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body

    def test_it_downloads_csv(self, client, school_ict_admin, student, questions):
        _answers(student, questions, school_set=False)
        client.force_login(school_ict_admin.user)
        response = client.get(reverse("mims_admin:reports_csv", args=["answers"]))
        text = b"".join(response.streaming_content).decode()
        assert response["Content-Disposition"] == 'attachment; filename="mims-answers-NPS.csv"'
        assert "Primary 4–6 with their own challenge answers,1,1,100.0" in text
        for kind in ("resets", "lockouts"):
            response = client.get(reverse("mims_admin:reports_csv", args=[kind]))
            lines = b"".join(response.streaming_content).decode().splitlines()
            assert len(lines) == 13
        assert client.get(reverse("mims_admin:reports_csv", args=["secrets"])).status_code == 404

    def test_it_keeps_out_non_staff(self, client, form_teacher):
        client.force_login(form_teacher.user)
        response = client.get(reverse(self.URL))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]

    def test_it_keeps_out_staff_without_the_permission(self, client, ict_admin):
        client.force_login(ict_admin.user)  # staff, but not in the "School ICT admin" group
        assert client.get(reverse(self.URL)).status_code == 403


@pytest.mark.django_db
class TestAllSchoolsFigures:
    """The answers' shares for all schools are counted every hour by the worker; one school's always."""

    def _answers_csv(self, client, **params) -> tuple[str, str]:
        response = client.get(reverse("mims_admin:reports_csv", args=["answers"]), params)
        return response["Content-Disposition"], b"".join(response.streaming_content).decode().splitlines()[1]

    def test_they_are_counted_every_hour_and_one_schools_when_asked(
        self, client, moe_it, school, student, questions, monkeypatch
    ):
        from staff.tasks import count_all_schools_answers

        _answers(student, questions, school_set=False)
        with _clock(monkeypatch, datetime(2026, 12, 2, 2, 30, tzinfo=ZoneInfo("UTC"))):
            reports.all_schools_answers()  # as the worker counted them, at 10:30 in Singapore
        client.force_login(moe_it)
        page = client.get(reverse("mims_admin:reports")).content.decode()
        assert "Counted for all schools at 2 Dec 2026, 10:30." in page
        counted = ('attachment; filename="mims-answers-all-counted-20261202-1030.csv"',
                   "Primary 4–6 with their own challenge answers,1,1,100.0")  # fmt: skip
        assert self._answers_csv(client) == counted

        later = factories.make_student(student.school_class)
        _answers(later, questions, school_set=False)
        # Within the hour all schools' figures are the ones counted, read without touching the answers...
        with CaptureQueriesContext(connection) as ctx:
            assert self._answers_csv(client) == counted
        assert not [q for q in ctx.captured_queries if "sspr_challengeanswer" in q["sql"]]
        # ...while one school's are counted when asked, and are up to date.
        assert self._answers_csv(client, school=school.pk) == (
            'attachment; filename="mims-answers-NPS.csv"',
            "Primary 4–6 with their own challenge answers,2,2,100.0",
        )
        page = client.get(reverse("mims_admin:reports"), {"school": school.pk}).content.decode()
        assert "Counted for all schools at" not in page

        assert count_all_schools_answers.call() == 2  # the worker's hourly run
        assert self._answers_csv(client)[1] == "Primary 4–6 with their own challenge answers,2,2,100.0"

    def test_they_are_kept_at_most_an_hour_and_a_half(self, moe_it, student, questions, monkeypatch, settings):
        import time as clock

        # The embedded default's local-memory cache, whose clock a test can move (Redis keeps its own).
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        reports.all_schools_answers()
        _answers(student, questions, school_set=False)
        assert reports.all_schools_answers().counts["upper_own"] == 0
        later = clock.time() + reports.ALL_SCHOOLS_SECONDS + 1
        monkeypatch.setattr(clock, "time", lambda: later)  # the local-memory cache's clock
        assert reports.all_schools_answers().counts["upper_own"] == 1
