"""The admin's temporary-password page hands over the same slips as the
batches print, as a PDF inside the page (nothing is stored)."""

from __future__ import annotations

import base64
import re

import pypdfium2 as pdfium
import pytest

from tests.admin.test_student_actions import _run


@pytest.mark.django_db
def test_it_offers_the_slips_as_a_pdf_with_each_childs_password(client, school_ict_admin, student, settings):
    settings.SITE_ROOT = "https://mims.example.edu.sg"
    client.force_login(school_ict_admin.user)
    response = _run(client, "issue_temporary_passwords", student, confirm=True)
    body = response.content.decode()
    link = re.search(r'href="data:application/pdf;base64,([^"]+)" download="sign-in-slips.pdf"', body)
    assert link and "Print slips (PDF)" in body
    text = pdfium.PdfDocument(base64.b64decode(link.group(1)))[0].get_textpage().get_text_range()
    password = response.context["issued"][0]["password"]
    for expected in (student.full_name, student.login_id, password, "https://mims.example.edu.sg/login/",
                     f"Reference ending {student.student_ref[-4:]}"):
        assert expected in text, expected
    assert "no-store" in response["Cache-Control"]
