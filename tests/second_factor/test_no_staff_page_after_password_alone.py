"""No staff page is reachable after a password alone: every URL under the
teacher pages, batches, the admin and the factor pages is walked."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from .conftest import password_only

STAFF_PREFIXES = ("/teacher/", "/batches/", "/admin/", "/staff/factors/")


def _walk(patterns, prefix: str = ""):
    for p in patterns:
        route = str(p.pattern)
        if route.startswith("^"):  # a regular expression: make a sample path
            route = re.sub(r"\(\?P<\w+>[^)]*\)", "accounts", route.lstrip("^").rstrip("$")).replace("\\", "")
        route = re.sub(r"<(?:int:)?\w+>", "1", route)
        route = re.sub(r"<(?:path|str|slug):\w+>", "x", route)
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + route)
        elif isinstance(p, URLPattern):
            yield "/" + prefix + route


def staff_paths() -> list[str]:
    paths = {p for p in _walk(get_resolver().url_patterns) if p.startswith(STAFF_PREFIXES)}
    paths |= {"/admin/" + p.lstrip("/") for p in _walk(admin.site.get_urls())}
    return sorted(paths)


def test_the_walk_finds_the_staff_pages():
    paths = staff_paths()
    for expected in ("/teacher/", "/teacher/child/1/temporary-password/", "/batches/school/1/promote/",
                     "/admin/accounts/student/", "/admin/accounts/auditevent/export/", "/admin/lockouts/",
                     "/staff/factors/reset/1/"):  # fmt: skip
        assert expected in paths
    assert len(paths) > 60


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["form_teacher", "ict_admin", "moe_it"])
def test_every_staff_page_sends_a_password_only_sign_in_to_the_second_factor(request, role):
    who = request.getfixturevalue(role)
    user = getattr(who, "user", who)
    client = Client(REMOTE_ADDR="10.0.0.1")
    password_only(client, user)
    for path in staff_paths():
        for method in ("get", "post"):
            r = getattr(client, method)(path)
            assert r.status_code == 302, (role, method, path, r.status_code)
            assert r["Location"].startswith("/staff/second-factor/set-up/?next="), (role, method, path)


@pytest.mark.django_db
def test_a_child_never_meets_a_second_factor(client, p2_student):
    r = client.post("/login/", {"username": p2_student.user.username, "password": "sunny2day"})
    assert r["Location"] == "/account/"
    assert client.get("/account/").status_code == 200
    assert client.get("/staff/second-factor/").status_code == 404
    assert client.get("/staff/second-factor/set-up/").status_code == 404


@pytest.mark.django_db
def test_a_temporary_password_is_changed_after_the_second_factor(form_teacher):
    """Two required steps, one after the other, never a loop between them."""
    from .conftest import enrol_app, recovery_sheet

    form_teacher.user.set_temporary_password("temp-pass-42")
    form_teacher.user.save()
    client = Client(REMOTE_ADDR="10.0.0.1")
    client.post("/staff/sign-in/", {"username": "ms_tan", "password": "temp-pass-42"})
    assert client.get("/teacher/")["Location"].startswith("/staff/second-factor/set-up/")
    assert client.get("/account/password/")["Location"].startswith("/staff/second-factor/set-up/")
    enrol_app(client, form_teacher.user)
    assert len(recovery_sheet(client)) == 10  # the sheet first, not lost to the next step
    assert client.get("/teacher/")["Location"] == "/account/password/"
    assert client.get("/account/password/").status_code == 200
