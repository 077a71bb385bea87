"""Pages children get right the first time (issue 15), at 360 px and 1280 px.

Every question of the set-up page reads in full on a phone in all four
languages and is picked with the keyboard; "Show" beside a password box; a
warning before a lock that is the same for a made-up ID; a Primary 2 child's
account page talks about the card; after a reset the sign-in page has the
login ID; after signing out, a message says so.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from sspr.answers import set_answers
from sspr.models import ChallengeQuestion
from tests import factories

from .conftest import LAPTOP, PHONE, answer_questions, field, sign_in

LOCALES = {"en": "en-GB", "zh-hans": "zh-CN", "ms": "ms-MY", "ta": "ta-SG"}
ANSWERS = ["blue bunny", "ah ma", "fried rice"]
SETUP_DOCS = {"en": "setup-questions-phone", "zh-hans": "setup-questions-zh-hans-phone",
              "ms": "setup-questions-ms-phone", "ta": "setup-questions-ta-phone"}  # fmt: skip


def sign_in_any_language(j, login_id: str, password: str) -> None:
    """Sign in by the boxes' ids: the labels are in the page's language."""
    j.goto("/login/")
    j.page.locator("#id_username").fill(login_id)
    j.page.locator("#id_password").fill(password)
    j.page.locator("main button[type=submit]").click()
    j.page.wait_for_load_state("load")

# Each choice's words: nothing cut off or hidden (scrolled, clipped, or one line with "…").
CUT_OFF_JS = """
() => Array.from(document.querySelectorAll('fieldset.choices label.radio')).filter(label => {
  const words = label.querySelector('span');
  const box = words.getBoundingClientRect();
  return words.scrollWidth > words.clientWidth + 1 || label.scrollWidth > label.clientWidth + 1
    || box.right > document.documentElement.clientWidth || box.width < 40;
}).map(label => label.innerText)
"""


@pytest.fixture
def p5_child(school):
    klass = factories.make_class(school, 5, "5 Courage")
    return factories.make_student(klass, "Nur Aisyah Binte Ahmad", username="nur_aisyah_ahmad")


@pytest.fixture
def p2_child(school):
    klass = factories.make_class(school, 2, "2 Joy")
    return factories.make_student(klass, "Tan Xiao Ming", username="tan_xiao_ming")


@pytest.mark.parametrize("code", list(LOCALES))
def test_every_question_reads_in_full_on_a_phone(make_journey, p5_child, code):
    j = make_journey(viewport=PHONE, locale=LOCALES[code])
    page = j.page
    sign_in_any_language(j, "nur_aisyah_ahmad", factories.PASSWORD)
    expect(page).to_have_url(j.url("/sspr/setup/"))  # a P5 child without answers sets them up first
    expect(page.locator("html")).to_have_attribute("lang", code)
    own = ChallengeQuestion.objects.filter(is_active=True, for_cards=False).count()
    heights = []
    # One question per page; each step lists the questions not picked yet.
    for n, answer in enumerate(ANSWERS):
        lists = page.locator("main fieldset.choices")
        expect(lists).to_have_count(1)
        radios = lists.get_by_role("radio")
        expect(radios).to_have_count(own - n)
        assert page.evaluate(CUT_OFF_JS) == []
        heights.append(page.evaluate("document.documentElement.scrollHeight"))
        if n == 0:
            j.step(f"set-up questions {code}", docs=SETUP_DOCS[code])
            page.locator("#id_current_password").fill(factories.PASSWORD)
        # The keyboard: Tab into the list, arrows move the choice.
        radios.first.focus()
        page.keyboard.press("ArrowDown")
        expect(radios.nth(1)).to_be_checked()
        expect(radios.nth(1)).to_be_focused()
        page.locator("#id_answer").fill(answer)
        if n:
            j.step(f"set-up question {n + 1} {code}")
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state("load")
    # A page per question stays short at 360 px (three lists on one page were ~4,800 px).
    assert max(heights) < 3200, heights
    expect(page).to_have_url(j.url("/account/"))
    p5_child.user.refresh_from_db()
    assert p5_child.user.challenge_answers.status() == "own"


def test_the_back_link_returns_to_the_question_before_with_its_pick_kept(make_journey, p5_child):
    j = make_journey(viewport=PHONE)
    page = j.page
    sign_in(j, "nur_aisyah_ahmad", factories.PASSWORD, check=False)
    expect(page).to_have_url(j.url("/sspr/setup/"))  # the forced set-up
    field(page, "Your password").fill(factories.PASSWORD)
    picked = page.get_by_role("group", name="Pick question 1").get_by_role("radio").nth(2)
    picked.check()
    field(page, "Your answer").fill(ANSWERS[0])
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".caption")).to_have_text("Question 2 of 3")
    j.step("set-up question 2 with a back link")
    page.get_by_role("link", name="Back").click()
    expect(page.locator(".caption")).to_have_text("Question 1 of 3")
    expect(page.get_by_role("group", name="Pick question 1").get_by_role("radio").nth(2)).to_be_checked()
    expect(field(page, "Your answer")).to_have_value("")  # an answer is never shown back
    expect(page.locator("#id_current_password")).to_have_count(0)  # the password was checked in this set-up
    j.step("back at question 1")
    page.get_by_role("group", name="Pick question 1").get_by_role("radio").nth(3).check()
    field(page, "Your answer").fill(ANSWERS[0])
    page.get_by_role("button", name="Next").click()
    for n, answer in ((2, ANSWERS[1]), (3, ANSWERS[2])):
        page.get_by_role("group", name=f"Pick question {n}").get_by_role("radio").first.check()
        field(page, "Your answer").fill(answer)
        page.get_by_role("button", name="Next" if n < 3 else "Save my questions").click()
    expect(page).to_have_url(j.url("/account/"))
    own = list(ChallengeQuestion.objects.filter(is_active=True, for_cards=False))
    saved = set(p5_child.user.challenge_answers.values_list("question_id", flat=True))
    assert saved == {own[3].pk, own[0].pk, own[1].pk}


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_errors_are_listed_at_the_top_and_the_focus_goes_there(make_journey, p5_child, viewport):
    j = make_journey(viewport=viewport)
    page = j.page
    own = list(ChallengeQuestion.objects.filter(for_cards=False)[:3])
    set_answers(p5_child.user, zip(own, ANSWERS, strict=True), school_set=False)
    sign_in(j, "nur_aisyah_ahmad", factories.PASSWORD, check=False)
    j.goto("/sspr/setup/")
    page.get_by_role("button", name="Next").click()
    expect(page).to_have_title("Error: Question 1 of 3 · Challenge questions · Student MIMS")
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_count(3)  # the password, the question, the answer
    expect(page.get_by_text("This field is required.")).to_have_count(0)
    j.step("set-up errors", docs="setup-errors-phone" if viewport == PHONE else "")
    summary.get_by_role("link", name="Pick a question.").click()
    expect(page.get_by_role("group", name="Pick question 1").get_by_role("radio").first).to_be_focused()
    expect(page.get_by_role("group", name="Pick question 1")).to_have_accessible_description("Error: Pick a question.")


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_show_password_toggles_with_a_real_button(make_journey, db, viewport):
    j = make_journey(viewport=viewport)
    page = j.page
    j.goto("/login/")
    box = field(page, "Password")
    box.fill("kite kite 88")
    show = page.get_by_role("button", name="Show the password in “Password”")
    expect(show).to_be_visible()
    expect(show).to_have_text("Show")
    j.step("password hidden")
    show.click()
    expect(box).to_have_attribute("type", "text")
    hide = page.get_by_role("button", name="Hide the password in “Password”")
    expect(hide).to_have_text("Hide")
    j.step("password shown", docs="sign-in-show-password-phone" if viewport == PHONE else "")
    hide.focus()
    page.keyboard.press("Space")  # the keyboard works too
    expect(box).to_have_attribute("type", "password")
    expect(box).to_have_value("kite kite 88")


def test_without_javascript_the_password_box_stays_a_password_box(browser: Browser, live_server, db):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/login/")
        expect(page.locator("#id_password")).to_have_attribute("type", "password")
        expect(page.locator("button.show-password")).to_be_hidden()
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_a_made_up_id_is_warned_like_a_real_one(make_journey, p5_child, viewport):
    real, made_up = make_journey(viewport=viewport, who="real"), make_journey(viewport=viewport, who="made-up")
    said = []
    for j, login_id in ((real, "nur_aisyah_ahmad"), (made_up, "nur_aisyah_ahmadd")):
        for attempt in (1, 2):
            sign_in(j, login_id, f"wrong-pass{attempt}", check=False)
        warning = j.page.locator("#tries-left")
        expect(warning).to_have_text("You have 3 more tries. Then you must wait 15 minutes.")
        j.step("warned before the lock", docs="sign-in-tries-left-phone" if viewport == PHONE and j is real else "")
        said.append(j.page.locator("#form-errors").inner_text())
    assert said[0] == said[1]


@pytest.mark.parametrize("code", list(LOCALES))
def test_a_p2_child_before_cards_reads_about_the_card(make_journey, p2_child, code):
    j = make_journey(viewport=PHONE, locale=LOCALES[code])
    sign_in_any_language(j, "tan_xiao_ming", factories.PASSWORD)
    expect(j.page).to_have_url(j.url("/account/"))
    expect(j.page.locator("main a[href='/sspr/setup/']")).to_have_count(0)
    if code == "en":
        expect(j.page.get_by_text("Your teacher will give you a card with your answers.")).to_be_visible()
    j.step(f"P2 account before cards {code}", docs="account-p2-before-cards-phone" if code == "en" else "")
    j.goto("/sspr/setup/")
    expect(j.page).to_have_url(j.url("/account/"))


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_after_a_reset_the_login_id_is_filled_in_and_signing_out_says_so(make_journey, p5_child, viewport):
    j = make_journey(viewport=viewport)
    page = j.page
    own = list(ChallengeQuestion.objects.filter(for_cards=False)[:3])
    set_answers(p5_child.user, zip(own, ANSWERS, strict=True), school_set=False)
    j.goto("/sspr/")
    field(page, "Your login ID").fill("nur_aisyah_ahmad")
    page.get_by_role("button", name="Next").click()
    answer_questions(page, {q.text: a for q, a in zip(own, ANSWERS, strict=True)})
    page.get_by_role("button", name="Next").click()
    field(page, "New password").fill("kitekite88")
    field(page, "Type the new password again").fill("kitekite88")
    page.get_by_role("button", name="Save my new password").click()
    page.get_by_role("link", name="Sign in").click()
    expect(field(page, "Login ID")).to_have_value("nur_aisyah_ahmad@students.edu.sg")
    expect(field(page, "Password")).to_be_focused()
    j.step("sign in after a reset", docs="sign-in-after-reset-phone" if viewport == PHONE else "")
    field(page, "Password").fill("kitekite88")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(j.url("/account/"))
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You have signed out.")
    j.step("signed out", docs="signed-out-phone" if viewport == PHONE else "")
