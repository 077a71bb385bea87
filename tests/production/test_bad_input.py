"""Input no page can read: a 400 page with every header, never a 500 (issue 16's fuzzing
findings), and tampered admin actions get a message."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.models import AuditEvent, SchoolClass, Student, Teacher

FORMS = ["/login/", "/sspr/", "/request-reset/"]


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True, raise_request_exception=False)


def assert_bad_request_page(r) -> None:
    assert r.status_code == 400
    assert "The page could not read that" in r.text
    assert r["X-Content-Type-Options"] == "nosniff" and r["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in r


@pytest.mark.django_db
@pytest.mark.parametrize("path", FORMS)
@pytest.mark.parametrize("charset", ["utf-16", "latin-1", "utf-32", "no-such-charset"])
def test_it_answers_400_to_a_form_posted_in_another_charset(browser, path, charset):
    body = "login_id=a&username=a&password=b".encode(charset if charset != "no-such-charset" else "ascii")
    r = browser.generic("POST", path, body, content_type=f"application/x-www-form-urlencoded; charset={charset}")
    assert_bad_request_page(r)


@pytest.mark.django_db
@pytest.mark.parametrize("path", FORMS)
def test_it_still_reads_a_form_posted_in_utf8(path):
    form = "application/x-www-form-urlencoded; charset=utf-8"
    r = Client().generic("POST", path, b"username=%C3%A9&login_id=%C3%A9", content_type=form)
    assert r.status_code in (200, 302)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/auditevent/?actor=%00",
        "/admin/accounts/auditevent/?action=%00",
        "/admin/accounts/auditevent/?outcome__exact=%00",
        "/admin/helpdesk/resetrequest/?state__exact=%00",
        "/admin/autocomplete/?app_label=accounts&model_name=student&field_name=student&term=%00",
        "/admin/accounts/student/?q=a%00b",
        "/login/?next=%00",
    ],
)
def test_it_answers_400_to_a_nul_in_the_query_string(client, moe_it, url):
    client.force_login(moe_it)
    assert_bad_request_page(client.get(url))


def test_it_still_filters_the_audit_log(client, moe_it):
    client.force_login(moe_it)
    assert client.get("/admin/accounts/auditevent/?actor=moe").status_code == 200


@pytest.mark.parametrize("model", [Student, SchoolClass, Teacher, AuditEvent])
def test_it_refuses_a_tampered_admin_action_with_a_message(client, moe_it, student, form_teacher, model):
    client.force_login(moe_it)
    url = f"/admin/accounts/{model._meta.model_name}/"
    page = client.get(url)
    actions = re.findall(r'<option value="([a-z_]+)"', page.text.split('name="action"', 1)[1].split("</select>")[0])
    assert actions, "the list has no actions"
    before = model.objects.count()

    r = client.post(url, {"action": actions[0], "_selected_action": ["1", "not-a-row"], "index": "0"})

    assert r.status_code == 302
    assert "Some of the ticked rows could not be found" in client.get(r["Location"]).text
    assert model.objects.count() == before


def test_it_refuses_an_import_above_the_row_limit_with_a_clear_message(settings):
    from accounts.importing import ImportFileError, parse_csv

    settings.MIMS_IMPORT_MAX_ROWS = 3
    header = "school_code,class,level,full_name,student_ref\r\n"
    rows = [f"NPS,5 Courage,P5,Child {n} Tan,REF{n}\r\n" for n in range(4)]
    assert len(parse_csv((header + "".join(rows[:3])).encode()).rows) == 3
    with pytest.raises(ImportFileError, match="The file has more than 3 students. Split it"):
        parse_csv((header + "".join(rows)).encode())


@pytest.mark.django_db(transaction=True)
def test_it_takes_a_bounded_number_of_locks_for_17576_distinct_names():
    from django.db import connection, transaction

    from accounts.login_ids import LOCK_BUCKETS, allocate_usernames

    letters = "abcdefghijklmnopqrstuvwxyz"
    bases = [f"tan_{letters[n // 676]}{letters[n // 26 % 26]}{letters[n % 26]}" for n in range(17_576)]
    with transaction.atomic():
        ids = allocate_usernames(bases)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
                held = cursor.fetchone()[0]
            assert 0 < held <= LOCK_BUCKETS
    assert ids == bases
