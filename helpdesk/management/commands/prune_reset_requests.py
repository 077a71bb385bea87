from datetime import timedelta

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from helpdesk.models import ResetRequest
from helpdesk.tasks import KEEP_CLOSED_DAYS


class Command(BaseCommand):
    help = f"Delete reset requests closed more than --days days ago (default {KEEP_CLOSED_DAYS}), and their codes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=KEEP_CLOSED_DAYS)

    def handle(self, *args, days: int, **options) -> None:
        if days < 1:
            self.stderr.write("--days must be 1 or more.")
            return
        removed = ResetRequest.objects.prune(timezone.now() - timedelta(days=days))
        self.stdout.write(f"Deleted {removed} closed reset request(s) older than {days} days.")
