"""The Jinja2 form renderer (mims_portal/form_renderer.py) gives the same HTML as Django's own.

Every page with a form is fetched twice, once with Django's template renderer and once with ours, and
the two pages must be the same HTML (Django's ``assertHTMLEqual``: the same elements, attributes and
text; Jinja2's templates differ from Django's only in insignificant whitespace and in how they write an
escaped quote, ``&#39;`` for ``&#x27;``), bar the CSRF token, which is new on every request: the
public forms empty, with errors and with values that need escaping, a child's and a teacher's pages,
and for MOE IT every admin list, add page and change page (the admin's own widgets, which exist only as
Django templates, go through the fallback).
"""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.test.html import parse_html
from django.urls import reverse

from sspr.answers import set_answers
from sspr.models import ChallengeQuestion
from tests.helpdesk.conftest import open_request, request_data

DJANGO = "django.forms.renderers.DjangoTemplates"
OURS = "mims_portal.form_renderer.FormRenderer"
# New on every request: the CSRF token, the CSP nonce, a new app's generated client id and secret.
_PER_REQUEST = re.compile(
    r'(name="csrfmiddlewaretoken" value=|nonce=|name="(?:initial-)?client_(?:id|secret)" value=)"[^"]*"'
)


def _page(settings, renderer: str, client: Client, method: str, path: str, data: dict | None = None) -> str:
    settings.FORM_RENDERER = renderer
    cache.clear()  # the request form's empty fields are cached once rendered (helpdesk/request_form_cache.py)
    response = getattr(client, method)(path, data or {})
    assert response.status_code in (200, 400), (path, response.status_code, response.get("Location"))
    return _PER_REQUEST.sub(r'\1"…"', response.content.decode())


def assert_same(settings, client: Client, method: str, path: str, data: dict | None = None) -> None:
    django_html = _page(settings, DJANGO, client, method, path, data)
    ours = _page(settings, OURS, client, method, path, data)
    assert parse_html(ours) == parse_html(django_html), f"{method.upper()} {path} renders differently"


@pytest.mark.django_db
class TestFormRendererTestCase:
    def test_it_renders_the_public_forms_like_django(self, settings, school, student):
        anonymous = Client()
        for path in ("/login/", "/sspr/", "/request-reset/", "/staff/sign-in/"):
            assert_same(settings, anonymous, "get", path)
            assert_same(settings, anonymous, "post", path)  # every field's error
        # Values that need escaping, given back in the boxes (and a radio choice kept).
        odd = "O'Brien <b>&\" Tan"
        assert_same(settings, anonymous, "post", "/login/", {"username": odd, "password": ""})
        assert_same(settings, anonymous, "post", "/request-reset/",
                    request_data(school, full_name=odd, class_name=odd, school="", note=odd))

    def test_it_renders_a_childs_pages_like_django(self, settings, student):
        questions = list(ChallengeQuestion.objects.filter(is_active=True, for_cards=False)[:3])
        set_answers(student.user, [(q, f"answer {q.pk}") for q in questions], school_set=False)
        child = Client()
        child.force_login(student.user)
        for path in ("/account/", "/account/password/", "/account/sessions/", "/sspr/setup/"):
            assert_same(settings, child, "get", path)
        assert_same(settings, child, "post", "/account/password/", {"old_password": "x'<"})

    def test_it_renders_a_teachers_pages_like_django(self, settings, form_teacher, student, p5_class):
        open_request(student)
        teacher = Client()
        teacher.force_login(form_teacher.user)
        for path in ("/teacher/", f"/teacher/class/{p5_class.pk}/", f"/teacher/class/{p5_class.pk}/dashboard/",
                     f"/teacher/child/{student.pk}/", f"/batches/class/{p5_class.pk}/"):
            assert_same(settings, teacher, "get", path)

    def test_it_renders_every_admin_list_add_and_change_page_like_django(self, settings, moe_it, student,
                                                                        form_teacher, ict_admin):
        open_request(student)
        it = Client()
        it.force_login(moe_it)
        request = RequestFactory().get("/admin/")
        request.user = moe_it
        paths = ["/admin/"]
        for model, model_admin in admin.site._registry.items():
            name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            if model_admin.has_view_permission(request):
                paths.append(reverse(f"{name}_changelist"))
            if model_admin.has_add_permission(request):
                paths.append(reverse(f"{name}_add"))
            if (first := model._default_manager.first()) is not None:
                paths.append(reverse(f"{name}_change", args=[first.pk]))
        assert f"/admin/accounts/student/{student.pk}/change/" in paths
        for path in paths:
            assert_same(settings, it, "get", path)
