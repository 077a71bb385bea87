from django.core.management.base import BaseCommand

from sspr.locks import prune


class Command(BaseCommand):
    help = "Delete self-service reset state that holds nothing any more: the pair's period is over and no lock stands."

    def handle(self, *args, **options) -> None:
        removed = prune()
        self.stdout.write(f"Deleted {removed} finished self-service reset record(s).")
