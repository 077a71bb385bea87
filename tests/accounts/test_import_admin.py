"""The admin's student import (upload → preview → confirm) and class export."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory

from accounts.models import AuditEvent, SchoolClass, Student, User
from staff.student_import import SESSION_KEY, export_login_ids
from tests import factories

UPLOAD = "/admin/accounts/student/import/"
CONFIRM = "/admin/accounts/student/import/confirm/"
CHANGELIST = "/admin/accounts/student/"

GOOD = (
    "school_code,class,level,full_name,student_ref,login_id\r\n"
    "NPS,5 Courage,P5,Muhammad Ali Bin Muhammad Raihan,R1,\r\n"
    "NPS,5 Courage,P5,Tan Wei,R2,\r\n"
    "NPS,2 Joy,P2,Tan Wei,R3,\r\n"
    "NPS,2 Joy,P2,Chen Jia Hui,R4,jiahui\r\n"
)


def upload(client, content, name="class.csv"):
    data = content.encode("utf-8-sig") if isinstance(content, str) else content
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def token_of(client):
    return client.session[SESSION_KEY]["token"]


@pytest.fixture
def it_client(client, moe_it):
    client.force_login(moe_it)
    return client


@pytest.mark.django_db
class TestImportUpload:
    def test_it_is_linked_from_the_student_changelist(self, it_client, school):
        r = it_client.get(CHANGELIST)
        assert f'href="{UPLOAD}"'.encode() in r.content

    def test_it_shows_the_form_with_a_labelled_input(self, it_client):
        r = it_client.get(UPLOAD)
        assert r.status_code == 200
        assert b'<label class="required" for="id_file">' in r.content
        assert b'aria-describedby="id_file_help"' in r.content

    def test_it_previews_every_line_and_saves_nothing(self, it_client, school):
        r = upload(it_client, GOOD)
        assert r.status_code == 200
        body = r.content.decode().replace("<wbr>", "")  # login IDs may break after "_", "@", "."
        assert "muhammad_ali_muhammad_raihan@students.edu.sg" in body
        assert "connector dropped: bin" in body
        assert "tan_wei_1@students.edu.sg" in body and "duplicate numbered: tan_wei_1" in body
        assert "jiahui@students.edu.sg" in body and "override used" in body
        assert body.count("@students.edu.sg</td>") == 4
        assert "Confirm and import" in body
        assert not Student.objects.exists() and not SchoolClass.objects.exists()
        assert not AuditEvent.objects.filter(action="students.import").exists()

    def test_it_commits_what_the_preview_showed(self, it_client, school, moe_it):
        upload(it_client, GOOD)
        r = it_client.post(CONFIRM, {"token": token_of(it_client)})
        assert r.status_code == 302 and r["Location"] == CHANGELIST
        assert sorted(User.objects.filter(student__isnull=False).values_list("username", flat=True)) == [
            "jiahui",
            "muhammad_ali_muhammad_raihan",
            "tan_wei",
            "tan_wei_1",
        ]
        message, next_step = get_messages(r.wsgi_request)
        assert "4 new students" in str(message)
        # The next step: each class's slips and cards, linked.
        classes = SchoolClass.objects.filter(school=school, students__isnull=False).distinct()
        assert classes and all(f'href="/batches/class/{c.pk}/"' in str(next_step) for c in classes)
        event = AuditEvent.objects.get(action="students.import")
        assert event.actor == moe_it and event.details["source"] == "admin" and event.details["created"] == 4
        assert event.target == "class.csv"
        assert SESSION_KEY not in it_client.session

    def test_it_commits_only_once(self, it_client, school):
        upload(it_client, GOOD)
        token = token_of(it_client)
        it_client.post(CONFIRM, {"token": token})
        r = it_client.post(CONFIRM, {"token": token})
        assert r.status_code == 302 and r["Location"] == UPLOAD
        assert Student.objects.count() == 4
        assert AuditEvent.objects.filter(action="students.import").count() == 1

    def test_it_still_checks_csrf(self, moe_it, school):
        client = Client(enforce_csrf_checks=True)
        client.force_login(moe_it)
        assert upload(client, GOOD).status_code == 403
        assert client.post(CONFIRM, {"token": "x"}).status_code == 403

    def test_it_refuses_a_wrong_token(self, it_client, school):
        upload(it_client, GOOD)
        r = it_client.post(CONFIRM, {"token": "guessed"})
        assert r.status_code == 302 and r["Location"] == UPLOAD
        assert not Student.objects.exists()

    def test_it_refuses_confirm_by_get(self, it_client, school):
        upload(it_client, GOOD)
        assert it_client.get(CONFIRM).status_code == 405
        assert not Student.objects.exists()

    def test_it_shows_the_preview_again_if_something_changed(self, it_client, school):
        upload(it_client, GOOD)
        first = token_of(it_client)
        factories.make_student(factories.make_class(school, 4, "4 Hope"), "Tan Wei", username="tan_wei")
        r = it_client.post(CONFIRM, {"token": first})
        assert r.status_code == 200
        body = r.content.decode().replace("<wbr>", "")
        assert "Something changed since your preview" in body
        assert "tan_wei_2@students.edu.sg" in body
        assert Student.objects.count() == 1
        r = it_client.post(CONFIRM, {"token": token_of(it_client)})
        assert r.status_code == 302
        assert Student.objects.get(student_ref="R3").user.username == "tan_wei_2"

    def test_it_lists_line_errors_and_offers_no_confirm(self, it_client, school):
        r = upload(it_client, GOOD + "XYZ,5 Courage,P5,Lim Mei,R5,\r\nNPS,5 Courage,P5,陈伟,R6,\r\n")
        body = r.content.decode()
        assert "The file has 2 errors. Nothing was saved" in body
        assert "Line 6, column “school_code”: there is no school with the code “XYZ”." in body
        assert "Line 7, column “full_name”:" in body
        assert "Confirm and import" not in body
        assert SESSION_KEY not in it_client.session
        assert not Student.objects.exists()

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"", "The submitted file is empty."),  # Django's own check, before ours
            (b"\xef\xbb\xbf\r\n", "The file is empty."),
            ("school_code,class,level,full_name,student_ref\nNPS,5 A,P5,Zoë,R1\n".encode("cp1252"), "not UTF-8"),
            (b"school_code;class;level;full_name\nNPS;5 A;P5;Tan Wei\n", "Missing: student_ref"),
        ],
    )
    def test_it_explains_a_file_it_cannot_take(self, it_client, school, content, message):
        r = upload(it_client, content)
        assert r.status_code == 200
        assert message in r.content.decode()
        assert b'aria-describedby="id_file_help id_file_error"' in r.content
        assert not Student.objects.exists()

    def test_it_refuses_a_50_mb_upload_by_its_size(self, it_client, school):
        r = upload(it_client, b"a" * (50 * 1024 * 1024))
        assert r.status_code == 413
        assert "the most the import takes is 5.0 MB" in r.content.decode()
        assert not Student.objects.exists()

    def test_it_refuses_a_file_just_over_the_limit(self, it_client, school, settings):
        settings.MIMS_MAX_UPLOAD_BYTES = len(GOOD.encode()) + 2  # the BOM tips it over
        r = upload(it_client, GOOD + "NPS,5 Courage,P5,Lim Mei,R5,\r\n")
        assert r.status_code == 200
        assert "the most the import takes is" in r.content.decode()

    def test_a_row_of_10000_characters_is_a_line_error(self, it_client, school):
        r = upload(it_client, GOOD + "NPS,5 Courage,P5," + "x" * 10_000 + ",R5,\r\n")
        assert "Line 6: the line is 10,0" in r.content.decode()
        assert not Student.objects.exists()


@pytest.mark.django_db
class TestImportScope:
    def test_an_ict_admin_imports_their_own_school(self, client, school, ict_admin):
        client.force_login(ict_admin.user)
        upload(client, GOOD)
        r = client.post(CONFIRM, {"token": token_of(client)})
        assert r.status_code == 302
        assert Student.objects.filter(school=school).count() == 4

    def test_an_ict_admin_gets_line_errors_for_another_school(self, client, school, other_school, ict_admin):
        client.force_login(ict_admin.user)
        r = upload(client, GOOD + "SPS,5 Courage,P5,Lim Mei,R5,\r\n")
        assert "Line 6, column “school_code”: you may import students of your own school only" in r.content.decode()
        assert SESSION_KEY not in client.session

    def test_other_staff_may_not_import(self, client, school):
        staff = User.objects.create_user("helpdesk", password=factories.PASSWORD, is_staff=True)
        client.force_login(staff)
        assert client.get(UPLOAD).status_code == 403
        assert upload(client, GOOD).status_code == 403
        assert not Student.objects.exists()

    def test_a_form_teacher_is_sent_to_the_admin_sign_in(self, client, school, form_teacher):
        client.force_login(form_teacher.user)
        r = upload(client, GOOD)
        assert r.status_code == 302 and "/admin/login/" in r["Location"]
        assert not Student.objects.exists()


def read_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.mark.django_db
class TestClassExport:
    def url(self, school_class):
        return f"/admin/accounts/student/export-class/{school_class.pk}/"

    def test_it_downloads_the_class_login_ids(self, it_client, p5_class, student, moe_it):
        factories.make_student(p5_class, '=HYPERLINK("http://x")', username="odd_one")
        r = it_client.get(self.url(p5_class))
        assert r.status_code == 200
        assert r["Content-Type"].startswith("text/csv")
        assert r["Content-Disposition"] == f'attachment; filename="nps-5-courage-{p5_class.year}-login-ids.csv"'
        rows = read_csv(r)
        assert rows[0] == ["Class", "Full name", "Login ID", "Student reference"]
        assert rows[1][0] == "5 Courage" and rows[1][1] == '\'=HYPERLINK("http://x")'
        assert rows[2] == [
            "5 Courage",
            "Muhammad Ali Bin Muhammad Raihan",
            "muhammad_ali_muhammad_raihan@students.edu.sg",
            student.student_ref,
        ]
        event = AuditEvent.objects.get(action="students.export")
        assert event.actor == moe_it and event.details == {"classes": 1, "students": 2}

    def test_an_ict_admin_downloads_their_school_only(self, client, p5_class, student, ict_admin, other_school):
        client.force_login(ict_admin.user)
        assert client.get(self.url(p5_class)).status_code == 200
        elsewhere = factories.make_class(other_school, 5, "5 Courage")
        assert client.get(self.url(elsewhere)).status_code == 404
        assert client.get("/admin/accounts/student/export-class/999999/").status_code == 404

    def test_other_staff_get_404(self, client, p5_class, student):
        client.force_login(User.objects.create_user("helpdesk", password=factories.PASSWORD, is_staff=True))
        assert client.get(self.url(p5_class)).status_code == 404
        assert not AuditEvent.objects.filter(action="students.export").exists()

    def test_the_admin_action_exports_the_chosen_classes(self, p5_class, p2_class, student, p2_student, ict_admin):
        request = RequestFactory().post("/admin/accounts/schoolclass/")
        SessionMiddleware(lambda r: None).process_request(request)
        request.user = ict_admin.user
        elsewhere = factories.make_class(factories.make_school(), 3, "3 Joy")
        factories.make_student(elsewhere, "Someone Else")
        model_admin = admin.site._registry[SchoolClass]
        response = export_login_ids(model_admin, request, SchoolClass.objects.all())
        rows = read_csv(response)
        assert [r[0] for r in rows[1:]] == ["2 Joy", "5 Courage"]
