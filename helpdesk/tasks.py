"""Background tasks of the teachers' help desk (worked by ``manage.py db_worker``)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.housekeeping import NIGHTLY, every

# Closed requests (names and contacts typed by the public) are kept this long.
KEEP_CLOSED_DAYS = 90


@every(NIGHTLY)
def prune_reset_requests() -> int:
    """Delete reset requests closed more than KEEP_CLOSED_DAYS ago."""
    from .models import ResetRequest

    return ResetRequest.objects.prune(timezone.now() - timedelta(days=KEEP_CLOSED_DAYS))
