"""Admin pages beyond model lists: lockouts (with unlock) and reports.

Mounted under /admin/ by mims_portal/urls.py (``include(admin_pages.urls)``)
and linked from the admin index. Each view runs inside ``admin_site.admin_view``
(staff sign-in, CSRF, never cached) and then checks the role, the permission
and the school: an ICT admin asking for another school gets 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts import audit
from accounts.admin_scoping import sees_all_schools, users_of_school
from accounts.lockouts import signin_locks
from accounts.models import AuditEvent, School, User
from accounts.plain_errors import PlainErrorsMixin
from accounts.scope import scope_of
from helpdesk import flows
from sspr.locks import unlock_reset_by_key
from sspr.models import ResetLock

from . import reports


def _it_staff_view(permission: str) -> Callable:
    """An admin page for MOE IT and school ICT admins holding ``permission``."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not scope_of(user).is_it or not user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return admin.site.admin_view(checked)

    return decorate


def _scoped_users(request: HttpRequest) -> QuerySet[User] | None:
    """The accounts an ICT admin may unlock; None for MOE IT (every ID)."""
    scope = scope_of(request.user)
    return None if scope.everything else users_of_school(scope.school_id)


# --- lockouts -----------------------------------------------------------------


def current_lockouts(request: HttpRequest) -> list[dict[str, Any]]:
    """Who is locked out of sign-in (django-axes) or self-service reset now.

    MOE IT also see locks on login IDs that match no account (someone
    guessing); an ICT admin sees only the accounts of their school.
    """
    now = timezone.now()
    users = _scoped_users(request)
    # Candidates are the keys with a failure in the window; signin_locks()
    # decides, counting as the lock does (every browser and address together).
    keys = AccessAttempt.objects.filter(attempt_time__gte=now - settings.AXES_COOLOFF_TIME)
    resets = ResetLock.objects.locked().select_related("user")
    if users is not None:
        keys = keys.filter(username__in=users.values("username"))
        resets = resets.filter(user__in=users)
    signin = signin_locks(keys.values_list("username", flat=True).distinct())
    rows: list[dict[str, Any]] = [
        {"kind": "signin", "kind_label": gettext("Sign-in"), "key": key, "failures": lock.failures,
         "until": lock.until}
        for key, lock in sorted(signin.items(), key=lambda item: item[1].until, reverse=True)[:500]
    ]
    rows += [
        {
            "kind": "reset",
            "kind_label": gettext("Self-service reset"),
            # Reset locks keep no typed ID, only its HMAC: an ID that is no account shows as that key.
            "key": lock.user.username if lock.user_id else lock.key,
            "failures": lock.failures,
            "until": lock.locked_until if not lock.needs_teacher else gettext("until unlocked"),
        }
        for lock in resets.order_by("-updated")[:500]
    ]
    accounts = {
        u.username: u
        for u in User.objects.filter(username__in={r["key"] for r in rows}).select_related(
            "student__school", "student__school_class", "teacher__school"
        )
    }
    for row in rows:
        account = accounts.get(row["key"])
        profile = getattr(account, "student", None) or getattr(account, "teacher", None) if account else None
        row["account"] = account
        row["name"] = str(profile) if profile is not None else ""
        row["school"] = profile.school if profile is not None else None
        row["class"] = getattr(profile, "school_class", None)
    return rows


class UnlockForm(PlainErrorsMixin, forms.Form):
    kind = forms.ChoiceField(choices=[(kind, kind) for kind in flows.UNLOCKS])
    key = forms.CharField(max_length=150)  # a username, or a reset lock's key (64 hex)


@_it_staff_view("accounts.view_student")
def lockouts(request: HttpRequest) -> HttpResponse:
    context = {
        **admin.site.each_context(request),
        "title": gettext("Lockouts"),
        "rows": current_lockouts(request),
        "can_unlock": request.user.has_perm("accounts.change_student"),
        "signin_limit": settings.AXES_FAILURE_LIMIT,
        "signin_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "reset_limit": settings.MIMS_SSPR_FAILURE_LIMIT,
        "reset_minutes": settings.MIMS_SSPR_LOCK_STEPS[0] if settings.MIMS_SSPR_LOCK_STEPS else 0,
    }
    return TemplateResponse(request, "admin/accounts/lockouts.html", context)


@require_POST
@_it_staff_view("accounts.change_student")
def unlock(request: HttpRequest) -> HttpResponse:
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("That lock could not be found."))
        return redirect("mims_admin:lockouts")
    kind, key = form.cleaned_data["kind"], form.cleaned_data["key"]
    users = _scoped_users(request)
    account = (users if users is not None else User.objects).filter(username=key).first()
    if users is not None and account is None:
        raise Http404  # not an account of this ICT admin's school
    student = getattr(account, "student", None) if account else None
    if student is not None:  # a child: the teacher pages' flow (row lock, audit)
        flows.unlock(request, student, kind=kind, actor=request.user, request_id=None, channel="it")
    else:  # a teacher's account, or (MOE IT) an ID that matches no account
        # A reset lock keeps no typed ID: an ID that is no account is shown, and lifted, by its key.
        unlock = unlock_reset_by_key if kind == "reset" and account is None else flows.UNLOCKS[kind]
        removed = unlock(key)
        teacher = getattr(account, "teacher", None) if account else None
        audit.record(
            request,
            "lockout.unlocked",
            target=account.login_id if account else key,
            school=teacher.school_id if teacher is not None else None,
            removed=removed,
            kind=kind,
            channel="it",
        )
    messages.success(request, gettext("Unlocked %(id)s.") % {"id": account.login_id if account else key})
    return redirect("mims_admin:lockouts")


