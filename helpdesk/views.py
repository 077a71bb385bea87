from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import NoReturn

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_POST

from accounts import audit
from accounts.models import AuditEvent, SchoolClass, Student

from . import flows, roster
from .forms import CloseRequestForm, ResetRequestForm, StatusForm
from .models import ReferenceCode, ResetRequest

SESSION_CODE = "helpdesk_code"

# --- Public pages -----------------------------------------------------------


def request_reset(request: HttpRequest) -> HttpResponse:
    """Anyone may ask. The answer never depends on whether the child exists."""
    form = ResetRequestForm(request.POST if request.method == "POST" else None, request=request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        code = flows.submit_request(
            request,
            school=data["school"],
            full_name=data["full_name"],
            class_name=data["class_name"],
            login_id=data["login_id"],
            requester=data["requester"],
            contact=data["contact"],
            note=data["note"],
        )
        request.session[SESSION_CODE] = code.display
        return redirect("request_reset_sent")
    return render(request, "helpdesk/request_form.html", {"form": form})


def request_reset_sent(request: HttpRequest) -> HttpResponse:
    code = request.session.get(SESSION_CODE)
    if not code:
        return redirect("request_reset")
    return render(request, "helpdesk/request_sent.html", {"code": code})


_PUBLIC_STATE = {
    ResetRequest.State.RECEIVED: gettext_lazy("We have your request. A teacher will look at it soon."),
    ResetRequest.State.IN_PROGRESS: gettext_lazy("A teacher is working on it."),
    ResetRequest.State.DONE: gettext_lazy("Done. Ask your teacher for the new password."),
    ResetRequest.State.DECLINED: gettext_lazy("The teacher could not do this request."),
    # Done or declined, for a folded code: the same words either way.
    ReferenceCode.CLOSED: gettext_lazy("This request is closed. If you still cannot sign in, ask your teacher."),
}


def request_reset_status(request: HttpRequest) -> HttpResponse:
    """Only the state and, for the code that opened the request, the teacher's
    message: nothing about the child (see ReferenceCode.public_state)."""
    ctx: dict = {}
    if "code" in request.GET:
        form = StatusForm(request.GET, request=request)
        if form.is_valid():
            found = (
                ReferenceCode.objects.filter(code=form.cleaned_data["code"]).select_related("request").first()
                if form.cleaned_data["code"]
                else None
            )
            ctx["looked_up"] = True
            if found is not None:
                state = found.public_state()
                ctx.update(
                    code=found.display,
                    state=state,
                    state_text=_PUBLIC_STATE[state],
                    reason=found.public_reason(),
                )
    else:
        form = StatusForm(request=request, initial={"code": request.session.get(SESSION_CODE, "")})
    ctx["form"] = form
    return render(request, "helpdesk/request_status.html", ctx)


# --- Teacher pages ----------------------------------------------------------
#
# A form teacher sees the classes they take (co-form teachers share them). An
# ICT admin (a Teacher whose user is staff) may use these pages for every
# class of their own school: they stand in when a form teacher is away, and
# they can see those children in the admin anyway. MOE IT (superusers) work in
# the admin; these pages let them in only through the same helpers.


def form_teacher_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:  # noqa: ANN002, ANN003
        user = request.user
        if not (user.is_superuser or hasattr(user, "teacher")):
            _forbidden(request, request.path)
        return view(request, *args, **kwargs)

    return wrapped


def _forbidden(request: HttpRequest, target: str) -> NoReturn:
    audit.record(request, "teacher.forbidden", target=target, outcome=AuditEvent.Outcome.REFUSED, path=request.path)
    raise Http404


def _classes_for(user) -> QuerySet[SchoolClass]:  # noqa: ANN001
    """This year's classes the user may see: a class made inactive at year end
    is kept for the record but is nobody's to work on, whoever asks."""
    if user.is_superuser:
        classes = SchoolClass.objects.all()
    elif user.is_staff:
        classes = SchoolClass.objects.filter(school_id=user.teacher.school_id)
    else:
        classes = user.teacher.form_classes.all()
    return classes.filter(is_active=True)


def _get_class_for_teacher(request: HttpRequest, pk: int) -> SchoolClass:
    school_class = _classes_for(request.user).select_related("school").filter(pk=pk).first()
    if school_class is None:
        _forbidden(request, f"class:{pk}")
    return school_class


def _get_student_for_teacher(request: HttpRequest, pk: int) -> Student:
    student = Student.objects.for_user(request.user).select_related("user", "school_class").filter(pk=pk).first()
    if student is None:
        _forbidden(request, f"student:{pk}")
    return student


def _request_id(request: HttpRequest) -> int | None:
    value = request.POST.get("request", "")
    # ASCII digits only: "²".isdigit() is true too, and int() refuses it.
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


@form_teacher_required
def teacher_home(request: HttpRequest) -> HttpResponse:
    classes = list(_classes_for(request.user).select_related("school").order_by("level", "name"))
    queue = (
        ResetRequest.objects.open()
        .filter(student__in=Student.objects.for_user(request.user))
        .select_related("student__user", "student__school_class", "handled_by")
        .order_by("created", "id")
    )
    ctx = {"classes": classes, "queue": queue, "no_email": not request.user.email}
    if request.user.is_staff and not request.user.is_superuser:
        ctx["unmatched"] = ResetRequest.objects.open().unmatched().filter(school_id=request.user.teacher.school_id)
        ctx["unmatched_count"] = ctx["unmatched"].count()
    return render(request, "helpdesk/teacher_home.html", ctx)


@form_teacher_required
def teacher_class(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = _get_class_for_teacher(request, pk)
    rows = roster.class_rows(school_class)
    return render(request, "helpdesk/teacher_class.html", {"school_class": school_class, "rows": rows})


_CHART_LABELS = {
    "own": gettext_lazy("Set up by the child"),
    "school": gettext_lazy("Set up by the school"),
    "none": gettext_lazy("Not set up"),
    "locked": gettext_lazy("Locked"),
}


@form_teacher_required
def teacher_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = _get_class_for_teacher(request, pk)
    rows = roster.class_rows(school_class)
    data = roster.summary(rows)
    ctx = {
        "school_class": school_class,
        "data": data,
        "bars": roster.chart_bars(data, _CHART_LABELS),
        "not_set_up": [r for r in rows if r.answers == "none"],
        "locked": [r for r in rows if r.locked],
    }
    return render(request, "helpdesk/teacher_dashboard.html", ctx)


def _child_context(request: HttpRequest, student: Student) -> dict:
    row = roster.student_rows([student])[0]
    open_requests = list(student.reset_requests.open().select_related("handled_by").order_by("created"))
    level = student.level
    return {
        "student": student,
        "row": row,
        "open_requests": open_requests,
        # Actions are tied to the oldest open request, so that two teachers
        # acting on it are serialised on that one row.
        "current_request": open_requests[0] if open_requests else None,
        "stamp": flows.password_stamp(student.user),
        "card_level": level is not None and level <= 3,
        "card_url": _card_url(student),
        "close_form": CloseRequestForm(),
    }


def _card_url(student: Student) -> str | None:
    """The class page where a teacher makes new challenge cards (batches app),
    or None where the cards pages are not installed."""
    from django.urls import NoReverseMatch

    if not student.school_class_id:
        return None
    try:
        return reverse("batches:class", args=[student.school_class_id])
    except NoReverseMatch:
        return None


@form_teacher_required
def teacher_child(request: HttpRequest, pk: int) -> HttpResponse:
    student = _get_student_for_teacher(request, pk)
    return render(request, "helpdesk/teacher_child.html", _child_context(request, student))


@never_cache
@sensitive_variables("password")
@require_POST
@form_teacher_required
def teacher_temporary_password(request: HttpRequest, pk: int) -> HttpResponse:
    student = _get_student_for_teacher(request, pk)
    try:
        password = flows.issue_password(
            request, student, actor=request.user, request_id=_request_id(request),
            stamp=request.POST.get("stamp", "")[:64],
        )
    except flows.ActionRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("teacher:child", pk=student.pk)
    ctx = {"student": student, "password": password, "signin_url": request.build_absolute_uri(reverse("login"))}
    return render(request, "helpdesk/teacher_password.html", ctx)


def _child_action(
    request: HttpRequest, student: Student, action: Callable[..., object], success: str, **kwargs: object
) -> HttpResponse:
    """Run a teacher action from ``flows`` and go back to the child's page,
    saying what was done or, when it was refused, why nothing was."""
    kwargs.setdefault("request_id", _request_id(request))
    try:
        action(request, student, actor=request.user, **kwargs)
    except flows.ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, success)
    return redirect("teacher:child", pk=student.pk)


@require_POST
@form_teacher_required
def teacher_clear_answers(request: HttpRequest, pk: int) -> HttpResponse:
    student = _get_student_for_teacher(request, pk)
    if student.level is not None and student.level <= 3:
        success = _("Challenge answers cleared. This child needs a new challenge card.")
    else:
        success = _("Challenge answers cleared. The child will set up new ones at the next sign-in.")
    return _child_action(request, student, flows.clear_answers, success)


@require_POST
@form_teacher_required
def teacher_unlock_signin(request: HttpRequest, pk: int) -> HttpResponse:
    student = _get_student_for_teacher(request, pk)
    return _child_action(request, student, flows.unlock_signin, _("Sign-in unlocked."))


@require_POST
@form_teacher_required
def teacher_unlock_reset(request: HttpRequest, pk: int) -> HttpResponse:
    student = _get_student_for_teacher(request, pk)
    return _child_action(request, student, flows.unlock_reset, _("Self-service reset unlocked."))


@require_POST
@form_teacher_required
def teacher_close_request(request: HttpRequest, pk: int) -> HttpResponse:
    student_id = ResetRequest.objects.filter(pk=pk).values_list("student_id", flat=True).first()
    if student_id is None:  # no such request, or one no child matched yet (the ICT admin's)
        _forbidden(request, f"request:{pk}")
    student = _get_student_for_teacher(request, student_id)
    form = CloseRequestForm(request.POST)
    if not form.is_valid():
        ctx = _child_context(request, student)
        ctx["close_form"] = form
        return render(request, "helpdesk/teacher_child.html", ctx, status=400)
    return _child_action(
        request, student, flows.close_request, _("Request closed."),
        request_id=pk, state=form.cleaned_data["state"], reason=form.cleaned_data["reason"],
    )  # fmt: skip
