from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import School, User
from batches.promotion import PromotionRefused, plan_promotion, promote


class Command(BaseCommand):
    help = "Move a school into the new year (preview unless --yes): classes go up a level, Primary 6 leave."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="School code.")
        parser.add_argument("--from-year", type=int, help="The year to move on from (default: the current one).")
        parser.add_argument("--by", help="Username of the staff member responsible (audited).")
        parser.add_argument("--yes", action="store_true", help="Carry it out; without this only the preview shows.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            school = School.objects.get(code=options["school"])
            plan = plan_promotion(school, options["from_year"])
        except School.DoesNotExist:
            raise CommandError(f"No school with code {options['school']!r}.") from None
        except PromotionRefused as e:
            raise CommandError(str(e)) from None
        for m in plan.moves:
            after = "leave (accounts deactivated)" if m.leaving else m.new_name + (" (existing)" if m.existing else "")
            self.stdout.write(f"{m.old.name} ({plan.from_year}, {m.children} children) -> {after}")
        self.stdout.write(
            f"{plan.moving} move up, {plan.leavers} leave, {plan.school_set_to_p4} going into P4 with card answers."
        )
        if not options["yes"]:
            self.stdout.write("Preview only: nothing changed. Run again with --yes to carry it out.")
            return
        actor = User.objects.filter(username=options["by"]).first() if options["by"] else None
        try:
            done = promote(school, plan.from_year, actor=actor)
        except PromotionRefused as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"{school.name} moved into {done.to_year}.")
