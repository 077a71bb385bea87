"""Pages for batches: start one (form teachers for their classes, IT for
levels or a school), watch its progress, download its PDF once.

Admin actions (accounts/admin.py) call the ``start_*`` functions at the end
of this module with the admin's request and queryset.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import School, SchoolClass, Student
from accounts.promotion import PromotionRefused, plan_promotion, promote
from second_factor.decorators import fresh_second_factor_required

from . import runner
from .forms import ClassBatchForm, PromotionForm, SchoolBatchForm
from .models import Batch
from .runner import BatchRefused, classes_for_user, schools_for_user


def _get_class_for_user(request: HttpRequest, pk: int) -> SchoolClass:
    return get_object_or_404(classes_for_user(request.user).select_related("school"), pk=pk)


def _get_school_for_it(request: HttpRequest, pk: int) -> School:
    return get_object_or_404(schools_for_user(request.user), pk=pk)


def _get_own_batch(request: HttpRequest, pk: int) -> Batch:
    # Someone else's batch is "not found": not even its existence is shown.
    return get_object_or_404(Batch.objects.select_related("school"), pk=pk, requested_by=request.user)


def _staff_only(request: HttpRequest) -> None:
    if not (request.user.is_superuser or hasattr(request.user, "teacher")):
        raise Http404


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    ctx = {
        "classes": classes_for_user(request.user).filter(is_active=True).select_related("school"),
        "schools": schools_for_user(request.user),
        "batches": Batch.objects.filter(requested_by=request.user).select_related("school")[:20],
    }
    return render(request, "batches/index.html", ctx)


@login_required
@fresh_second_factor_required(methods=None)
def class_page(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = _get_class_for_user(request, pk)
    form = ClassBatchForm(request.POST or None, school_class=school_class)
    if request.method == "POST" and form.is_valid():
        chosen = form.chosen()
        picked = bool(form.cleaned_data["students"])
        kind = form.cleaned_data["kind"]
        params = {"reissue": picked} if kind == Batch.Kind.CARDS else {"channel": "new_students" if picked else "class"}
        try:
            batch = runner.create_batch(
                kind=kind, requested_by=request.user, school=school_class.school, students=chosen, params=params,
                request=request,
            )
        except BatchRefused as e:
            form.add_error(None, str(e))
        else:
            return redirect("batches:detail", batch.pk)
    return render(request, "batches/class.html", {"school_class": school_class, "form": form})


@login_required
@fresh_second_factor_required(methods=None)
def school_page(request: HttpRequest, pk: int) -> HttpResponse:
    school = _get_school_for_it(request, pk)
    form = SchoolBatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        levels = sorted(form.cleaned_data["levels"])
        kind = form.cleaned_data["kind"]
        students = _students_of(school, levels)
        params = {"levels": levels} if kind == Batch.Kind.CARDS else {"levels": levels, "channel": "yearly_reset"}
        try:
            batch = runner.create_batch(
                kind=kind, requested_by=request.user, school=school, students=students, params=params,
                request=request,
            )
        except BatchRefused as e:
            form.add_error(None, str(e))
        else:
            return redirect("batches:detail", batch.pk)
    return render(request, "batches/school.html", {"school": school, "form": form})


def _students_of(school: School, levels: Iterable[int]) -> QuerySet[Student]:
    return Student.objects.filter(
        school=school, school_class__is_active=True, school_class__level__in=list(levels), user__is_active=True
    ).select_related("user", "school_class")


@login_required
@fresh_second_factor_required(methods=None)
def promote_page(request: HttpRequest, pk: int) -> HttpResponse:
    school = _get_school_for_it(request, pk)
    try:
        plan = plan_promotion(school)
    except PromotionRefused as e:
        return render(request, "batches/promote.html", {"school": school, "refused": str(e)})
    form = PromotionForm(request.POST or None, initial={"from_year": plan.from_year})
    if request.method == "POST" and form.is_valid():
        try:
            done = promote(school, form.cleaned_data["from_year"], actor=request.user, request=request)
        except PromotionRefused as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request,
                _("%(school)s has moved into %(year)s: %(moved)s children moved up and %(left)s left.")
                % {"school": school.name, "year": done.to_year, "moved": done.moving, "left": done.leavers},
            )
            return redirect("batches:index")
    return render(request, "batches/promote.html", {"school": school, "plan": plan, "form": form})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_own_batch(request, pk)
    return render(request, "batches/detail.html", {"batch": batch})


@login_required
def status(request: HttpRequest, pk: int) -> JsonResponse:
    batch = _get_own_batch(request, pk)
    return JsonResponse(
        {"status": batch.status, "done": batch.done, "total": batch.total, "finished": batch.is_finished},
        headers={"Cache-Control": "no-store"},
    )


@require_POST
@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_own_batch(request, pk)
    if not runner.may_still_see(batch, request.user):  # e.g. moved off the class since asking
        raise Http404
    runner.cleanup_expired()
    batch.refresh_from_db()
    data = runner.take_file(batch, request.user, request=request)
    if data is None:  # used up or expired: say so to the requester
        messages.error(request, _("This file has already been downloaded or deleted. Make a new one if you need it."))
        return redirect("batches:detail", batch.pk)
    name = f"{runner.KINDS[batch.kind].filename}-{batch.pk}.pdf"
    return HttpResponse(
        data,
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@require_POST
@login_required
def resume(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_own_batch(request, pk)
    if runner.resume(batch, request=request):
        messages.success(request, _("The batch carries on where it stopped."))
    else:
        messages.error(request, _("This batch cannot be carried on."))
    return redirect("batches:detail", batch.pk)


# --- For admin actions ----------------------------------------------------


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
    return students.filter(school_class__in=classes_for_user(request.user), user__is_active=True).select_related(
        "user", "school", "school_class"
    )


def start_cards_for_classes(request: HttpRequest, queryset: QuerySet[SchoolClass]) -> HttpResponse:
    """Admin action: challenge cards for every P2–3 child of these classes."""
    students = _visible_students(request, Student.objects.filter(school_class__in=queryset))
    return _start(request, Batch.Kind.CARDS, students, {"reissue": False})


def start_slips_for_classes(request: HttpRequest, queryset: QuerySet[SchoolClass]) -> HttpResponse:
    """Admin action: new temporary passwords and slips for these classes."""
    students = _visible_students(request, Student.objects.filter(school_class__in=queryset))
    return _start(request, Batch.Kind.SLIPS, students, {"channel": "class"})


def start_cards_for_students(request: HttpRequest, queryset: QuerySet[Student]) -> HttpResponse:
    """Admin action: new cards for these children (lost cards)."""
    return _start(request, Batch.Kind.CARDS, _visible_students(request, queryset), {"reissue": True})


def start_slips_for_students(request: HttpRequest, queryset: QuerySet[Student]) -> HttpResponse:
    """Admin action: slips for these children (new students, lost slips)."""
    return _start(request, Batch.Kind.SLIPS, _visible_students(request, queryset), {"channel": "new_students"})


def start_for_school(request: HttpRequest, school: School) -> HttpResponse:
    """Admin link: the page for cards by level and the yearly reset."""
    return redirect(reverse("batches:school", args=[school.pk]))
