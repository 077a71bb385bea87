"""Two schools, each with a class, a teacher, a student and audit events.

The other school's names all carry OTHER_MARK, so a page that shows any of its
rows is caught by a plain text search of the response.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts import audit
from accounts.models import AuditEvent
from tests import factories

OTHER_MARK = "Zebrafinch"


@pytest.fixture
def school_ict_admin(ict_admin):
    """The ICT admin persona with the group the migration made for the role."""
    ict_admin.user.groups.add(Group.objects.get(name="School ICT admin"))
    return ict_admin


@pytest.fixture
def other(other_school):
    """Everything of the other school, each named with OTHER_MARK."""
    other_school.name = f"{OTHER_MARK} Primary School"
    other_school.save()
    school_class = factories.make_class(other_school, 5, f"5 {OTHER_MARK}")
    student = factories.make_student(
        school_class, f"{OTHER_MARK} Lee Kah Wee", username=f"{OTHER_MARK.lower()}_lee_kah_wee"
    )
    teacher = factories.make_teacher(other_school, school_class, username=f"{OTHER_MARK.lower()}_teacher")
    teacher.user.last_name = OTHER_MARK
    teacher.user.save()
    event = audit.record(None, "password.temporary", target=f"{OTHER_MARK}-event", school=other_school, channel="it")
    return {
        "school": other_school,
        "class": school_class,
        "student": student,
        "teacher": teacher,
        "user": student.user,
        "event": event,
    }


@pytest.fixture
def own_event(school):
    return audit.record(None, "login", target="own-event", school=school, outcome=AuditEvent.Outcome.FAILURE)
