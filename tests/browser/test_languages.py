"""Four languages in a real browser: the switcher remembers the choice, and the
child's pages pass every check in each language at phone width (Tamil words
are long, Chinese has no spaces to wrap at)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sspr.answers import set_answers
from sspr.models import ChallengeQuestion
from tests import factories

from .conftest import PHONE, Journey

# What the home page's heading says in each language (from the catalogs).
HEADINGS = {
    "en": "Your MIMS account",
    "zh-hans": "你的 MIMS 账户",
    "ms": "Akaun MIMS anda",
    "ta": "உங்கள் MIMS கணக்கு",
}
NAMES = {"en": "English", "zh-hans": "简体中文", "ms": "Bahasa Melayu", "ta": "தமிழ்"}


@pytest.fixture
def child(school):
    student = factories.make_student(
        factories.make_class(school, 5, "5 Courage"), "Nur Aisyah Binte Ahmad", username="nur_aisyah_ahmad"
    )
    own = list(ChallengeQuestion.objects.filter(for_cards=False)[:3])
    set_answers(student.user, zip(own, ["blue bunny", "ah ma", "fried rice"], strict=True), school_set=False)
    return student


class TestLanguageSwitcher:
    def test_it_switches_language_and_remembers_it_on_every_page(self, journey: Journey, child):
        page = journey.page
        journey.goto("/")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_label("Language")).to_have_value("en")
        for code in ("zh-hans", "ms", "ta", "en"):
            page.locator("#language").select_option(code)
            page.locator(".language-form button").click()
            expect(page.locator("html")).to_have_attribute("lang", code)
            expect(page.get_by_role("heading", level=1)).to_have_text(HEADINGS[code])
            # The choice stays for the next page, and in the switcher itself.
            journey.goto("/login/")
            expect(page.locator("html")).to_have_attribute("lang", code)
            expect(page.locator("#language option:checked")).to_have_text(NAMES[code])
            journey.goto("/")
        cookies = {c["name"]: c["value"] for c in journey.context.cookies()}
        assert cookies["django_language"] == "en"

    def test_it_keeps_the_page_after_switching(self, journey: Journey, child):
        page = journey.page
        journey.goto("/sspr/")
        page.locator("#language").select_option("ms")
        page.locator(".language-form button").click()
        expect(page).to_have_url(journey.url("/sspr/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Terlupa kata laluan?")


@pytest.mark.parametrize("code", ["zh-hans", "ms", "ta"])
class TestChildPagesInEveryLanguage:
    def test_it_shows_the_child_pages_well_at_phone_width(self, make_journey, child, code):
        j = make_journey(viewport=PHONE, locale={"zh-hans": "zh-CN", "ms": "ms-MY", "ta": "ta-SG"}[code])
        page = j.page
        # The browser's language picks the portal's language before any choice.
        j.goto("/")
        expect(page.locator("html")).to_have_attribute("lang", code)
        expect(page.get_by_role("heading", level=1)).to_have_text(HEADINGS[code])
        j.step(f"home {code}", docs=f"home-{code}-phone")
        j.goto("/login/")
        page.locator("#id_username").fill("nur_aisyah_ahmad")
        page.locator("#id_password").fill("wrong-pass1")
        page.locator("main button[type=submit]").click()
        expect(page.get_by_role("alert")).to_be_visible()
        j.step(f"sign-in error {code}")
        j.goto("/sspr/")
        j.step(f"reset step 1 {code}")
        page.locator("#id_login_id").fill("nur_aisyah_ahmad")
        page.locator("main button[type=submit]").click()
        expect(page.locator("input[name^=answer_]")).to_have_count(2)
        # The questions are asked in the child's language.
        english = set(ChallengeQuestion.objects.values_list("text", flat=True))
        assert page.locator("label[for=id_answer_1]").inner_text().rstrip(":：") not in english
        j.step(f"reset step 2 {code}")
        j.goto("/request-reset/")
        page.locator("main button[type=submit]").click()
        expect(page.get_by_role("alert")).to_be_visible()
        j.step(f"reset request with errors {code}")
        j.goto("/login/")
        page.locator("#id_username").fill("nur_aisyah_ahmad")
        page.locator("#id_password").fill(factories.PASSWORD)
        page.locator("main button[type=submit]").click()
        expect(page).to_have_url(j.url("/account/"))
        # Names and login IDs are never translated.
        expect(page.locator(".login-id")).to_have_text("nur_aisyah_ahmad@students.edu.sg")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Nur Aisyah Binte Ahmad")
        j.step(f"account {code}")
        page.goto(j.url("/account/password/"))
        j.step(f"change password {code}")
