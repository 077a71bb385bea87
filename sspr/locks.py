"""Self-service reset lock per typed login ID (real or not)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import ResetLock


def is_reset_locked(login_key: str) -> bool:
    return ResetLock.objects.filter(login_key=login_key, locked_until__gt=timezone.now()).exists()


def register_failure(login_key: str) -> bool:
    """Count a wrong attempt; return True if this failure locked the ID."""
    with transaction.atomic():
        lock, _ = ResetLock.objects.select_for_update().get_or_create(login_key=login_key)
        if lock.locked_until and lock.locked_until <= timezone.now():
            lock.failures = 0  # an expired lock starts a fresh count
            lock.locked_until = None
        lock.failures = F("failures") + 1
        lock.save(update_fields=["failures", "locked_until", "updated"])
        lock.refresh_from_db()
        if lock.failures >= settings.MIMS_SSPR_FAILURE_LIMIT and lock.locked_until is None:
            lock.locked_until = timezone.now() + timedelta(minutes=settings.MIMS_SSPR_LOCK_MINUTES)
            lock.save(update_fields=["locked_until", "updated"])
            return True
    return False


def unlock_reset(login_key: str) -> int:
    return ResetLock.objects.filter(login_key=login_key).delete()[0]
