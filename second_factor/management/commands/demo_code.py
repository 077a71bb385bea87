"""python manage.py demo_code — the demo staff's authenticator code right now."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from second_factor.demo import current_code, demo_secret


class Command(BaseCommand):
    help = "Print the 6-digit code the demo staff accounts' authenticator app would show now (seed_demo)."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_code is for the demo (DEBUG on) only.")
        self.stdout.write(current_code())
        self.stderr.write(f"(secret {demo_secret()}; a new code every 30 seconds, each works once)")
