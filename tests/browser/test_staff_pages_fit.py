"""Issue 15, teachers and ICT admins: every staff page fits a 360 px phone with
real-length names and login IDs, shows the teacher's name (not their username),
lists locked children with when each lock ends, asks before clearing answers
and says what became of the request. Checked at 360 px and 1280 px, axe and the
layout rules at every step (the 1280 px steps are checked at 360 px too)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from helpdesk.models import ReferenceCode, ResetRequest
from tests import factories
from tests.helpdesk.conftest import lock_signin
from tests.sspr.helpers import lock_reset

from .conftest import LAPTOP, PHONE, Journey, sign_in

LONG_NAMES = (
    "Nur Aisyah Humaira Binte Mohamed Shahrul",
    "Muhammad Ali Bin Muhammad Raihan",
    "Arjun Krishnamoorthy s/o Ramanathan",
    "Thiruvengadam Balasubramaniam Krishnamoorthy Venkataraman",  # a 73-character login ID
)


@pytest.fixture
def busy_class(school, staff_groups):
    p2 = factories.make_class(school, 2, "2 Perseverance")
    children = [factories.make_student(p2, name) for name in LONG_NAMES]
    teacher = factories.make_teacher(school, p2, username="sfp.p2.teacher")
    teacher.user.first_name, teacher.user.last_name = "Siti", "Rahmah"
    teacher.user.save()
    admin = factories.make_teacher(school, username="sfp.ict.admin", ict_admin=True)
    admin.user.groups.add(Group.objects.get(name="School ICT admin"))
    lock_signin(children[0].user.username)
    lock_reset(children[1].user.username, minutes=45)
    reset_request = ResetRequest.objects.create(
        school=school, full_name=LONG_NAMES[2], class_name="P2 Perseverance", requester="parent",
        match_key=f"student:{children[2].pk}", student=children[2],
    )  # fmt: skip
    ReferenceCode.objects.create(code="K7MX3QPA", request=reset_request)
    return p2, children, reset_request


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["360", "1280"])
def test_a_form_teachers_pages_fit_and_say_what_happened(make_journey, busy_class, viewport):
    p2, children, reset_request = busy_class
    journey: Journey = make_journey(viewport=viewport)
    page = journey.page
    sign_in(journey, "sfp.p2.teacher", factories.PASSWORD, check=False)
    expect(page).to_have_url(journey.url("/teacher/"))
    expect(page.locator(".site-header .who")).to_have_text("Siti Rahmah")
    locked = page.locator(".locked-list > li")
    expect(locked).to_have_count(2)
    expect(locked.filter(has_text=LONG_NAMES[0])).to_contain_text("Sign-in locked until")
    expect(locked.filter(has_text=LONG_NAMES[1])).to_contain_text("Self-service reset locked until")
    # The login ID breaks after "_" or "@", never in the middle of a word.
    id_box = locked.first.locator(".login-id")
    lines = id_box.evaluate("e => new Set([...e.getClientRects()].map(r => Math.round(r.top))).size")
    assert lines <= 3, f"the login ID takes {lines} lines"
    journey.step("teacher home with locked children", docs=f"staff-teacher-home-{viewport['width']}")

    journey.goto(f"/teacher/class/{p2.pk}/")
    journey.step("class list")
    page.get_by_role("link", name=LONG_NAMES[2]).first.click()
    journey.step("child page")
    page.get_by_role("button", name="Clear challenge answers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Clear the challenge answers of")
    journey.step("clear answers: are you sure", docs=f"staff-clear-answers-confirm-{viewport['width']}")
    page.get_by_role("link", name="No, go back").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(LONG_NAMES[2])
    page.get_by_role("button", name="Clear challenge answers").click()
    page.get_by_role("button", name="Yes, clear the answers").click()
    expect(page.locator(".messages")).to_contain_text("The request stays open, marked as yours")
    journey.step("answers cleared, request still open")
    page.get_by_label("Done").check()
    page.get_by_role("button", name="Close the request").click()
    expect(page.locator(".messages")).to_contain_text("Request closed as done.")
    journey.step("request closed as done", docs=f"staff-request-closed-{viewport['width']}")
    reset_request.refresh_from_db()
    assert reset_request.state == ResetRequest.State.DONE


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["360", "1280"])
def test_an_ict_admins_portal_pages_fit(make_journey, busy_class, school, viewport):
    p2, children, _ = busy_class
    journey: Journey = make_journey(viewport=viewport)
    page = journey.page
    sign_in(journey, "sfp.ict.admin", factories.PASSWORD, check=False)
    for path, label in [
        ("/teacher/", "teacher home for the school"),
        (f"/teacher/class/{p2.pk}/", "class list"),
        (f"/teacher/class/{p2.pk}/dashboard/", "class overview"),
        (f"/teacher/child/{children[0].pk}/", "child page"),
        ("/batches/", "cards and slips"),
        (f"/batches/class/{p2.pk}/", "class cards and slips"),
        (f"/batches/school/{school.pk}/", "school cards and slips"),
        (f"/batches/school/{school.pk}/promote/", "move into the new year"),
    ]:
        journey.goto(path)
        expect(page.locator(".site-header .who")).to_have_text("Mei Ling Tan")
        journey.step(label, docs=f"staff-batches-class-{viewport['width']}" if "class cards" in label else "")
