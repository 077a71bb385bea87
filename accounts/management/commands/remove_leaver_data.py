"""python manage.py remove_leaver_data

Removes now the records of children who left more than
MIMS_LEAVER_RETENTION_DAYS ago, as the worker does every night
(accounts/retention.py). Their login IDs stay reserved.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from accounts import retention


class Command(BaseCommand):
    help = "Remove the records of children who left longer ago than the retention period."

    def handle(self, *args: object, **options: object) -> None:
        removed = retention.remove_due()
        self.stdout.write(
            _("Removed the records of %(n)d children who left on or before %(date)s.")
            % {"n": removed, "date": retention.cutoff().isoformat()}
        )
