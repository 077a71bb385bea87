"""Background tasks of the accounts app (run by ``manage.py db_worker``)."""

from __future__ import annotations

from django.tasks import task


@task()
def remove_leaver_data_task() -> int:
    """The nightly retention run; queues the next night's before it ends."""
    from .retention import ensure_scheduled, remove_due

    try:
        return remove_due()
    finally:
        ensure_scheduled()


@task()
def deliver_notice(
    template: str, recipient_ids: list, school_id: int | None, about: str, ref_ids: dict, params: dict
) -> int:
    """Send one notice (accounts/notices.py); returns how many recipients it reached."""
    from .notices import deliver

    return deliver(template, recipient_ids, school_id, about, ref_ids, params)
