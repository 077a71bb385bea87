"""Django admin pages the ICT admin and MOE IT use, checked with axe-core
(WCAG 2.2 A/AA) in the states the portal adds: the scoped lists, the
lockouts and reports pages, the student actions and their one-time passwords,
matching a reset request by hand, and MOE IT switching a question off."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.models import Student, User
from helpdesk import flows
from helpdesk.models import ResetRequest
from sspr.answers import set_answers
from sspr.models import ChallengeQuestion
from tests import factories

from .conftest import LAPTOP, Journey, sign_in


@pytest.fixture
def school_admin(school, staff_groups):
    klass = factories.make_class(school, 5, "5 Courage")
    for name in ("Tan Xiao Ming", "Lim Wei Ling"):
        factories.make_student(klass, name)
    admin = factories.make_teacher(school, username="ict_admin", ict_admin=True)
    admin.user.groups.add(Group.objects.get(name="School ICT admin"))
    return admin


class TestAdminPages:
    def test_it_passes_axe_on_the_ict_admins_pages(self, journey: Journey, school_admin, school, rf):
        page = journey.page
        journey.set_width(LAPTOP)
        sign_in(journey, "ict_admin", factories.PASSWORD, check=False)
        for path, label in [
            ("/admin/", "index"),
            ("/admin/accounts/student/", "students"),
            ("/admin/accounts/student/?q=tan", "students searched"),
            ("/admin/accounts/schoolclass/", "classes"),
            ("/admin/accounts/teacher/", "teachers"),
            ("/admin/accounts/auditevent/", "audit log"),
            ("/admin/lockouts/", "lockouts"),
            ("/admin/reports/", "reports"),
            ("/admin/helpdesk/resetrequest/", "reset requests"),
        ]:
            response = page.goto(journey.url(path))
            assert response.status == 200, f"{path}: {response.status}"
            journey.step(label, layout=False)

        # A student action: confirm, then the passwords shown once.
        journey.goto("/admin/accounts/student/")
        page.locator("input[name=_selected_action]").first.check()
        page.locator("select[name=action]").select_option("issue_temporary_passwords")
        page.locator("button[name=index], input[name=index]").first.click()
        journey.step("confirm issuing passwords", layout=False)
        page.get_by_role("button", name="Yes, go ahead").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Temporary passwords")
        journey.step("temporary passwords", layout=False)

        # Renaming a login ID, with a refusal first.
        journey.goto("/admin/accounts/student/")
        page.locator("input[name=_selected_action]").first.check()
        page.locator("select[name=action]").select_option("rename_login_id")
        page.locator("button[name=index], input[name=index]").first.click()
        journey.step("rename login ID", layout=False)
        page.get_by_label("New login ID").fill("Not A Valid ID!")
        page.get_by_role("button", name="Rename").click()
        expect(page.locator(".errorlist")).to_be_visible()
        journey.step("rename refused", layout=False)

        # A request nobody could match, matched by hand.
        request = rf.post("/request-reset/")
        request.session = {}
        flows.submit_request(request, school=school, full_name="Tan Siu Ming", class_name="5 courage", login_id="",
                             requester=ResetRequest.Requester.PARENT, contact="", note="")
        unmatched = ResetRequest.objects.get(student__isnull=True)
        journey.goto(f"/admin/helpdesk/resetrequest/{unmatched.pk}/match/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Match a reset request")
        journey.step("match a request", layout=False)

    def test_it_passes_axe_when_moe_it_switches_a_question_off(self, journey: Journey, school_admin, school):
        child = factories.make_student(factories.make_class(school, 2, "2 Joy"), "Ong Bee Hoon")
        card = list(ChallengeQuestion.objects.filter(for_cards=True)[:3])
        set_answers(child.user, zip(card, ["mango", "kite", "panda"], strict=True), school_set=True)
        User.objects.create_superuser("moe_it", password=factories.PASSWORD)
        page = journey.page
        journey.set_width(LAPTOP)
        sign_in(journey, "moe_it", factories.PASSWORD, check=False)
        journey.goto(f"/admin/sspr/challengequestion/{card[0].pk}/change/")
        expect(page.locator("#id_is_active_helptext")).to_contain_text("1 child who is set up uses it.")
        journey.step("a question and whom it touches", layout=False)

        journey.goto("/admin/sspr/challengequestion/")
        page.locator(f"input[name=_selected_action][value='{card[0].pk}']").check()
        page.locator("select[name=action]").select_option("switch_off")
        page.locator("button[name=index], input[name=index]").first.click()
        journey.step("confirm switching off", layout=False)
        page.get_by_role("button", name="Yes, switch them off").click()
        expect(page.locator(".messagelist")).to_contain_text("1 in Primary 2–3 needs a new challenge card.")
        journey.step("switched off", layout=False)
        page.get_by_role("link", name="Children who need a new card").click()
        expect(page.locator("#result_list")).to_contain_text("Ong Bee Hoon")
        journey.step("children who need a new card", layout=False)


LABEL_RULES = {"runOnly": {"type": "rule", "values": ["label-title-only", "label"]}, "resultTypes": ["violations"]}


def _label_violations(journey: Journey) -> list:
    """axe's label rules, label-title-only included (a best practice, outside the WCAG tags run at every step)."""
    if not journey.page.evaluate("typeof window.axe === 'object'"):
        journey.page.evaluate(journey.axe.axe_script)
    return journey.page.evaluate("options => axe.run(document, options)", LABEL_RULES)["violations"]


