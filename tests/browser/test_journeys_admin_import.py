"""Journey 5: a school's ICT admin imports a class list in Django admin, with
a preview before anything is saved; a broken file is refused with a reason."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.models import Student
from tests import factories

from .conftest import LAPTOP, sign_in

GOOD = (
    "school_code,class,level,full_name,student_ref,login_id\r\n"
    "NPS,5 Courage,P5,Muhammad Ali Bin Muhammad Raihan,R1,\r\n"
    "NPS,5 Courage,P5,Tan Wei,R2,\r\n"
    "NPS,2 Joy,P2,Tan Wei,R3,\r\n"
    "NPS,2 Joy,P2,Siti Nur Aisyah Binte Abdullah,R4,\r\n"
)
BROKEN = "school_code,class,full_name\r\nNPS,5 Courage,Tan Wei\r\n"


@pytest.fixture
def ict_admin_with_group(ict_admin, staff_groups):
    ict_admin.user.groups.add(Group.objects.get(name="School ICT admin"))
    return ict_admin


class TestAdminImportJourney:
    def test_it_previews_a_class_list_then_imports_it(self, journey, ict_admin_with_group, tmp_path):
        j, page = journey, journey.page
        j.set_width(LAPTOP)
        sign_in(j, "ict_admin", factories.PASSWORD, label="ICT admin sign in")
        expect(page).to_have_url(j.url("/admin/"))
        j.step("admin index", layout=False)
        page.goto(j.url("/admin/accounts/student/"))
        page.get_by_role("link", name="Import students").click()
        expect(page).to_have_url(j.url("/admin/accounts/student/import/"))
        j.step("import upload", layout=False)

        # A file without the columns the import needs: nothing saved, and why.
        broken = tmp_path / "broken.csv"
        broken.write_text(BROKEN, encoding="utf-8")
        page.get_by_label("Class list (CSV file)").set_input_files(broken)
        page.get_by_role("button", name="Show the preview").click()
        # Beside the file box, tied to it by aria-describedby.
        expect(page.locator("#id_file_error")).to_contain_text("Missing")
        box = page.get_by_label("Class list (CSV file)")
        expect(box).to_have_attribute("aria-describedby", "id_file_help id_file_error")
        j.step("import refused", layout=False)
        assert Student.objects.count() == 0

        good = tmp_path / "5-courage.csv"
        good.write_bytes(GOOD.encode("utf-8-sig"))  # as Excel saves "CSV UTF-8"
        page.goto(j.url("/admin/accounts/student/import/"))
        page.get_by_label("Class list (CSV file)").set_input_files(good)
        page.get_by_role("button", name="Show the preview").click()
        table = page.locator("#result_list")
        expect(table.locator("tbody tr")).to_have_count(4)
        expect(table).to_contain_text("muhammad_ali_muhammad_raihan@students.edu.sg")
        expect(table).to_contain_text("siti_nur_aisyah_abdullah@students.edu.sg")
        # The nine columns fit a laptop: no sideways scroll at 1280 px.
        assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
        expect(page.get_by_role("heading", name="What comes next")).to_be_visible()
        j.step("import preview", layout=False, docs="admin-import-preview-laptop")
        assert Student.objects.count() == 0  # a preview saves nothing

        page.get_by_role("button", name="Confirm and import").click()
        expect(page).to_have_url(j.url("/admin/accounts/student/"))
        expect(page.locator(".messagelist")).to_contain_text("4 new students")
        # The next step: each class's login slips and cards, as links.
        expect(page.locator(".messagelist")).to_contain_text("Next: print login slips or challenge cards")
        j.step("imported", layout=False, docs="admin-import-next-step")
        page.locator(".messagelist").get_by_role("link", name="5 Courage").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Cards and slips for 5 Courage")
        j.step("slips and cards for the imported class")
        assert Student.objects.filter(school__code="NPS").count() == 4
