from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission

from accounts.models import School, Student, Teacher
from helpdesk.models import ReferenceCode, ResetRequest

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


def submit(client, school_: School, **overrides: str) -> ReferenceCode:  # noqa: ANN001
    """Post the public form, follow to the sent page, return the code shown."""
    response = client.post("/request-reset/", request_data(school_, **overrides), follow=True)
    assert response.status_code == 200
    return ReferenceCode.objects.get(code=code_on(response.content.decode()).replace("-", ""))


def open_request(student: Student, **fields) -> ResetRequest:  # noqa: ANN003
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
    ReferenceCode.objects.create(code="K7MX3QPA" if not ReferenceCode.objects.exists() else "ABCD2345",
                                 request=reset_request)
    return reset_request


@pytest.fixture
def teacher_with_email(form_teacher: Teacher) -> Teacher:
    form_teacher.user.email = "ms.tan@school.example"
    form_teacher.user.save()
    return form_teacher


@pytest.fixture
def co_teacher(school, p5_class) -> Teacher:  # noqa: ANN001
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
    ict_admin.user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="helpdesk", codename__in=["view_resetrequest", "change_resetrequest"]
        )
    )
    return ict_admin
