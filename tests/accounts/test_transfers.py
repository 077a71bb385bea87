"""A child moving school keeps one login ID: by import (command and admin
upload) at the receiving school, and by MOE IT's admin action."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts import importing, leavers
from accounts.models import AuditEvent, Student, User
from accounts.transfers import transfer_student
from sspr.models import ChallengeAnswer
from staff.student_import import SESSION_KEY
from tests import factories
from tests.sspr.helpers import give_answers

HEADER = "school_code,class,level,full_name,student_ref\r\n"
UPLOAD = "/admin/accounts/student/import/"
CONFIRM = "/admin/accounts/student/import/confirm/"


def csv_file(tmp_path, *lines):
    path = tmp_path / "class.csv"
    path.write_text(HEADER + "".join(line + "\r\n" for line in lines), encoding="utf-8")
    return path


def run_import(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_students", str(path), *args, stdout=out, stderr=err)
    return out.getvalue()


def as_ict_admin(client, teacher):
    teacher.user.groups.add(Group.objects.get(name="School ICT admin"))
    client.force_login(teacher.user)
    return client


@pytest.fixture
def goh(school, p5_class):
    """Goh Zi Xuan at North, with a password and three answers of her own."""
    child = factories.make_student(p5_class, "Goh Zi Xuan", username="goh_zi_xuan")
    child.student_ref = "T0123"
    child.save()
    give_answers(child.user)
    return child


@pytest.fixture
def south_class(other_school):
    return factories.make_class(other_school, 5, "5 Joy")


def assert_moved(child, to_school, to_class_name):
    before_user = child.user
    child.refresh_from_db()
    user = User.objects.get(pk=before_user.pk)
    assert child.school == to_school and child.school_class.name == to_class_name
    assert user.username == "goh_zi_xuan"
    assert user.password == before_user.password
    assert user.check_password(factories.PASSWORD)
    assert ChallengeAnswer.objects.filter(user=user).count() == 3
    assert User.objects.filter(username__startswith="goh_zi_xuan").count() == 1


@pytest.mark.django_db
class TestTransferByImportCommand:
    def test_it_previews_a_transfer_instead_of_a_new_account(self, goh, other_school, tmp_path):
        out = run_import(csv_file(tmp_path, "SPS,5 Joy,P5,Goh Zi Xuan,T0123"))
        assert "transfer from North Primary School\tgoh_zi_xuan\tSPS" in out
        assert "goh_zi_xuan_1" not in out
        goh.refresh_from_db()
        assert goh.school.code == "NPS"

    def test_it_moves_the_child_keeping_login_id_password_and_answers(
        self, goh, school, other_school, form_teacher, ict_admin, tmp_path
    ):
        old_password = goh.user.password
        run_import(csv_file(tmp_path, "SPS,5 Joy,P5,Goh Zi Xuan,T0123"), "--commit")
        assert_moved(goh, other_school, "5 Joy")
        assert goh.user.password == old_password
        # The sending school and its teachers lose the child at once.
        assert not Student.objects.for_user(form_teacher.user).filter(pk=goh.pk).exists()
        assert not Student.objects.for_user(ict_admin.user).filter(pk=goh.pk).exists()
        south_admin = factories.make_teacher(other_school, ict_admin=True)
        assert Student.objects.for_user(south_admin.user).filter(pk=goh.pk).exists()
        # Both schools' logs record it.
        out_event = AuditEvent.objects.get(action="student.transfer_out")
        in_event = AuditEvent.objects.get(action="student.transfer_in")
        assert out_event.school == school and in_event.school == other_school
        assert out_event.target == in_event.target == "goh_zi_xuan@students.edu.sg"
        assert out_event.details == {"from_school": "NPS", "to_school": "SPS", "source": "command"}

    def test_it_refuses_a_matching_reference_with_another_name(self, goh, other_school, tmp_path):
        with pytest.raises(CommandError, match="1 error; nothing was imported"):
            run_import(csv_file(tmp_path, "SPS,5 Joy,P5,Lim Bee Hoon,T0123"), "--commit")
        goh.refresh_from_db()
        assert goh.school.code == "NPS" and goh.full_name == "Goh Zi Xuan"
        assert not AuditEvent.objects.filter(action__startswith="student.transfer").exists()
        assert Student.objects.count() == 1

    def test_it_tells_what_to_do_about_the_other_name_without_showing_it(self, goh, other_school, tmp_path):
        err = io.StringIO()
        with pytest.raises(CommandError):
            call_command(
                "import_students", str(csv_file(tmp_path, "SPS,5 Joy,P5,Lim Bee Hoon,T0123")), stdout=io.StringIO(),
                stderr=err,
            )  # fmt: skip
        message = err.getvalue()
        assert "belongs to a child at North Primary School whose name is different" in message
        assert "Goh" not in message

    def test_it_compares_names_as_a_person_would(self, goh, other_school, tmp_path):
        run_import(csv_file(tmp_path, "SPS,5 Joy,P5,GOH  zi xuan,T0123"), "--commit")
        goh.refresh_from_db()
        assert goh.school == other_school and goh.full_name == "GOH zi xuan"

    def test_it_gives_a_child_who_had_left_their_account_back(self, goh, other_school, tmp_path):
        leavers.deactivate([goh], request=None, actor=None, reason="left")
        out = run_import(csv_file(tmp_path, "SPS,5 Joy,P5,Goh Zi Xuan,T0123"), "--commit")
        assert "had left: account given back" in out
        goh.refresh_from_db()
        assert goh.user.is_active and goh.left_on is None and goh.school == other_school
        assert AuditEvent.objects.filter(action="account.reactivated", school=other_school).exists()


@pytest.mark.django_db
class TestTransferByAdminUpload:
    def test_the_receiving_ict_admin_previews_and_confirms_a_transfer(self, client, goh, other_school, south_class):
        south_admin = factories.make_teacher(other_school, ict_admin=True)
        as_ict_admin(client, south_admin)
        data = (HEADER + "SPS,5 Joy,P5,Goh Zi Xuan,T0123\r\n").encode()
        r = client.post(UPLOAD, {"file": SimpleUploadedFile("c.csv", data, content_type="text/csv")})
        body = r.content.decode()
        assert "transfer from North Primary School" in body
        body = body.replace("<wbr>", "")
        assert "goh_zi_xuan@students.edu.sg" in body and "goh_zi_xuan_1" not in body
        assert "1 child is at another school now and will move here" in body
        r = client.post(CONFIRM, {"token": client.session[SESSION_KEY]["token"]})
        assert r.status_code == 302
        assert_moved(goh, other_school, "5 Joy")
        assert AuditEvent.objects.get(action="student.transfer_in").actor == south_admin.user
        # The child is now on the receiving school's admin pages, and off the sending school's.
        assert client.get(reverse("admin:accounts_student_change", args=[goh.pk])).status_code == 200

    def test_the_sending_ict_admin_loses_the_child_at_once(self, client, goh, school, ict_admin, south_class):
        as_ict_admin(client, ict_admin)
        url = reverse("admin:accounts_student_change", args=[goh.pk])
        assert client.get(url).status_code == 200
        data = (HEADER + "SPS,5 Joy,P5,Goh Zi Xuan,T0123\r\n").encode()
        importing.import_file(data, name="c.csv", actor=None, commit=True, source="command")
        assert client.get(url).status_code == 404
        assert client.get(reverse("admin:accounts_student_records", args=[goh.pk])).status_code == 404


@pytest.mark.django_db
class TestTransferByAdminAction:
    def _post(self, client, child, **extra):
        data = {"action": "transfer_to_school", "_selected_action": [child.pk], "index": 0, **extra}
        return client.post(reverse("admin:accounts_student_changelist"), data)

    def test_moe_it_transfer_one_child(self, client, moe_it, goh, school, other_school, south_class):
        client.force_login(moe_it)
        form = self._post(client, goh)
        assert form.status_code == 200 and "South Primary School — 5 Joy (2026)" in form.content.decode()
        r = self._post(client, goh, to_class=south_class.pk)
        assert r.status_code == 302
        assert_moved(goh, other_school, "5 Joy")
        assert AuditEvent.objects.get(action="student.transfer_out", school=school).details["source"] == "admin"
        assert AuditEvent.objects.get(action="student.transfer_in", school=other_school).actor == moe_it

    def test_it_does_not_offer_the_childs_own_school(self, client, moe_it, goh, p2_class, south_class):
        client.force_login(moe_it)
        r = self._post(client, goh, to_class=p2_class.pk)
        assert r.status_code == 200 and "Select a valid choice" in r.content.decode()
        goh.refresh_from_db()
        assert goh.school_class.name == "5 Courage"

    def test_an_ict_admin_cannot_transfer_by_hand(self, client, ict_admin, goh, south_class):
        as_ict_admin(client, ict_admin)
        changelist = client.get(reverse("admin:accounts_student_changelist")).content.decode()
        assert "transfer_to_school" not in changelist
        self._post(client, goh, to_class=south_class.pk)
        goh.refresh_from_db()
        assert goh.school.code == "NPS"

    def test_the_child_stays_signed_in_with_the_same_login(self, client, moe_it, goh, south_class):
        child = type(client)()
        child.post("/login/", {"username": "goh_zi_xuan", "password": factories.PASSWORD})
        assert child.get("/account/").status_code == 200
        client.force_login(moe_it)
        self._post(client, goh, to_class=south_class.pk)
        assert child.get("/account/").status_code == 200
        fresh = type(client)()
        r = fresh.post("/login/", {"username": "goh_zi_xuan@students.edu.sg", "password": factories.PASSWORD})
        assert r.status_code == 302


@pytest.mark.django_db
class TestOpenRequestsFollowTheMove:
    def test_an_open_request_at_the_old_school_is_declined(self, client, goh, school, other_school, tmp_path):
        from helpdesk.models import ResetRequest

        client.post("/request-reset/", {
            "full_name": "Goh Zi Xuan", "school": str(school.pk), "class_name": "5 Courage", "login_id": "",
            "requester": "parent", "contact": "9123 4567", "note": "",
        })  # fmt: skip
        request = ResetRequest.objects.get(student=goh)
        assert request.is_open
        run_import(csv_file(tmp_path, "SPS,5 Joy,P5,Goh Zi Xuan,T0123"), "--commit")
        request.refresh_from_db()
        assert request.state == ResetRequest.State.DECLINED and "moved to another school" in request.reason


@pytest.mark.django_db
class TestWaitingBatchesLeaveTheChild:
    def test_a_batch_of_the_old_school_drops_the_child(self, goh, school, other_school, ict_admin, tmp_path):
        from batches import runner

        batch = runner.create_batch(
            kind="slips", requested_by=ict_admin.user, school=school, students=[goh], queue=False
        )
        [unit] = batch.units.all()
        assert list(unit.students()) == [goh]
        run_import(csv_file(tmp_path, "SPS,5 Joy,P5,Goh Zi Xuan,T0123"), "--commit")
        assert list(unit.students()) == []


@pytest.mark.django_db
class TestPreviewAndCommitAgree:
    def test_a_child_who_moved_elsewhere_since_the_preview_is_not_committed(self, goh, other_school, moe_it):
        data = (HEADER + "SPS,5 Joy,P5,Goh Zi Xuan,T0123\r\n").encode()
        seen = importing.import_file(data, name="c.csv", actor=None, commit=False, source="command").fingerprint
        third = factories.make_class(factories.make_school("EPS", "East Primary School"), 5, "5 Hope")
        transfer_student(goh, third, request=None, actor=moe_it, source="admin")
        plan = importing.plan_import(importing.parse_csv(data))
        result = importing.apply_plan(plan, commit=True, expected_fingerprint=seen)
        assert result.changed_since_preview and not result.committed
        assert importing.action_label(result.rows[0]) == "transfer from East Primary School"
        goh.refresh_from_db()
        assert goh.school.code == "EPS"

    def test_the_admin_preview_shows_the_name_mismatch_and_saves_nothing(self, client, goh, other_school):
        as_ict_admin(client, factories.make_teacher(other_school, ict_admin=True))
        data = (HEADER + "SPS,5 Joy,P5,Lim Bee Hoon,T0123\r\n").encode()
        r = client.post(UPLOAD, {"file": SimpleUploadedFile("c.csv", data, content_type="text/csv")})
        body = r.content.decode()
        assert "belongs to a child at North Primary School whose name is different" in body
        assert "Goh Zi Xuan" not in body and "Confirm and import" not in body
        goh.refresh_from_db()
        assert goh.school.code == "NPS"
