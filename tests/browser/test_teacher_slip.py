"""The form teacher's temporary-password page offers the admin's printable
PDF slip (batches/slips.py), downloaded from the page itself (axe-core and
the layout checks at 360 px and 1280 px)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories

from .conftest import LAPTOP, PHONE, Journey, download_pdf, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_form_teacher_downloads_the_slip_as_a_pdf(journey: Journey, form_teacher, p2_class, width, tmp_path):
    child = factories.make_student(p2_class, "Chua Kai Xuan (蔡凯轩)", username="chua_kai_xuan")
    page = journey.page
    journey.set_width(width)
    sign_in(journey, "ms_tan", factories.PASSWORD, check=False)
    journey.goto(f"/teacher/child/{child.pk}/")
    page.get_by_role("button", name="Give a temporary password").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Temporary password for")
    journey.step("temporary password with the PDF slip")

    password = page.locator(".slip .secret").inner_text().strip()
    filename, text = download_pdf(page, "Print the slip (PDF)", tmp_path)
    assert filename == "sign-in-slip.pdf"
    assert "蔡凯轩" in text and password in text and child.user.login_id in text
    assert password not in page.url
