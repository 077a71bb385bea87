from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group

from accounts.models import School, Student, Teacher
from helpdesk.models import ReferenceCode, ResetRequest, make_code

from .. import factories


def request_data(school_: School, **overrides: str) -> dict[str, str]:
    data = {
        "full_name": "Muhammad Ali Bin Muhammad Raihan",
        "school": str(school_.pk),
        "class_name": "5 Courage",
        "login_id": "",
        "requester": "parent",
        "contact": "9123 4567",
        "note": "He forgot his answers.",
    }
    data.update(overrides)
    return data


def code_on(page: str) -> str:
    match = re.search(r'id="reference-code">([A-Z0-9-]+)<', page)
    assert match, "no reference code on the page"
    return match.group(1)


def submit(client, school_: School, **overrides: str) -> ReferenceCode:
    """Post the public form, follow to the sent page, return the code shown."""
    response = client.post("/request-reset/", request_data(school_, **overrides), follow=True)
    assert response.status_code == 200
    return ReferenceCode.objects.get(code=code_on(response.content.decode()).replace("-", ""))


def open_request(student: Student, **fields) -> ResetRequest:
    defaults = {
        "school": student.school,
        "full_name": student.full_name,
        "class_name": student.school_class.name,
        "requester": ResetRequest.Requester.PARENT,
        "match_key": f"student:{student.pk}",
        "student": student,
    }
    defaults.update(fields)
    reset_request = ResetRequest.objects.create(**defaults)
    # The first request made in a test has the code K7MX-3QPA.
    code = "K7MX3QPA" if not ReferenceCode.objects.filter(code="K7MX3QPA").exists() else make_code()
    ReferenceCode.objects.create(code=code, request=reset_request)
    return reset_request


@pytest.fixture
def teacher_with_email(form_teacher: Teacher) -> Teacher:
    form_teacher.user.email = "ms.tan@school.example"
    form_teacher.user.save()
    return form_teacher


@pytest.fixture
def co_teacher(school, p5_class) -> Teacher:
    """A second form teacher of 5 Courage."""
    teacher = factories.make_teacher(school, p5_class, username="mr_goh")
    teacher.user.first_name, teacher.user.last_name = "Wei", "Goh"
    teacher.user.email = "mr.goh@school.example"
    teacher.user.save()
    return teacher


@pytest.fixture
def ict_admin_with_perms(ict_admin: Teacher) -> Teacher:
    ict_admin.user.email = "ict@school.example"
    ict_admin.user.save()
    # The group holds the permissions (accounts and helpdesk data migrations).
    ict_admin.user.groups.add(Group.objects.get(name="School ICT admin"))
    return ict_admin


def lock_signin(username: str) -> None:
    """Wrong passwords until django-axes locks the sign-in, as a child would."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": username, "password": "not-the-password"}, REMOTE_ADDR="10.0.0.1")


def lock_reset(username: str) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from sspr.models import ResetLock

    ResetLock.objects.create(login_key=username, failures=5, locked_until=timezone.now() + timedelta(hours=1))


def give_answers(user, *, school_set: bool, count: int = 3) -> None:
    from sspr.answers import set_answers
    from sspr.models import ChallengeQuestion

    questions = [
        ChallengeQuestion.objects.get_or_create(text=f"Helpdesk test question {n}?")[0] for n in range(count)
    ]
    set_answers(user, [(q, f"answer number {n}") for n, q in enumerate(questions)], school_set=school_set)
