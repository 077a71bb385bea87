"""Admin actions that start batches, for the class and student lists of the
admin (staff/admin.py mixes these classes into its ``SchoolClassAdmin`` and
``StudentAdmin``).

The queryset Django hands an action is the admin's scoped changelist; the
children are cut once more to the ones the user works for today
(``Student.objects.current().for_user``): still at school, in an active class.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import SchoolClass, Student
from second_factor.decorators import fresh_second_factor_required

from . import runner
from .models import Batch
from .runner import BatchRefused


def _start(request: HttpRequest, kind: str, students: Iterable[Student], params: dict) -> HttpResponse:
    """One batch per school; redirect to its page (or to the list for many)."""
    by_school: dict[int, list[Student]] = defaultdict(list)
    for s in students:
        by_school[s.school_id].append(s)
    made = []
    for group in by_school.values():
        try:
            made.append(
                runner.create_batch(
                    kind=kind, requested_by=request.user, school=group[0].school, students=group, params=params,
                    request=request,
                )
            )
        except BatchRefused as e:
            messages.error(request, f"{group[0].school}: {e}")
    if not by_school:
        messages.error(request, _("None of the chosen children can get this."))
    if len(made) == 1:
        return redirect("batches:detail", made[0].pk)
    for batch in made:
        messages.success(request, _("Started: %(batch)s") % {"batch": batch})
    return redirect("batches:index")


def _visible_students(request: HttpRequest, students: QuerySet[Student]) -> QuerySet[Student]:
    return students.current().for_user(request.user).select_related("user", "school", "school_class")


def _of_classes(request: HttpRequest, classes: QuerySet[SchoolClass]) -> QuerySet[Student]:
    return _visible_students(request, Student.objects.filter(school_class__in=classes))


class ClassBatchActions:
    """For the class list: cards or slips for every child of the chosen classes."""

    @admin.action(description=gettext_lazy("Make challenge cards (Primary 2–3) for the selected classes"))
    @fresh_second_factor_required
    def issue_cards(self, request: HttpRequest, queryset: QuerySet[SchoolClass]) -> HttpResponse:
        return _start(request, Batch.Kind.CARDS, _of_classes(request, queryset), {"reissue": False})

    @admin.action(description=gettext_lazy("Issue temporary passwords with slips for the selected classes"))
    @fresh_second_factor_required
    def issue_slips(self, request: HttpRequest, queryset: QuerySet[SchoolClass]) -> HttpResponse:
        return _start(request, Batch.Kind.SLIPS, _of_classes(request, queryset), {"channel": "class"})


class StudentBatchActions:
    """For the student list: slips for new students or lost slips, new cards for lost cards."""

    @admin.action(description=gettext_lazy("Print sign-in slips with new temporary passwords (background)"))
    @fresh_second_factor_required
    def issue_slips(self, request: HttpRequest, queryset: QuerySet[Student]) -> HttpResponse:
        return _start(request, Batch.Kind.SLIPS, _visible_students(request, queryset), {"channel": "new_students"})

    @admin.action(description=gettext_lazy("Make new challenge cards (lost card; Primary 2–3)"))
    def reissue_cards(self, request: HttpRequest, queryset: QuerySet[Student]) -> HttpResponse:
        return _start(request, Batch.Kind.CARDS, _visible_students(request, queryset), {"reissue": True})
