from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import check_password

from accounts.models import AuditEvent
from helpdesk.flows import password_stamp
from helpdesk.models import ResetRequest
from sspr.models import ChallengeAnswer
from tests.sspr.helpers import reset_lock_of

from .conftest import give_answers, lock_reset, lock_signin, open_request

pytestmark = pytest.mark.django_db


def _password_on(page: str) -> str:
    match = re.search(r'<span class="secret">([^<]+)</span>', page)
    assert match, "no password on the page"
    return match.group(1)


def _issue(client, student, follow=False, **extra):
    data = {"stamp": password_stamp(student.user), **extra}
    return client.post(f"/teacher/child/{student.pk}/temporary-password/", data, follow=follow)


class TestTemporaryPassword:
    def test_it_shows_a_temporary_password_once_and_keeps_only_its_hash(self, client, student, form_teacher):
        client.force_login(form_teacher.user)
        response = _issue(client, student)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        page = response.content.decode()
        password = _password_on(page)
        assert re.fullmatch(r"[a-z]{4}-[a-z]{4}-[2-9]{2}", password)
        assert "print" in page.lower() and student.user.login_id in page
        student.user.refresh_from_db()
        assert student.user.must_change_password
        assert password not in student.user.password and check_password(password, student.user.password)
        event = AuditEvent.objects.get(action="password.temporary")
        assert event.actor == form_teacher.user and event.details == {"channel": "teacher"}
        assert password not in str(AuditEvent.objects.values_list("details", "target"))
        # The child page afterwards does not show it again.
        assert password not in client.get(f"/teacher/child/{student.pk}/").content.decode()

    def test_it_closes_the_request_as_done(self, client, school, student, form_teacher):
        reset_request = open_request(student)
        client.force_login(form_teacher.user)
        _issue(client, student, request=reset_request.pk)
        reset_request.refresh_from_db()
        assert reset_request.state == ResetRequest.State.DONE and reset_request.handled_by == form_teacher.user
        assert "Done." in client.get("/request-reset/status/", {"code": "K7MX-3QPA"}).content.decode()
        assert AuditEvent.objects.filter(action="helpdesk.request.closed", details__state="done").exists()

    def test_it_tells_the_second_teacher_who_handled_the_request(self, client, student, form_teacher, co_teacher):
        reset_request = open_request(student)
        stamp = password_stamp(student.user)  # both teachers opened the page now
        client.force_login(form_teacher.user)
        first = client.post(f"/teacher/child/{student.pk}/temporary-password/",
                            {"stamp": stamp, "request": reset_request.pk})
        password = _password_on(first.content.decode())
        client.force_login(co_teacher.user)
        second = client.post(f"/teacher/child/{student.pk}/temporary-password/",
                             {"stamp": stamp, "request": reset_request.pk}, follow=True)
        assert second.status_code == 200
        page = second.content.decode()
        assert "Mei Ling Tan already handled this request" in page and "Nothing was changed" in page
        assert 'class="secret"' not in page
        student.user.refresh_from_db()
        assert check_password(password, student.user.password)  # still the first one
        assert AuditEvent.objects.filter(action="password.temporary").count() == 1
        refusal = AuditEvent.objects.get(action="teacher.conflict")
        assert refusal.actor == co_teacher.user and refusal.outcome == "refused"

    def test_it_refuses_a_second_click_without_a_request(self, client, student, form_teacher, co_teacher):
        stamp = password_stamp(student.user)
        client.force_login(form_teacher.user)
        password = _password_on(client.post(f"/teacher/child/{student.pk}/temporary-password/",
                                            {"stamp": stamp}).content.decode())
        client.force_login(co_teacher.user)
        page = client.post(f"/teacher/child/{student.pk}/temporary-password/", {"stamp": stamp},
                           follow=True).content.decode()
        assert "Mei Ling Tan gave this child a temporary password at" in page
        student.user.refresh_from_db()
        assert check_password(password, student.user.password)

    @pytest.mark.parametrize("stamp", ["", "x" * 10000, "☃", "0" * 20])
    def test_it_refuses_a_missing_or_forged_stamp(self, client, student, form_teacher, stamp):
        before = student.user.password
        client.force_login(form_teacher.user)
        response = client.post(f"/teacher/child/{student.pk}/temporary-password/", {"stamp": stamp}, follow=True)
        assert response.status_code == 200
        assert "changed after you opened the page" in response.content.decode()
        student.user.refresh_from_db()
        assert student.user.password == before and not student.user.must_change_password

    def test_it_refuses_a_request_of_another_child(self, client, student, p2_student, form_teacher):
        other_request = open_request(p2_student)
        before = student.user.password
        client.force_login(form_teacher.user)
        page = _issue(client, student, request=other_request.pk, follow=True).content.decode()
        assert "That request is not about this child" in page
        student.user.refresh_from_db()
        other_request.refresh_from_db()
        assert student.user.password == before and other_request.is_open

    @pytest.mark.parametrize("value", ["abc", "-1", "9" * 40, "", "²", "١٢", "٣"])
    def test_it_ignores_a_nonsense_request_id(self, client, student, form_teacher, value):
        client.force_login(form_teacher.user)
        response = _issue(client, student, request=value)
        assert response.status_code == 200 and 'class="secret"' in response.content.decode()


