from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEvent
from helpdesk.models import ReferenceCode, ResetRequest

from .conftest import code_on, request_data, submit

pytestmark = pytest.mark.django_db


def _public_page(html: str) -> str:
    """The page with the parts that differ on every visit taken out."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r"[A-Z0-9]{4}-[A-Z0-9]{4}", "CODE", html)


class TestRequestForm:
    def test_it_shows_the_form_to_anyone(self, client, school, other_school):
        response = client.get("/request-reset/")
        assert response.status_code == 200
        page = response.content.decode()
        assert "North Primary School" in page and "South Primary School" in page
        assert 'for="id_full_name"' in page and 'name="requester"' in page

    def test_it_redirects_to_a_page_with_the_reference_code(self, client, school, student):
        response = client.post("/request-reset/", request_data(school))
        assert response.status_code == 302
        assert response["Location"] == "/request-reset/sent/"
        page = client.get("/request-reset/sent/").content.decode()
        assert "Your request has been sent" in page
        code = code_on(page)
        assert re.fullmatch(r"[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}", code)
        reset_request = ReferenceCode.objects.get(code=code.replace("-", "")).request
        assert reset_request.student == student
        assert reset_request.requester == "parent" and reset_request.contact == "9123 4567"

    def test_it_sends_the_sent_page_only_after_a_request(self, client, school):
        response = client.get("/request-reset/sent/")
        assert response.status_code == 302 and response["Location"] == "/request-reset/"

    def test_it_answers_the_same_for_a_real_and_a_made_up_child(self, school, student, form_teacher):
        real, made_up = Client(), Client()
        # Prime the CSRF cookie the same way for both.
        real.get("/request-reset/")
        made_up.get("/request-reset/")
        r1 = real.post("/request-reset/", request_data(school))
        made_up_data = request_data(school, full_name="Nobody Such Child", class_name="5 Nowhere")
        r2 = made_up.post("/request-reset/", made_up_data)
        assert (r1.status_code, r1["Location"]) == (r2.status_code, r2["Location"])
        p1, p2 = real.get(r1["Location"]), made_up.get(r2["Location"])
        assert p1.status_code == p2.status_code == 200
        assert _public_page(p1.content.decode()) == _public_page(p2.content.decode())
        # ... and the status page says the same thing for both.
        s1 = real.get("/request-reset/status/", {"code": code_on(p1.content.decode())})
        s2 = made_up.get("/request-reset/status/", {"code": code_on(p2.content.decode())})
        assert _public_page(s1.content.decode()) == _public_page(s2.content.decode())
        assert "We have your request" in s1.content.decode()
        assert ResetRequest.objects.get(student=student) and ResetRequest.objects.get(student=None)

    def test_it_emails_the_form_teachers_of_the_matched_child(self, client, school, student, teacher_with_email,
                                                              co_teacher, other_teacher):
        submit(client, school)
        # One message each (each in the teacher's own language; no one sees the other's address).
        assert sorted(m.to[0] for m in mail.outbox) == ["mr.goh@school.example", "ms.tan@school.example"]
        assert all(len(m.to) == 1 for m in mail.outbox)
        message = mail.outbox[0]
        assert "Muhammad Ali Bin Muhammad Raihan" in message.subject
        assert "/teacher/" in message.body
        assert "9123" not in message.body  # the contact stays on the teacher's page
        assert message.alternatives[0].mimetype == "text/html"

    def test_it_emails_the_ict_admin_when_no_child_matched(self, client, school, student, teacher_with_email,
                                                           ict_admin_with_perms):
        submit(client, school, full_name="Someone Else")
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["ict@school.example"]
        assert "match" in mail.outbox[0].subject.lower()
        assert f"/admin/helpdesk/resetrequest/{ResetRequest.objects.get().pk}/match/" in mail.outbox[0].body

    def test_it_audits_the_request(self, client, school, student):
        code = submit(client, school)
        event = AuditEvent.objects.get(action="helpdesk.request")
        assert event.target == code.display and event.school == school
        assert event.details["matched"] is True and event.details["folded"] is False
        assert event.ip == "127.0.0.1"
        assert "9123" not in str(event.details)  # no contact details in the audit log

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("full_name", "", "Type the child's full name."),
            ("full_name", "   ", "Type the child's full name."),
            ("full_name", "12345 !!", "Please type the child"),
            ("full_name", "x" * 151, "at most 150"),
            ("class_name", "-- --", "Please type the class"),
            ("note", "n" * 301, "at most 300"),
            ("requester", "teacher", "Select a valid choice"),
            ("school", "999999", "Select a valid choice"),
            ("school", "not-a-number", "Select a valid choice"),
            ("full_name", "Tan\x00Ming", "Null characters are not allowed"),
        ],
    )
    def test_it_refuses_bad_input_and_changes_nothing(self, client, school, student, field, value, message):
        response = client.post("/request-reset/", request_data(school, **{field: value}))
        assert response.status_code == 200
        page = response.content.decode()
        assert message in page.replace("&#x27;", "'")
        assert 'aria-invalid="true"' in page
        assert not ResetRequest.objects.exists() and not mail.outbox

    def test_it_accepts_names_in_any_script(self, client, school, student):
        code = submit(client, school, full_name="陈小明", class_name="５ Courage")
        assert code.request.student is None
        assert code.request.full_name == "陈小明" and code.request.class_name == "5 Courage"

    def test_it_keeps_notes_short_and_without_control_characters(self, client, school, student):
        code = submit(client, school, note="Please\r\nhelp\x07 him")
        assert code.request.note == "Please\nhelp him"


class TestRequestRateLimit:
    def test_it_stops_an_address_after_its_quota(self, client, school, student, settings):
        settings.MIMS_REQUEST_RATE_PER_IP = "3/h"
        for n in range(3):
            submit(client, school, full_name=f"Child Number {'abc'[n]}")
        response = client.post("/request-reset/", request_data(school, full_name="One More"))
        assert response.status_code == 200
        assert "Too many requests have been sent from here" in response.content.decode()
        assert ResetRequest.objects.count() == 3

    def test_it_counts_each_address_separately(self, school, student, settings):
        settings.MIMS_REQUEST_RATE_PER_IP = "1/h"
        assert Client(REMOTE_ADDR="10.0.0.1").post("/request-reset/", request_data(school)).status_code == 302
        assert Client(REMOTE_ADDR="10.0.0.1").post("/request-reset/", request_data(school)).status_code == 200
        assert Client(REMOTE_ADDR="10.0.0.2").post("/request-reset/", request_data(school)).status_code == 302

    def test_it_counts_refused_submissions_too(self, client, school, settings):
        settings.MIMS_REQUEST_RATE_PER_IP = "2/h"
        client.post("/request-reset/", request_data(school, full_name=""))
        client.post("/request-reset/", request_data(school, full_name=""))
        response = client.post("/request-reset/", request_data(school))
        assert "Too many requests" in response.content.decode()
        assert not ResetRequest.objects.exists()


class TestFolding:
    def test_it_folds_the_same_child_on_the_same_day(self, client, school, student, teacher_with_email):
        first = submit(client, school)
        second = submit(Client(), school, full_name="muhammad ali  muhammad raihan", requester="student",
                        contact="someone else")
        assert first.code != second.code
        assert first.request_id == second.request_id
        reset_request = first.request
        reset_request.refresh_from_db()
        assert reset_request.submissions == 2
        assert reset_request.contact == "9123 4567"  # a second person cannot change it
        assert len(mail.outbox) == 1  # teachers are told once
        assert AuditEvent.objects.filter(action="helpdesk.request", details__folded=True).count() == 1

    def test_it_folds_by_login_id_and_by_name(self, client, school, student):
        first = submit(client, school, login_id="Muhammad_Ali_Muhammad_Raihan@students.edu.sg", full_name="Ali")
        second = submit(client, school)
        assert first.request_id == second.request_id

    def test_it_folds_unmatched_requests_by_name_school_and_class(self, client, school):
        first = submit(client, school, full_name="Lim Ah Kow", class_name="3 Joy")
        second = submit(client, school, full_name="LIM  ah kow", class_name="3-joy")
        third = submit(client, school, full_name="Lim Ah Kow", class_name="3 Hope")
        assert first.request_id == second.request_id != third.request_id
        assert first.request.student is None

    def test_it_starts_a_new_request_after_a_day(self, client, school, student):
        first = submit(client, school)
        ResetRequest.objects.filter(pk=first.request_id).update(created=timezone.now() - timedelta(hours=25))
        second = submit(client, school)
        assert first.request_id != second.request_id

    def test_it_starts_a_new_request_once_the_last_was_closed(self, client, school, student, form_teacher):
        first = submit(client, school)
        first.request.close(ResetRequest.State.DONE, by=form_teacher.user)
        second = submit(client, school)
        assert first.request_id != second.request_id
        assert ResetRequest.objects.get(pk=second.request_id).state == ResetRequest.State.RECEIVED


class BrokenMailServer(BaseEmailBackend):
    """A mail server that is down (a fake outside service, not the code under test)."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


