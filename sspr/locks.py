"""Self-service reset state per typed login ID (real or not): the dealt pair and the lock.

Rows are keyed by an HMAC of the typed ID (``key_of``), never the ID itself: a
stranger's typing is not stored, and a made-up ID's row looks like a real one's.

Locks grow: the first lock lasts ``MIMS_SSPR_LOCK_STEPS[0]`` minutes (1 hour),
the next ``[1]`` (a day), and after that only a teacher (or IT) can lift it.
A successful reset or a teacher's unlock starts over.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.lockouts import lock_key
from accounts.models import User

from .models import ResetLock


def key_of(login_key: str) -> str:
    """The row key for a typed login ID: HMAC-SHA256 under SECRET_KEY of its lock key
    (``accounts.lockouts.lock_key``: the username, or already a keyed hash)."""
    return salted_hmac("mims.sspr.reset-lock", lock_key(login_key), algorithm="sha256").hexdigest()


def is_reset_locked(login_key: str) -> bool:
    return ResetLock.objects.locked().filter(key=key_of(login_key)).exists()


def current_lock(login_key: str) -> ResetLock | None:
    return ResetLock.objects.locked().filter(key=key_of(login_key)).first()


def lock_row(login_key: str) -> ResetLock:
    """The ID's row, locked for the rest of the transaction (made if missing).

    A timed lock that is over starts a fresh count (the number of locks so far stays).
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("lock_row() must run inside transaction.atomic()")
    user = User.objects.filter(username=login_key).first()
    # get_or_create() retries the get if a parallel attempt made the row first.
    lock, _ = ResetLock.objects.select_for_update().get_or_create(key=key_of(login_key), defaults={"user": user})
    if lock.locked_until is not None and not lock.is_locked:
        lock.failures, lock.locked_until = 0, None
    return lock


def dealt_pair(lock: ResetLock, pool: list[int], k: int) -> list[int]:
    """The questions dealt to this ID: the same ones until a success or MIMS_SSPR_PAIR_DAYS.

    Starting again never draws a new pair, so knowing some of a child's answers
    and restarting until those come up no longer works. A pair that no longer
    fits the pool (the child changed their questions) is dealt afresh.
    """
    now = timezone.now()
    keep = (
        len(lock.dealt) == min(k, len(pool))
        and set(lock.dealt) <= set(pool)
        and lock.dealt_until is not None
        and lock.dealt_until > now
    )
    if not keep:
        lock.dealt = secrets.SystemRandom().sample(pool, k=min(k, len(pool)))
        lock.dealt_until = now + timedelta(days=settings.MIMS_SSPR_PAIR_DAYS)
    return list(lock.dealt)


def lock_minutes(lock_count: int) -> int | None:
    """How long the n-th lock lasts in minutes; None once only a teacher can unlock."""
    steps = settings.MIMS_SSPR_LOCK_STEPS
    return steps[lock_count - 1] if 0 < lock_count <= len(steps) else None


def tries_left(lock: ResetLock | None) -> int:
    """Wrong attempts left before this row locks (0: it locks now); a missing row or a
    timed lock that is over has them all. The one rule behind :func:`count_failure`
    and the warning on the questions page."""
    if lock is None or (lock.locked_until is not None and not lock.is_locked):
        return settings.MIMS_SSPR_FAILURE_LIMIT
    return max(0, settings.MIMS_SSPR_FAILURE_LIMIT - lock.failures)


@dataclass(frozen=True)
class TriesWarning:
    """What the questions page says after a wrong try: tries left, and the lock that follows."""

    tries: int
    minutes: int | None  # None: the next lock is lifted only by a teacher


def warning(login_key: str) -> TriesWarning:
    """The same for a real and a made-up ID: both keep a row under the same kind of key."""
    lock = ResetLock.objects.filter(key=key_of(login_key)).first()
    return TriesWarning(tries=tries_left(lock), minutes=lock_minutes((lock.lock_count if lock else 0) + 1))


def count_failure(lock: ResetLock) -> bool:
    """Count a wrong (or abandoned) attempt on a row from lock_row(); True if it locked the ID."""
    lock.failures += 1
    just_locked = tries_left(lock) == 0
    if just_locked:
        lock.lock_count += 1
        minutes = lock_minutes(lock.lock_count)
        if minutes is None:
            lock.needs_teacher, lock.locked_until = True, None
        else:
            lock.locked_until = timezone.now() + timedelta(minutes=minutes)
    lock.save()
    return just_locked


def clear_failures(lock: ResetLock) -> None:
    lock.failures, lock.locked_until, lock.pending = 0, None, False
    lock.save()


def unlock_reset(login_key: str) -> int:
    """Lift the lock and forget the pair (a teacher's unlock, or a successful reset)."""
    return ResetLock.objects.filter(key=key_of(login_key)).delete()[0]


def unlock_reset_by_key(key: str) -> int:
    """MOE IT lifting a lock on an ID that is no account (they see only its key)."""
    return ResetLock.objects.filter(key=key, user__isnull=True).delete()[0]


def prune_stale() -> int:
    """Forget rows that hold nothing (``manage.py prune_locks``): untouched for the
    first lock's length, no lock standing or grown (a grown lock count is kept
    until a success or a teacher's unlock), and no dealt pair still kept."""
    now = timezone.now()
    cutoff = now - timedelta(minutes=settings.MIMS_SSPR_LOCK_STEPS[0] if settings.MIMS_SSPR_LOCK_STEPS else 60)
    return (
        ResetLock.objects.filter(updated__lt=cutoff, needs_teacher=False, lock_count=0)
        .exclude(locked_until__gt=now)
        .exclude(dealt_until__gt=now)
        .delete()[0]
    )
