"""One source of the portal's address: SITE_ROOT, on cards, slips, QR codes,
e-mails and the teacher's slip; a warning while it is the laptop default in
production (deploy check and the admin's banner)."""

from __future__ import annotations

import io
import re

import pypdfium2 as pdfium
import pytest
from django.core import checks
from django.urls import reverse
from django.utils import translation

from accounts.site import DEFAULT_SITE_ROOT, site_url
from batches import pdf
from sspr.cards import login_url

REAL = "https://mims.example.edu.sg"
ITEM = {
    "school": "North Primary School", "school_class": "2 Joy", "name": "Tan Wei Ming", "ref": "0042",
    "login_id": "tan_wei_ming@students.edu.sg", "questions": ["Q1?", "Q2?", "Q3?"], "answers": ["a", "b", "c"],
    "password": "bamo-tize-47",
}


def _text(data: bytes) -> str:
    return "\n".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(data))


def _deploy_warnings() -> list[str]:
    return [m.id for m in checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])]


class TestOneAddress:
    def test_cards_slips_and_qr_codes_print_site_root(self, settings):
        settings.SITE_ROOT = REAL
        item = {**ITEM, "url": login_url(ITEM["login_id"])}
        assert item["url"] == f"{REAL}/login/?id=tan_wei_ming%40students.edu.sg"
        for render, expected in ((pdf.render_cards, f"Sign in at {REAL}"), (pdf.render_slips, f"{REAL}/login/")):
            out = io.BytesIO()
            with translation.override("en"):
                render(out, [item])
            text = _text(out.getvalue())
            assert expected in text and "127.0.0.1" not in text

    @pytest.mark.django_db
    def test_the_teachers_slip_shows_site_root_whatever_host_was_asked(self, settings, client, form_teacher, student):
        settings.SITE_ROOT = REAL
        client.force_login(form_teacher.user)
        page = client.get(reverse("teacher:child", args=[student.pk])).content.decode()
        stamp = re.search(r'name="stamp" value="([^"]+)"', page).group(1)
        slip = client.post(reverse("teacher:password", args=[student.pk]), {"stamp": stamp}).content.decode()
        assert f"{REAL}/login/" in slip and "testserver" not in slip

    def test_site_url_joins_the_path(self, settings):
        settings.SITE_ROOT = REAL
        assert site_url() == REAL and site_url("/login/") == f"{REAL}/login/"


class TestDefaultAddressWarning:
    def test_deploy_check_warns_in_production_with_the_default(self, settings):
        settings.DEBUG, settings.SITE_ROOT = False, DEFAULT_SITE_ROOT
        assert "accounts.W101" in _deploy_warnings()

    def test_no_warning_with_a_real_address_or_while_developing(self, settings):
        settings.DEBUG, settings.SITE_ROOT = False, REAL
        assert "accounts.W101" not in _deploy_warnings()
        settings.DEBUG, settings.SITE_ROOT = True, DEFAULT_SITE_ROOT
        assert "accounts.W101" not in _deploy_warnings()

    @pytest.mark.django_db
    def test_the_admin_shows_it_on_every_page(self, settings, client, moe_it):
        client.force_login(moe_it)
        settings.DEBUG, settings.SITE_ROOT = False, DEFAULT_SITE_ROOT
        for url in (reverse("admin:index"), reverse("admin:accounts_student_changelist")):
            assert "The portal&#x27;s address is still http://127.0.0.1:8000" in client.get(url).content.decode()
        settings.SITE_ROOT = REAL
        assert "The portal&#x27;s address is still" not in client.get(reverse("admin:index")).content.decode()
