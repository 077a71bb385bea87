"""The request form's empty fields come from the cache (helpdesk/request_form_cache.py), and nobody
can tell: the same HTML as freshly rendered in every language, a school added or renamed shows at once
(after its commit), and a form sent back with errors keeps what was typed.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import School
from tests import factories

from .conftest import request_data

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _form(client: Client) -> tuple[str, int]:
    """The page (without its CSRF token) and how many queries it took."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/request-reset/")
    assert response.status_code == 200
    return _CSRF.sub("", response.content.decode()), len(ctx.captured_queries)


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_the_cached_form_is_the_form_rendered_afresh(school, language):
    client = Client(headers={"accept-language": language})
    fresh, fresh_queries = _form(client)
    cached, cached_queries = _form(client)
    assert cached == fresh
    assert (fresh_queries, cached_queries) == (1, 0)  # the schools were read once, then not again
    assert f'lang="{language}"' in cached.lower()


def test_a_school_added_or_renamed_shows_at_once(school, django_capture_on_commit_callbacks):
    client = Client()
    assert "North Primary School" in _form(client)[0]
    with django_capture_on_commit_callbacks(execute=True):
        factories.make_school("WPS", "West Primary School")
    assert "West Primary School" in _form(client)[0]
    with django_capture_on_commit_callbacks(execute=True):
        renamed = School.objects.get(code="WPS")
        renamed.name = "Westwood Primary School"
        renamed.save()
    page = _form(client)[0]
    assert "Westwood Primary School" in page and "West Primary School" not in page


def test_a_change_rolled_back_keeps_the_cached_list(school):
    client = Client()
    _form(client)
    version = cache.get("mims:schools-version")
    factories.make_school("WPS", "West Primary School")  # never committed (the test's transaction)
    assert cache.get("mims:schools-version") == version


def test_a_form_with_errors_is_rendered_afresh_with_what_was_typed(school):
    client = Client()
    _form(client)  # the empty fields are cached now
    response = client.post("/request-reset/", request_data(school, full_name="Tan Xiao Ming", class_name=""))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Tan Xiao Ming"' in page and "Type the class, for example 4 Courage." in page
    assert _form(client)[0].count('value="Tan Xiao Ming"') == 0  # and the cached empty form is still empty
