"""The second-factor pages: check, enrol, recovery codes, step-up, resets."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp_webauthn.models import WebAuthnCredential

from accounts.lockouts import is_signin_locked
from accounts.models import School, User
from accounts.scope import SCHOOL, scope_of

from . import flows, rules
from .decorators import fresh_second_factor_required
from .forms import AppCodeForm, CodeForm, PolicyForm

SHOW_CODES = "second_factor_show_codes"
PENDING_APP = "second_factor_pending_app"


def _staff_only(request: HttpRequest) -> None:
    if not rules.is_staff_member(request.user):
        raise Http404


def _next(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return reverse("home")


def _to(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _locked_out(request: HttpRequest) -> HttpResponse | None:
    """A login ID locked meanwhile (wrong codes here or elsewhere) ends this sign-in."""
    if is_signin_locked(request.user.username):
        logout(request)
        return _locked_page(request)
    return None


def _locked_page(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/locked.html", {"cooloff_timedelta": settings.AXES_COOLOFF_TIME}, status=429)


@sensitive_post_parameters("code")
@login_required
@never_cache
def verify(request: HttpRequest, *, again: bool = False) -> HttpResponse:
    _staff_only(request)
    next_url = _next(request)
    if not rules.has_factor(request.user):
        return redirect(_to("second_factor:enrol", next_url))
    if not again and rules.is_verified(request.user):
        return redirect(next_url)
    if locked := _locked_out(request):
        return locked
    form = CodeForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        recovery = form.device.name == flows.RECOVERY_DEVICE
        flows.passed(request, form.device, method="recovery" if recovery else "totp")
        if recovery and not flows.has_recovery_codes(request.user):
            messages.warning(request, _("That was your last recovery code. Make new ones on “My second factor”."))
        return redirect(next_url)
    if not request.user.is_authenticated:  # that failure locked the login ID
        return _locked_page(request)
    return render(request, "second_factor/verify.html", _verify_context(request, form, next_url, again))


def _verify_context(request: HttpRequest, form: CodeForm, next_url: str, again: bool) -> dict:
    return {
        "form": form,
        "next": next_url,
        "again": again,
        "has_passkey": WebAuthnCredential.objects.filter(user=request.user, confirmed=True).exists(),
        "has_code": any(not isinstance(d, WebAuthnCredential) for d in flows.factors_of(request.user)),
    }


def step_up(request: HttpRequest) -> HttpResponse:
    """The second factor again, before one of the heaviest actions (decorators.py)."""
    return verify(request, again=True)


@login_required
@never_cache
def enrol(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    next_url = _next(request)
    if rules.has_factor(request.user) and not rules.is_verified(request.user):
        return redirect(_to("second_factor:verify", next_url))
    ctx = {"next": next_url, "passkey_next": _to("second_factor:passkey_done", next_url)}
    return render(request, "second_factor/enrol.html", ctx)


@sensitive_post_parameters("code")
@login_required
@never_cache
def enrol_app(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    next_url = _next(request)
    if rules.has_factor(request.user) and not rules.is_verified(request.user):
        return redirect(_to("second_factor:verify", next_url))
    device = flows.pending_authenticator(request.user, request.session.get(PENDING_APP))
    if device is None:
        device = flows.start_authenticator(request.user)
        request.session[PENDING_APP] = device.pk
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if flows.confirm_authenticator(request, device, form.cleaned_data["code"]):
            del request.session[PENDING_APP]
            return _after_enrolment(request, next_url)
        form.add_error("code", _("That code did not work. Check the app shows “Student MIMS” and try the new code."))
    ctx = {
        "form": form,
        "next": next_url,
        "qr_code": flows.qr_code_data_uri(device),
        "secret": flows.secret_for_typing(device),
    }
    return render(request, "second_factor/enrol_app.html", ctx)


@login_required
def passkey_done(request: HttpRequest) -> HttpResponse:
    """Where the page goes after the browser registered a passkey."""
    _staff_only(request)
    if not rules.is_verified(request.user):
        return redirect("second_factor:enrol")
    return _after_enrolment(request, _next(request))


def _after_enrolment(request: HttpRequest, next_url: str) -> HttpResponse:
    """The first factor gets a recovery code sheet with it, shown once."""
    if flows.has_recovery_codes(request.user):
        messages.success(request, _("Your second factor is ready."))
        return redirect(next_url)
    request.session[SHOW_CODES] = flows.new_recovery_codes(request.user)
    return redirect(_to("second_factor:recovery_codes", next_url))


@login_required
@never_cache
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The sheet, once: the codes leave the session as the page is shown."""
    _staff_only(request)
    codes = request.session.pop(SHOW_CODES, None)
    if codes is None:
        return redirect(_next(request))
    return render(request, "second_factor/recovery_codes.html", {"codes": codes, "next": _next(request)})


# --- After the check -------------------------------------------------------------


@login_required
@never_cache
def factors(request: HttpRequest) -> HttpResponse:
    """My factors (new recovery codes, add a passkey), the people whose factors I
    may reset, and (ICT admin) the school's choice for its form teachers."""
    _staff_only(request)
    if request.method == "POST" and request.POST.get("action") == "recovery_codes":
        request.session[SHOW_CODES] = flows.new_recovery_codes(request.user)
        flows.audit.record(request, "second_factor.recovery_codes", target=request.user.login_id)
        return redirect(_to("second_factor:recovery_codes", reverse("second_factor:factors")))
    school = _school_of_admin(request.user)
    ctx = {
        "my_factors": [_describe(d) for d in flows.factors_of(request.user)],
        "people": [(u, len(flows.factors_of(u))) for u in flows.resettable_staff(request.user)[:500]],
        "school": school,
        "policy_form": PolicyForm(
            initial={"teachers_need_second_factor": rules.teachers_need_second_factor(school.pk)}
        ) if school else None,
    }  # fmt: skip
    return render(request, "second_factor/factors.html", ctx)


def _describe(device) -> str:
    if isinstance(device, WebAuthnCredential):
        return _("A passkey, made %(date)s") % {"date": date_format(device.created_at, "DATE_FORMAT")}
    if device.name == flows.RECOVERY_DEVICE:
        return _("Recovery codes: %(count)s left") % {"count": device.token_set.count()}
    return _("An authenticator app")


def _school_of_admin(user: User) -> School | None:
    """The school whose ICT admin this is (MOE IT and teachers: none)."""
    scope = scope_of(user)
    return School.objects.get(pk=scope.school_id) if scope.kind == SCHOOL else None


@require_POST
@login_required
@fresh_second_factor_required
def reset(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    target = get_object_or_404(User, pk=pk, is_active=True)
    if not flows.may_reset(request.user, target):
        raise Http404  # not even whether the account exists
    flows.reset_factors(request, target)
    messages.success(
        request, _("%(name)s sets up a second factor again at their next sign-in.") % {"name": target.get_full_name()
                                                                                        or target.username}
    )  # fmt: skip
    return redirect("second_factor:factors")


@require_POST
@login_required
@fresh_second_factor_required
def school_policy(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    school = _school_of_admin(request.user)
    if school is None or school.pk != pk:
        raise Http404
    form = PolicyForm(request.POST)
    if form.is_valid():
        required = form.cleaned_data["teachers_need_second_factor"]
        if flows.set_teachers_need_second_factor(request, school, required):
            messages.success(request, _("Saved: form teachers must use a second factor.") if required
                             else _("Saved: form teachers may sign in with a password alone."))  # fmt: skip
    return redirect("second_factor:factors")
