"""Sign-in lockouts kept by django-axes, read and lifted by login ID."""

from __future__ import annotations

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import Max
from django.utils import timezone


def locked_usernames(usernames: list[str]) -> set[str]:
    """Which of these usernames are locked out of sign-in right now."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(username__in=usernames, attempt_time__gte=since)
        .values("username")
        .annotate(failures=Max("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {row["username"] for row in rows}


def is_signin_locked(username: str) -> bool:
    return bool(locked_usernames([username]))


def unlock_signin(username: str) -> int:
    return reset(username=username)