class TestOtherActions:
    def test_it_clears_answers_for_a_p5_child_who_then_sets_up_again(self, client, student, form_teacher):
        give_answers(student.user, school_set=False)
        reset_request = open_request(student)
        client.force_login(form_teacher.user)
        response = client.post(f"/teacher/child/{student.pk}/clear-answers/",
                               {"request": reset_request.pk, "confirm": "yes"},
                               follow=True)
        assert "set up new ones at the next sign-in" in response.content.decode()
        assert not ChallengeAnswer.objects.filter(user=student.user).exists()
        reset_request.refresh_from_db()
        assert reset_request.state == ResetRequest.State.IN_PROGRESS
        assert reset_request.handled_by == form_teacher.user
        event = AuditEvent.objects.get(action="answers.cleared")
        assert event.target == student.login_id and event.details == {"removed": 3, "channel": "teacher"}
        assert "A teacher is working on it" in client.get(
            "/request-reset/status/", {"code": "K7MX-3QPA"}).content.decode()

    def test_it_says_a_p2_child_needs_a_new_card(self, client, p2_student, form_teacher):
        give_answers(p2_student.user, school_set=True)
        client.force_login(form_teacher.user)
        url = f"/teacher/child/{p2_student.pk}/clear-answers/"
        page = client.post(url, {"confirm": "yes"}, follow=True).content.decode()
        assert "needs a new challenge card" in page
        assert f'href="/batches/class/{p2_student.school_class_id}/"' in page  # where new cards are made
        assert not ChallengeAnswer.objects.filter(user=p2_student.user).exists()

    def test_it_unlocks_sign_in(self, client, student, form_teacher):
        lock_signin(student.user.username)
        client.force_login(form_teacher.user)
        page = client.post(f"/teacher/child/{student.pk}/unlock-signin/", follow=True).content.decode()
        assert "Sign-in unlocked" in page
        assert not AccessAttempt.objects.filter(username=student.user.username).exists()
        event = AuditEvent.objects.get(action="lockout.unlocked")
        assert event.target == student.login_id
        assert event.details == {"removed": 1, "kind": "signin", "channel": "teacher"}

    def test_it_unlocks_self_service_reset(self, client, student, form_teacher):
        lock_reset(student.user.username)
        client.force_login(form_teacher.user)
        page = client.post(f"/teacher/child/{student.pk}/unlock-reset/", follow=True).content.decode()
        assert "Self-service reset unlocked" in page
        assert not reset_lock_of(student.user.username).exists()
        event = AuditEvent.objects.get(action="lockout.unlocked")
        assert event.target == student.login_id
        assert event.details == {"removed": 1, "kind": "reset", "channel": "teacher"}

    def test_it_refuses_actions_on_a_closed_request(self, client, student, form_teacher, co_teacher):
        give_answers(student.user, school_set=False)
        reset_request = open_request(student)
        reset_request.close(ResetRequest.State.DONE, by=co_teacher.user)
        client.force_login(form_teacher.user)
        page = client.post(f"/teacher/child/{student.pk}/clear-answers/",
                               {"request": reset_request.pk, "confirm": "yes"},
                           follow=True).content.decode()
        assert "Wei Goh already handled this request" in page
        assert ChallengeAnswer.objects.filter(user=student.user).count() == 3

    def test_it_needs_csrf(self, student, form_teacher):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(form_teacher.user)
        assert _issue(client, student).status_code == 403
        student.user.refresh_from_db()
        assert not student.user.must_change_password


