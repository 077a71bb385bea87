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


class TestNeedsMatching:
    """An unmatched open request is flagged for the school's ICT admin: a list
    filter, a count on the admin index and the teacher home, and the likely
    children on the match page."""

    def test_the_filter_lists_open_unmatched_requests_of_the_school_only(
        self, client, school, other_school, student, form_teacher, ict_admin_with_perms
    ):
        _unmatched(school, "Open Unmatched")
        _unmatched(school, "Closed Unmatched").close(ResetRequest.State.DECLINED, by=form_teacher.user, reason="x")
        _unmatched(other_school, "Theirs Unmatched")
        ResetRequest.objects.create(
            school=school, full_name="Matched One", class_name="5 Courage", requester="parent",
            match_key=f"student:{student.pk}", student=student,
        )  # fmt: skip
        client.force_login(ict_admin_with_perms.user)
        page = client.get("/admin/helpdesk/resetrequest/?matched=needs").content.decode()
        assert "Open Unmatched" in page and "Needs matching" in page
        for hidden in ("Closed Unmatched", "Theirs Unmatched", "Matched One"):
            assert hidden not in page

    def test_the_admin_index_counts_them_and_links_onwards(self, client, school, other_school, ict_admin_with_perms):
        _unmatched(school, "One")
        _unmatched(school, "Two")
        _unmatched(other_school, "Theirs")
        client.force_login(ict_admin_with_perms.user)
        page = client.get("/admin/").content.decode()
        assert "2 reset requests need matching to a child." in page
        assert 'href="/admin/helpdesk/resetrequest/?matched=needs"' in page
        assert 'href="/teacher/"' in page and 'href="/batches/"' in page

    def test_the_admin_index_says_nothing_when_none_need_matching(self, client, ict_admin_with_perms):
        client.force_login(ict_admin_with_perms.user)
        page = client.get("/admin/").content.decode()
        assert "need matching to a child." not in page and "needs matching to a child." not in page

    def test_view_site_leads_to_the_teacher_pages(self, client, ict_admin_with_perms):
        client.force_login(ict_admin_with_perms.user)
        page = client.get("/admin/").content.decode()
        assert '<a href="/teacher/">View site</a>' in page
        assert client.get("/teacher/").status_code == 200

    def test_the_teacher_home_of_an_ict_admin_counts_them(self, client, school, ict_admin_with_perms):
        _unmatched(school, "One")
        client.force_login(ict_admin_with_perms.user)
        page = client.get("/teacher/").content.decode()
        assert "1 request could not be matched to a child." in page
        assert "/admin/helpdesk/resetrequest/?matched=needs" in page

    def test_the_match_page_offers_the_likely_children_first(
        self, client, school, p5_class, student, ict_admin_with_perms
    ):
        wei_ming = factories.make_student(p5_class, "Tan Wei Ming", username="tan_wei_ming")
        elsewhere = factories.make_student(factories.make_class(school, 3, "3 Joy"), "Lim Ah Kow")
        reset_request = _unmatched(school, "Wei Ming")  # part of a name: not matched by itself
        client.force_login(ict_admin_with_perms.user)
        url = f"/admin/helpdesk/resetrequest/{reset_request.pk}/match/"
        page = client.get(url).content.decode()
        likely = page.split("Children who may fit", 1)[1].split("</table>", 1)[0]
        assert "Tan Wei Ming" in likely and elsewhere.full_name not in likely and student.full_name not in likely
        response = client.post(url, {"match": "1", "student": wei_ming.pk})
        assert response.status_code == 302
        reset_request.refresh_from_db()
        assert reset_request.student == wei_ming
