"""Build test data in code (no JSON fixtures)."""

from __future__ import annotations

import itertools

from accounts.models import School, SchoolClass, Student, Teacher, User

_seq = itertools.count(1)
PASSWORD = "sunny2day"


def make_school(code: str = "", name: str = "") -> School:
    n = next(_seq)
    return School.objects.create(code=code or f"S{n}", name=name or f"School {n}")


def make_class(school: School, level: int = 5, name: str = "", year: int = 2026) -> SchoolClass:
    return SchoolClass.objects.create(school=school, level=level, name=name or f"{level} Class{next(_seq)}", year=year)


def make_student(
    school_class: SchoolClass,
    full_name: str = "",
    username: str = "",
    password: str | None = PASSWORD,
    **user_fields,
) -> Student:
    n = next(_seq)
    full_name = full_name or f"Test Child {n}"
    username = username or f"test_child_{n}"
    user = User(username=username, **user_fields)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    return Student.objects.create(
        user=user,
        school=school_class.school,
        school_class=school_class,
        full_name=full_name,
        student_ref=f"REF{n:05d}",
        login_base=username,
    )


def make_teacher(school: School, *classes: SchoolClass, username: str = "", ict_admin: bool = False) -> Teacher:
    user = User.objects.create_user(
        username or f"teacher{next(_seq)}", password=PASSWORD, first_name="Mei Ling", last_name="Tan",
        is_staff=ict_admin,
    )
    teacher = Teacher.objects.create(user=user, school=school)
    teacher.form_classes.set(classes)
    return teacher


def give_authenticator(user: User):
    """A confirmed authenticator-app device (the enrolment pages are tested in tests/second_factor)."""
    from second_factor import flows

    device = flows.start_authenticator(user)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def pass_second_factor(client, user: User) -> None:
    """Mark a force_login'd client's session as having passed the second factor
    now, as second_factor.flows.passed does, for staff who need one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from second_factor import rules

    if not rules.must_verify(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or give_authenticator(user)
    session = client.session
    rules.mark_passed(session, device)
    session.save()
