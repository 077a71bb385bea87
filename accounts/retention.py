"""Removing the personal data of children who left, after a retention period.

A child who left MOE schools (accounts/leavers.py) keeps their account for
``MIMS_LEAVER_RETENTION_DAYS`` (default 365; docs/privacy.md says why), so a
child who comes back within that time keeps their login ID, password and
answers. After that their account is deleted: the ``User`` and, with it, the
``Student`` (name, student reference), the challenge answers and the open
sessions. What stays:

* the login ID, in ``ReservedLoginId``: never handed to another child;
* the audit log, which names children by login ID only (never by name), plus
  one ``student.records_removed`` event per child in their school's log.

The worker runs this every night on its own (accounts/housekeeping.py,
accounts/tasks.py); ``manage.py remove_leaver_data`` runs it by hand.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import audit
from .leavers import is_leaver_q
from .models import ReservedLoginId, Student

logger = logging.getLogger(__name__)

def cutoff(today: datetime.date | None = None) -> datetime.date:
    """Children who left on or before this day are due for removal."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=settings.MIMS_LEAVER_RETENTION_DAYS)


def due(today: datetime.date | None = None):
    return Student.objects.filter(is_leaver_q(), left_on__lte=cutoff(today))


def remove_due(today: datetime.date | None = None) -> int:
    """Remove every leaver past the retention period; returns how many.

    One transaction per child: a crash leaves each child either removed (and
    audited) or untouched, and the next run carries on.
    """
    removed = 0
    for pk in list(due(today).values_list("pk", flat=True)):
        with transaction.atomic():
            # Checked again under the lock: a child given their account back
            # meanwhile is not removed.
            student = due(today).select_for_update().select_related("user").filter(pk=pk).first()
            if student is None:
                continue
            login_id, school_id, left_on = student.login_id, student.school_id, student.left_on
            ReservedLoginId.reserve([student.user.username])
            student.user.delete()  # cascades: Student, challenge answers
            audit.record(
                None, "student.records_removed", target=login_id, school=school_id,
                left_on=left_on.isoformat(), retention_days=settings.MIMS_LEAVER_RETENTION_DAYS,
            )  # fmt: skip
            removed += 1
    if removed:
        logger.info("Removed the records of %d children who left", removed)
    return removed

