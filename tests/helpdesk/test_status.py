from __future__ import annotations

import re

import pytest
from django.test import Client

from helpdesk.models import ResetRequest

from .conftest import open_request, request_data, submit

pytestmark = pytest.mark.django_db


def _status(client, code: str) -> str:
    response = client.get("/request-reset/status/", {"code": code})
    assert response.status_code == 200
    return response.content.decode()


def _status_section(page: str) -> str:
    """The part of the page that answers (the rest carries per-request CSRF tokens)."""
    match = re.search(r'<section class="notice".*?</section>', page, re.S)
    assert match, "no status on the page"
    return match.group(0)


class TestStatus:
    def test_it_shows_an_empty_form(self, client):
        page = client.get("/request-reset/status/").content.decode()
        assert 'for="id_code"' in page and "could not find" not in page

    def test_it_fills_in_the_code_just_received(self, client, school, student):
        code = submit(client, school)
        assert code.display in client.get("/request-reset/status/").content.decode()

    @pytest.mark.parametrize(
        ("requester", "state", "text"),
        [
            ("student", ResetRequest.State.RECEIVED, "Your form teacher or the school office will look at it soon"),
            ("student", ResetRequest.State.IN_PROGRESS, "A teacher is working on it"),
            ("student", ResetRequest.State.DONE, "Done. Ask your teacher for the new password"),
            ("student", ResetRequest.State.DECLINED, "The teacher could not do this request"),
            ("parent", ResetRequest.State.RECEIVED, "form teacher or the school office will look at it soon"),
            ("parent", ResetRequest.State.IN_PROGRESS, "A teacher is working on it"),
            ("parent", ResetRequest.State.DONE, "Your child gets the new password from the form teacher"),
            ("parent", ResetRequest.State.DECLINED, "The school could not do this request"),
        ],
    )
    def test_it_shows_each_state_and_nothing_personal(self, client, student, requester, state, text):
        reset_request = open_request(student, requester=requester, contact="9123 4567", note="secret note")
        ResetRequest.objects.filter(pk=reset_request.pk).update(state=state)
        page = _status(client, "K7MX-3QPA")
        assert text in page
        for personal in ("Muhammad", "muhammad_ali", "5 Courage", "9123", "secret note", "North Primary"):
            assert personal not in page

    def test_it_shows_the_teachers_reason_when_declined(self, client, student, form_teacher):
        reset_request = open_request(student)
        reset_request.close(ResetRequest.State.DECLINED, by=form_teacher.user, reason="Please come to the office.")
        page = _status(client, "k7mx3qpa")
        assert "Please come to the office." in page

    @pytest.mark.parametrize("typed", ["ZZZZ-ZZZZ", "K7MX-3QP", "0000-0000", "x" * 5000, "☃☃☃", "  "])
    def test_it_says_not_found_the_same_way_for_any_unknown_code(self, client, student, typed):
        open_request(student)
        page = _status(client, typed)
        if typed.strip():
            assert "We could not find a request with this code" in page
        assert "We have your request" not in page

    def test_it_limits_lookups_per_address(self, client, student, settings):
        settings.MIMS_REQUEST_STATUS_RATE_PER_IP = "3/m"
        open_request(student)
        for _ in range(3):
            _status(client, "ZZZZ-ZZZZ")
        page = _status(client, "K7MX-3QPA")  # even a right code
        assert "Too many codes have been checked from here" in page
        assert "We have your request" not in page

    def test_every_submission_has_its_own_code_for_the_one_request(self, client, school, student, form_teacher):
        first, second = submit(client, school), submit(client, school)
        first.request.close(ResetRequest.State.DONE, by=form_teacher.user)
        assert "Done." in _status(client, first.display)
        assert "This request is closed." in _status(client, second.display)  # folded: see TestFoldedCode

    def test_a_fresh_code_does_not_give_away_a_request_in_hand(self, client, school, student, form_teacher):
        first = submit(client, school)
        first.request.mark_in_progress(form_teacher.user)
        second = submit(Client(), school)  # a stranger, later, for the same child
        assert second.request_id == first.request_id
        assert "A teacher is working on it" in _status(client, first.display)
        assert "We have your request" in _status(client, second.display)  # as for a made-up child
        first.request.close(ResetRequest.State.DONE, by=form_teacher.user)
        assert "This request is closed." in _status(client, second.display)


