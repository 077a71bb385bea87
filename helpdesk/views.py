from __future__ import annotations

import base64
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_POST

from accounts import scope
from accounts.models import SchoolClass, Student
from accounts.scope import class_or_404, refuse, scope_of, student_or_404, teacher_required
from accounts.site import site_url
from batches.slips import slips_pdf
from sspr.cards import CARD_LEVELS

from . import flows, request_form_cache, roster
from .forms import CloseRequestForm, ResetRequestForm, StatusForm
from .models import ReferenceCode, ResetRequest

SESSION_CODE = "helpdesk_code"
SESSION_REQUESTER = "helpdesk_requester"

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
        request.session[SESSION_REQUESTER] = data["requester"]
        return redirect("request_reset_sent")
    # The empty form comes from the cache; one sent back with errors is rendered afresh.
    fields_cache = None if form.is_bound else request_form_cache.fragment()
    return render(request, "helpdesk/request_form.html", {"form": form, "fields_cache": fields_cache})


def request_reset_sent(request: HttpRequest) -> HttpResponse:
    code = request.session.get(SESSION_CODE)
    if not code:
        return redirect("request_reset")
    # Who asked is what the person chose on the form, not anything about the child.
    by_parent = request.session.get(SESSION_REQUESTER) == ResetRequest.Requester.PARENT
    return render(request, "helpdesk/request_sent.html", {"code": code, "by_parent": by_parent})


