"""Children who leave MOE schools, and who come back.

A leaver's account is deactivated, never deleted at once: ``is_active`` off
(Django refuses the sign-in and ends open sessions at their next request; the
self-service reset treats the ID exactly as a made-up one, sspr/flows.py) and
``Student.left_on`` set, from which the retention period counts
(accounts/retention.py). The login ID stays theirs.

Every deactivation and reactivation goes through :func:`deactivate` and
:func:`reactivate`: they audit each child in the child's school and send the
signals in accounts/signals.py (the help desk and single sign-on listen there).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from . import audit, signals
from .models import Student, User


def deactivate(
    students: list[Student],
    *,
    request: HttpRequest | None,
    actor: User | None,
    reason: str,
    on: datetime.date | None = None,
) -> int:
    """Deactivate the children not yet deactivated; returns how many were."""
    on = on or timezone.localdate()
    fully_left = Q(user__is_active=False, left_on__isnull=False)
    return _change(students, ~fully_left, active=False, left_on=on, request=request, actor=actor, reason=reason)


def reactivate(students: list[Student], *, request: HttpRequest | None, actor: User | None, reason: str) -> int:
    """Give deactivated children their account back (same login ID, password
    and answers); returns how many were deactivated."""
    return _change(students, is_leaver_q(), active=True, left_on=None, request=request, actor=actor, reason=reason)


def _change(
    students: list[Student],
    which: Q,
    *,
    active: bool,
    left_on: datetime.date | None,
    request: HttpRequest | None,
    actor: User | None,
    reason: str,
) -> int:
    """Set ``is_active`` and ``left_on`` on those of ``students`` that ``which``
    selects, under row locks; audit each child in their school, revoke a
    leaver's sign-ins, and send the signal once. Returns how many changed."""
    if not students:
        return 0
    with transaction.atomic():
        changing = list(
            Student.objects.select_for_update()
            .select_related("user")
            .filter(pk__in=[s.pk for s in students])
            .filter(which)
        )
        if not changing:
            return 0
        User.objects.filter(pk__in=[s.user_id for s in changing]).update(is_active=active)
        Student.objects.filter(pk__in=[s.pk for s in changing]).update(left_on=left_on)
        extra = {"left_on": left_on.isoformat()} if left_on else {}
        for student in changing:
            student.user.is_active = active
            student.left_on = left_on
            audit.record(
                request, "account.reactivated" if active else "account.deactivated", actor=actor,
                target=student.login_id, school=student.school_id, reason=reason, **extra,
            )  # fmt: skip
            if not active:
                signals.revoke_sign_ins(student.user, "deactivated", request=request, actor=actor)
        signal = signals.students_reactivated if active else signals.students_deactivated
        signal.send(sender=Student, students=changing, request=request)
    return len(changing)


def is_leaver_q() -> Q:
    """The one test of "has left": an inactive account or a leaving date."""
    return Q(user__is_active=False) | Q(left_on__isnull=False)


def is_leaver(student: Student) -> bool:
    return not student.user.is_active or student.left_on is not None
