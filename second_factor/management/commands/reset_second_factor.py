"""python manage.py reset_second_factor USERNAME --by NAME

For the one case the pages leave out: MOE IT's own lost phone (nobody resets
MOE IT's factors on a page). Audited and e-mailed like a reset on the page.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from second_factor import flows, rules


class Command(BaseCommand):
    help = "Remove every second factor of a staff account (they set up a new one at their next sign-in)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--by", required=True, help="Who asked for it and who checked it was them (audited).")

    def handle(self, *args: object, username: str, by: str, **options: object) -> None:
        user = User.objects.filter(username=username).first()
        if user is None or not rules.is_staff_member(user):
            raise CommandError(f"No staff account {username!r}.")
        removed = flows.reset_factors(None, user, by=f"operator: {by}"[:100])
        self.stdout.write(f"Removed {removed} second factor(s) of {username}; they set up a new one at next sign-in.")
