"""Pages for batches: start one (form teachers for their classes, IT for
levels or a school), watch its progress, download its PDF once.

The admin's actions that start batches are in batches/admin.py.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import School, SchoolClass, Student
from accounts.scope import class_or_404, it_required, refuse, school_or_404, teacher_required
from second_factor.decorators import fresh_second_factor_required

from . import runner
from .forms import ClassBatchForm, PromotionForm, SchoolBatchForm
from .models import Batch
from .promotion import PromotionRefused, plan_promotion, promote
from .runner import BatchRefused


def _get_own_batch(request: HttpRequest, pk: int) -> Batch:
    # Someone else's batch, or one about children no longer in the user's
    # scope, is "not found": not even its existence is shown.
    batch = Batch.objects.for_user(request.user).select_related("school").filter(pk=pk, requested_by=request.user)
    found = batch.first()
    if found is None:
        refuse(request, f"batch:{pk}")
    return found


@teacher_required
def index(request: HttpRequest) -> HttpResponse:
    ctx = {
        "classes": SchoolClass.objects.current().for_user(request.user).select_related("school"),
        "schools": School.objects.for_user(request.user),
        "batches": Batch.objects.for_user(request.user).filter(requested_by=request.user).select_related("school")[
            :20
        ],
    }
    return render(request, "batches/index.html", ctx)


@teacher_required
@fresh_second_factor_required(methods=None)
def class_page(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = class_or_404(request, pk)
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


@it_required
@fresh_second_factor_required(methods=None)
def school_page(request: HttpRequest, pk: int) -> HttpResponse:
    school = school_or_404(request, pk)
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
    return (
        Student.objects.current()
        .filter(school=school, school_class__level__in=list(levels))
        .select_related("user", "school_class")
    )


@it_required
@fresh_second_factor_required(methods=None)
def promote_page(request: HttpRequest, pk: int) -> HttpResponse:
    school = school_or_404(request, pk)
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


@teacher_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_own_batch(request, pk)
    return render(request, "batches/detail.html", {"batch": batch})


@teacher_required
def status(request: HttpRequest, pk: int) -> JsonResponse:
    batch = _get_own_batch(request, pk)
    return JsonResponse(
        {"status": batch.status, "done": batch.done, "total": batch.total, "finished": batch.is_finished},
        headers={"Cache-Control": "no-store"},
    )


@require_POST
@teacher_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_own_batch(request, pk)  # 404 if moved off the class since asking
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
@teacher_required
def resume(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_own_batch(request, pk)
    if runner.resume(batch, request=request):
        messages.success(request, _("The batch carries on where it stopped."))
    else:
        messages.error(request, _("This batch cannot be carried on."))
    return redirect("batches:detail", batch.pk)
