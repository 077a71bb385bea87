from typing import Any

from django.core.management.base import BaseCommand

from batches.runner import cleanup_expired


class Command(BaseCommand):
    help = (
        "Delete printable files not downloaded within MIMS_BATCH_FILE_HOURS, and the leftovers of batches "
        "that never finished. Run it hourly from cron; the worker also runs it before each batch."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Cleaned {cleanup_expired()} batch(es).")
