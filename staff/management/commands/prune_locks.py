"""Delete sign-in and self-service reset lock rows that no longer lock anything.

Run it every hour or so (docs/operations.md): the rows hold only usernames and
keyed hashes, but nothing is kept longer than it is needed.
"""

from django.core.management.base import BaseCommand

from accounts.lockouts import prune_stale as prune_signin
from sspr.locks import prune_stale as prune_reset


class Command(BaseCommand):
    help = "Delete stale sign-in and self-service reset lock rows."

    def handle(self, *args, **options) -> None:
        signin, reset = prune_signin(), prune_reset()
        self.stdout.write(f"Deleted {signin} sign-in and {reset} self-service reset lock rows.")
