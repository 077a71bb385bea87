"""Django admin pages the ICT admin and MOE IT use, checked with axe-core
(WCAG 2.2 A/AA) in the states the portal adds: the scoped lists, the
lockouts and reports pages, the student actions and their one-time passwords,
and matching a reset request by hand."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from helpdesk import flows
from helpdesk.models import ResetRequest
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
