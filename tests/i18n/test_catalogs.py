"""The translations are complete, current and compiled.

The .mo files are committed, so a machine without GNU gettext still serves every
language; these tests make sure they are what the .po files say, and that the
.po files hold every string the code and templates ask for. After changing a
string: `make messages`, translate the new entries, then
`.venv/bin/python manage.py compilemessages --ignore=.venv`.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import to_locale

from .catalogs import compiled, messages_in_tree, parse_po

BASE = Path(settings.BASE_DIR)
LOCALE = BASE / "locale"
LANGUAGES = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# The same folders `make messages` leaves out.
NOT_SCANNED = {"tests", "bench", "var", ".venv", "locale", "docs", "static", "scripts"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sd]|\{\{\s*\w+\s*\}\}")
TAG = re.compile(r"</?[a-z]+\b")
# Words that are the same in every language: login IDs, the example name, the e-mail domain.
NEVER_TRANSLATED = re.compile(
    r"[a-z]+(?:_[a-z]+)+(?:@[a-z]+(?:\.[a-z]+)+)?|@[a-z]+(?:\.[a-z]+)+|Muhammad Ali Bin Muhammad Raihan"
)


def catalog(code: str) -> Path:
    return LOCALE / to_locale(code) / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="module")
def code_messages() -> dict:
    return messages_in_tree(BASE, NOT_SCANNED)


@pytest.mark.parametrize("code", LANGUAGES)
class TestCatalogs:
    def test_it_has_a_catalog_and_a_compiled_file(self, code):
        assert catalog(code).exists(), f"run make messages for {code}"
        assert catalog(code).with_suffix(".mo").exists(), "run manage.py compilemessages --ignore=.venv"

    def test_it_translates_every_entry(self, code):
        entries = parse_po(catalog(code))
        untranslated = [e.msgid for e in entries if e.msgid and not (e.msgstr and all(e.msgstr.values()))]
        fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
        obsolete = [e.msgid for e in entries if e.obsolete]
        assert not untranslated, f"{code}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
        assert not fuzzy, f"{code}: fuzzy entries (check, then remove the flag): {fuzzy[:5]}"
        assert not obsolete, f"{code}: obsolete entries, run make messages (it passes --no-obsolete): {obsolete[:5]}"

    def test_it_has_every_string_the_code_asks_for_and_no_other(self, code, code_messages):
        in_catalog = {e.key for e in parse_po(catalog(code)) if e.msgid and not e.obsolete}
        missing = {k: code_messages[k] for k in code_messages.keys() - in_catalog}
        stale = in_catalog - code_messages.keys()
        assert not missing, f"{code}: not in the catalog (run make messages and translate): {missing}"
        assert not stale, f"{code}: in the catalog but no longer in the code (run make messages): {stale}"

    def test_it_keeps_placeholders_tags_and_login_ids(self, code):
        for e in parse_po(catalog(code)):
            if not e.msgid:
                continue
            # Every form of a plural entry says the plural's placeholders (zh and ms have one form).
            expected = set(PLACEHOLDER.findall(e.msgid_plural or e.msgid))
            for text in e.msgstr.values():
                found = set(PLACEHOLDER.findall(text))
                assert found == expected, f"{code}: placeholders differ: {e.msgid!r} → {text!r}"
                assert sorted(TAG.findall(text)) == sorted(TAG.findall(e.msgid)), f"{code}: tags differ in {text!r}"
                for word in NEVER_TRANSLATED.findall(e.msgid):
                    assert word in text, f"{code}: {word!r} must stay as it is in {text!r}"

    def test_it_compiled_the_committed_mo_file_from_the_po_file(self, code):
        with catalog(code).with_suffix(".mo").open("rb") as f:
            mo = gettext.GNUTranslations(f)._catalog  # the parsed messages, exactly as Django reads them
        po = compiled(parse_po(catalog(code)))
        differing = sorted(str(k) for k in po.keys() | mo.keys() if po.get(k) != mo.get(k))
        assert not differing, f"{code}: .mo is out of date (run compilemessages): {differing[:5]}"

    def test_it_is_what_django_serves(self, code):
        with translation.override(code):
            assert translation.gettext("Sign in") != "Sign in"
            assert translation.get_language() == code


@pytest.mark.django_db
class TestLanguageSwitcher:
    @pytest.mark.parametrize(
        ("code", "heading"),
        [("en", "Your MIMS account"), ("zh-hans", "你的 MIMS 账户"), ("ms", "Akaun MIMS anda"),
         ("ta", "உங்கள் MIMS கணக்கு")],
    )
    def test_it_remembers_the_choice_in_a_cookie(self, client: Client, code, heading):
        r = client.post("/i18n/setlang/", {"language": code, "next": "/"})
        assert r.status_code == 302 and r["Location"] == "/"
        assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == code
        page = client.get("/").content.decode()
        assert f'<html lang="{code}"' in page
        assert heading in page

    def test_the_picker_shows_the_pages_language_and_comes_back_to_the_page(self, client: Client):
        """Its list is rendered once per language (mims_portal/templatetags/language_picker.py);
        the page to come back to is each page's own."""
        for code, label, button in [("ms", "Bahasa", "Tukar"), ("en", "Language", "Change"),
                                    ("ta", "மொழி", "மாற்று"), ("ms", "Bahasa", "Tukar")]:
            client.post("/i18n/setlang/", {"language": code, "next": "/"})
            for path, next_value in [("/", "/"), ("/login/?next=/account/", "/login/?next=/account/"),
                                     ("/sspr/?a=1&b=<2>", "/sspr/?a=1&amp;b=%3C2%3E")]:
                footer = client.get(path).content.decode().split('<footer class="site-footer">', 1)[1]
                assert f'<input name="next" type="hidden" value="{next_value}">' in footer
                assert re.findall(r'<option value="([^"]+)"[^>]*\bselected>', footer) == [code]
                assert f'<label for="language">{label}</label>' in footer
                assert f">{button}</button>" in footer

    def test_it_follows_the_browser_language_until_one_is_chosen(self, client: Client):
        page = client.get("/", headers={"accept-language": "ms-MY,ms;q=0.9"}).content.decode()
        assert '<html lang="ms"' in page and "Akaun MIMS anda" in page

    def test_it_ignores_an_unknown_language(self, client: Client):
        r = client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
        assert r.status_code == 302
        assert settings.LANGUAGE_COOKIE_NAME not in client.cookies
