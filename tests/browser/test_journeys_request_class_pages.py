"""The reset-request journey in a real browser, through the teacher's class
pages: a parent on a phone, the form teacher on a tablet, the child on a phone.
Every step is checked with axe-core (WCAG 2.2 AA), for sideways scrolling, 44 px
targets and CSP errors, by the shared browser harness (conftest.py).
(test_journeys_request.py walks the same road in three languages.)"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.sspr.helpers import give_answers

from .conftest import PHONE, TABLET, field, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


class TestResetRequestJourney:
    def test_a_parent_asks_the_teacher_helps_the_child_signs_in(self, make_journey, school, student,
                                                                form_teacher):
        give_answers(student.user)
        locker = Client()  # the child forgot: wrong passwords until the sign-in locks
        for n in range(settings.AXES_FAILURE_LIMIT):  # different ones: a repeat does not count
            locker.post("/login/", {"username": student.user.username, "password": f"not-my-password{n}"})

        # A parent on a phone.
        parent = make_journey(PHONE, who="parent")
        page = parent.goto("/")
        page.get_by_role("link", name="Need help? Ask for a password reset").click()
        expect(page).to_have_url(parent.url("/request-reset/"))
        page.get_by_role("button", name="Send the request").click()  # empty: errors beside the fields
        expect(page.locator("#id_full_name")).to_have_attribute("aria-invalid", "true")
        parent.step("form with errors")
        field(page, "Child's full name").fill("Muhammad Ali bin Muhammad Raihan")
        page.get_by_label("School").select_option(label="North Primary School")
        field(page, "Class").fill("5 courage")
        page.get_by_label("I am a parent or guardian").check()
        parent.step("form filled in")
        page.get_by_role("button", name="Send the request").click()
        expect(page).to_have_url(parent.url("/request-reset/sent/"))
        code = page.locator("#reference-code").inner_text()
        parent.step("sent")
        page.get_by_role("link", name="Check my request").click()
        expect(page.get_by_role("status")).to_contain_text("We have your request")
        parent.step("status received")

        # The form teacher on a tablet.
        teacher = make_journey(TABLET, who="teacher")
        sign_in(teacher, "ms_tan", PASSWORD, check=False)
        tpage = teacher.page
        expect(tpage).to_have_url(teacher.url("/teacher/"))
        teacher.step("queue")
        tpage.get_by_role("region", name="Open requests, oldest first").get_by_role(
            "link", name="Muhammad Ali Bin Muhammad Raihan"
        ).click()
        teacher.step("child page")
        tpage.get_by_role("button", name="Unlock sign-in").click()
        expect(tpage.get_by_role("status")).to_contain_text("Sign-in unlocked")
        tpage.get_by_role("button", name="Give a temporary password").click()
        temporary = tpage.locator(".slip .secret").inner_text()
        teacher.step("temporary password slip")
        tpage.get_by_role("link", name="Done").click()
        tpage.get_by_role("link", name="Back to 5 Courage").click()
        teacher.step("class list")
        tpage.get_by_role("link", name="Overview with chart").click()
        expect(tpage.locator("svg[role=img]")).to_be_visible()
        teacher.step("class overview")

        # The parent sees it is done.
        page.goto(parent.url(f"/request-reset/status/?code={code}"))
        expect(page.get_by_role("status")).to_contain_text("Done")
        parent.step("status done")

        # The child signs in with the temporary password and must change it.
        child = make_journey(PHONE, who="child")
        sign_in(child, student.user.login_id, temporary, check=False)
        expect(child.page).to_have_url(child.url("/account/password/"))
        child.step("must change the password")
