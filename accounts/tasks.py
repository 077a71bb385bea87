"""Notices sent from the task queue (django.tasks, the django-tasks-db backend
worked by ``manage.py db_worker``), so that no request waits for a mail server."""

from __future__ import annotations

from django.tasks import task


@task()
def sspr_locked_notice(login_key: str) -> bool:
    """Tell the form teachers of the child with this lock key, if there is one.

    Queued for real and made-up IDs alike, so the step that locks takes the same
    time for both; for a made-up ID there is nobody to tell.
    """
    from . import notices
    from .models import User

    user = User.objects.filter(username=login_key, student__isnull=False).select_related("student").first()
    if user is None:
        return False
    notices.sspr_locked(user)
    return True