class TestAdminLeadsSomewhere:
    """Issue 15: the admin index says how many requests need matching and links to
    the teacher pages and the cards and slips; "View site" goes to the teacher
    pages; the search box has a visible label; matching by hand offers the likely
    children. axe at 1280 px at every step (and label-title-only, a best practice)."""

    def test_an_ict_admin_finds_the_requests_to_match_and_the_next_pages(
        self, journey: Journey, school_admin, school, rf
    ):
        request = rf.post("/request-reset/")
        request.session = {}
        for name in ("Tan Siu Ming", "Lim Wei Ling Sarah"):  # no such child; one word too many
            flows.submit_request(request, school=school, full_name=name, class_name="P5 Courage", login_id="",
                                 requester=ResetRequest.Requester.PARENT, contact="", note="")  # fmt: skip
        page = journey.page
        journey.set_width(LAPTOP)
        sign_in(journey, "ict_admin", factories.PASSWORD, check=False)
        expect(page.locator(".mims-needs-matching")).to_contain_text("2 reset requests need matching to a child.")
        expect(page.get_by_role("link", name="Teacher pages: reset requests and class lists")).to_be_visible()
        expect(page.get_by_role("link", name="Challenge cards and login slips to print")).to_be_visible()
        journey.step("admin index with requests to match", layout=False, docs="admin-index-needs-matching")

        page.get_by_role("link", name="Match them now").click()
        expect(page.locator("#result_list tbody tr")).to_have_count(2)
        expect(page.locator("#result_list")).to_contain_text("Needs matching")
        expect(page.get_by_role("textbox", name="Search reset requests")).to_be_visible()
        journey.step("requests that need matching", layout=False)
        assert _label_violations(journey) == []

        page.get_by_role("row", name="Lim Wei Ling Sarah").get_by_role("link", name="Match to a child").click()
        expect(page.get_by_role("heading", name="Children who may fit")).to_be_visible()
        journey.step("match by hand with likely children", layout=False, docs="admin-match-likely-children")
        page.get_by_role("button", name="Match to Lim Wei Ling").click()
        expect(page.locator(".messagelist")).to_contain_text("Matched.")
        assert ResetRequest.objects.get(full_name="Lim Wei Ling Sarah").student.full_name == "Lim Wei Ling"
        journey.step("matched", layout=False)

        page.get_by_role("link", name="View site").click()
        expect(page).to_have_url(journey.url("/teacher/"))
        expect(page.locator(".site-header .who")).to_have_text("Mei Ling Tan")
        journey.step("view site: the teacher pages")

        for path in ("/admin/accounts/student/", "/admin/accounts/schoolclass/", "/admin/accounts/teacher/"):
            journey.goto(path)
            assert _label_violations(journey) == [], path

        # Change forms, at 1280 px: WCAG axe at every step.
        child = Student.objects.filter(school=school).first()
        for path, label in [
            (f"/admin/accounts/student/{child.pk}/change/", "a child's change form"),
            (f"/admin/accounts/schoolclass/{child.school_class_id}/change/", "a class's change form"),
            (f"/admin/accounts/teacher/{school_admin.pk}/change/", "a teacher's change form"),
            (f"/admin/helpdesk/resetrequest/{ResetRequest.objects.first().pk}/change/", "a request's page"),
        ]:
            response = page.goto(journey.url(path))
            assert response.status == 200, f"{path}: {response.status}"
            journey.step(label, layout=False)