class TestCloseRequest:
    def test_it_declines_with_a_reason_the_requester_sees(self, client, student, form_teacher):
        reset_request = open_request(student)
        client.force_login(form_teacher.user)
        response = client.post(f"/teacher/request/{reset_request.pk}/close/",
                               {"state": "declined", "reason": "Please see me in class tomorrow."})
        assert response.status_code == 302
        reset_request.refresh_from_db()
        assert reset_request.state == "declined" and reset_request.reason == "Please see me in class tomorrow."
        page = client.get("/request-reset/status/", {"code": "K7MX-3QPA"}).content.decode()
        assert "Please see me in class tomorrow." in page
        event = AuditEvent.objects.get(action="helpdesk.request.closed")
        assert event.details == {"state": "declined"} and event.actor == form_teacher.user

    def test_it_closes_as_done(self, client, student, form_teacher):
        reset_request = open_request(student)
        client.force_login(form_teacher.user)
        client.post(f"/teacher/request/{reset_request.pk}/close/", {"state": "done"})
        reset_request.refresh_from_db()
        assert reset_request.state == "done"

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"state": "declined", "reason": ""}, "Say why"),
            ({"state": "received"}, "Select a valid choice"),
            ({"state": "done", "reason": "r" * 301}, "at most 300"),
        ],
    )
    def test_it_refuses_bad_input_beside_the_field(self, client, student, form_teacher, data, message):
        reset_request = open_request(student)
        client.force_login(form_teacher.user)
        response = client.post(f"/teacher/request/{reset_request.pk}/close/", data)
        assert response.status_code == 400
        assert message in response.content.decode()
        reset_request.refresh_from_db()
        assert reset_request.is_open

    def test_it_tells_the_second_teacher_it_was_closed(self, client, student, form_teacher, co_teacher):
        reset_request = open_request(student)
        client.force_login(co_teacher.user)
        client.post(f"/teacher/request/{reset_request.pk}/close/", {"state": "declined", "reason": "Not needed"})
        client.force_login(form_teacher.user)
        page = client.post(f"/teacher/request/{reset_request.pk}/close/", {"state": "done"},
                           follow=True).content.decode()
        assert "Wei Goh already handled this request" in page
        reset_request.refresh_from_db()
        assert reset_request.state == "declined" and reset_request.handled_by == co_teacher.user


class TestClearAnswersAsksFirst:
    def test_the_button_leads_to_a_page_that_asks_and_clears_nothing(self, client, student, form_teacher):
        give_answers(student.user, school_set=False)
        reset_request = open_request(student)
        client.force_login(form_teacher.user)
        response = client.post(f"/teacher/child/{student.pk}/clear-answers/", {"request": reset_request.pk})
        page = response.content.decode()
        assert response.status_code == 200
        assert "Clear the challenge answers of Muhammad Ali Bin Muhammad Raihan?" in page
        assert 'name="confirm" value="yes"' in page and f'name="request" value="{reset_request.pk}"' in page
        assert f'href="/teacher/child/{student.pk}/"' in page  # "No, go back"
        assert ChallengeAnswer.objects.filter(user=student.user).count() == 3
        reset_request.refresh_from_db()
        assert reset_request.state == ResetRequest.State.RECEIVED
        assert not AuditEvent.objects.filter(action="answers.cleared").exists()

    def test_it_clears_only_when_confirmed(self, client, student, form_teacher):
        give_answers(student.user, school_set=False)
        client.force_login(form_teacher.user)
        for wrong in ("", "no", "YES "):
            client.post(f"/teacher/child/{student.pk}/clear-answers/", {"confirm": wrong})
        assert ChallengeAnswer.objects.filter(user=student.user).count() == 3
        client.post(f"/teacher/child/{student.pk}/clear-answers/", {"confirm": "yes"})
        assert not ChallengeAnswer.objects.filter(user=student.user).exists()


class TestTheTeacherSeesWhatHappenedToTheRequest:
    def test_a_temporary_password_closes_the_request_as_done(self, client, student, form_teacher):
        reset_request = open_request(student)
        client.force_login(form_teacher.user)
        page = _issue(client, student, request=str(reset_request.pk)).content.decode()
        assert "Request closed as done." in page

    def test_an_unlock_leaves_it_open_and_says_so(self, client, student, form_teacher):
        lock_signin(student.user.username)
        reset_request = open_request(student)
        client.force_login(form_teacher.user)
        page = client.post(
            f"/teacher/child/{student.pk}/unlock-signin/", {"request": reset_request.pk}, follow=True
        ).content.decode()
        assert "Sign-in unlocked" in page and "The request stays open, marked as yours" in page

    @pytest.mark.parametrize(
        ("state", "reason", "text"),
        [("done", "", "Request closed as done."), ("declined", "Come to the office.", "Request closed as declined.")],
    )
    def test_closing_says_how(self, client, student, form_teacher, state, reason, text):
        reset_request = open_request(student)
        client.force_login(form_teacher.user)
        page = client.post(
            f"/teacher/request/{reset_request.pk}/close/", {"state": state, "reason": reason}, follow=True
        ).content.decode()
        assert text in page

    def test_an_action_without_a_request_says_nothing_about_one(self, client, student, form_teacher):
        lock_signin(student.user.username)
        client.force_login(form_teacher.user)
        page = client.post(f"/teacher/child/{student.pk}/unlock-signin/", follow=True).content.decode()
        assert "Sign-in unlocked" in page and "request stays open" not in page
