"""python manage.py seed_demo"""

from __future__ import annotations

import base64
import io
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.demo_names import generated_names
from accounts.models import School, SchoolClass, Student, Teacher, User
from accounts.usernames import analyse_name
from sspr.answers import needs_own_answers
from sspr.models import ChallengeQuestion
from staff.management.commands.seed_demo import DEMO_PASSWORD


@pytest.fixture(autouse=True)
def _debug(settings):
    # The test runner turns DEBUG off; seed_demo runs only with it on (or --force).
    settings.DEBUG = True


def seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def world():
    return {
        "schools": School.objects.count(),
        "classes": SchoolClass.objects.count(),
        "students": sorted(Student.objects.values_list("student_ref", "user__username", "school_class__name")),
        "teachers": Teacher.objects.count(),
        "users": User.objects.count(),
        "questions": ChallengeQuestion.objects.count(),
    }


@pytest.mark.django_db
class TestSeedDemo:
    def test_it_builds_the_demo_world(self):
        out = seed()
        assert School.objects.count() == 2
        for school in School.objects.all():
            levels = sorted(SchoolClass.objects.filter(school=school).values_list("level", flat=True))
            assert levels == [2, 3, 4, 5, 6]
            # A form teacher for every class, and one ICT admin in the admin group.
            for school_class in school.classes.all():
                assert school_class.form_teachers.count() == 1
            ict = Teacher.objects.get(school=school, user__is_staff=True)
            assert ict.user.groups.filter(name="School ICT admin").exists()
        assert User.objects.filter(is_superuser=True).count() == 1
        assert ChallengeQuestion.objects.exists()
        usernames = set(User.objects.filter(student__isnull=False).values_list("username", flat=True))
        # Every naming style, and the shared name numbered.
        assert {
            "muhammad_haziq_roslan",
            "nur_aisyah_abdul_rahman",
            "arjun_ramasamy",
            "divya_krishnan",
            "chloe_dcruz",
            "ethan_pereira-tan",
            "lim_jun_jie",
            "ong_jing_wen",
            "zoe_chua_shu_ting",
            "tan_wei_ming",
            "tan_wei_ming_1",
        } <= usernames
        assert "Demo world ready: 2 schools, 10 classes, 60 students (60 new)" in out

    def test_it_prints_sign_ins_that_work(self):
        out = seed()
        assert f"password: {DEMO_PASSWORD}" in out
        logins = dict(re.findall(r"^  (.+?)\s{2,}(\S+)  \(", out, re.MULTILINE))
        assert set(logins) == {
            "P5 student (sets up challenge questions first)",
            "P2 student",
            "Form teacher",
            "School ICT admin",
            "MOE IT (superuser)",
        }
        for role, login in logins.items():
            signed_in = Client()
            r = signed_in.post("/login/", {"username": login, "password": DEMO_PASSWORD})
            assert r.status_code == 302, role
            user = User.objects.get(pk=signed_in.session[SESSION_KEY])
            assert user.username == login.split("@")[0] and not user.must_change_password
            if role == "MOE IT (superuser)":
                # Then the second factor, with the code the printed command gives.
                code = io.StringIO()
                call_command("demo_code", stdout=code, stderr=io.StringIO())
                r = signed_in.post("/staff/second-factor/", {"code": code.getvalue().strip(), "next": "/admin/"})
                assert r["Location"] == "/admin/"
                assert signed_in.get("/admin/accounts/student/").status_code == 200
        p5 = User.objects.get(username=logins["P5 student (sets up challenge questions first)"].split("@")[0])
        assert p5.student.level == 5 and needs_own_answers(p5)
        p2 = User.objects.get(username=logins["P2 student"].split("@")[0])
        assert p2.student.level == 2 and not needs_own_answers(p2)
        assert User.objects.get(username=logins["School ICT admin"]).is_school_admin

    def test_every_demo_teacher_has_an_address_so_notices_reach_someone(self):
        seed()
        assert Teacher.objects.exists()
        assert not Teacher.objects.filter(user__email="").exists()
        assert set(Teacher.objects.values_list("user__email", flat=True)) == {
            f"{t.user.username}@demo.mims.example" for t in Teacher.objects.select_related("user")
        }
    def test_it_gives_the_demo_staff_the_printed_authenticator_secret(self):
        out = seed()
        secret = re.search(r"with the secret ([A-Z2-7]+)", out).group(1)
        staff = User.objects.filter(student__isnull=True)
        assert staff.count() == 13  # ten form teachers, two ICT admins, MOE IT
        for user in staff:
            device = user.totpdevice_set.get()
            assert base64.b32encode(device.bin_key).decode() == secret and device.confirmed

    def test_it_runs_twice_without_change(self):
        seed()
        before = world()
        out = seed()
        assert world() == before
        assert "(0 new)" in out

    def test_it_refuses_to_run_with_debug_off(self, settings):
        settings.DEBUG = False
        with pytest.raises(CommandError, match="published password"):
            seed()
        assert not User.objects.exists()


class TestGeneratedNames:
    def test_about_five_percent_share_a_name_and_all_make_login_ids(self):
        names = generated_names(2000)
        assert len(names) == 2000
        assert len(set(names)) == 1900
        for name in names:
            assert analyse_name(name).base
