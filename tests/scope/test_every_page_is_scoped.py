"""Every page and every admin action, walked by each staff persona with the
objects just outside their scope: another school's, another class's, an
inactive class's, a child who left.

The URL patterns come from the resolver, so a new page is walked without
anyone adding it here; a new URL that takes an object's id fails
``test_it_knows_what_every_url_argument_is`` until it is named below. An
object outside the scope must answer exactly like a missing one (404, or for
the admin the same answer the admin gives a missing id), change nothing, and
no page may show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from django_tasks_db.models import DBTaskResult
from oauth2_provider.models import Application

from accounts import audit, notices
from accounts.models import AuditEvent, School, SchoolClass, Student, Teacher, UndeliveredNotice, User
from batches import runner
from batches.admin import ClassBatchActions, StudentBatchActions
from batches.models import Batch
from helpdesk import flows
from helpdesk.models import ResetRequest
from sspr.models import ChallengeAnswer, ChallengeQuestion, ResetLock
from sspr.questions import seed_questions
from tests import factories

MISSING = 987654321

# URLs whose argument names an object, other than the admin's own model URLs
# (whose view knows its model admin).
OBJECT_URLS: dict[str, type] = {
    "teacher:class": SchoolClass,
    "teacher:dashboard": SchoolClass,
    "teacher:child": Student,
    "teacher:password": Student,
    "teacher:clear_answers": Student,
    "teacher:unlock_signin": Student,
    "teacher:unlock_reset": Student,
    "teacher:close_request": ResetRequest,
    "batches:class": SchoolClass,
    "batches:school": School,
    "batches:promote": School,
    "batches:detail": Batch,
    "batches:status": Batch,
    "batches:download": Batch,
    "batches:resume": Batch,
    "admin:accounts_student_export_class": SchoolClass,
    "admin:accounts_student_records": Student,
    "admin:accounts_student_records_json": Student,
    "admin:helpdesk_resetrequest_match": ResetRequest,
    "admin:auth_user_password_change": User,
    "admin:view_on_site": Student,
    "second_factor:reset": User,
    "second_factor:school_policy": School,
}
# URLs whose arguments are not an object's id; scoped by a query instead (see QUERY_SCOPED).
NOT_AN_OBJECT = {
    "mims_admin:reports_csv": "the kind of report; the school is ?school=",
    "admin:app_list": "an app label",
    "admin:catch_all": "any other address under /admin/",
}
# Rows shared by every school, or not about one: no school to be outside of.
SHARED = {Group, DBTaskResult, ChallengeQuestion, Application}


@dataclass
class Route:
    route: str
    name: str
    params: list[str]
    model: type | None
    is_admin: bool

    def url(self, obj: Any) -> str:
        pk = obj if isinstance(obj, int) else obj.pk
        values = {name: pk for name in self.params}
        if "content_type_id" in values:
            values["content_type_id"] = ContentType.objects.get_for_model(self.model).pk
        path = self.route
        for name, value in values.items():
            start = path.index("<")
            path = path[:start] + str(value) + path[path.index(">", start) + 1 :]
            assert name in self.route
        return "/" + path


def _routes() -> list[Route]:
    found = []

    def walk(patterns: list, prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(filter(None, [namespace, p.namespace]))
                walk(p.url_patterns, prefix + str(p.pattern), ns)
                continue
            assert isinstance(p, URLPattern)
            name = p.name or ("catch_all" if "(?P<url>" in str(p.pattern) else "")
            qualified = f"{namespace}:{name}" if namespace and name else name
            model_admin = getattr(p.callback, "model_admin", None)
            model = model_admin.model if model_admin is not None else OBJECT_URLS.get(qualified)
            params = list(p.pattern.converters) if hasattr(p.pattern, "converters") else ["?"]
            found.append(Route(prefix + str(p.pattern), qualified, params, model, prefix.startswith("admin/")))

    walk(get_resolver().url_patterns, "", "")
    return found


ROUTES = _routes()
WITH_OBJECT = [r for r in ROUTES if r.params and r.name not in NOT_AN_OBJECT and r.model not in SHARED]
WITHOUT_ARGUMENTS = [r for r in ROUTES if not r.params]


# --- The world ----------------------------------------------------------------


@dataclass
class Persona:
    user: User
    outside: dict[type, list[Any]]
    walks_admin: bool = True  # MOE IT see every school's records in the admin
    markers: list[str] = field(default_factory=list)  # words no page may show them
    inside: dict[type, list[Any]] = field(default_factory=dict)  # their own, whose pages must not show the rest


@pytest.fixture
def world(db, school, other_school, p5_class, student, form_teacher, other_teacher, ict_admin):
    seed_questions()
    ict_admin.user.groups.add(Group.objects.get(name="School ICT admin"))
    a5, mine = p5_class, student
    a5.name = "5 Kestrel"  # a name no help text uses ("such as 5 Courage")
    a5.save()
    a_hope = other_teacher.form_classes.get()
    # A class of last year that the form teacher took, with a batch they asked for then.
    a_old = factories.make_class(school, 3, "3 Yesteryear", year=2025)
    form_teacher.form_classes.add(a_old)
    old = factories.make_student(a_old, "Oldie Yesteryear Lim")
    left = factories.make_student(a5, "Lefty Leaver Tan", is_active=False)  # left school this year
    sibling = factories.make_student(a_hope, "Hopeful Sibling Goh")
    b5 = factories.make_class(other_school, 5, "5 Faraway")
    far = factories.make_student(b5, "Faraway Child Ng")
    ict_b = factories.make_teacher(other_school, username="ict_b", ict_admin=True)
    ict_b.user.groups.add(Group.objects.get(name="School ICT admin"))
    teacher_b = factories.make_teacher(other_school, b5, username="teacher_b")
    moe = User.objects.create_superuser("moe_it", password=factories.PASSWORD)

    def batch(by: User, *children: Student) -> Batch:
        return runner.create_batch(
            kind=Batch.Kind.SLIPS, requested_by=by, school=children[0].school, students=children, queue=False
        )

    batch_old = batch(form_teacher.user, old)
    SchoolClass.objects.filter(pk=a_old.pk).update(is_active=False)
    batch_mine = batch(form_teacher.user, mine)
    batch_a = batch(ict_admin.user, sibling)
    batch_b = batch(ict_b.user, far)

    public = RequestFactory().post("/request-reset/", REMOTE_ADDR="10.1.1.1")

    def ask(child: Student | None, school_: School) -> ResetRequest:
        code = flows.submit_request(
            public, school=school_, full_name=child.full_name if child else "Nobody Known Here",
            class_name=child.school_class.name if child else "9 Nowhere", login_id=child.user.username if child else "",
            requester="parent", contact="", note="",
        )  # fmt: skip
        return code.request

    r_mine, r_left, r_old, r_sibling, r_far = (ask(c, c.school) for c in (mine, left, old, sibling, far))
    r_unmatched = ask(None, school)
    assert r_left.student == left and r_unmatched.student is None
    event_a = audit.record(None, "password.temporary", target=mine.login_id, school=school, channel="it")
    event_b = audit.record(None, "password.temporary", target=far.login_id, school=other_school, channel="it")
    # A notice that reached no one, in each school's list (accounts/notices.py).
    for child in (mine, far):
        ref = {"student": ["accounts.Student", child.pk]}
        notices.deliver("sspr-locked", [None], child.school_id, child.login_id, ref, {})
    notice_a, notice_b = (UndeliveredNotice.objects.get(school=s, notice="sspr-locked") for s in (school, other_school))
    for child in (mine, left, old, sibling, far):
        AccessAttempt.objects.create(
            username=child.user.username, ip_address="10.0.0.1", user_agent="x", failures_since_start=5,
            get_data="", post_data="", http_accept="", path_info="/login/",
        )  # fmt: skip

    def names(*objects: Any) -> list[str]:
        return [o.full_name if isinstance(o, Student) else o.name for o in objects]

    teacher_outside = {
        School: [school, other_school],
        User: [left.user, old.user, sibling.user, far.user, ict_admin.user],
        Teacher: [teacher_b],
        AuditEvent: [event_b],
        UndeliveredNotice: [notice_a, notice_b],
    }
    return {
        "form teacher": Persona(
            form_teacher.user,
            {
                **teacher_outside,
                SchoolClass: [a_old, a_hope, b5],
                Student: [left, old, sibling, far],
                ResetRequest: [r_left, r_old, r_sibling, r_far, r_unmatched],
                Batch: [batch_old, batch_a, batch_b],
            },
            markers=names(a_hope, b5, a_old, left, old, sibling, far),
            inside={SchoolClass: [a5], Student: [mine], ResetRequest: [r_mine], Batch: [batch_mine]},
        ),
        "other-class teacher": Persona(
            other_teacher.user,
            {
                **teacher_outside,
                SchoolClass: [a5, a_old, b5],
                Student: [mine, left, old, far],
                ResetRequest: [r_mine, r_left, r_old, r_far, r_unmatched],
                Batch: [batch_old, batch_mine, batch_a, batch_b],
            },
            markers=names(a5, a_old, b5, mine, left, old, far),
            inside={SchoolClass: [a_hope], Student: [sibling], ResetRequest: [r_sibling]},
        ),
        "ICT admin of another school": Persona(
            ict_b.user,
            {
                School: [school],
                SchoolClass: [a5, a_old, a_hope],
                Student: [mine, left, old, sibling],
                User: [mine.user, left.user, form_teacher.user, ict_admin.user],
                Teacher: [form_teacher, other_teacher, ict_admin],
                ResetRequest: [r_mine, r_left, r_old, r_sibling, r_unmatched],
                Batch: [batch_old, batch_mine, batch_a],
                AuditEvent: [event_a],
                UndeliveredNotice: [notice_a],
            },
            markers=[school.name, *names(a5, a_old, a_hope, mine, left, old, sibling)],
            inside={School: [other_school], SchoolClass: [b5], Student: [far], ResetRequest: [r_far], Batch: [batch_b]},
        ),
        "MOE IT": Persona(
            moe,
            {
                SchoolClass: [a_old],
                Student: [left, old],
                ResetRequest: [r_left, r_old],
                Batch: [batch_old, batch_mine, batch_a, batch_b],  # asked for by others
            },
            walks_admin=False,
            markers=names(left, old),  # no work page lists them; the admin does (records)
            inside={School: [school], SchoolClass: [a5], Student: [mine], ResetRequest: [r_mine]},
        ),
    }


def _state() -> dict[str, Any]:
    """Everything an action on a child, a class or a request could change."""
    return {
        "users": list(User.objects.order_by("pk").values_list("pk", "password", "is_active", "username", "email")),
        "students": list(Student.objects.order_by("pk").values_list("pk", "full_name", "school_class", "student_ref")),
        "classes": list(SchoolClass.objects.order_by("pk").values_list("pk", "name", "is_active", "level", "year")),
        "schools": list(School.objects.order_by("pk").values_list("pk", "name", "code")),
        "teachers": list(Teacher.objects.order_by("pk").values_list("pk", "school", "user")),
        "requests": list(ResetRequest.objects.order_by("pk").values_list("pk", "state", "student", "handled_by")),
        "answers": ChallengeAnswer.objects.count(),
        "batches": list(Batch.objects.order_by("pk").values_list("pk", "status")),
        "locks": (AccessAttempt.objects.count(), ResetLock.objects.count()),
        # What was done to someone (an export of nothing is audited too, and changes no one).
        "done": list(
            AuditEvent.objects.filter(outcome=AuditEvent.Outcome.SUCCESS)
            .exclude(action="audit.exported")
            .values_list("action", "target")
        ),
    }


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")


def _answer(response) -> tuple[int, str]:
    return response.status_code, response.get("Location", "")


# --- The walk -------------------------------------------------------------------


def test_it_knows_what_every_url_argument_is():
    unknown = [f"{r.route} ({r.name})" for r in ROUTES if r.params and r.name not in NOT_AN_OBJECT and r.model is None]
    assert unknown == [], "Say in OBJECT_URLS which model these URLs' ids name"


PERSONAS = ["form teacher", "other-class teacher", "ICT admin of another school", "MOE IT"]


@pytest.mark.parametrize("who", PERSONAS)
def test_it_answers_404_for_every_object_outside_the_scope(world, who):
    persona = world[who]
    client = Client()
    client.force_login(persona.user)
    before = _state()
    wrong = []
    for route in WITH_OBJECT:
        if route.is_admin and not persona.walks_admin:
            continue
        if route.model not in persona.outside and route.model not in (School, User, Teacher, AuditEvent):
            wrong.append(f"{route.name}: no outside object of {route.model.__name__} for {who}")
            continue
        for obj in persona.outside.get(route.model, []):
            for method in ("get", "post"):
                send = getattr(client, method)
                problem = _problem(route, method, send(route.url(obj)), send(route.url(MISSING)), obj)
                if problem:
                    wrong.append(f"{method.upper()} {route.url(obj)} ({route.name}, {obj!r}): {problem}")
    assert wrong == [], "\n".join(wrong)
    assert _state() == before, "a request about an object outside the scope changed something"


def _problem(route: Route, method: str, theirs, missing, obj: Any) -> str:
    """What is wrong with the answer about an object outside the scope, or ""."""
    expected = (missing.status_code, missing.get("Location", "").replace(str(MISSING), str(obj.pk)))
    if _answer(theirs) != expected:
        return f"{_answer(theirs)}, a missing one {_answer(missing)}"
    status = theirs.status_code
    if route.is_admin:
        # Staff sign-in for a non-staff user, the admin's own /<id>/ → /<id>/change/,
        # 403 for a kind of page the role may not open at all, or 404.
        location = theirs.get("Location", "")
        if status == 302 and not (
            location.startswith(("/login/", "/admin/login/")) or location.endswith(f"/{obj.pk}/change/")
        ):
            return f"redirects to {theirs['Location']}"
        return "" if status in (302, 403, 404) else str(status)
    # Our own pages: 404 (405 for a GET to a POST-only action).
    return "" if status == 404 or (status == 405 and method == "get") else str(status)


@pytest.mark.parametrize("who", PERSONAS)
def test_it_shows_nothing_outside_the_scope_on_any_page(world, who):
    persona = world[who]
    client, anonymous = Client(), Client()
    client.force_login(persona.user)
    wrong = []
    for route in WITHOUT_ARGUMENTS:
        if route.is_admin and not persona.walks_admin:
            continue
        response = client.get(route.url(0))
        body = _body(response)
        public = _body(anonymous.get(route.url(0)))  # e.g. the request form lists every school
        if response.status_code >= 500:
            wrong.append(f"{route.route}: {response.status_code}")
        wrong += [f"{route.route} shows {m!r}" for m in persona.markers if m in body and m not in public]
    # Their own class's, child's, request's pages: none lists a child who left or another class.
    for route in WITH_OBJECT:
        for obj in [] if route.is_admin else persona.inside.get(route.model, []):
            response = client.get(route.url(obj))
            assert response.status_code in (200, 405), (route.url(obj), response.status_code)
            wrong += [f"{route.url(obj)} shows {m!r}" for m in persona.markers if m in _body(response)]
    assert wrong == []


@pytest.mark.parametrize("who", PERSONAS[:3])  # MOE IT may choose any school
def test_it_refuses_school_and_account_choices_outside_the_scope(world, who):
    """Pages whose scope is chosen by a query or a form field, not the path."""
    persona = world[who]
    client = Client()
    client.force_login(persona.user)
    before = _state()
    for school in persona.outside[School]:
        for url in ("/admin/reports/", "/admin/reports/answers.csv", "/admin/reports/resets.csv"):
            response = client.get(url, {"school": school.pk})
            assert response.status_code in (302, 404), (url, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith(("/login/", "/admin/login/"))
    for account in persona.outside[User]:
        for kind in ("signin", "reset"):
            response = client.post("/admin/lockouts/unlock/", {"kind": kind, "key": account.username})
            assert response.status_code in (302, 404), (account, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith(("/login/", "/admin/login/"))
    assert _state() == before


ACTION_DATA = {"index": 0, "confirm": "yes", "post": "yes", "new_login_id": "someone_else"}


@pytest.mark.parametrize("who", PERSONAS)
def test_it_runs_no_admin_action_on_an_object_outside_the_scope(world, who):
    """Every action of every admin list, on objects outside the scope. Django
    runs actions on the admin's scoped list, and the batch actions cut it again
    to the children still at school in active classes; form teachers never get
    past the admin's sign-in."""
    persona = world[who]
    client = Client()
    client.force_login(persona.user)
    every = RequestFactory().get("/admin/")
    every.user = User.objects.get(username="moe_it")
    batch_actions = {n for n in [*dir(ClassBatchActions), *dir(StudentBatchActions)] if not n.startswith("_")}
    before = _state()
    walked = 0
    for model, model_admin in admin.site._registry.items():
        objects = persona.outside.get(model, [])
        for action in model_admin.get_actions(every) if objects else []:
            if not persona.walks_admin and action not in batch_actions:
                continue  # MOE IT may act on any record; not on a class or child no longer current
            opts = model._meta
            data = {"action": action, "_selected_action": [o.pk for o in objects], **ACTION_DATA}
            response = client.post(f"/admin/{opts.app_label}/{opts.model_name}/", data)
            if persona.user.is_staff:
                assert response.status_code in (200, 302), (model, action, response.status_code)
            else:
                assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
            leaked = [m for m in persona.markers if m in _body(response)]
            assert not leaked, (model, action, leaked)
            walked += 1
    assert walked >= 4
    assert _state() == before, "an admin action changed an object outside the scope"


def test_it_makes_no_slips_for_a_form_teachers_inactive_class(world, form_teacher):
    """The bug this walk was written for: /teacher/class/<id>/ answered 404 for
    last year's class, /batches/class/<id>/ answered 200 and made new passwords."""
    client = Client()
    client.force_login(form_teacher.user)
    old_class = SchoolClass.objects.get(name="3 Yesteryear")
    batches = Batch.objects.count()
    for url in (f"/teacher/class/{old_class.pk}/", f"/batches/class/{old_class.pk}/"):
        assert client.get(url).status_code == 404
    response = client.post(f"/batches/class/{old_class.pk}/", {"kind": "slips", "confirm": "on"})
    assert response.status_code == 404 and Batch.objects.count() == batches
    refused = AuditEvent.objects.filter(action="scope.refused", actor=form_teacher.user)
    assert set(refused.values_list("target", flat=True)) == {f"class:{old_class.pk}"}
