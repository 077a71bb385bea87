"""Admin pages for one child's account over its life: transfer to another
school (MOE IT), leaving and coming back (ICT admin, MOE IT), and the
download of everything the portal holds about a child (ICT admin, MOE IT).

``StudentAdmin`` lists the actions and includes :func:`records_urls`. Each
page calls the one flow for its change (accounts/transfers.py,
accounts/leavers.py); the download reads every table that holds the child
(:func:`collect`).
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts import audit, leavers
from accounts.models import AuditEvent, SchoolClass, Student
from accounts.plain_errors import PlainErrorsMixin
from accounts.transfers import transfer_student
from helpdesk.models import ResetRequest
from second_factor.decorators import fresh_second_factor_required
from sspr.models import ChallengeAnswer, ResetLock


class TransferForm(PlainErrorsMixin, forms.Form):
    to_class = forms.ModelChoiceField(
        label=gettext_lazy("New school and class"),
        queryset=SchoolClass.objects.none(),
        help_text=gettext_lazy("The child keeps their login ID, password and answers."),
    )

    def __init__(self, student: Student, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_class"]
        field.queryset = (
            SchoolClass.objects.filter(is_active=True)
            .exclude(school_id=student.school_id)
            .select_related("school")
            .order_by("school__name", "-year", "level", "name")
        )
        field.label_from_instance = lambda c: f"{c.school.name} — {c}"


@admin.action(description=gettext_lazy("Transfer to another school (MOE IT)"), permissions=["transfer"])
@fresh_second_factor_required
def transfer_to_school(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
    students = list(queryset.select_related("user", "school", "school_class")[:2])
    if len(students) != 1:
        modeladmin.message_user(request, _("Choose exactly one student to transfer."), messages.ERROR)
        return None
    student = students[0]
    form = TransferForm(student, request.POST if "to_class" in request.POST else None)
    if form.is_valid():
        to_class = form.cleaned_data["to_class"]
        from_school = student.school
        try:
            transfer_student(student, to_class, request=request, actor=request.user, source="admin")
        except (ValidationError, PermissionDenied) as e:
            form.add_error("to_class", e.messages if isinstance(e, ValidationError) else str(e))
        else:
            modeladmin.message_user(
                request,
                _("%(login_id)s moved from %(from)s to %(to)s; the login ID, password and answers are unchanged.")
                % {"login_id": student.login_id, "from": from_school.name, "to": to_class.school.name},
                messages.SUCCESS,
            )
            return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Transfer to another school"),
        "student": student,
        "form": form,
        "action": "transfer_to_school",
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, "admin/accounts/student/transfer.html", context)


@admin.action(description=gettext_lazy("Mark as left MOE schools (deactivate)"), permissions=["change"])
def mark_as_left(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
    if request.POST.get("confirm") != "yes":
        return modeladmin._confirm(
            request,
            queryset,
            "mark_as_left",
            _("Mark as left MOE schools"),
            _(
                "Each child below can no longer sign in or reset their password, and apps stop accepting them. "
                "Their login ID stays theirs: if they come back, import them again or use “Give back the "
                "account”. Their details are removed after the retention period."
            ),
        )
    count = leavers.deactivate(list(queryset), request=request, actor=request.user, reason="left")
    modeladmin.message_user(
        request,
        ngettext("Deactivated %(n)d student.", "Deactivated %(n)d students.", count) % {"n": count},
        messages.SUCCESS,
    )
    return None


@admin.action(description=gettext_lazy("Give back the account (child has returned)"), permissions=["change"])
def give_account_back(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    count = leavers.reactivate(list(queryset), request=request, actor=request.user, reason="returned")
    modeladmin.message_user(
        request,
        ngettext("Gave back the account of %(n)d student.", "Gave back the accounts of %(n)d students.", count)
        % {"n": count},
        messages.SUCCESS,
    )


def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


def collect(student: Student) -> dict:
    """Everything the portal holds about one child, as plain JSON-ready data.

    Never a secret: passwords and answers are stored only as hashes, and the
    hashes are left out too (they are no one's business, the child's included).
    Kept in step with docs/privacy.md: a new table that holds a child's data
    belongs here as well.
    """
    user = student.user
    login_id = student.login_id
    answers = ChallengeAnswer.objects.filter(user=user).select_related("question").order_by("question__order", "pk")
    requests = ResetRequest.objects.filter(student=student).select_related("school").order_by("created")
    events = (
        AuditEvent.objects.filter(Q(target=login_id) | Q(actor_id=user.pk))
        .select_related("school")
        .order_by("created", "id")
    )
    lock = ResetLock.objects.filter(user=user).first()
    return {
        "login_id": login_id,
        "account": {
            "active": user.is_active,
            "created": _when(user.date_joined),
            "last_sign_in": _when(user.last_login),
            "has_password": user.has_usable_password(),
            "must_change_password": user.must_change_password,
        },
        "student": {
            "full_name": student.full_name,
            "student_reference": student.student_ref,
            "school": student.school.name,
            "school_code": student.school.code,
            "class": str(student.school_class) if student.school_class_id else None,
            "level": student.level,
            "left_on": _when(student.left_on),
        },
        "challenge_answers": [
            {"question": a.question.text, "set_by_school": a.school_set, "set_on": _when(a.created)} for a in answers
        ],
        "self_service_reset_lock": (
            {"failed_attempts": lock.failures, "locked_until": _when(lock.locked_until)} if lock else None
        ),
        "reset_requests": [
            {
                "received": _when(r.created),
                "school": r.school.name,
                "name_typed": r.full_name,
                "class_typed": r.class_name,
                "asked_by": r.requester,
                "contact": r.contact,
                "note": r.note,
                "state": r.state,
                "message": r.reason,
            }
            for r in requests
        ],
        "audit_events": [
            {
                "when": _when(e.created),
                "action": e.action,
                "outcome": e.outcome,
                "by": e.actor_label,
                "school": e.school.name if e.school_id else None,
                "ip": e.ip,
                "user_agent": e.user_agent,
                "details": e.details,
            }
            for e in events
        ],
    }


def records_urls(model_admin: admin.ModelAdmin) -> list[URLPattern]:
    view = model_admin.admin_site.admin_view(_records_view(model_admin))
    return [
        path("<int:student_id>/records/", view, name="accounts_student_records"),
        path("<int:student_id>/records.json", view, {"as_json": True}, name="accounts_student_records_json"),
    ]


def _records_view(model_admin: admin.ModelAdmin):
    # Step-up: the view hands out a child's whole record, so it wants a second factor from the last 15 minutes.
    @fresh_second_factor_required(methods=None)
    def view(request: HttpRequest, student_id: int, as_json: bool = False) -> HttpResponse:
        # The admin's own scoped lookup: another school's child is a 404.
        student = model_admin.get_object(request, str(student_id))
        if student is None or not model_admin.has_view_permission(request, student):
            raise Http404
        data = collect(student)
        audit.record(
            request, "student.records_exported", target=student.login_id, school=student.school_id,
            format="json" if as_json else "page",
        )  # fmt: skip
        if as_json:
            response = HttpResponse(
                json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="{student.user.username}-records.json"'
        else:
            context = {
                **model_admin.admin_site.each_context(request),
                "title": _("Everything held about %(login_id)s") % {"login_id": student.login_id},
                "student": student,
                "data": data,
                "opts": model_admin.model._meta,
            }
            response = TemplateResponse(request, "admin/accounts/student/records.html", context)
        add_never_cache_headers(response)
        patch_cache_control(response, no_store=True)
        return response

    return view
