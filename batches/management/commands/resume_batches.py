from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from batches import runner
from batches.models import Batch


class Command(BaseCommand):
    help = "Queue again batches whose worker stopped (stale or failed); each carries on at its first class not done."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for batch in Batch.objects.filter(status__in=[Batch.Status.QUEUED, Batch.Status.RUNNING, Batch.Status.FAILED]):
            with transaction.atomic():
                count += runner.resume(batch)
        self.stdout.write(f"Resumed {count} batch(es).")
