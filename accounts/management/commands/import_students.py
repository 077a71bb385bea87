"""python manage.py import_students FILE.csv [--commit]

Without ``--commit`` it only previews: every line with its login ID and what
to eyeball. With ``--commit`` it imports, all or nothing. The admin's upload
page does the same through the same functions (accounts/importing.py).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import importing


class Command(BaseCommand):
    help = (
        "Import students from a CSV file with the columns school_code, class, level, full_name, "
        "student_ref and (optional) login_id. Shows a preview unless --commit is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV file (UTF-8, comma or semicolon separated).")
        parser.add_argument("--commit", action="store_true", help="Save the import (default: preview only).")
        parser.add_argument("--year", type=int, help="School year of the classes (default: this year).")

    def handle(self, *args: object, file: str, commit: bool, year: int | None, **options: object) -> None:
        path = Path(file)
        try:
            # stat() first: a file over the limit is refused without reading it.
            size = path.stat().st_size
            with path.open("rb") as f:
                data = importing.read_limited(f, size=size)
        except OSError as e:
            raise CommandError(_("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": e.strerror}) from None
        except importing.ImportFileError as e:
            raise CommandError(e.message) from None
        try:
            parsed = importing.parse_csv(data, name=path.name)
        except importing.ImportFileError as e:
            raise CommandError(e.message) from None
        plan = importing.plan_import(parsed, actor=None, year=year)
        result = importing.apply_plan(plan, commit=commit, source="command")

        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                ngettext(
                    "%(count)d error; nothing was imported. Fix the file and run the command again.",
                    "%(count)d errors; nothing was imported. Fix the file and run the command again.",
                    len(result.errors),
                )
                % {"count": len(result.errors)}
            )

        self._print_rows(result)
        counts = result.counts
        summary = _("%(created)d new, %(updated)d updated, %(unchanged)d unchanged, %(classes)d new classes.") % {
            "created": counts["created"],
            "updated": counts["updated"],
            "unchanged": counts["unchanged"],
            "classes": counts["classes_created"],
        }
        if counts["transferred"]:
            summary += " " + _("%(n)d of the updated moved from other schools.") % {"n": counts["transferred"]}
        if result.committed:
            self.stdout.write(self.style.SUCCESS(_("Imported: %(summary)s") % {"summary": summary}))
        else:
            self.stdout.write(_("Preview only, nothing saved: %(summary)s") % {"summary": summary})
            self.stdout.write(_("Run again with --commit to import."))

    def _print_rows(self, result: importing.ImportResult) -> None:
        header = (_("Line"), _("Action"), _("Login ID"), _("School"), _("Class"), _("Full name"), _("Check"))
        self.stdout.write("\t".join(header))
        for p in result.rows:
            self.stdout.write(
                "\t".join(
                    (
                        str(p.row.line),
                        importing.action_label(p),
                        p.login_id,
                        p.school.code if p.school else p.row.school_code,
                        p.row.class_name,
                        p.row.full_name,
                        "; ".join(importing.row_flags(p)),
                    )
                )
            )
