"""The admin's add and change forms say what to type in an empty box, like
the portal's (accounts.plain_errors.PlainErrorsAdmin), never Django's "This
field is required.": on every admin a user may add with, and in inlines."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation
from oauth2_provider.models import Application

from accounts.models import School, SchoolClass, Teacher, User
from sspr.models import ChallengeQuestion

DJANGO_REQUIRED = "This field is required."
PLAIN = re.compile(r"(Type something in|Pick one for|Tick|Choose a file for) “[^”]+”")


def _hidden_fields(page: str) -> dict[str, str]:
    """The hidden inputs of the add page (the inlines' management forms)."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page):
        if 'type="hidden"' in tag and (name := re.search(r'name="([^"]+)"', tag)):
            value = re.search(r'value="([^"]*)"', tag)
            fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return fields


def _post_empty(client, url: str, **data: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, url
    response = client.post(url, {**_hidden_fields(page.content.decode()), **data})
    assert response.status_code == 200, f"{url}: {response.status_code}"  # the form again, with its errors
    return html.unescape(response.content.decode())


@pytest.mark.django_db
class TestPlainRequiredInTheAdmin:
    def test_it_says_what_to_type_on_every_add_form(self, client, moe_it):
        client.force_login(moe_it)
        checked = []
        for model, model_admin in admin.site._registry.items():
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
            if client.get(url).status_code != 200:  # no adding here (the audit log)
                continue
            page = _post_empty(client, url)
            assert DJANGO_REQUIRED not in page, f"{model.__name__}: {DJANGO_REQUIRED}"
            if "errorlist" in page:
                assert PLAIN.search(page), f"{model.__name__}: an empty box without a plain message"
            checked.append(model)
        assert {School, SchoolClass, Teacher, User, Group, ChallengeQuestion, Application} <= set(checked), checked

    def test_each_empty_box_says_its_own_label(self, client, moe_it):
        client.force_login(moe_it)
        page = _post_empty(client, reverse("admin:accounts_school_add"))
        assert "Type something in “Name”." in page and "Type something in “Code”." in page
        page = _post_empty(client, reverse("admin:accounts_schoolclass_add"))
        assert "Pick one for “School”." in page

    def test_a_school_ict_admin_gets_them_too(self, client, school_ict_admin):
        client.force_login(school_ict_admin.user)
        page = _post_empty(client, reverse("admin:accounts_schoolclass_add"))
        assert DJANGO_REQUIRED not in page and PLAIN.search(page)

    def test_an_inline_says_what_to_type(self, client, moe_it):
        """A school app's inline begun (its icon typed) but not finished."""
        client.force_login(moe_it)
        page = _post_empty(client, reverse("admin:oauth2_provider_application_add"), **{"school_app-0-icon": "AB"})
        assert "Type something in “Launch address”." in page
        assert "Type something in “Short description”." in page
        assert DJANGO_REQUIRED not in page

    def test_the_change_forms_too(self, client, moe_it, school, student):
        client.force_login(moe_it)
        url = reverse("admin:accounts_school_change", args=[school.pk])
        page = _post_empty(client, url, name="", code="")
        assert "Type something in “Name”." in page and DJANGO_REQUIRED not in page
        # Students are only changed (they arrive through the import).
        page = _post_empty(client, reverse("admin:accounts_student_change", args=[student.pk]), full_name="")
        assert "Type something in “Full name”." in page and DJANGO_REQUIRED not in page

    def test_messages_follow_the_language(self, client, moe_it, settings):
        """Worked out for each form, not once: the next page in Chinese says it in Chinese."""
        client.force_login(moe_it)
        _post_empty(client, reverse("admin:accounts_school_add"))
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        with translation.override("en"):  # the middleware leaves Chinese active: put back what was
            page = _post_empty(client, reverse("admin:accounts_school_add"))
        assert "请在“" in page and "Type something in" not in page  # "Type something in “…”." in Chinese
