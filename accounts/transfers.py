"""Moving a child to another school: one login ID for life.

The child keeps their ``User`` — login ID, password, challenge answers, and
so everything apps keyed on them — and only their ``Student`` row changes
school and class. Access follows the school: every staff scope rule reads
``Student.school``/``school_class`` (``StudentQuerySet.for_user``,
accounts/admin_scoping.py), so the sending school's ICT admin and form
teachers lose the child at the commit, and the receiving school gains them.

Every transfer goes through :func:`transfer_student` (the import's commit
and MOE IT's admin action alike). It writes one audit event in each school's
log and sends ``signals.student_transferred`` (single sign-on revokes the
child's tokens there, so no app keeps a token naming the old school).
A child who had left is given their account back (accounts/leavers.py).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from . import audit, leavers, signals
from .models import SchoolClass, Student, User


def same_name(a: str, b: str) -> bool:
    """Names as a person would compare them: case and spacing do not count."""
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def transfer_student(
    student: Student,
    to_class: SchoolClass,
    *,
    request: HttpRequest | None,
    actor: User | None,
    source: str,
) -> None:
    """Move ``student`` into ``to_class`` of another school, in one transaction.

    ``actor`` None is the command line (MOE IT on the server). Raises
    ``ValidationError`` if the class is of the child's own school, and
    ``PermissionDenied`` for an actor who may not move children between schools.
    """
    if actor is not None and not (
        actor.is_superuser or (actor.is_school_admin and actor.teacher.school_id == to_class.school_id)
    ):
        raise PermissionDenied(_("Only MOE IT, or the receiving school's ICT admin by import, can transfer a child."))
    with transaction.atomic():
        student = Student.objects.select_for_update().select_related("school", "user").get(pk=student.pk)
        from_school = student.school
        if to_class.school_id == from_school.pk:
            raise ValidationError(_("The child is already at %(school)s.") % {"school": from_school.name})
        to_school = to_class.school
        student.school = to_school
        student.school_class = to_class
        student.save(update_fields=["school", "school_class"])
        details = {"from_school": from_school.code, "to_school": to_school.code, "source": source}
        # One event in each school's log: each ICT admin sees the move in their own.
        for action, school in (("student.transfer_out", from_school), ("student.transfer_in", to_school)):
            audit.record(request, action, actor=actor, target=student.login_id, school=school, **details)
        # The child keeps the account and its `sub`, but apps sign in again and see the new school.
        signals.revoke_sign_ins(student.user, "transferred", request=request, actor=actor)
        if leavers.is_leaver(student):
            leavers.reactivate([student], request=request, actor=actor, reason="transfer")
        signals.student_transferred.send(
            sender=Student, student=student, from_school=from_school, to_school=to_school, request=request
        )
