"""Close open reset requests when their child changes school or leaves.

A request belongs to the school it was sent to; once the child is elsewhere
(accounts/transfers.py) or has left (accounts/leavers.py) no one there can
help, and the request must not keep pointing the old school at the child.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver
from django.utils.translation import gettext_noop

from accounts.signals import student_transferred, students_deactivated

from .models import ResetRequest

# Shown on the status page to the person who asked (translated there).
MOVED = gettext_noop("This child has moved to another school. Please ask the new school's teachers.")
LEFT = gettext_noop("This child's account is closed because they have left the school.")


def _decline_open(requests, reason: str) -> None:
    with transaction.atomic():
        for reset_request in requests.select_for_update():
            reset_request.close(ResetRequest.State.DECLINED, by=None, reason=reason)


@receiver(student_transferred)
def _transferred(sender, student, from_school, **kwargs) -> None:
    _decline_open(ResetRequest.objects.open().filter(student=student, school=from_school), MOVED)


@receiver(students_deactivated)
def _deactivated(sender, students, **kwargs) -> None:
    _decline_open(ResetRequest.objects.open().filter(student__in=students), LEFT)
