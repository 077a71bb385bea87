"""Journey 6: what goes wrong for a child, on a phone, and what the child sees.

Each error state is checked like any other page (axe, layout, console), and
the error itself is announced (role=alert) and tied to its field
(aria-describedby), so a screen reader reads it with the box.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from sspr.answers import set_answers
from sspr.models import ChallengeQuestion
from tests import factories

from .conftest import PHONE, Journey, answer_questions, field, sign_in


@pytest.fixture
def child(school):
    student = factories.make_student(
        factories.make_class(school, 5, "5 Courage"), "Nur Aisyah Binte Ahmad", username="nur_aisyah_ahmad"
    )
    own = list(ChallengeQuestion.objects.filter(for_cards=False)[:3])
    set_answers(student.user, zip(own, ["blue bunny", "ah ma", "fried rice"], strict=True), school_set=False)
    return student


@pytest.fixture
def phone(journey: Journey) -> Journey:
    journey.set_width(PHONE)
    return journey


def expect_alert(page: Page, text: str) -> None:
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text(text)


def expect_error_beside(page: Page, label: str, text: str) -> None:
    """The field is marked invalid and points at its own error message."""
    box = field(page, label)
    expect(box).to_have_attribute("aria-invalid", "true")
    described_by = (box.get_attribute("aria-describedby") or "").split()
    messages = [page.locator(f"[id='{i}']").inner_text() for i in described_by]
    assert any(text in m for m in messages), f"{label}: {text!r} not in {messages}"
    # Beside the field: in the same field group, below the box, not at the top of the page.
    error = page.locator(f"[id='{described_by[-1]}']")
    same_group = error.evaluate("(e, box) => e.closest('.field') === box.closest('.field')", box.element_handle())
    assert same_group and error.bounding_box()["y"] > box.bounding_box()["y"]


class TestWhatGoesWrongJourney:
    def test_it_says_kindly_that_the_password_is_wrong(self, phone: Journey, child):
        page = phone.page
        phone.goto("/login/")
        page.get_by_role("button", name="Sign in").click()
        expect_alert(page, "There is a problem")
        expect_error_beside(page, "Login ID", "Type your login ID.")
        expect_error_beside(page, "Password", "Type your password.")
        expect(page).to_have_title(re.compile(r"^Error: Sign in"))
        # The summary has the focus; each of its links takes the child to the box.
        expect(page.locator("#form-errors")).to_be_focused()
        phone.step("sign in with empty boxes")
        page.locator("#form-errors").get_by_role("link", name="Type your password.").click()
        expect(field(page, "Password")).to_be_focused()

        sign_in(phone, "nur_aisyah_ahmad", "wrong-pass1", label="wrong password")
        expect_alert(page, "That login ID and password do not match. Check both and try again.")
        expect_alert(page, f"You have {settings.AXES_FAILURE_LIMIT - 1} more tries. Then you must wait 15 minutes.")
        # The login ID stays in the box; the password does not.
        expect(field(page, "Login ID")).to_have_value("nur_aisyah_ahmad")
        expect(field(page, "Password")).to_have_value("")
        phone.step("wrong password message", docs="sign-in-error-phone")

    def test_it_rests_the_login_id_after_too_many_wrong_passwords(self, phone: Journey, child):
        page = phone.page
        for attempt in range(1, settings.AXES_FAILURE_LIMIT):
            sign_in(phone, "nur_aisyah_ahmad", f"wrong-pass{attempt}", label=f"attempt {attempt}", check=False)
            expect_alert(page, "do not match")
            left = settings.AXES_FAILURE_LIMIT - attempt
            expect_alert(page, f"You have {left} more {'try' if left == 1 else 'tries'}.")
        sign_in(phone, "nur_aisyah_ahmad", "wrong-pass9", label="last attempt", check=False)
        expect(page.get_by_role("heading", level=1)).to_have_text("Please wait before you try again")
        expect(page.get_by_text("Wait 15 minutes, then try again slowly.")).to_be_visible()
        phone.step("locked", docs="locked-phone")
        # Even the right password waits now; the way out is the reset.
        sign_in(phone, "nur_aisyah_ahmad", factories.PASSWORD, label="right password while locked", check=False)
        expect(page.get_by_role("heading", level=1)).to_have_text("Please wait before you try again")
        page.get_by_role("link", name="I forgot my password").click()
        expect(page).to_have_url(phone.url("/sspr/"))

    def test_it_says_when_the_answers_are_wrong_and_then_sends_for_help(self, phone: Journey, child):
        page = phone.page
        phone.goto("/sspr/")
        page.get_by_role("button", name="Next").click()
        expect_error_beside(page, "Your login ID", "Type your login ID.")
        phone.step("no login ID")

        field(page, "Your login ID").fill("nur_aisyah_ahmad")
        page.get_by_role("button", name="Next").click()
        expect(page).to_have_url(phone.url("/sspr/questions/"))
        page.get_by_role("button", name="Next").click()
        phone.step("empty answers")
        for attempt in range(1, settings.MIMS_SSPR_FAILURE_LIMIT):
            wrong = {q: f"not it {attempt}" for q in ChallengeQuestion.objects.values_list("text", flat=True)}
            answer_questions(page, wrong)
            page.get_by_role("button", name="Next").click()
            expect_alert(page, "Those answers do not match. Check the spelling and try again.")
            left = settings.MIMS_SSPR_FAILURE_LIMIT - attempt
            expect_alert(page, f"You have {left} more {'try' if left == 1 else 'tries'}. Then you must wait 1 hour.")
            # The boxes are empty again, ready for another go.
            expect(page.locator("input[name^=answer_]").first).to_have_value("")
            if attempt == 1:
                phone.step("wrong answers", docs="sspr-wrong-answers-phone")
        answer_questions(page, wrong)
        page.get_by_role("button", name="Next").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Let a grown-up help you")
        phone.step("reset locked")
        page.get_by_role("link", name="Send a reset request").click()
        expect(page).to_have_url(phone.url("/request-reset/"))

    def test_it_ticks_the_rules_while_typing_and_refuses_a_weak_password(self, phone: Journey, child):
        page = phone.page
        sign_in(phone, "nur_aisyah_ahmad", factories.PASSWORD)
        page.goto(phone.url("/account/password/"))
        new, again = field(page, "New password"), field(page, "Type the new password again")
        ticked = page.locator(".checklist li.ok")
        expect(ticked).to_have_count(0)
        new.press_sequentially("abc")
        expect(page.locator("[data-rule=length]")).not_to_have_class("ok")
        expect(page.locator("[data-rule=context]")).to_have_class("ok")
        new.press_sequentially("12345")  # long enough now, but in the breached list
        expect(page.locator("[data-rule=length]")).to_have_class("ok")
        expect(page.locator("[data-rule=common]")).not_to_have_class("ok")
        expect(page.locator("[data-strength-label]")).to_have_text("Not allowed yet")
        new.fill("")
        new.press_sequentially("purple tiger jumps")
        expect(ticked).to_have_count(3)
        expect(page.locator("[data-strength-label]")).to_have_text("Very strong")
        expect(page.locator("[data-rule=match]")).not_to_have_class("ok")
        again.press_sequentially("purple tiger jumps")
        expect(ticked).to_have_count(4)
        phone.step("rules ticked while typing")

        # Passes the checklist but is far too easy: the server says why, beside the box.
        field(page, "Your password now").fill(factories.PASSWORD)
        new.fill("password1")
        again.fill("password1")
        page.get_by_role("button", name="Save my new password").click()
        expect_alert(page, "There is a problem")
        # The rule speaks under the new password, not under "again".
        expect_error_beside(page, "New password", "Many people use this password")
        expect(page.locator("#id_new_password2_error")).to_have_count(0)
        phone.step("weak password refused", docs="weak-password-phone")

        field(page, "Your password now").fill(factories.PASSWORD)
        field(page, "New password").fill("nur_aisyah1")
        field(page, "Type the new password again").fill("nur_aisyah2")
        page.get_by_role("button", name="Save my new password").click()
        expect_error_beside(page, "Type the new password again", "The two passwords are not the same.")
        phone.step("passwords not the same")
        child.user.refresh_from_db()
        assert child.user.check_password(factories.PASSWORD)
