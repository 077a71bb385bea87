"""Lost phone: who may reset whose factors; the school's choice for form teachers."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent
from second_factor import flows
from tests import factories

from .conftest import STAFF_LOGIN, VERIFY, password_only


@pytest.fixture
def teacher_with_app(form_teacher):
    form_teacher.user.email = "ms.tan@school.example"
    form_teacher.user.save()
    factories.give_authenticator(form_teacher.user)
    flows.new_recovery_codes(form_teacher.user)
    return form_teacher


@pytest.mark.django_db
class TestReset:
    def test_an_ict_admin_resets_a_form_teacher_of_their_school(self, client, ict_admin, teacher_with_app):
        client.force_login(ict_admin.user)
        page = client.get("/staff/factors/")
        assert b"ms_tan" in page.content
        r = client.post(f"/staff/factors/reset/{teacher_with_app.user.pk}/")
        assert r["Location"] == "/staff/factors/"
        assert flows.factors_of(teacher_with_app.user) == []
        event = AuditEvent.objects.get(action="second_factor.reset")
        assert event.actor == ict_admin.user and event.target == "ms_tan" and event.details == {"removed": 2}
        assert mail.outbox[0].to == ["ms.tan@school.example"]
        assert "was just reset" in mail.outbox[0].body
        # At the next sign-in the teacher sets up a new factor.
        other = Client()
        password_only(other, teacher_with_app.user)
        assert other.get("/teacher/")["Location"].startswith("/staff/second-factor/set-up/")

    @pytest.mark.parametrize(
        "actor, target",
        [
            ("ict_admin", "other_school_teacher"),  # another school's teacher
            ("ict_admin", "second_ict_admin"),  # a fellow ICT admin: MOE IT's job
            ("ict_admin", "moe_it"),
            ("form_teacher", "other_teacher"),  # form teachers reset nobody
            ("moe_it", "moe_it"),  # not one's own
        ],
    )
    def test_it_refuses_everyone_else(self, request, client, actor, target, school, other_school):
        people = {
            "other_school_teacher": lambda: factories.make_teacher(other_school, username="far_away").user,
            "second_ict_admin": lambda: factories.make_teacher(school, username="ict_two", ict_admin=True).user,
        }
        target_user = people[target]() if target in people else getattr(request.getfixturevalue(target), "user",
                                                                          request.getfixturevalue(target))
        actor_fixture = request.getfixturevalue(actor)
        actor_user = getattr(actor_fixture, "user", actor_fixture)
        factories.give_authenticator(target_user)
        client.force_login(actor_user)
        r = client.post(f"/staff/factors/reset/{target_user.pk}/")
        assert r.status_code == 404
        assert TOTPDevice.objects.filter(user=target_user).exists()
        assert not AuditEvent.objects.filter(action="second_factor.reset").exists()

    def test_moe_it_resets_an_ict_admin(self, client, moe_it, ict_admin):
        factories.give_authenticator(ict_admin.user)
        client.force_login(moe_it)
        assert b"ict_admin" in client.get("/staff/factors/").content
        client.post(f"/staff/factors/reset/{ict_admin.user.pk}/")
        assert not TOTPDevice.objects.filter(user=ict_admin.user).exists()
        assert AuditEvent.objects.get(action="second_factor.reset").actor == moe_it


@pytest.mark.django_db
class TestSchoolPolicy:
    def test_an_ict_admin_lets_form_teachers_sign_in_with_a_password_alone(self, client, ict_admin, form_teacher):
        client.force_login(ict_admin.user)
        r = client.post(f"/staff/factors/school/{ict_admin.school_id}/", {})
        assert r["Location"] == "/staff/factors/"
        event = AuditEvent.objects.get(action="second_factor.policy")
        assert event.details == {"teachers_required": False} and event.school_id == ict_admin.school_id
        teacher = Client()
        password_only(teacher, form_teacher.user)
        assert teacher.get("/teacher/").status_code == 200
        # ICT admins still need one.
        admin = Client()
        password_only(admin, ict_admin.user)
        assert admin.get("/admin/").status_code == 302

    def test_a_teacher_who_set_one_up_is_still_asked(self, client, ict_admin, teacher_with_app):
        client.force_login(ict_admin.user)
        client.post(f"/staff/factors/school/{ict_admin.school_id}/", {})
        teacher = Client()
        password_only(teacher, teacher_with_app.user)
        assert teacher.get("/teacher/")["Location"].startswith(VERIFY)

    def test_only_the_schools_own_ict_admin_changes_it(self, client, form_teacher, other_school):
        other_admin = factories.make_teacher(other_school, username="far_admin", ict_admin=True)
        client.force_login(other_admin.user)
        assert client.post(f"/staff/factors/school/{form_teacher.school_id}/", {}).status_code == 404
        client.force_login(form_teacher.user)
        assert client.post(f"/staff/factors/school/{form_teacher.school_id}/", {}).status_code == 404
        assert not AuditEvent.objects.filter(action="second_factor.policy").exists()


@pytest.mark.django_db
class TestStaffSignInPage:
    def test_it_reads_like_a_staff_sign_in(self, client):
        page = client.get(STAFF_LOGIN).content.decode()
        assert "Staff sign in" in page and "Username" in page
        assert "@students.edu.sg" not in page

    def test_the_home_page_links_to_it(self, client):
        assert 'href="/staff/sign-in/"' in client.get("/").content.decode()

    def test_the_childrens_page_links_to_it_and_keeps_where_to_go(self, client):
        page = client.get("/login/?next=/teacher/").content.decode()
        assert 'href="/staff/sign-in/?next=/teacher/"' in page
        assert "muhammad_ali_muhammad_raihan@students.edu.sg" in page  # the child's example stays there

    def test_it_refuses_a_wrong_password_with_the_one_message(self, client, form_teacher):
        r = client.post(STAFF_LOGIN, {"username": "ms_tan", "password": "nope-nope1"})
        assert r.status_code == 200 and b"do not match" in r.content


@pytest.mark.django_db
def test_the_operator_resets_moe_its_own_factors_from_the_command_line(moe_it):
    import io

    from django.core.management import CommandError, call_command

    moe_it.email = "moe.it@moe.example"
    moe_it.save()
    factories.give_authenticator(moe_it)
    out = io.StringIO()
    call_command("reset_second_factor", "moe_it", "--by", "Ops duty officer, ticket 42", stdout=out)
    assert "Removed 1 second factor(s) of moe_it" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=moe_it).exists()
    event = AuditEvent.objects.get(action="second_factor.reset")
    assert event.details == {"removed": 1, "by": "operator: Ops duty officer, ticket 42"}
    assert mail.outbox[0].to == ["moe.it@moe.example"] and "Ops duty officer" in mail.outbox[0].body
    with pytest.raises(CommandError, match="No staff account"):
        call_command("reset_second_factor", "nobody", "--by", "x")
