"""python manage.py seed_demo — a demo world to try the portal with.

Two schools, classes P2–P6 of this year with students of every naming style,
a form teacher per class, an ICT admin per school, MOE IT (a superuser) and the
challenge question bank. Running it again changes nothing but putting the demo
sign-ins back as printed (known password, the P5 student's questions cleared).
Students arrive through the real import (accounts/importing.py), so their
login IDs follow the same rules as a school's.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import get_default_password_validators, validate_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts import importing
from accounts.demo_names import DEMO_SCHOOLS, ICT_ADMIN_NAMES, TEACHER_NAMES
from accounts.models import School, SchoolClass, Student, Teacher, User
from accounts.site import site_url
from accounts.validators import NotCurrentPasswordValidator
from second_factor import demo
from sspr.answers import clear_answers
from sspr.questions import seed_questions

# Passes every password validator: 14 characters, small letters and digits,
# no part of any demo name or username.
DEMO_PASSWORD = "kite-river-lamp"
FORM_TEACHER_GROUP = "Form teacher"
ICT_ADMIN_GROUP = "School ICT admin"


class Command(BaseCommand):
    help = "Create (or restore) the demo schools, classes, students and staff, and print the demo sign-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. The demo has a superuser with a published password: never in production.",
        )

    def handle(self, *args: object, force: bool, **options: object) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates a superuser with a published password; it runs only with DEBUG on "
                "(or with --force on a throwaway server)."
            )
        year = timezone.localdate().year
        # One hash for every demo account: Argon2 is deliberately slow, and
        # these accounts share one published password anyway.
        encoded = make_password(DEMO_PASSWORD)
        with transaction.atomic():
            schools = [self._school(spec) for spec in DEMO_SCHOOLS]
            result = self._students(year)
            staff = self._staff(schools, year, encoded)
            demo_students = Student.objects.filter(school__in=schools, student_ref__startswith="DEMO-")
            User.objects.filter(student__in=demo_students).update(password=encoded, must_change_password=False)
            p5_student, p2_student = self._demo_students(schools[0], year)
            questions = self._questions()
            # Fails loudly (and rolls back) if a password rule or a demo name
            # changes so that the published password would be refused. Not
            # "not your current password": it is their current one by design.
            validators = [
                v for v in get_default_password_validators() if not isinstance(v, NotCurrentPasswordValidator)
            ]
            for user in (p5_student.user, p2_student.user, *staff.values()):
                validate_password(DEMO_PASSWORD, user, password_validators=validators)
            demo_secret = self._second_factor(schools)

        counts = result.counts
        out = self.stdout
        out.write(
            self.style.SUCCESS(
                f"Demo world ready: {len(schools)} schools, {SchoolClass.objects.filter(school__in=schools).count()} "
                f"classes, {demo_students.count()} students ({counts['created']} new), "
                f"{Teacher.objects.filter(school__in=schools).count()} teachers, {questions} new challenge questions."
            )
        )
        out.write(f"\nSign in at {site_url("/")} — every demo account has the password: {DEMO_PASSWORD}\n")
        rows = [
            ("P5 student (sets up challenge questions first)", p5_student.login_id, p5_student.school_class.name),
            ("P2 student", p2_student.login_id, p2_student.school_class.name),
            ("Form teacher", staff["teacher"].username, "5 Integrity and the portal's teacher pages"),
            ("School ICT admin", staff["ict"].username, f"{site_url("/admin/")} for {schools[0].name}"),
            ("MOE IT (superuser)", staff["moe"].username, f"{site_url("/admin/")} for every school"),
        ]
        width = max(len(r[0]) for r in rows)
        for role, login, where in rows:
            out.write(f"  {role.ljust(width)}  {login}  ({where})")
        if demo_secret:
            out.write(
                f"\nStaff then pass a second factor. Every demo staff account has an authenticator app with the "
                f"secret {demo_secret}\n(add it to an app on your phone), or print the current code with: "
                f"python manage.py demo_code"
            )

    # -- parts -------------------------------------------------------------
    def _school(self, spec: dict) -> School:
        school, _ = School.objects.get_or_create(code=spec["code"], defaults={"name": spec["name"]})
        return school

    def _students(self, year: int) -> importing.ImportResult:
        rows, line = [], 1
        for spec in DEMO_SCHOOLS:
            n = 0
            for class_name, level, names in spec["classes"]:
                for name in names:
                    line, n = line + 1, n + 1
                    ref = f"DEMO-{spec['code']}-{n:03d}"
                    rows.append(importing.CsvRow(line, spec["code"], class_name, f"P{level}", name, ref, ""))
        headers = {c: c for c in importing.COLUMNS}
        parsed = importing.ParsedFile(name="seed_demo", headers=headers, rows=rows)
        result = importing.apply_plan(importing.plan_import(parsed, year=year), commit=True, source="seed_demo")
        if result.errors:
            raise CommandError("\n".join(str(e) for e in result.errors))
        return result

    def _staff(self, schools: list[School], year: int, encoded: str) -> dict[str, User]:
        form_group = Group.objects.filter(name=FORM_TEACHER_GROUP).first()
        ict_group = Group.objects.filter(name=ICT_ADMIN_GROUP).first()
        found: dict[str, User] = {}
        names = iter(TEACHER_NAMES)
        for school, ict_name in zip(schools, ICT_ADMIN_NAMES, strict=True):
            for school_class in SchoolClass.objects.filter(school=school, year=year).order_by("level"):
                user = self._user(
                    f"{school.code.lower()}.p{school_class.level}.teacher", next(names), encoded, is_staff=False
                )
                teacher, _ = Teacher.objects.get_or_create(user=user, defaults={"school": school})
                teacher.form_classes.add(school_class)
                if form_group:
                    user.groups.add(form_group)
                if school == schools[0] and school_class.level == 5:
                    found["teacher"] = user
            user = self._user(f"{school.code.lower()}.ict", ict_name, encoded, is_staff=True)
            Teacher.objects.get_or_create(user=user, defaults={"school": school})
            if ict_group:
                user.groups.add(ict_group)
            found.setdefault("ict", user)
        moe = self._user("moe.it", ("MOE", "IT"), encoded, is_staff=True)
        if not moe.is_superuser:
            moe.is_superuser = True
            moe.save(update_fields=["is_superuser"])
        found["moe"] = moe
        return found

    def _user(self, username: str, name: tuple[str, str], encoded: str, *, is_staff: bool) -> User:
        # Staff usernames have a dot, which a student's login ID never has.
        user, _ = User.objects.get_or_create(
            username=username, defaults={"first_name": name[0], "last_name": name[1], "is_staff": is_staff}
        )
        user.password = encoded
        user.must_change_password = False
        user.is_active = True
        # An address (on the reserved .example domain) so that the demo's lock
        # and request notices reach someone: the console, in development.
        user.email = user.email or f"{username}@demo.mims.example"
        user.save(update_fields=["password", "must_change_password", "is_active", "email"])
        return user

    def _demo_students(self, school: School, year: int) -> tuple[Student, Student]:
        students = Student.objects.select_related("user", "school_class").filter(school=school, school_class__year=year)
        p5 = students.filter(school_class__level=5).order_by("student_ref").first()
        p2 = students.filter(school_class__level=2).order_by("student_ref").first()
        # So that "sets up challenge questions first" stays true on every run.
        clear_answers(p5.user)
        return p5, p2

    def _second_factor(self, schools: list[School]) -> str:
        """Every demo staff account gets the demo's published authenticator secret."""
        staff = User.objects.filter(teacher__school__in=schools) | User.objects.filter(username="moe.it")
        for user in staff.distinct():
            demo.give_demo_authenticator(user)
        return demo.demo_secret()

    def _questions(self) -> int:
        return seed_questions()
