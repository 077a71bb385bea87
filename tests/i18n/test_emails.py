"""The e-mails read well in every language: each template renders translated,
with the child's name and login ID exactly as they are."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

LANGUAGES = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
TEMPLATES = sorted(p.name for p in (Path(settings.BASE_DIR) / "templates" / "emails").iterdir())
LOGIN_ID = "tan_xiao_ming@students.edu.sg"
NAME = "Tan Xiao Ming"


class _Class(SimpleNamespace):
    def __str__(self) -> str:
        return self.name


def context(matched: bool = True) -> dict:
    student = SimpleNamespace(full_name=NAME, login_id=LOGIN_ID, school_class=_Class(name="2 Joy"))
    return {
        "user": SimpleNamespace(login_id=LOGIN_ID),
        "student": student if matched else None,
        "reset_request": SimpleNamespace(full_name=NAME, class_name="2 joy", get_requester_display="a parent"),
        "site_root": "https://mims.example.edu.sg",
        "link": "https://mims.example.edu.sg/teacher/child/1/",
    }


def render(name: str, code: str, matched: bool = True) -> str:
    with translation.override(code):
        return render_to_string(f"emails/{name}", context(matched))


class TestEmails:
    @pytest.mark.parametrize("code", LANGUAGES)
    @pytest.mark.parametrize("name", TEMPLATES)
    @pytest.mark.parametrize("matched", [True, False])
    def test_it_translates_every_email(self, name, code, matched):
        english, translated = render(name, "en", matched), render(name, code, matched)
        assert translated.strip() != english.strip(), f"{name} is not translated into {code}"
        for kept in (LOGIN_ID, NAME):
            if kept in english:
                assert kept in translated, f"{name} in {code} lost {kept!r}"
