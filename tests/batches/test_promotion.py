from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import audit
from accounts.models import AuditEvent, SchoolClass, User
from batches.hashing import HashPool
from batches.promotion import PromotionRefused, next_class_name, plan_promotion, promote
from sspr import cards
from sspr.answers import needs_own_answers
from tests import factories


@pytest.fixture
def year(school, questions):
    """A small school in 2026: P3, P5 and P6, with card answers for the P3."""
    p3 = factories.make_class(school, 3, "3 Courage")
    p6 = factories.make_class(school, 6, "6 Integrity")
    p5 = factories.make_class(school, 5, "5 Wisdom")
    kids = {
        "p3": [factories.make_student(p3, f"Three {n}") for n in range(2)],
        "p5": [factories.make_student(p5, "Five")],
        "p6": [factories.make_student(p6, f"Six {n}") for n in range(2)],
    }
    prepared = cards.prepare(kids["p3"], HashPool(1).hash_many)
    cards.store(prepared, actor=None, batch_id=0, reissue=False)
    return kids


class TestNextClassName:
    @pytest.mark.parametrize(
        ("name", "level", "expected"),
        [("4 Courage", 4, "5 Courage"), ("P3 Joy", 3, "P4 Joy"), ("Courage", 2, "3 Courage"),
         ("5A", 5, "6A"), ("1 Class 12", 1, "2 Class 12")],
    )
    def test_it_bumps_the_level_in_the_name(self, name, level, expected):
        assert next_class_name(name, level) == expected


class TestPromotion:
    def test_it_previews_without_changing_anything(self, year, school):
        plan = plan_promotion(school)
        assert (plan.from_year, plan.to_year) == (2026, 2027)
        assert [(m.old.name, m.new_name) for m in plan.moves] == [
            ("3 Courage", "4 Courage"), ("5 Wisdom", "6 Wisdom"), ("6 Integrity", "")
        ]
        assert (plan.moving, plan.leavers, plan.school_set_to_p4) == (3, 2, 2)
        assert not SchoolClass.objects.filter(year=2027).exists()
        assert User.objects.filter(is_active=False).count() == 0

    def test_it_moves_classes_up_and_p6_out(self, year, school, ict_admin):
        promote(school, 2026, actor=ict_admin.user)
        for s in year["p3"]:
            s.refresh_from_db()
            assert (s.school_class.name, s.school_class.year, s.school_class.level) == ("4 Courage", 2027, 4)
        assert not SchoolClass.objects.get(name="3 Courage", year=2026).is_active
        for s in year["p6"]:
            s.refresh_from_db()
            assert not s.user.is_active and s.school_class.name == "6 Integrity"
            assert AuditEvent.objects.filter(action="account.deactivated", target=s.user.login_id).exists()
        event = AuditEvent.objects.get(action="school.promoted")
        assert event.details == {"from_year": 2026, "to_year": 2027, "classes": 3, "moved": 3, "left": 2}

    def test_it_makes_p4_children_with_card_answers_set_their_own(self, year, school, ict_admin, client):
        child = year["p3"][0]
        assert not needs_own_answers(child.user)
        promote(school, 2026, actor=ict_admin.user)
        user = User.objects.get(pk=child.user.pk)
        assert needs_own_answers(user)
        client.force_login(user)
        assert client.get(reverse("account"))["Location"] == reverse("sspr:setup")

    def test_it_joins_a_class_already_imported_for_the_new_year(self, year, school, ict_admin):
        imported = factories.make_class(school, 4, "4 Courage", year=2027)
        plan = plan_promotion(school, 2026)
        assert plan.moves[0].existing == imported
        promote(school, 2026, actor=ict_admin.user)
        assert imported.students.count() == 2
        assert SchoolClass.objects.filter(name="4 Courage", year=2027).count() == 1

    def test_it_refuses_to_run_twice(self, year, school, ict_admin):
        promote(school, 2026, actor=ict_admin.user)
        with pytest.raises(PromotionRefused, match="already been moved on"):
            promote(school, 2026, actor=ict_admin.user)
        assert SchoolClass.objects.filter(year=2028).count() == 0

    def test_it_changes_nothing_when_it_fails_part_way(self, year, school, ict_admin, monkeypatch):
        real = audit.record

        def failing(request, action, **kwargs):
            if action == "school.promoted":
                raise RuntimeError("database went away")
            return real(request, action, **kwargs)

        monkeypatch.setattr(audit, "record", failing)
        with pytest.raises(RuntimeError):
            promote(school, 2026, actor=ict_admin.user)
        assert not SchoolClass.objects.filter(year=2027).exists()
        assert SchoolClass.objects.filter(year=2026, is_active=True).count() == 3
        assert User.objects.filter(is_active=False).count() == 0
        assert not AuditEvent.objects.filter(action="account.deactivated").exists()


class TestPromotionPage:
    def test_it_previews_and_then_promotes(self, client, year, school, ict_admin):
        client.force_login(ict_admin.user)
        url = reverse("batches:promote", args=[school.pk])
        page = client.get(url)
        assert "4 Courage" in page.text and "Leave the school" in page.text
        assert not SchoolClass.objects.filter(year=2027).exists()
        r = client.post(url, {"from_year": "2026"})
        assert r.status_code == 200 and not SchoolClass.objects.filter(year=2027).exists()
        r = client.post(url, {"from_year": "2026", "confirm": "on"})
        assert r.status_code == 302
        assert SchoolClass.objects.filter(year=2027).count() == 2
        # A second press (another tab) refuses clearly.
        r = client.post(url, {"from_year": "2026", "confirm": "on"})
        assert r.status_code == 200 and "already been moved on" in r.text

    def test_it_is_for_it_of_that_school_only(self, client, year, school, form_teacher, other_school):
        client.force_login(form_teacher.user)
        assert client.post(reverse("batches:promote", args=[school.pk]), {"from_year": "2026", "confirm": "on"}
                           ).status_code == 404
        assert not SchoolClass.objects.filter(year=2027).exists()
