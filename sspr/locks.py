"""Self-service reset lock per typed login ID (real or not)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import ResetLock


def is_reset_locked(login_key: str) -> bool:
    return ResetLock.objects.filter(login_key=login_key, locked_until__gt=timezone.now()).exists()


def lock_row(login_key: str) -> ResetLock:
    """The ID's lock row, locked for the rest of the transaction (made if missing).

    An expired lock starts a fresh count.
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("lock_row() must run inside transaction.atomic()")
    # get_or_create() retries the get if a parallel attempt made the row first.
    lock, _ = ResetLock.objects.select_for_update().get_or_create(login_key=login_key)
    if lock.locked_until is not None and not lock.is_locked:
        lock.failures, lock.locked_until = 0, None
    return lock


def count_failure(lock: ResetLock) -> bool:
    """Count a wrong attempt on a row from lock_row(); True if it locked the ID."""
    lock.failures += 1
    just_locked = lock.failures >= settings.MIMS_SSPR_FAILURE_LIMIT
    if just_locked:
        lock.locked_until = timezone.now() + timedelta(minutes=settings.MIMS_SSPR_LOCK_MINUTES)
    lock.save(update_fields=["failures", "locked_until", "updated"])
    return just_locked


def clear_failures(lock: ResetLock) -> None:
    lock.failures, lock.locked_until = 0, None
    lock.save(update_fields=["failures", "locked_until", "updated"])


def unlock_reset(login_key: str) -> int:
    return ResetLock.objects.filter(login_key=login_key).delete()[0]


def prune_stale() -> int:
    """Delete rows no longer locking and untouched for a lock window."""
    cutoff = timezone.now() - timedelta(minutes=settings.MIMS_SSPR_LOCK_MINUTES)
    stale = ResetLock.objects.filter(updated__lt=cutoff).exclude(locked_until__gt=timezone.now())
    return stale.delete()[0]
