"""Issue 15, parents: a request typed with the name in another order and the
class as "P5 Courage" reaches the form teacher; one no child fits goes to the
school office (the ICT admin's "needs matching" list), and the parent's pages
read exactly the same either way (no page tells a stranger whether a child
exists). In all four languages on a 360 px phone, and in English at 1280 px;
axe and the layout checks at every step."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from helpdesk.models import ResetRequest
from tests import factories

from .conftest import LAPTOP, PHONE, Journey

BROWSER_LOCALE = {"en": "en-GB", "zh-hans": "zh-CN", "ms": "ms-MY", "ta": "ta-SG"}


@pytest.fixture
def wei_ming(school):
    klass = factories.make_class(school, 5, "5 Courage")
    return factories.make_student(klass, "Tan Wei Ming", username="tan_wei_ming")


def _ask(journey: Journey, full_name: str, class_name: str, who: str) -> tuple[str, str, str]:
    """Fill in the public form as a parent would; the sent page's words (without
    the code) and the status page's answer (without the code)."""
    page = journey.page
    journey.goto("/request-reset/")
    page.locator("#id_full_name").fill(full_name)
    page.locator("#id_school").select_option(label="North Primary School")
    page.locator("#id_class_name").fill(class_name)
    page.locator(f"input[name=requester][value={who}]").check()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(journey.url("/request-reset/sent/"))
    code = page.locator("#reference-code").inner_text()
    sent = page.locator("main").inner_text().replace(code, "")
    journey.step(f"request sent for {full_name}")
    page.locator("main .actions a.button").click()
    status = page.locator("main section.notice[role=status]")
    expect(status).to_be_visible()
    journey.step(f"status for {full_name}")
    return code, sent, status.inner_text().replace(code, "")


@pytest.mark.parametrize(
    ("language", "viewport"),
    [("en", PHONE), ("zh-hans", PHONE), ("ms", PHONE), ("ta", PHONE), ("en", LAPTOP)],
    ids=["en-360", "zh-hans-360", "ms-360", "ta-360", "en-1280"],
)
def test_a_parents_request_is_matched_in_any_order_and_reads_the_same_when_not(
    make_journey, wei_ming, language, viewport
):
    parent = make_journey(viewport, locale=BROWSER_LOCALE[language], who="parent")
    parent.goto("/")
    expect(parent.page.locator("html")).to_have_attribute("lang", language)

    _, sent_real, status_real = _ask(parent, "Wei Ming TAN", "P5 Courage", "parent")
    matched = ResetRequest.objects.get(full_name="Wei Ming TAN")
    assert matched.student == wei_ming  # the form teacher has it

    _, sent_nobody, status_nobody = _ask(parent, "Wei Ming", "P5 Courage", "parent")
    unmatched = ResetRequest.objects.get(full_name="Wei Ming")
    assert unmatched.student is None  # part of a name: the school office matches it by hand

    assert sent_real == sent_nobody
    assert status_real == status_nobody

    # A child asking is spoken to as the child.
    _, sent_child, _ = _ask(parent, "Ming Wei Tan", "5C", "student")
    assert sent_child != sent_real
    if language == "en":
        assert "Your child's form teacher or the school office" in sent_real
        assert "school office" in status_real
        assert re.search(r"Your form teacher will help you", sent_child)
