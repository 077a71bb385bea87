"""Journey 1: a Primary 5 child's first sign-in, on a phone.

Temporary password from the teacher → a password of their own → three
challenge questions → the account page.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.passwords import issue_temporary_password
from tests import factories

from .conftest import PHONE, Journey, field, set_up_questions, sign_in

NEW_PASSWORD = "kitekite88"
ANSWERS = ["blue bunny", "ah ma", "fried rice"]


@pytest.fixture
def p5_child(school):
    klass = factories.make_class(school, 5, "5 Courage")
    student = factories.make_student(klass, "Nur Aisyah Binte Ahmad", username="nur_aisyah_ahmad")
    temporary = issue_temporary_password(student.user, request=None)
    return student, temporary


class TestFirstSignInJourney:
    def test_it_takes_a_p5_child_from_temporary_password_to_the_account_page(self, journey: Journey, p5_child):
        student, temporary = p5_child
        j, page = journey, journey.page
        j.set_width(PHONE)

        j.goto("/")
        j.step("home", docs="home-phone")
        sign_in(j, "nur_aisyah_ahmad@students.edu.sg", temporary, docs="sign-in-phone")

        # 1. A password of their own, with the rules ticking as they type.
        expect(page).to_have_url(j.url("/account/password/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Make your own password")
        j.step("make your own password", docs="new-password-phone")
        field(page, "New password").fill(NEW_PASSWORD)
        field(page, "Type the new password again").fill(NEW_PASSWORD)
        expect(page.locator(".checklist li.ok")).to_have_count(4)
        j.step("password typed, all rules ticked")
        page.get_by_role("button", name="Save my new password").click()

        # 2. Three challenge questions, before anything else.
        expect(page).to_have_url(j.url("/sspr/setup/"))
        expect(page.get_by_role("status")).to_contain_text("Your new password is saved.")
        j.step("set up challenge questions", docs="setup-questions-phone")
        # One question per page; the password (the one just chosen: a borrowed session can't do this) on the first.
        set_up_questions(j, ANSWERS, password=NEW_PASSWORD)

        # 3. The account page: the login ID, and the questions picked.
        expect(page).to_have_url(j.url("/account/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Nur Aisyah Binte Ahmad")
        expect(page.locator(".login-id")).to_have_text("nur_aisyah_ahmad@students.edu.sg")
        expect(page.locator(".question-list li")).to_have_count(3)
        j.step("account page", docs="account-phone")

        student.user.refresh_from_db()
        assert student.user.check_password(NEW_PASSWORD)
        assert not student.user.must_change_password
        assert student.user.challenge_answers.status() == "own"

        # Signing out and in again goes straight to the account page.
        page.get_by_role("button", name="Sign out").click()
        sign_in(j, "nur_aisyah_ahmad", NEW_PASSWORD, label="sign in again")
        expect(page).to_have_url(j.url("/account/"))
