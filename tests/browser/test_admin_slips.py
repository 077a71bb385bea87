"""The admin's temporary-password page prints the slips: a PDF made by the
same code as the batches' slips, downloaded from the page (axe-core at both
widths)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests import factories

from .conftest import LAPTOP, PHONE, Journey, download_pdf, sign_in


@pytest.fixture
def school_admin(school, staff_groups):
    klass = factories.make_class(school, 2, "2 Joy")
    factories.make_student(klass, "Chua Kai Xuan (蔡凯轩)")
    admin = factories.make_teacher(school, username="ict_admin", ict_admin=True)
    admin.user.groups.add(Group.objects.get(name="School ICT admin"))
    return admin


@pytest.mark.parametrize("width", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_ict_admin_prints_slips_from_the_temporary_password_page(journey: Journey, school_admin, width, tmp_path):
    page = journey.page
    journey.set_width(width)
    sign_in(journey, "ict_admin", factories.PASSWORD, check=False)
    journey.goto("/admin/accounts/student/")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("issue_temporary_passwords")
    page.locator("button[name=index], input[name=index]").first.click()
    page.get_by_role("button", name="Yes, go ahead").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Temporary passwords")
    journey.step("temporary passwords with slips", layout=False)

    password = page.locator("table.mims-passwords code").first.inner_text()
    filename, text = download_pdf(page, "Print slips (PDF)", tmp_path)
    assert filename == "sign-in-slips.pdf"
    assert "蔡凯轩" in text and password in text and "https://mims.example.edu.sg/login/" in text
