"""Background tasks of the accounts app (django.tasks with the django-tasks-db backend, worked by
``manage.py db_worker``), so that no request waits for a mail server."""

from __future__ import annotations

from django.tasks import task

from .housekeeping import HOURLY, NIGHTLY, every


@task()
def sspr_locked_notice(login_key: str, minutes: int | None = None) -> bool:
    """Tell the form teachers of the child with this lock key, if there is one.

    Queued for real and made-up IDs alike, so the step that locks takes the same
    time for both; for a made-up ID there is nobody to tell.
    """
    from . import notices
    from .models import User

    user = User.objects.filter(username=login_key, student__isnull=False).select_related("student").first()
    if user is None:
        return False
    notices.sspr_locked(user, minutes=minutes)
    return True


@every(NIGHTLY)
def remove_leaver_data_task() -> int:
    """The nightly retention run (accounts/retention.py)."""
    from .retention import remove_due

    return remove_due()


@every(HOURLY)
def prune_signin_locks() -> int:
    """Sign-in lock rows that no longer lock anything (accounts/lockouts.py)."""
    from .lockouts import prune_stale

    return prune_stale()


@task()
def deliver_notice(
    template: str, recipient_ids: list, school_id: int | None, about: str, ref_ids: dict, params: dict
) -> int:
    """Send one notice (accounts/notices.py); returns how many recipients it reached."""
    from .notices import deliver

    return deliver(template, recipient_ids, school_id, about, ref_ids, params)