# Received reads the same whether a child matched (the form teacher has it) or
# not (the school's ICT admin has it): the code goes to anyone who fills in the
# form, so telling the two apart would tell a stranger whether a child of that
# name is in that class (docs/security.md, "Reset requests").
_PUBLIC_STATE = {
    ResetRequest.Requester.STUDENT: {
        ResetRequest.State.RECEIVED: gettext_lazy(
            "We have your request. Your form teacher or the school office will look at it soon."
        ),
        ResetRequest.State.IN_PROGRESS: gettext_lazy("A teacher is working on it."),
        ResetRequest.State.DONE: gettext_lazy("Done. Ask your teacher for the new password."),
        ResetRequest.State.DECLINED: gettext_lazy("The teacher could not do this request."),
        # Done or declined, for a folded code: the same words either way.
        ReferenceCode.CLOSED: gettext_lazy("This request is closed. If you still cannot sign in, ask your teacher."),
    },
    ResetRequest.Requester.PARENT: {
        ResetRequest.State.RECEIVED: gettext_lazy(
            "We have your request. Your child's form teacher or the school office will look at it soon."
        ),
        ResetRequest.State.IN_PROGRESS: gettext_lazy("A teacher is working on it."),
        ResetRequest.State.DONE: gettext_lazy(
            "Done. Your child gets the new password from the form teacher at school."
        ),
        ResetRequest.State.DECLINED: gettext_lazy("The school could not do this request."),
        ReferenceCode.CLOSED: gettext_lazy(
            "This request is closed. If your child still cannot sign in, call the school office."
        ),
    },
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
                words = _PUBLIC_STATE.get(found.request.requester, _PUBLIC_STATE[ResetRequest.Requester.STUDENT])
                ctx.update(
                    code=found.display,
                    state=state,
                    state_text=words[state],
                    reason=found.public_reason(),
                )
    else:
        form = StatusForm(request=request, initial={"code": request.session.get(SESSION_CODE, "")})
    ctx["form"] = form
    return render(request, "helpdesk/request_status.html", ctx)


# --- Teacher pages ----------------------------------------------------------
#
# A form teacher sees the classes they take (co-form teachers share them). An
# ICT admin may use these pages for every class of their own school: they
# stand in when a form teacher is away, and they can see those children in the
# admin anyway. MOE IT (superusers) work in the admin; these pages let them in
# only through the same helpers. Who may open which class or child is decided
# in accounts/scope.py, and nowhere else.


def _request_id(request: HttpRequest) -> int | None:
    value = request.POST.get("request", "")
    # ASCII digits only: "²".isdigit() is true too, and int() refuses it.
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


@teacher_required
def teacher_home(request: HttpRequest) -> HttpResponse:
    classes = SchoolClass.objects.current().for_user(request.user).select_related("school").order_by("level", "name")
    classes = list(classes)
    students = Student.objects.current().for_user(request.user)
    queue = (
        ResetRequest.objects.open()
        .filter(student__in=students)
        .select_related("student__user", "student__school_class", "handled_by")
        .order_by("created", "id")
    )
    ctx = {
        "classes": classes,
        "queue": queue,
        "locked": roster.locked_rows(students),
        "no_email": not request.user.email,
    }
    if scope_of(request.user).kind == scope.SCHOOL:
        ctx["unmatched"] = ResetRequest.objects.open().unmatched().for_user(request.user)
        ctx["unmatched_count"] = ctx["unmatched"].count()
    return render(request, "helpdesk/teacher_home.html", ctx)


@teacher_required
def teacher_class(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = class_or_404(request, pk)
    rows = roster.class_rows(school_class)
    return render(request, "helpdesk/teacher_class.html", {"school_class": school_class, "rows": rows})


_CHART_LABELS = {
    "own": gettext_lazy("Set up by the child"),
    "school": gettext_lazy("Set up by the school"),
    "none": gettext_lazy("Not set up"),
    "locked": gettext_lazy("Locked"),
}


@teacher_required
def teacher_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = class_or_404(request, pk)
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
    # The page shows neither the card nor the row's count of requests (it lists them below).
    row = roster.student_rows([student], cards=False, requests=False)[0]
    open_requests = list(student.reset_requests.open().select_related("handled_by").order_by("created"))
    return {
        "student": student,
        "row": row,
        "open_requests": open_requests,
        # Actions are tied to the oldest open request, so that two teachers
        # acting on it are serialised on that one row.
        "current_request": open_requests[0] if open_requests else None,
        "stamp": flows.password_stamp(student.user),
        "card_level": student.level in CARD_LEVELS,
        "card_url": _card_url(student),
        "close_form": CloseRequestForm(),
    }


def _card_url(student: Student) -> str | None:
    """The class page where a teacher makes new challenge cards (batches app)."""
    if not student.school_class_id:
        return None
    return reverse("batches:class", args=[student.school_class_id])


@teacher_required
def teacher_child(request: HttpRequest, pk: int) -> HttpResponse:
    student = student_or_404(request, pk)
    return render(request, "helpdesk/teacher_child.html", _child_context(request, student))


@never_cache  # no-store: the page holds the password
@sensitive_variables("password", "slip_pdf")
@require_POST
@teacher_required
def teacher_temporary_password(request: HttpRequest, pk: int) -> HttpResponse:
    student = student_or_404(request, pk)
    try:
        password = flows.issue_password(
            request,
            student,
            actor=request.user,
            request_id=_request_id(request),
            stamp=request.POST.get("stamp", "")[:64],
        )
    except flows.ActionRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("teacher:child", pk=student.pk)
    _say_what_happened_to_the_request(request, _request_id(request))
    # The admin's printable slip (batches/slips.py), handed over inside this
    # page (a data: link): no second request, the password kept nowhere.
    slip_pdf = base64.b64encode(slips_pdf([(student, password)])).decode("ascii")
    ctx = {"student": student, "password": password, "signin_url": site_url(reverse("login")), "slip_pdf": slip_pdf}
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
        if success:
            messages.success(request, success)
        _say_what_happened_to_the_request(request, kwargs["request_id"])
    return redirect("teacher:child", pk=student.pk)


_REQUEST_OUTCOME = {
    ResetRequest.State.DONE: gettext_lazy("Request closed as done. The person who asked now sees “Done”."),
    ResetRequest.State.DECLINED: gettext_lazy(
        "Request closed as declined. The person who asked sees your message."
    ),
    ResetRequest.State.IN_PROGRESS: gettext_lazy(
        "The request stays open, marked as yours. Close it below when the child can sign in."
    ),
}


def _say_what_happened_to_the_request(request: HttpRequest, request_id: int | None) -> None:
    """After an action on a request, tell the teacher what became of it."""
    if request_id is None:
        return
    state = ResetRequest.objects.filter(pk=request_id).values_list("state", flat=True).first()
    if state in _REQUEST_OUTCOME:
        messages.info(request, _REQUEST_OUTCOME[state])


@require_POST
@teacher_required
def teacher_clear_answers(request: HttpRequest, pk: int) -> HttpResponse:
    """The child page's button leads to a page that says what clearing does;
    only its "Yes, clear" (``confirm``) clears."""
    student = student_or_404(request, pk)
    if request.POST.get("confirm") != "yes":
        ctx = {"student": student, "request_id": _request_id(request), "card_level": student.level in CARD_LEVELS}
        return render(request, "helpdesk/teacher_confirm_clear.html", ctx)
    if student.level in CARD_LEVELS:
        success = _("Challenge answers cleared. This child needs a new challenge card.")
    else:
        success = _("Challenge answers cleared. The child will set up new ones at the next sign-in.")
    return _child_action(request, student, flows.clear_answers, success)


@require_POST
@teacher_required
def teacher_unlock_signin(request: HttpRequest, pk: int) -> HttpResponse:
    student = student_or_404(request, pk)
    return _child_action(request, student, flows.unlock, _("Sign-in unlocked."), kind="signin")


@require_POST
@teacher_required
def teacher_unlock_reset(request: HttpRequest, pk: int) -> HttpResponse:
    student = student_or_404(request, pk)
    return _child_action(request, student, flows.unlock, _("Self-service reset unlocked."), kind="reset")


@require_POST
@teacher_required
def teacher_close_request(request: HttpRequest, pk: int) -> HttpResponse:
    student_id = ResetRequest.objects.for_user(request.user).filter(pk=pk).values_list("student_id", flat=True).first()
    if student_id is None:  # no such request, one outside the scope, or one no child matched yet (the ICT admin's)
        refuse(request, f"request:{pk}")
    student = student_or_404(request, student_id)
    form = CloseRequestForm(request.POST)
    if not form.is_valid():
        ctx = _child_context(request, student)
        ctx["close_form"] = form
        return render(request, "helpdesk/teacher_child.html", ctx, status=400)
    return _child_action(
        request, student, flows.close_request, "",
        request_id=pk, state=form.cleaned_data["state"], reason=form.cleaned_data["reason"],
    )  # fmt: skip
