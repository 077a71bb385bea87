"""python manage.py seed_demo — the demo world (staff's command), and the demo
school apps on the children's account page."""

from __future__ import annotations

from django.db import transaction

from sso.demo import seed_demo_apps
from staff.management.commands import seed_demo


class Command(seed_demo.Command):
    help = seed_demo.Command.help + " Also registers the demo school apps (single sign-on)."

    def handle(self, *args: object, **options: object) -> None:
        super().handle(*args, **options)
        with transaction.atomic():
            created = seed_demo_apps()
        self.stdout.write(
            f"Demo school apps on the students' account page ({created} new; single sign-on, docs/sso.md)."
        )