class TestMailServerDown:
    def test_it_still_takes_the_request(self, client, school, student, teacher_with_email, settings, caplog):
        settings.MAILERS = {"default": {"BACKEND": "tests.helpdesk.test_request_form.BrokenMailServer"}}
        response = client.post("/request-reset/", request_data(school))
        assert response.status_code == 302
        assert ResetRequest.objects.get().student == student
        assert "Could not send the reset-request e-mail" in caplog.text
        assert "9123" not in caplog.text
        # ... and the ICT admin sees the notice that reached no one.
        from accounts.models import UndeliveredNotice

        undelivered = UndeliveredNotice.objects.get()
        assert undelivered.recipient == teacher_with_email.user and undelivered.reason == "send_failed"
        assert undelivered.school == school and undelivered.about == student.login_id

    def test_it_sends_a_one_line_subject_whatever_the_name_holds(self, client, school, student, teacher_with_email):
        # A header cannot hold a line break; a name saved with one must not stop the e-mail.
        student.full_name = "Muhammad Ali\nBin  Muhammad Raihan"
        student.save()
        response = client.post("/request-reset/", request_data(school, login_id=student.user.login_id))
        assert response.status_code == 302
        assert mail.outbox[0].subject == "Password reset request: Muhammad Ali Bin Muhammad Raihan (5 Courage)"

    def test_it_writes_to_staff_in_the_default_language(self, client, school, student, teacher_with_email):
        client.post("/i18n/setlang/", {"language": "ms"})
        client.post("/request-reset/", request_data(school))
        assert mail.outbox[0].subject.startswith("Password reset request")
