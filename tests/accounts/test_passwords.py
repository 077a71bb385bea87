import re

import pytest
from django.contrib.auth.password_validation import validate_password

from accounts.models import AuditEvent
from accounts.passwords import generate_temporary_password, issue_temporary_password


def test_temporary_passwords_are_easy_to_read_and_pass_the_rules():
    seen = set()
    for _ in range(200):
        password = generate_temporary_password()
        validate_password(password)
        assert re.fullmatch(r"[a-z]{4}-[a-z]{4}-[2-9]{2}", password)
        assert not set(password) & set("0O1lI")
        seen.add(password)
    assert len(seen) == 200


@pytest.mark.django_db
def test_issuing_one_forces_a_change_and_is_audited_for_the_childs_school(student, moe_it):
    password = issue_temporary_password(student.user, request=None, actor=moe_it, channel="it")
    student.user.refresh_from_db()
    assert student.user.must_change_password and student.user.check_password(password)
    event = AuditEvent.objects.get(action="password.temporary")
    assert (event.school_id, event.actor, event.details) == (student.school_id, moe_it, {"channel": "it"})
    assert password not in str(event.details) + event.target
