"""The form teacher's temporary-password page offers the same printable PDF
slip as the admin's (batches/slips.py): inside the page, a data: link, so the
password is in no request URL, no log, no cache and no file kept anywhere."""

from __future__ import annotations

import base64
import logging
import re

import pypdfium2 as pdfium
import pytest

from helpdesk.flows import password_stamp

pytestmark = pytest.mark.django_db


def _url(student) -> str:
    return f"/teacher/child/{student.pk}/temporary-password/"


def _issue(client, student):
    return client.post(_url(student), {"stamp": password_stamp(student.user)})


def _slip(page: str) -> bytes:
    match = re.search(r'href="data:application/pdf;base64,([A-Za-z0-9+/=]+)" download="sign-in-slip.pdf"', page)
    assert match, "no PDF slip on the page"
    return base64.b64decode(match.group(1))


class TestTheTeachersPdfSlip:
    def test_it_prints_the_child_and_the_password_just_issued(self, client, student, form_teacher, settings):
        settings.SITE_ROOT = "https://mims.example.edu.sg"
        client.force_login(form_teacher.user)
        response = _issue(client, student)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        page = response.content.decode()
        password = re.search(r'<span class="secret">([^<]+)</span>', page).group(1)
        data = _slip(page)
        assert data.startswith(b"%PDF")
        text = pdfium.PdfDocument(data)[0].get_textpage().get_text_range()
        for printed in (password, student.user.login_id, "https://mims.example.edu.sg/login/"):
            assert printed in text, printed
        assert " ".join(student.full_name.split()) in " ".join(text.split())
        student.user.refresh_from_db()
        assert student.user.check_password(password)  # the slip's password is the one that works

    def test_the_password_is_in_no_url_and_no_log(self, client, student, form_teacher, caplog):
        client.force_login(form_teacher.user)
        with caplog.at_level(logging.DEBUG):
            response = _issue(client, student)
        page = response.content.decode()
        password = re.search(r'<span class="secret">([^<]+)</span>', page).group(1)
        assert password not in response.request["PATH_INFO"] and password not in response.request["QUERY_STRING"]
        slip = re.search(r"base64,([A-Za-z0-9+/=]{80})", page).group(1)  # the PDF's start, as on the page
        assert caplog.records  # the request was logged (so the test can see what was)
        assert not [r for r in caplog.records if password in r.getMessage() or slip in r.getMessage()]

    def test_it_answers_only_a_post(self, client, student, form_teacher):
        client.force_login(form_teacher.user)
        assert client.get(_url(student)).status_code == 405
        student.user.refresh_from_db()
        assert not student.user.must_change_password

    def test_another_teacher_gets_404_and_the_child_keeps_their_password(self, client, student, other_teacher):
        before = student.user.password
        client.force_login(other_teacher.user)
        response = _issue(client, student)
        assert response.status_code == 404 and b"application/pdf" not in response.content
        student.user.refresh_from_db()
        assert student.user.password == before
