"""Journeys 2 and 3: a child resets a forgotten password without help.

A Primary 5 child with answers of their own (laptop), and a Primary 2 child
with the answers printed on the handbook card (tablet).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sspr.answers import set_answers
from sspr.models import ChallengeQuestion
from tests import factories

from .conftest import TABLET, Journey, answer_questions, field, sign_in

NEW_PASSWORD = "rainbow42go"


def reset_by_myself(j: Journey, typed_login_id: str, answers: dict[str, str], *, docs: str = "") -> None:
    """/sspr/ → login ID → two questions → new password → done → sign in."""
    page = j.page
    j.goto("/")
    j.step("home", docs=docs and f"home-{docs}")
    page.get_by_role("link", name="I forgot my password").click()
    expect(page).to_have_url(j.url("/sspr/"))
    expect(page.locator(".steps [aria-current=step]")).to_contain_text("Login ID")
    j.step("step 1 login ID", docs=docs and f"sspr-1-login-id-{docs}")
    field(page, "Your login ID").fill(typed_login_id)
    page.get_by_role("button", name="Next").click()

    expect(page).to_have_url(j.url("/sspr/questions/"))
    expect(page.locator(".steps [aria-current=step]")).to_contain_text("Questions")
    expect(page.locator("input[name^=answer_]")).to_have_count(2)
    j.step("step 2 questions", docs=docs and f"sspr-2-questions-{docs}")
    answer_questions(page, answers)
    page.get_by_role("button", name="Next").click()

    expect(page).to_have_url(j.url("/sspr/password/"))
    expect(page.locator(".steps [aria-current=step]")).to_contain_text("New password")
    expect(page.locator(".steps li.done")).to_have_count(2)
    j.step("step 3 new password", docs=docs and f"sspr-3-password-{docs}")
    field(page, "New password").fill(NEW_PASSWORD)
    field(page, "Type the new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save my new password").click()

    expect(page).to_have_url(j.url("/sspr/done/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("All done!")
    j.step("done", docs=docs and f"sspr-4-done-{docs}")
    page.get_by_role("link", name="Sign in").click()


@pytest.fixture
def p5_child_with_answers(school):
    student = factories.make_student(
        factories.make_class(school, 5, "5 Courage"), "Nur Aisyah Binte Ahmad", username="nur_aisyah_ahmad"
    )
    own = list(ChallengeQuestion.objects.filter(for_cards=False)[:3])
    answers = ["blue bunny", "ah ma", "fried rice"]
    set_answers(student.user, zip(own, answers, strict=True), school_set=False)
    return student, {q.text: a for q, a in zip(own, answers, strict=True)}


@pytest.fixture
def p2_child_with_card(school):
    klass = factories.make_class(school, 2, "2 Joy")
    student = factories.make_student(klass, "Tan Xiao Ming", username="tan_xiao_ming")
    card = list(ChallengeQuestion.objects.filter(for_cards=True)[:6])
    # As printed on the card in the student handbook: a word for each card question, two used a reset.
    words = ["mango", "kite", "pebble", "lantern", "turtle", "violin"]
    set_answers(student.user, zip(card, words, strict=True), school_set=True)
    return student, {q.text: w for q, w in zip(card, words, strict=True)}


class TestSelfServiceResetJourney:
    def test_it_lets_a_p5_child_reset_a_forgotten_password(self, journey: Journey, p5_child_with_answers):
        student, answers = p5_child_with_answers
        # Typed the way a child might: capitals and spaces; answers in capitals too.
        reset_by_myself(journey, " Nur_Aisyah_Ahmad@Students.edu.sg ", {q: a.upper() for q, a in answers.items()},
                        docs="laptop")
        sign_in(journey, "nur_aisyah_ahmad", NEW_PASSWORD, label="sign in with the new password")
        expect(journey.page).to_have_url(journey.url("/account/"))
        journey.step("account page")
        student.user.refresh_from_db()
        assert student.user.check_password(NEW_PASSWORD)

    def test_it_lets_a_p2_child_reset_with_the_answers_from_the_card(self, journey: Journey, p2_child_with_card):
        student, card = p2_child_with_card
        journey.set_width(TABLET)
        reset_by_myself(journey, "tan_xiao_ming", card)
        sign_in(journey, "tan_xiao_ming", NEW_PASSWORD, label="sign in with the new password")
        page = journey.page
        expect(page).to_have_url(journey.url("/account/"))
        # A Primary 2 child is not asked to make up questions of their own.
        expect(page.get_by_text("Your answers are on the card in your student handbook.")).to_be_visible()
        journey.step("account page", docs="account-p2-tablet")
        student.user.refresh_from_db()
        assert student.user.check_password(NEW_PASSWORD)