# --- reports -------------------------------------------------------------------


def _report_scope(request: HttpRequest) -> School | None:
    """The school the report is about: an ICT admin's own; for MOE IT the one
    chosen, or None for all schools. Any other school answers 404."""
    chosen = request.GET.get("school", "")
    own = scope_of(request.user).school_id
    if own is not None:
        if chosen and chosen != str(own):
            raise Http404
        return School.objects.get(pk=own)
    if not chosen:
        return None
    # ASCII digits only: "²".isdigit() is true too, and int() refuses it.
    if not (chosen.isascii() and chosen.isdigit() and len(chosen) < 12):
        raise Http404
    try:
        return School.objects.get(pk=int(chosen))
    except School.DoesNotExist:
        raise Http404 from None


def _report_data(school: School | None) -> dict[str, Any]:
    events = AuditEvent.objects.all() if school is None else AuditEvent.objects.filter(school=school)
    today = timezone.localdate()
    weeks, resets = reports.resets_per_week(events, today)
    _weeks, locks = reports.lockouts_per_week(events, today)
    # All schools: as the worker counted them within the hour (staff/reports.py says why).
    counted = reports.all_schools_answers() if school is None else None
    return {
        "shares": reports.shares(counted.counts) if counted else reports.answer_shares(school.students.all()),
        "counted_at": counted.at if counted else None,
        "weeks": weeks,
        "resets": {str(reports.CHANNEL_LABELS[k]): v for k, v in resets.items()},
        "locks": {str(reports.LOCK_ACTIONS[k]): v for k, v in locks.items()},
    }


def _table(weeks: list, series: dict[str, list[int]]) -> list[dict[str, Any]]:
    return [{"week": week, "values": [values[i] for values in series.values()]} for i, week in enumerate(weeks)]


@_it_staff_view("accounts.view_student")
def reports_page(request: HttpRequest) -> HttpResponse:
    school = _report_scope(request)
    data = _report_data(school)
    labels = [date_format(week, "j M") for week in data["weeks"]]
    where = school.name if school is not None else gettext("all schools")
    context = {
        **admin.site.each_context(request),
        "title": gettext("Reports: %(school)s") % {"school": where},
        "school": school,
        "schools": School.objects.order_by("name") if sees_all_schools(request.user) else None,
        "shares": data["shares"],
        "counted_at": data["counted_at"],
        "shares_svg": mark_safe(  # noqa: S308 - built from escaped text and numbers
            reports.share_chart_svg(gettext("Challenge answers"), data["shares"], chart_id="shares")
        ),
        "resets_svg": mark_safe(  # noqa: S308
            reports.bar_chart_svg(
                gettext("Password resets per week"),
                gettext("Resets per week for %(school)s by channel, for the last %(n)d weeks.")
                % {"school": where, "n": len(labels)},
                labels,
                list(data["resets"].items()),
                chart_id="resets",
            )
        ),
        "locks_svg": mark_safe(  # noqa: S308
            reports.bar_chart_svg(
                gettext("Lockouts per week"),
                gettext("Sign-in and self-service reset lockouts per week for %(school)s, last %(n)d weeks.")
                % {"school": where, "n": len(labels)},
                labels,
                list(data["locks"].items()),
                chart_id="locks",
            )
        ),
        "reset_names": list(data["resets"]),
        "reset_rows": _table(data["weeks"], data["resets"]),
        "lock_names": list(data["locks"]),
        "lock_rows": _table(data["weeks"], data["locks"]),
        "query": f"?school={school.pk}" if school is not None else "",
    }
    return TemplateResponse(request, "admin/accounts/reports.html", context)


@_it_staff_view("accounts.view_student")
def reports_csv(request: HttpRequest, kind: str) -> HttpResponse:
    school = _report_scope(request)
    data = _report_data(school)
    slug = school.code if school is not None else "all"
    if kind == "answers" and data["counted_at"]:  # all schools' figures: when they were counted
        slug += timezone.localtime(data["counted_at"]).strftime("-counted-%Y%m%d-%H%M")
    if kind == "answers":
        header = [gettext("measure"), gettext("students with"), gettext("students"), gettext("percent")]
        rows = [[s.label, s.part, s.total, s.percent] for s in data["shares"]]
    elif kind in ("resets", "lockouts"):
        series = data["resets"] if kind == "resets" else data["locks"]
        header = [gettext("week starting"), *series]
        rows = [[row["week"].isoformat(), *row["values"]] for row in _table(data["weeks"], series)]
    else:
        raise Http404
    return reports.csv_response(f"mims-{kind}-{slug}.csv", header, rows)


app_name = "mims_admin"
urls = (
    [
        path("lockouts/", lockouts, name="lockouts"),
        path("lockouts/unlock/", unlock, name="unlock"),
        path("reports/", reports_page, name="reports"),
        path("reports/<slug:kind>.csv", reports_csv, name="reports_csv"),
    ],
    app_name,
)
