"""Step-up: the heaviest actions want a second factor from the last 15 minutes."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import Group

from accounts.models import AuditEvent
from second_factor import rules
from tests import factories

from .conftest import VERIFY, code_for, password_only


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(rules, "_now", clock)
    return clock


@pytest.fixture
def signed_in_admin(staff_client, ict_admin, clock):
    ict_admin.user.groups.add(Group.objects.get_or_create(name="School ICT admin")[0])
    device = factories.give_authenticator(ict_admin.user)
    password_only(staff_client, ict_admin.user)
    r = staff_client.post(VERIFY, {"code": code_for(device), "next": "/admin/"})
    assert r["Location"] == "/admin/"
    return staff_client, device


@pytest.mark.django_db
class TestStepUp:
    def test_it_lets_a_fresh_second_factor_through(self, signed_in_admin, school, clock):
        client, _ = signed_in_admin
        clock.now += 14 * 60
        assert client.get(f"/batches/school/{school.pk}/promote/").status_code == 200

    def test_it_asks_again_after_15_minutes_and_comes_back(self, signed_in_admin, school, clock):
        client, device = signed_in_admin
        clock.now += 15 * 60 + 1
        page = f"/batches/school/{school.pk}/promote/"
        r = client.get(page)
        assert r["Location"] == f"/staff/second-factor/again/?next=%2Fbatches%2Fschool%2F{school.pk}%2Fpromote%2F"
        # Other staff pages stay open: only the heaviest actions ask.
        assert client.get("/admin/").status_code == 200
        form = client.get(r["Location"])
        assert b"Confirm it is you" in form.content
        r = client.post("/staff/second-factor/again/", {"code": code_for(device, steps=1), "next": page})
        assert r["Location"] == page
        assert client.get(page).status_code == 200
        assert AuditEvent.objects.filter(action="second_factor.verify", outcome="success").count() == 2

    def test_the_audit_log_export_asks_too(self, signed_in_admin, clock):
        client, _ = signed_in_admin
        assert client.get("/admin/accounts/auditevent/export/").status_code == 200
        clock.now += 16 * 60
        r = client.get("/admin/accounts/auditevent/export/?outcome=failure")
        assert r["Location"].startswith("/staff/second-factor/again/?next=%2Fadmin%2Faccounts%2Fauditevent%2Fexport")

    def test_the_class_actions_in_the_admin_ask_too(self, signed_in_admin, p2_class, clock):
        client, _ = signed_in_admin
        clock.now += 16 * 60
        r = client.post("/admin/accounts/schoolclass/",
                        {"action": "issue_slips", "_selected_action": [p2_class.pk]})  # fmt: skip
        assert r["Location"] == "/staff/second-factor/again/?next=%2Fadmin%2Faccounts%2Fschoolclass%2F"
        from batches.models import Batch

        assert not Batch.objects.exists()


@pytest.mark.django_db
def test_a_staff_sign_in_ends_after_a_working_day(staff_client, form_teacher, clock):
    device = factories.give_authenticator(form_teacher.user)
    password_only(staff_client, form_teacher.user)
    staff_client.post(VERIFY, {"code": code_for(device)})
    clock.now += 7.9 * 3600
    assert staff_client.get("/teacher/").status_code == 200
    clock.now += 0.2 * 3600
    r = staff_client.get("/teacher/")
    assert r["Location"] == "/staff/sign-in/?next=/teacher/"
    assert "_auth_user_id" not in staff_client.session


@pytest.mark.django_db
def test_a_childs_records_want_a_fresh_second_factor(signed_in_admin, student, clock):
    client, device = signed_in_admin
    page = f"/admin/accounts/student/{student.pk}/records.json"
    assert client.get(page).status_code == 200
    clock.now += 15 * 60 + 1
    r = client.get(page)
    assert r.status_code == 302 and r["Location"].startswith("/staff/second-factor/again/")
    r = client.post("/staff/second-factor/again/", {"code": code_for(device, steps=1), "next": page})
    assert client.get(page).status_code == 200
