"""Report numbers against a small known data set, and the reports pages."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent, Student
from sspr.answers import set_answers
from sspr.models import ChallengeQuestion
from staff import reports
from tests import factories

SGT = ZoneInfo("Asia/Singapore")
TODAY = date(2026, 11, 25)  # a Wednesday; its week starts Monday 23 November
THIS_WEEK, LAST_WEEK = date(2026, 11, 23), date(2026, 11, 16)


@pytest.fixture
def questions(db):
    return [ChallengeQuestion.objects.create(text=f"Question {n}?") for n in range(3)]


def _answers(student, questions, *, school_set: bool, n: int = 3) -> None:  # noqa: ANN001
    set_answers(student.user, [(q, "tiger") for q in questions[:n]], school_set=school_set)


def _event_at(monkeypatch, when: datetime, action: str, school, outcome="success", **details) -> None:  # noqa: ANN001
    # ``created`` is auto_now_add and events cannot be changed afterwards, so
    # the clock is set for the moment the event is written.
    monkeypatch.setattr(timezone, "now", lambda: when)
    audit.record(None, action, target="x", school=school, outcome=outcome, **details)
    monkeypatch.undo()


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
    def _events(self, monkeypatch, school, other_school):
        def at(day: date, hour: int, minute: int = 0) -> datetime:
            return datetime.combine(day, time(hour, minute), tzinfo=SGT)

        # Monday 00:30 in Singapore is still Sunday in UTC: it belongs to this week.
        _event_at(monkeypatch, at(THIS_WEEK, 0, 30), "password.reset", school, channel="sspr")
        _event_at(monkeypatch, at(TODAY, 9), "password.reset", school, channel="sspr")
        _event_at(monkeypatch, at(TODAY, 10), "password.temporary", school, channel="teacher")
        # Sunday 23:59 in Singapore: still last week.
        _event_at(monkeypatch, at(LAST_WEEK + timedelta(days=6), 23, 59), "password.temporary", school, channel="it")
        _event_at(monkeypatch, at(TODAY, 11), "password.reset", school, outcome="failure", channel="sspr")
        _event_at(monkeypatch, at(THIS_WEEK - timedelta(weeks=13), 9), "password.reset", school, channel="sspr")
        _event_at(monkeypatch, at(TODAY, 9), "password.reset", other_school, channel="sspr")
        _event_at(monkeypatch, at(TODAY, 12), "login.locked", school)
        _event_at(monkeypatch, at(LAST_WEEK, 8), "sspr.locked", school)
        _event_at(monkeypatch, at(LAST_WEEK + timedelta(days=6), 23, 30), "sspr.locked", school)
        self.school = school

    def test_it_counts_resets_per_week_by_channel(self):
        weeks, series = reports.resets_per_week(AuditEvent.objects.filter(school=self.school), TODAY)
        assert len(weeks) == 12 and weeks[-1] == THIS_WEEK and weeks[-2] == LAST_WEEK
        assert series["self-service"][-1] == 2
        assert series["teacher"][-1] == 1
        assert series["IT"][-2:] == [1, 0]
        assert sum(sum(v) for v in series.values()) == 4  # the failure and the 13-week-old event are out

    def test_it_counts_all_schools_for_moe_it(self):
        _weeks, series = reports.resets_per_week(AuditEvent.objects.all(), TODAY)
        assert series["self-service"][-1] == 3

    def test_it_counts_lockouts_per_week(self):
        _weeks, series = reports.lockouts_per_week(AuditEvent.objects.filter(school=self.school), TODAY)
        assert series["login.locked"][-2:] == [0, 1]
        assert series["sspr.locked"][-2:] == [2, 0]


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
