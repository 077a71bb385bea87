"""Journey 4: a parent asks for a reset, the form teacher gives a temporary
password, and the child signs in with it.

Three people, three browsers: the parent on a phone in Tamil, the teacher on a
laptop in English, the child on a tablet in Chinese.
(test_journeys_request_class_pages.py walks the same road in English, through
the teacher's class pages.)
"""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import expect

from helpdesk.models import ResetRequest
from helpdesk.views import _PUBLIC_STATE as PUBLIC_STATE
from sspr.answers import set_answers
from sspr.models import ChallengeQuestion
from tests import factories

from .conftest import LAPTOP, PHONE, TABLET, field, sign_in

NEW_PASSWORD = "sunflower9"


@pytest.fixture
def classroom(school):
    klass = factories.make_class(school, 5, "5 Courage")
    child = factories.make_student(klass, "Tan Xiao Ming", username="tan_xiao_ming")
    own = list(ChallengeQuestion.objects.filter(for_cards=False)[:3])
    set_answers(child.user, zip(own, ["blue bunny", "ah ma", "fried rice"], strict=True), school_set=False)
    teacher = factories.make_teacher(school, klass, username="ms_tan")
    return child, teacher


class TestResetRequestJourney:
    def test_it_goes_from_a_parents_request_to_the_child_signing_in(self, make_journey, classroom):
        child, teacher = classroom

        # 1. The parent, on a phone in Tamil, from the link on every page.
        parent = make_journey(PHONE, locale="ta-SG", who="parent")
        page = parent.page
        parent.goto("/")
        page.get_by_role("link", name="உதவி வேண்டுமா? கடவுச்சொல் மீட்டமைப்பைக் கேளுங்கள்").click()
        expect(page).to_have_url(parent.url("/request-reset/"))
        parent.step("request form", docs="request-form-ta-phone")
        page.get_by_role("button", name="கோரிக்கையை அனுப்பு").click()
        expect(page.get_by_role("alert")).to_be_visible()
        expect(page.locator("#id_full_name")).to_have_attribute("aria-invalid", "true")
        parent.step("request form with errors")
        page.locator("#id_full_name").fill("tan xiao ming")
        page.locator("#id_school").select_option(label="North Primary School")
        page.locator("#id_class_name").fill("5 courage")
        page.get_by_label("நான் பெற்றோர் அல்லது பாதுகாவலர்").check()
        page.locator("#id_contact").fill("9123 4567")
        parent.step("request form filled")
        page.get_by_role("button", name="கோரிக்கையை அனுப்பு").click()
        expect(page).to_have_url(parent.url("/request-reset/sent/"))
        code = page.locator("#reference-code").inner_text()
        parent.step("request sent", docs="request-sent-ta-phone")
        page.get_by_role("link", name="என் கோரிக்கையைப் பார்").click()
        with translation.override("ta"):  # the status words for a parent, in the catalogue's Tamil
            received = str(PUBLIC_STATE[ResetRequest.Requester.PARENT][ResetRequest.State.RECEIVED])
        expect(page.get_by_role("status")).to_contain_text(received)
        parent.step("request status received")
        assert ResetRequest.objects.get().student == child

        # 2. The form teacher, on a laptop.
        desk = make_journey(LAPTOP, who="teacher")
        page = desk.page
        sign_in(desk, "ms_tan", factories.PASSWORD, label="teacher sign in")
        expect(page).to_have_url(desk.url("/teacher/"))
        expect(page.locator(".status-list").first).to_contain_text("Tan Xiao Ming")
        desk.step("teacher reset requests", docs="teacher-requests-laptop")
        page.get_by_role("link", name="Tan Xiao Ming").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Tan Xiao Ming")
        desk.step("teacher child page", docs="teacher-child-laptop")
        page.get_by_role("button", name="Give a temporary password").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Temporary password for Tan Xiao Ming")
        temporary = page.locator(".slip .secret").inner_text().strip()
        desk.step("temporary password slip", docs="teacher-slip-laptop")
        page.get_by_role("link", name="Done").click()
        desk.step("child page after")

        # 3. The parent sees it is done.
        parent.page.goto(parent.url(f"/request-reset/status/?code={code}"))
        with translation.override("ta"):
            done = str(PUBLIC_STATE[ResetRequest.Requester.PARENT][ResetRequest.State.DONE])
        expect(parent.page.get_by_role("status")).to_contain_text(done)
        parent.step("request status done")

        # 4. The child, on a tablet in Chinese, with the slip.
        kid = make_journey(TABLET, locale="zh-CN", who="child")
        page = kid.page
        kid.goto("/login/")
        field(page, "登录 ID").fill("tan_xiao_ming@students.edu.sg")
        field(page, "密码").fill(temporary)
        page.get_by_role("button", name="登录").click()
        expect(page).to_have_url(kid.url("/account/password/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("设你自己的密码")
        field(page, "新密码").fill(NEW_PASSWORD)
        field(page, "再输入一次新密码").fill(NEW_PASSWORD)
        kid.step("child makes own password", docs="new-password-zh-hans-tablet")
        page.get_by_role("button", name="保存我的新密码").click()
        expect(page).to_have_url(kid.url("/account/"))
        kid.step("child account")
        child.user.refresh_from_db()
        assert child.user.check_password(NEW_PASSWORD) and not child.user.must_change_password
