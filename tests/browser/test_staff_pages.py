"""The staff's own portal pages in every state we can reach: a form teacher's
class pages on a phone, the cards-and-slips pages on a tablet (empty, with
errors, a batch waiting), each checked like the children's pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests import factories

from .conftest import PHONE, TABLET, Journey, sign_in


@pytest.fixture
def school_with_classes(school, staff_groups):
    p2 = factories.make_class(school, 2, "2 Joy")
    p5 = factories.make_class(school, 5, "5 Courage")
    for name in ("Tan Xiao Ming", "Siti Nur Aisyah Binte Abdullah", "Arjun s/o Raman"):
        factories.make_student(p2, name)
    for name in ("Muhammad Ali Bin Muhammad Raihan", "Lim Wei Ling"):
        factories.make_student(p5, name)
    factories.make_teacher(school, p2, p5, username="ms_tan")
    admin = factories.make_teacher(school, username="ict_admin", ict_admin=True)
    admin.user.groups.add(Group.objects.get(name="School ICT admin"))
    return p2, p5


class TestStaffPages:
    def test_it_shows_a_form_teachers_class_pages_on_a_phone(self, journey: Journey, school_with_classes):
        p2, _ = school_with_classes
        page = journey.page
        journey.set_width(PHONE)
        sign_in(journey, "ms_tan", factories.PASSWORD, check=False)
        expect(page).to_have_url(journey.url("/teacher/"))
        journey.step("teacher home")
        journey.goto(f"/teacher/class/{p2.pk}/")
        expect(page.locator("tbody tr")).to_have_count(3)
        journey.step("class list")
        journey.goto(f"/teacher/class/{p2.pk}/dashboard/")
        journey.step("class overview")
        page.get_by_role("link", name="Tan Xiao Ming").click()
        journey.step("child page")
        page.get_by_role("button", name="Clear challenge answers").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Clear the challenge answers of Tan Xiao Ming?")
        journey.step("clear answers: are you sure")
        page.get_by_role("button", name="Yes, clear the answers").click()
        expect(page.get_by_role("status")).to_contain_text("This child needs a new challenge card.")
        journey.step("answers cleared")

    def test_it_shows_the_cards_and_slips_pages_on_a_tablet(self, journey: Journey, school_with_classes, school):
        p2, _ = school_with_classes
        page = journey.page
        journey.set_width(TABLET)
        sign_in(journey, "ict_admin", factories.PASSWORD, check=False)
        journey.goto("/batches/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Cards and slips")
        journey.step("cards and slips")
        journey.goto(f"/batches/class/{p2.pk}/")
        page.get_by_role("button", name="Make the file").click()
        expect(page.get_by_role("alert")).to_be_visible()
        journey.step("class batch with errors")
        page.get_by_label("Challenge cards (new secret words)").check()
        page.get_by_label("I understand the old secret words or passwords of these children stop working.").check()
        page.get_by_role("button", name="Make the file").click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        journey.step("batch waiting")
        journey.goto(f"/batches/school/{school.pk}/")
        journey.step("school batch")
        journey.goto(f"/batches/school/{school.pk}/promote/")
        journey.step("move into the new year")
