"""Background tasks of the self-service reset (worked by ``manage.py db_worker``)."""

from __future__ import annotations

from accounts.housekeeping import HOURLY, every


@every(HOURLY)
def prune_reset_locks() -> int:
    """Self-service reset lock rows that no longer lock anything (sspr/locks.py)."""
    from .locks import prune_stale

    return prune_stale()
