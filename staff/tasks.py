"""Background tasks of the IT staff's pages (worked by ``manage.py db_worker``)."""

from __future__ import annotations

from accounts.housekeeping import HOURLY, every


@every(HOURLY)
def count_all_schools_answers() -> int:
    """Count the challenge answers' shares for every school again (staff/reports.py);
    returns how many children were counted."""
    from .reports import all_schools_answers

    counts = all_schools_answers(count_now=True).counts
    return counts["upper"] + counts["lower"]
