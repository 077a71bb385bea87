"""Children who leave MOE schools, and who come back.

A leaver's account is deactivated, never deleted at once: ``is_active`` off
(Django refuses the sign-in and ends open sessions at their next request; the
self-service reset treats the ID exactly as a made-up one, sspr/flows.py) and
``Student.left_on`` set, from which the retention period counts
(accounts/retention.py). The login ID stays theirs.

Every deactivation and reactivation goes through :func:`deactivate` and
:func:`reactivate`: they audit each child in the child's school and send the
signals in accounts/signals.py (single sign-on revokes tokens there).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from . import audit, signals
from .models import Student, User
from .revocation import revoke_sign_ins


def deactivate(
    students: list[Student],
    *,
    request: HttpRequest | None,
    actor: User | None,
    reason: str,
    on: datetime.date | None = None,
) -> int:
    """Deactivate the children not yet deactivated; returns how many were."""
    if not students:
        return 0
    on = on or timezone.localdate()
    with transaction.atomic():
        pks = [s.pk for s in students]
        changing = list(
            Student.objects.select_for_update()
            .select_related("user")
            .filter(pk__in=pks)
            .exclude(user__is_active=False, left_on__isnull=False)
        )
        if not changing:
            return 0
        User.objects.filter(pk__in=[s.user_id for s in changing]).update(is_active=False)
        Student.objects.filter(pk__in=[s.pk for s in changing]).update(left_on=on)
        for student in changing:
            student.user.is_active = False
            student.left_on = on
            audit.record(
                request, "account.deactivated", actor=actor, target=student.login_id, school=student.school_id,
                reason=reason, left_on=on.isoformat(),
            )  # fmt: skip
            revoke_sign_ins(student.user, "deactivated", request=request, actor=actor)
        signals.students_deactivated.send(sender=Student, students=changing, request=request)
    return len(changing)


def reactivate(students: list[Student], *, request: HttpRequest | None, actor: User | None, reason: str) -> int:
    """Give deactivated children their account back (same login ID, password
    and answers); returns how many were deactivated."""
    if not students:
        return 0
    with transaction.atomic():
        changing = list(
            Student.objects.select_for_update()
            .select_related("user")
            .filter(pk__in=[s.pk for s in students])
            .filter(is_leaver_q())
        )
        if not changing:
            return 0
        User.objects.filter(pk__in=[s.user_id for s in changing]).update(is_active=True)
        Student.objects.filter(pk__in=[s.pk for s in changing]).update(left_on=None)
        for student in changing:
            student.user.is_active = True
            student.left_on = None
            audit.record(
                request, "account.reactivated", actor=actor, target=student.login_id, school=student.school_id,
                reason=reason,
            )  # fmt: skip
        signals.students_reactivated.send(sender=Student, students=changing, request=request)
    return len(changing)


def is_leaver_q() -> Q:
    """The one test of "has left": an inactive account or a leaving date."""
    return Q(user__is_active=False) | Q(left_on__isnull=False)


def is_leaver(student: Student) -> bool:
    return not student.user.is_active or student.left_on is not None
