from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import AuditEvent
from helpdesk.models import ResetRequest

from .. import factories

pytestmark = pytest.mark.django_db


def _unmatched(school, name: str = "Ali Muhammad") -> ResetRequest:
    return ResetRequest.objects.create(
        school=school, full_name=name, class_name="5 courage", requester="parent", match_key=f"name:{name}"
    )


class TestMatchByHand:
    def test_it_lists_unmatched_requests_of_the_admins_school_only(self, client, school, other_school,
                                                                   ict_admin_with_perms):
        _unmatched(school, "Ours Unmatched")
        _unmatched(other_school, "Theirs Unmatched")
        client.force_login(ict_admin_with_perms.user)
        page = client.get("/admin/helpdesk/resetrequest/?matched=no").content.decode()
        assert "Ours Unmatched" in page and "Theirs Unmatched" not in page
        assert "Match to a child" in page

    def test_it_matches_a_request_and_tells_the_form_teachers(self, client, school, student, teacher_with_email,
                                                               ict_admin_with_perms):
        reset_request = _unmatched(school)
        client.force_login(ict_admin_with_perms.user)
        url = f"/admin/helpdesk/resetrequest/{reset_request.pk}/match/"
        page = client.get(url).content.decode()
        assert student.full_name in page
        response = client.post(url, {"match": "1", "student": student.pk})
        assert response.status_code == 302
        reset_request.refresh_from_db()
        assert reset_request.student == student and reset_request.is_open
        assert mail.outbox[0].to == ["ms.tan@school.example"]
        assert AuditEvent.objects.get(action="helpdesk.request.matched").details == {"student": student.login_id}
        # Now the form teacher sees it.
        client.force_login(teacher_with_email.user)
        assert student.full_name in client.get("/teacher/").content.decode()

    def test_it_offers_only_children_of_the_requests_school(self, client, school, other_school, student,
                                                           ict_admin_with_perms):
        stranger = factories.make_student(factories.make_class(other_school, 5, "5 Courage"), "Far Away Child")
        reset_request = _unmatched(school)
        client.force_login(ict_admin_with_perms.user)
        url = f"/admin/helpdesk/resetrequest/{reset_request.pk}/match/"
        assert "Far Away Child" not in client.get(url).content.decode()
        response = client.post(url, {"match": "1", "student": stranger.pk})
        assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
        reset_request.refresh_from_db()
        assert reset_request.student is None

    def test_it_404s_for_another_schools_request(self, client, other_school, ict_admin_with_perms):
        theirs = _unmatched(other_school)
        client.force_login(ict_admin_with_perms.user)
        assert client.get(f"/admin/helpdesk/resetrequest/{theirs.pk}/match/").status_code == 404
        assert client.get(f"/admin/helpdesk/resetrequest/{theirs.pk}/change/").status_code == 404

    def test_it_keeps_form_teachers_out(self, client, school, form_teacher):
        reset_request = _unmatched(school)
        client.force_login(form_teacher.user)
        response = client.get(f"/admin/helpdesk/resetrequest/{reset_request.pk}/match/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]

    def test_it_declines_with_a_reason(self, client, school, ict_admin_with_perms):
        reset_request = _unmatched(school)
        client.force_login(ict_admin_with_perms.user)
        url = f"/admin/helpdesk/resetrequest/{reset_request.pk}/match/"
        client.post(url, {"decline": "1", "state": "declined", "reason": "Please call the school office."})
        reset_request.refresh_from_db()
        assert reset_request.state == "declined" and reset_request.reason == "Please call the school office."
        assert AuditEvent.objects.filter(action="helpdesk.request.closed", details__state="declined").exists()

    def test_it_refuses_to_match_a_closed_request(self, client, school, student, ict_admin_with_perms):
        reset_request = _unmatched(school)
        reset_request.close("declined", by=ict_admin_with_perms.user, reason="x")
        client.force_login(ict_admin_with_perms.user)
        response = client.post(f"/admin/helpdesk/resetrequest/{reset_request.pk}/match/",
                               {"match": "1", "student": student.pk}, follow=True)
        assert "already handled" in response.content.decode()
        reset_request.refresh_from_db()
        assert reset_request.student is None


class TestSearch:
    def test_it_finds_a_request_by_its_code_as_typed(self, client, school, ict_admin_with_perms):
        from helpdesk.models import ReferenceCode

        ours = _unmatched(school, "Findable Child")
        _unmatched(school, "Other Child")
        ReferenceCode.objects.create(code="K7MX3QPA", request=ours)
        client.force_login(ict_admin_with_perms.user)
        page = client.get("/admin/helpdesk/resetrequest/", {"q": "k7mx-3qpa"}).content.decode()
        assert "Findable Child" in page and "Other Child" not in page
