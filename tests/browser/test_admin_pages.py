"""Django admin pages the ICT admin and MOE IT use, checked with axe-core
(WCAG 2.2 A/AA) in the states the portal adds: the scoped lists, the
lockouts and reports pages, the student actions and their one-time passwords,
matching a reset request by hand, and MOE IT switching a question off."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.models import User
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
