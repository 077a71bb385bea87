"""Shared parts of the commands that make a printable file right away."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet

from accounts.models import School, Student, User
from accounts.scope import scope_of
from batches import runner
from batches.models import Batch


class BatchCommand(BaseCommand):
    kind: str = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="School code.")
        parser.add_argument("--class", dest="classes", action="append", default=[], help="Class name (repeatable).")
        parser.add_argument(
            "--level", dest="levels", action="append", type=int, default=[], help="Level 1-6 (repeatable)."
        )
        parser.add_argument("--year", type=int, help="School year of the classes (default: the current one).")
        parser.add_argument("--by", required=True, help="Username of the staff member responsible (audited).")
        parser.add_argument("--output", required=True, help="Where to write the PDF (made readable by you only).")

    def students(self, school: School, options: dict[str, Any]) -> QuerySet[Student]:
        if not options["classes"] and not options["levels"]:
            raise CommandError("Give --class or --level.")
        qs = Student.objects.current().filter(school=school)
        if options["year"]:
            qs = qs.filter(school_class__year=options["year"])
        if options["classes"]:
            qs = qs.filter(school_class__name__in=options["classes"])
        if options["levels"]:
            qs = qs.filter(school_class__level__in=options["levels"])
        return qs.select_related("user", "school", "school_class")

    def params(self, options: dict[str, Any]) -> dict[str, Any]:
        return {}

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            school = School.objects.get(code=options["school"])
        except School.DoesNotExist:
            raise CommandError(f"No school with code {options['school']!r}.") from None
        by = User.objects.filter(username=options["by"]).first()
        if not scope_of(by).administers(school.pk):
            raise CommandError("--by must be MOE IT or an ICT admin of this school.")
        output = Path(options["output"])
        if output.exists():
            raise CommandError(f"{output} already exists; choose a new file name.")
        try:
            batch = runner.create_batch(
                kind=self.kind, requested_by=by, school=school, students=self.students(school, options),
                params=self.params(options), queue=False,
            )
        except runner.BatchRefused as e:
            raise CommandError(str(e)) from None
        status = runner.run_batch(batch.pk)
        batch.refresh_from_db()
        if status != Batch.Status.DONE:
            raise CommandError(f"Batch {batch.pk} stopped: {batch.error}. Resume it with resume_batches.")
        data = runner.take_file(batch, by)
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data or b"")
        self.stdout.write(f"Batch {batch.pk}: {batch.total} children, written to {output}.")
