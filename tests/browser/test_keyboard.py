"""The child's journeys by keyboard alone: Tab to move, type, Enter to go on.

No clicks anywhere. Every stop on the way must show where the focus is.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from accounts.passwords import issue_temporary_password
from tests import factories

from .conftest import Journey

NEW_PASSWORD = "kitekite88"
ANSWERS = ["blue bunny", "ah ma", "fried rice"]

FOCUS_SHOWN_JS = """() => {
  const el = document.activeElement, s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  const shown = outline || s.boxShadow !== 'none';
  return {tag: el.tagName, text: (el.innerText || el.name || '').slice(0, 40), shown: shown};
}"""


def tab_to(page: Page, target: Locator, limit: int = 40) -> None:
    """Press Tab until ``target`` has the focus, checking the focus is visible at every stop."""
    handle = target.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_SHOWN_JS)
        assert focus["shown"], f"no visible focus on {focus}"
        if page.evaluate("el => document.activeElement === el", handle):
            return
    raise AssertionError(f"Tab never reached {target}")


def type_into(page: Page, target: Locator, text: str) -> None:
    tab_to(page, target)
    page.keyboard.type(text)


@pytest.fixture
def p5_child(school):
    klass = factories.make_class(school, 5, "5 Courage")
    student = factories.make_student(klass, "Nur Aisyah Binte Ahmad", username="nur_aisyah_ahmad")
    return student, issue_temporary_password(student.user, request=None)


class TestKeyboardOnly:
    def test_it_skips_to_the_main_content_first(self, journey: Journey, p5_child):
        page = journey.page
        journey.goto("/sspr/")
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Skip to main content")
        expect(skip).to_be_focused()
        box = skip.bounding_box()
        assert box["x"] >= 0 and box["y"] >= 0, "the skip link must come into view when focused"
        journey.step("skip link focused")
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()

    def test_it_takes_a_child_through_first_sign_in_and_a_reset_without_a_mouse(self, journey: Journey, p5_child):
        student, temporary = p5_child
        page = journey.page
        journey.goto("/")
        tab_to(page, page.get_by_role("link", name="Sign in"))
        page.keyboard.press("Enter")
        expect(page).to_have_url(journey.url("/login/"))
        # The login ID box has the focus straight away.
        expect(page.locator("#id_username")).to_be_focused()
        page.keyboard.type("nur_aisyah_ahmad")
        type_into(page, page.locator("#id_password"), temporary)
        journey.step("sign in typed")
        page.keyboard.press("Enter")

        expect(page).to_have_url(journey.url("/account/password/"))
        type_into(page, page.locator("#id_new_password1"), NEW_PASSWORD)
        type_into(page, page.locator("#id_new_password2"), NEW_PASSWORD)
        expect(page.locator(".checklist li.ok")).to_have_count(4)
        journey.step("new password typed")
        page.keyboard.press("Enter")

        expect(page).to_have_url(journey.url("/sspr/setup/"))
        type_into(page, page.locator("#id_current_password"), NEW_PASSWORD)
        for n, answer in enumerate(ANSWERS, 1):  # one question per page
            expect(page.locator(".caption")).to_have_text(f"Question {n} of 3")
            tab_to(page, page.locator("#id_question_0"))  # a radio list: Tab to it, arrows pick
            page.keyboard.press("ArrowDown")
            type_into(page, page.locator("#id_answer"), answer)
            journey.step(f"question {n} chosen by keyboard")
            page.keyboard.press("Enter")
            page.wait_for_load_state("load")
        expect(page).to_have_url(journey.url("/account/"))
        assert student.user.challenge_answers.status() == "own"

        # Sign out by keyboard, then forget the password and reset it.
        tab_to(page, page.get_by_role("button", name="Sign out"))
        page.keyboard.press("Enter")
        expect(page).to_have_url(journey.url("/"))
        tab_to(page, page.get_by_role("link", name="I forgot my password"))
        page.keyboard.press("Enter")
        expect(page).to_have_url(journey.url("/sspr/"))
        type_into(page, page.locator("#id_login_id"), "nur_aisyah_ahmad")
        page.keyboard.press("Enter")
        expect(page).to_have_url(journey.url("/sspr/questions/"))
        by_question = {q.question.text: a for q, a in zip(student.user.challenge_answers.all(), ANSWERS, strict=True)}
        for box in page.locator("input[name^=answer_]").all():
            label = page.locator(f"label[for='{box.get_attribute('id')}']").inner_text().rstrip(":")
            type_into(page, box, by_question[label])
        page.keyboard.press("Enter")
        expect(page).to_have_url(journey.url("/sspr/password/"))
        type_into(page, page.locator("#id_new_password1"), "moonbeam77")
        type_into(page, page.locator("#id_new_password2"), "moonbeam77")
        page.keyboard.press("Enter")
        expect(page).to_have_url(journey.url("/sspr/done/"))
        tab_to(page, page.locator("main").get_by_role("link", name="Sign in"))
        page.keyboard.press("Enter")
        expect(page).to_have_url(journey.url("/login/"))
        # After the reset the login ID is filled in and the password box has the focus.
        expect(page.locator("#id_username")).to_have_value("nur_aisyah_ahmad@students.edu.sg")
        expect(page.locator("#id_password")).to_be_focused()
        page.keyboard.type("moonbeam77")
        page.keyboard.press("Enter")
        expect(page).to_have_url(journey.url("/account/"))
        journey.step("signed in with the reset password")
