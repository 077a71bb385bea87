"""Year-end promotion: move a school into the new year.

Every active class of the year advances a level into a new class for the
next year, named by bumping the level in its name ("4 Courage" → "5 Courage";
a name without the level gets it in front: "Courage" → "5 Courage"). If the
new year already has a class of that name (imported early), the children
join it. Primary 6 children leave: their accounts are deactivated (not
deleted, so the audit history stays). The old classes are kept, inactive.
Form teachers are not carried over: schools assign them afresh each year.

Children going from Primary 3 to Primary 4 keep their school-set card answers
until they sign in; ``sspr.answers.needs_own_answers`` then sends them to set
their own, because they are now in Primary 4.

:func:`plan_promotion` is the preview; :func:`promote` makes the same plan
again under a lock and carries it out in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import School, SchoolClass, Student, User
from sspr.models import AnswerStatus, ChallengeAnswer

LAST_LEVEL = 6


class PromotionRefused(Exception):
    """A clear reason shown as is."""


@dataclass
class ClassMove:
    old: SchoolClass
    children: int
    new_name: str = ""  # empty: the children leave the school
    new_level: int | None = None
    existing: SchoolClass | None = None

    @property
    def leaving(self) -> bool:
        return self.new_level is None


@dataclass
class Plan:
    school: School
    from_year: int
    to_year: int
    moves: list[ClassMove] = field(default_factory=list)
    # Children going from P3 to P4 whose answers are school-set (card answers).
    school_set_to_p4: int = 0

    @property
    def leavers(self) -> int:
        return sum(m.children for m in self.moves if m.leaving)

    @property
    def moving(self) -> int:
        return sum(m.children for m in self.moves if not m.leaving)


def next_class_name(name: str, level: int) -> str:
    """The class's name one level up: the first standalone level digit goes up."""
    bumped, count = re.subn(rf"(?<!\d){level}(?!\d)", str(level + 1), name, count=1)
    return bumped if count else f"{level + 1} {name}".strip()


def current_year(school: School) -> int | None:
    """The oldest year that still has active classes: the one to move on."""
    years = SchoolClass.objects.filter(school=school, is_active=True).values_list("year", flat=True)
    return min(years, default=None)


def plan_promotion(school: School, from_year: int | None = None) -> Plan:
    from_year = from_year if from_year is not None else current_year(school)
    if from_year is None:
        raise PromotionRefused(_("This school has no active classes to move on."))
    plan = Plan(school=school, from_year=from_year, to_year=from_year + 1)
    classes = (
        SchoolClass.objects.filter(school=school, year=from_year, is_active=True)
        .annotate(children=Count("students", filter=Q(students__user__is_active=True)))
        .order_by("level", "name")
    )
    existing = {c.name: c for c in SchoolClass.objects.filter(school=school, year=plan.to_year)}
    for c in classes:
        if c.level >= LAST_LEVEL:
            plan.moves.append(ClassMove(old=c, children=c.children))
            continue
        new_name = next_class_name(c.name, c.level)
        plan.moves.append(
            ClassMove(
                old=c, children=c.children, new_name=new_name, new_level=c.level + 1, existing=existing.get(new_name)
            )
        )
    going_to_p4 = Student.objects.filter(
        school_class__in=[m.old for m in plan.moves if m.old.level == 3], user__is_active=True
    ).values("user_id")
    plan.school_set_to_p4 = (
        ChallengeAnswer.objects.filter(user_id__in=going_to_p4).statuses().filter(status=AnswerStatus.SCHOOL).count()
    )
    return plan


def promote(school: School, from_year: int, *, actor: User | None, request: HttpRequest | None = None) -> Plan:
    """Carry out the plan for ``from_year`` in one transaction."""
    with transaction.atomic():
        # Two IT staff pressing the button at once: the second waits here and
        # then finds nothing left to move.
        School.objects.select_for_update().get(pk=school.pk)
        plan = plan_promotion(school, from_year)
        if not plan.moves:
            raise PromotionRefused(
                _("The classes of %(year)s have already been moved on.") % {"year": from_year}
            )
        leavers: list[User] = []
        for move in plan.moves:
            students = Student.objects.filter(school_class=move.old, user__is_active=True)
            if move.leaving:
                leavers += [s.user for s in students.select_related("user")]
            else:
                target = move.existing or SchoolClass.objects.create(
                    school=school, year=plan.to_year, level=move.new_level, name=move.new_name
                )
                if not target.is_active:
                    target.is_active = True
                    target.save(update_fields=["is_active"])
                students.update(school_class=target)
            move.old.is_active = False
            move.old.save(update_fields=["is_active"])
        # Inactive accounts cannot sign in, and their open sessions end.
        User.objects.filter(pk__in=[u.pk for u in leavers]).update(is_active=False)
        for user in leavers:
            audit.record(request, "account.deactivated", actor=actor, target=user.login_id, school=school,
                         reason="left_after_p6")
        audit.record(
            request, "school.promoted", actor=actor, target=school.code, school=school, from_year=plan.from_year,
            to_year=plan.to_year, classes=len(plan.moves), moved=plan.moving, left=plan.leavers,
        )
    return plan
