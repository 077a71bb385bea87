"""A child who leaves MOE schools: deactivated from the admin, refused
everywhere, audited; given back on return."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from sspr import flows
from tests import factories
from tests.sspr.helpers import answers_for, give_answers

CHANGELIST = "admin:accounts_student_changelist"


def run_action(client, action, *students, confirm=True):
    data = {"action": action, "_selected_action": [s.pk for s in students]}
    data.update({"confirm": "yes"} if confirm else {"index": 0})
    return client.post(reverse(CHANGELIST), data)


@pytest.fixture
def it_client(client, ict_admin):
    ict_admin.user.groups.add(Group.objects.get(name="School ICT admin"))
    client.force_login(ict_admin.user)
    return client


@pytest.fixture
def leaver(it_client, student):
    """A child with answers, deactivated through the admin action."""
    student.answers = give_answers(student.user)
    run_action(it_client, "mark_as_left", student)
    student.refresh_from_db()
    return student


@pytest.mark.django_db
class TestDeactivate:
    def test_it_asks_first(self, it_client, student):
        r = run_action(it_client, "mark_as_left", student, confirm=False)
        assert r.status_code == 200 and "can no longer sign in" in r.content.decode()
        student.user.refresh_from_db()
        assert student.user.is_active

    def test_it_deactivates_and_audits(self, leaver, school, ict_admin):
        assert not leaver.user.is_active and leaver.left_on is not None
        event = AuditEvent.objects.get(action="account.deactivated")
        assert event.target == leaver.login_id and event.school == school and event.actor == ict_admin.user
        assert event.details["reason"] == "left"

    def test_it_leaves_other_schools_children_alone(self, it_client, other_school):
        outsider = factories.make_student(factories.make_class(other_school))
        run_action(it_client, "mark_as_left", outsider)
        outsider.user.refresh_from_db()
        assert outsider.user.is_active


@pytest.mark.django_db
class TestLeaverIsRefused:
    def test_sign_in_is_refused_with_the_right_password(self, leaver):
        client = Client()
        r = client.post("/login/", {"username": leaver.user.username, "password": factories.PASSWORD})
        assert r.status_code == 200 and b"do not match" in r.content
        assert SESSION_KEY not in client.session

    def test_an_open_session_ends(self, it_client, student):
        give_answers(student.user)
        child = Client()
        child.post("/login/", {"username": student.user.username, "password": factories.PASSWORD})
        assert child.get("/account/").status_code == 200
        run_action(it_client, "mark_as_left", student)
        assert child.get("/account/")["Location"].startswith("/login/")

    def test_self_service_reset_treats_the_id_as_made_up(self, leaver):
        client = Client()
        client.post("/sspr/", {"login_id": leaver.user.username})
        dealt = client.session["sspr_flow"]["question_ids"]
        assert set(dealt) <= set(flows._decoy_question_ids(leaver.user.username))
        assert not set(dealt) <= set(leaver.answers)
        # Even the child's real answers, had the same questions been dealt, lead nowhere.
        client.session.save()
        session = client.session
        session["sspr_flow"] = {**session["sspr_flow"], "question_ids": list(leaver.answers)[:2]}
        session.save()
        r = client.post("/sspr/questions/", answers_for(client, leaver.answers))
        assert r.status_code == 200 and client.session["sspr_flow"]["verified"] is False


@pytest.mark.django_db
class TestReactivate:
    def test_it_gives_the_account_back_and_audits(self, it_client, leaver, school):
        run_action(it_client, "give_account_back", leaver, confirm=False)
        leaver.refresh_from_db()
        assert leaver.user.is_active and leaver.left_on is None
        assert AuditEvent.objects.get(action="account.reactivated").school == school
        r = Client().post("/login/", {"username": leaver.user.username, "password": factories.PASSWORD})
        assert r.status_code == 302

    def test_it_ignores_a_child_who_never_left(self, it_client, student):
        run_action(it_client, "give_account_back", student, confirm=False)
        assert not AuditEvent.objects.filter(action="account.reactivated").exists()


@pytest.mark.django_db
class TestOnlyThroughTheLeaversFlow:
    def test_the_account_page_does_not_switch_a_child_off_by_hand(self, client, moe_it, student):
        client.force_login(moe_it)
        page = client.get(reverse("admin:accounts_user_change", args=[student.user.pk])).content.decode()
        assert 'name="is_active"' not in page
