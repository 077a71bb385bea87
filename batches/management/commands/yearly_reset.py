from typing import Any

from django.core.management.base import CommandError

from .issue_slips import Command as IssueSlips


class Command(IssueSlips):
    help = (
        "The yearly password reset: new temporary passwords for the chosen levels of a school "
        "(changed at next sign-in; open sessions end) and the PDF of sign-in slips."
    )

    def params(self, options: dict[str, Any]) -> dict[str, Any]:
        if not options["levels"]:
            raise CommandError("Give the levels to reset with --level (repeatable).")
        return {"channel": "yearly_reset", "levels": options["levels"]}
