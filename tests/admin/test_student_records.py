"""Everything held about one child: a readable page and a JSON file for the
school's ICT admin and MOE IT, audited, scoped, never a secret."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from sspr.models import ChallengeAnswer
from tests import factories
from tests.sspr.helpers import give_answers


def page(student):
    return reverse("admin:accounts_student_records", args=[student.pk])


def json_url(student):
    return reverse("admin:accounts_student_records_json", args=[student.pk])


@pytest.fixture
def signed_in(client, school_ict_admin):
    client.force_login(school_ict_admin.user)
    return client


@pytest.fixture
def known(student):
    """A child with answers and a sign-in, made the real way."""
    give_answers(student.user)
    Client().post("/login/", {"username": student.user.username, "password": factories.PASSWORD})
    return student


@pytest.mark.django_db
class TestStudentRecords:
    def test_the_page_shows_everything_and_no_secret(self, signed_in, known):
        r = signed_in.get(page(known))
        assert r.status_code == 200 and "no-store" in r["Cache-Control"]
        body = r.content.decode()
        assert known.full_name in body and known.student_ref in body and known.login_id in body
        for answer in ChallengeAnswer.objects.filter(user=known.user).select_related("question"):
            assert answer.question.text in body
            assert answer.answer_hash not in body
        assert known.user.password not in body
        assert "login" in body  # the sign-in from the audit log

    def test_the_json_file_holds_the_same(self, signed_in, known):
        r = signed_in.get(json_url(known))
        assert r.status_code == 200 and r["Content-Type"].startswith("application/json")
        assert r["Content-Disposition"] == 'attachment; filename="muhammad_ali_muhammad_raihan-records.json"'
        data = json.loads(r.content)
        assert data["login_id"] == known.login_id
        assert data["student"]["full_name"] == known.full_name and data["student"]["school_code"] == "NPS"
        assert len(data["challenge_answers"]) == 3
        assert [e["action"] for e in data["audit_events"] if e["action"] == "login"] == ["login"]
        assert known.user.password not in r.content.decode()
        assert all("hash" not in key for a in data["challenge_answers"] for key in a)

    def test_reset_requests_about_the_child_are_included(self, client, known, school, school_ict_admin):
        client.post("/request-reset/", {
            "full_name": known.full_name, "school": str(school.pk), "class_name": "5 Courage", "login_id": "",
            "requester": "parent", "contact": "9123 4567", "note": "He forgot his answers.",
        })  # fmt: skip
        client.force_login(school_ict_admin.user)
        data = json.loads(client.get(json_url(known)).content)
        [request] = data["reset_requests"]
        assert request["contact"] == "9123 4567" and request["note"] == "He forgot his answers."
        assert request["asked_by"] == "parent" and request["state"] == "received"

    def test_every_download_is_audited(self, signed_in, known, school):
        signed_in.get(page(known))
        signed_in.get(json_url(known))
        events = AuditEvent.objects.filter(action="student.records_exported", target=known.login_id)
        assert sorted(e.details["format"] for e in events) == ["json", "page"]
        assert all(e.school == school for e in events)

    def test_another_schools_child_is_not_found(self, signed_in, other):
        assert signed_in.get(page(other["student"])).status_code == 404
        assert signed_in.get(json_url(other["student"])).status_code == 404
        assert not AuditEvent.objects.filter(action="student.records_exported").exists()

    def test_a_form_teacher_cannot_download(self, client, form_teacher, student):
        client.force_login(form_teacher.user)
        assert client.get(json_url(student)).status_code == 302  # to the admin's sign-in

    def test_moe_it_can_and_the_change_page_links_to_it(self, client, moe_it, student):
        client.force_login(moe_it)
        change = client.get(reverse("admin:accounts_student_change", args=[student.pk])).content.decode()
        assert f'href="{page(student)}"' in change
        assert client.get(json_url(student)).status_code == 200