class TestFoldedCode:
    """A code handed out by folding a submission into an open request may have
    been asked for by a stranger: it shows nothing that depends on the child
    existing, and never the teacher's message."""

    CLOSED = "This request is closed."

    def test_it_hides_the_decline_reason_from_a_folded_code(self, client, school, student, form_teacher):
        first = submit(client, school)
        second = submit(Client(), school)  # a stranger, later, for the same child
        assert second.request_id == first.request_id and second.folded and not first.folded
        first.request.close(ResetRequest.State.DECLINED, by=form_teacher.user, reason="Please come to the office.")
        original, folded = _status(client, first.display), _status(client, second.display)
        assert "Please come to the office." in original and "could not do this request" in original
        assert "Please come to the office." not in folded and "Message from the teacher" not in folded
        assert "could not do" not in folded and self.CLOSED in folded

    def test_it_shows_done_and_declined_alike_to_a_folded_code(self, client, school, student, form_teacher):
        first = submit(client, school)
        second = submit(Client(), school)
        first.request.close(ResetRequest.State.DONE, by=form_teacher.user)
        assert "Done." in _status(client, first.display)
        folded = _status(client, second.display)
        assert "Done." not in folded and self.CLOSED in folded

    def test_a_folded_code_reads_the_same_for_a_made_up_child(self, client, school, student, form_teacher, ict_admin):
        # A real child's request, done by the teacher ...
        submit(client, school)
        real = submit(Client(), school)
        real.request.close(ResetRequest.State.DONE, by=form_teacher.user)
        # ... and a made-up child's, declined by the ICT admin with a message.
        made_up = {"full_name": "Nobody Atall", "class_name": "5 Nowhere"}
        submit(Client(), school, **made_up)
        fake = submit(Client(), school, **made_up)
        assert fake.folded and fake.request.student_id is None
        fake.request.close(ResetRequest.State.DECLINED, by=ict_admin.user, reason="We found no such child.")
        real_page = _status_section(_status(client, real.display)).replace(real.display, "CODE")
        fake_page = _status_section(_status(client, fake.display)).replace(fake.display, "CODE")
        assert real_page == fake_page and self.CLOSED in real_page

    def test_a_folded_code_shows_received_while_a_teacher_works_on_it(self, client, school, student, form_teacher):
        first = submit(client, school)
        second = submit(Client(), school)
        first.request.mark_in_progress(form_teacher.user)
        assert "A teacher is working on it" in _status(client, first.display)
        # "Being handled" happens only to a real child's request: a folded code keeps saying "received".
        assert "We have your request" in _status(client, second.display)


class TestMatchedOrNotLooksTheSame:
    """The code goes to whoever fills in the form: a matched request (with the
    form teacher) and an unmatched one (with the school office) must read alike."""

    @pytest.mark.parametrize("requester", ["student", "parent"])
    def test_received_reads_the_same_for_a_real_and_a_made_up_child(self, client, school, student, requester):
        real = submit(
            client, school, requester=requester, class_name="P5 Courage", full_name="Muhammad Raihan Muhammad Ali"
        )
        made_up = submit(client, school, requester=requester, full_name="Nobody At All")
        assert real.request.student == student and made_up.request.student is None
        real_page, made_up_page = _status(client, real.display), _status(client, made_up.display)
        assert _status_section(real_page).replace(real.display, "") == _status_section(made_up_page).replace(
            made_up.display, ""
        )
        assert "school office" in _status_section(made_up_page)


class TestSentPage:
    def test_it_speaks_to_a_parent(self, client, school, student):
        response = client.post("/request-reset/", request_data(school, requester="parent"), follow=True)
        page = response.content.decode()
        assert "Your child gets the new password from the form teacher" in page
        assert "They will give you a new password at school" not in page

    def test_it_speaks_to_a_child(self, client, school, student):
        response = client.post("/request-reset/", request_data(school, requester="student"), follow=True)
        page = response.content.decode()
        assert "They will give you a new password at school" in page
        assert "Your child" not in page

    def test_it_reads_the_same_for_a_made_up_child(self, client, school, student):
        pages = []
        for name in ("Muhammad Ali Bin Muhammad Raihan", "Nobody At All"):
            response = client.post("/request-reset/", request_data(school, full_name=name), follow=True)
            pages.append(re.sub(r'id="reference-code">[A-Z0-9-]+<', "", response.content.decode()))
            pages[-1] = re.sub(r"code=[A-Z0-9-]+", "", pages[-1])
            pages[-1] = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", pages[-1])
        assert pages[0] == pages[1]
