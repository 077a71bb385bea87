"""Every main page makes as many queries for a big class (or a long admin list) as for a small one.

Each world is built through the real code paths: children sign in (some wrongly, so axes records
failures and a lock), set up answers, and parents send reset requests through the public form; so a page
that fetched something per child or per row would show it as a higher count for the bigger world.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts import audit
from accounts.models import School
from sspr.answers import set_answers
from sspr.models import ChallengeQuestion
from tests import factories
from tests.helpdesk.conftest import submit
from tests.sso.conftest import register_app

SMALL, BIG = 5, 50

# The exact number of queries of each page (SQLite, the test settings). A change here is a change in
# what every request of that page costs the database: say why in the commit. Issue 17 brought the
# sign-in down from 27 to 15 and the landing page from 9 to 8 (docs/benchmarks.md); with school apps
# listed, the account page asked for them twice (8) until it asked once. The child page read the child's
# card and count of open requests it never shows (12) until it stopped (10). Every signed-in page asked
# for the user's student and teacher profiles after the user (two queries, one for a child) until the
# authentication backend loaded them with the user (accounts/backends.py). The request form read the
# schools (1) until its empty fields were cached (0 once rendered; helpdesk/request_form_cache.py). The
# student list read an ICT admin's one school for a school filter Django then hid, until it left that
# filter out (one fewer). A child's pages read the class after the user (every page asks the child's
# level) until the backend joined it too (6 to 5 on the account page).
EXPECTED = {
    "home": 0, "sign-in": 0, "reset start": 0, "request form": 0,
    "account": 5, "teacher home": 7, "class": 10, "dashboard": 10, "child": 8,
    "admin index": 7, "student list": 11, "audit log": 8,
}  # fmt: skip


def _world(children: int, admin_rows: int) -> dict:
    school = School.objects.create(code=f"Q{children}", name=f"Query Primary {children}")
    klass = factories.make_class(school, 5, f"5 Query {children}")
    kids = [factories.make_student(klass, f"Query Child {children} {i}") for i in range(children)]
    extra_class = factories.make_class(school, 6, f"6 Extra {children}")
    for i in range(admin_rows - children):
        factories.make_student(extra_class, f"Listed Child {children} {i}")
    questions = list(ChallengeQuestion.objects.filter(is_active=True, for_cards=False)[:3])
    for i, kid in enumerate(kids):
        anonymous = Client(REMOTE_ADDR=f"10.{children}.0.{i}")  # a home each, so per-address limits stay out of it
        if i % 2:
            set_answers(kid.user, [(q, f"answer {q.pk}") for q in questions], school_set=False)
        if i % 5 == 0:  # a wrong password; every tenth child is locked out
            for _ in range(5 if i % 10 == 0 else 1):
                anonymous.post("/login/", {"username": kid.user.username, "password": "wrong password 1"})
        if i % 5 == 1:
            submit(anonymous, school, full_name=kid.full_name, class_name=klass.name, login_id=kid.user.username)
    for i in range(admin_rows):
        audit.record(None, "password.temporary", target=f"row-{i}", school=school, channel="it")
    # School apps on the account page: one for every level, one for the child's, one not for it.
    for levels in ((), (5, 6), (2,)):
        register_app(f"App {children} {levels}", levels=levels)
    teacher = factories.make_teacher(school, klass, username=f"teacher_{children}")
    ict = factories.make_teacher(school, username=f"ict_{children}", ict_admin=True)
    ict.user.groups.add(Group.objects.get(name="School ICT admin"))
    child = kids[1]  # has answers, no lock
    return {"class": klass, "child": child, "teacher": teacher.user, "ict": ict.user}


def _pages(world: dict) -> list[tuple[str, object, str]]:
    klass, child = world["class"], world["child"]
    return [
        ("home", None, "/"),
        ("sign-in", None, "/login/"),
        ("reset start", None, "/sspr/"),
        ("request form", None, "/request-reset/"),
        ("account", child.user, "/account/"),
        ("teacher home", world["teacher"], "/teacher/"),
        ("class", world["teacher"], f"/teacher/class/{klass.pk}/"),
        ("dashboard", world["teacher"], f"/teacher/class/{klass.pk}/dashboard/"),
        ("child", world["teacher"], f"/teacher/child/{child.pk}/"),
        ("admin index", world["ict"], "/admin/"),
        ("student list", world["ict"], "/admin/accounts/student/"),
        ("audit log", world["ict"], "/admin/accounts/auditevent/"),
    ]


def _counts(world: dict) -> dict[str, int]:
    counts = {}
    for label, user, path in _pages(world):
        client = Client()
        if user is not None:
            client.force_login(user)
        client.get(path)  # the first request fills per-process caches (content types, sites)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        assert response.status_code == 200, (label, response.status_code, response.get("Location"))
        counts[label] = len(ctx.captured_queries)
    return counts


@pytest.mark.django_db
def test_it_makes_the_same_exact_number_of_queries_for_5_and_50_children_and_for_10_and_1000_rows(questions_seeded):
    small = _counts(_world(SMALL, admin_rows=10))
    big = _counts(_world(BIG, admin_rows=1000))
    grown = {label: (small[label], big[label]) for label in small if small[label] != big[label]}
    assert not grown, f"queries (small world, big world) that grow: {grown}"
    assert small == EXPECTED, f"queries per page now: {small}"


@pytest.fixture
def questions_seeded(db):
    """The question bank the data migration made (restored if an earlier test emptied the database)."""
    assert ChallengeQuestion.objects.filter(is_active=True, for_cards=False).count() >= 3
