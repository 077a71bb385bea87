from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from accounts import audit, notices, ratelimits, sessions
from accounts.forms import EndSessionsForm, LoginForm, PasswordChangeForm, SetPasswordForm
from accounts.models import User
from accounts.signals import revoke_sign_ins
from accounts.validators import checklist, strength
from sspr import flows
from sspr.answers import answer_status, is_card_child, may_set_own_answers, needs_own_answers


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_landing_page(request.user))
    return render(request, "accounts/home.html")


def _landing_page(user: User) -> str:
    if user.is_student:
        return reverse("account")
    if user.is_staff or user.is_superuser:
        return reverse("admin:index")
    return reverse("teacher:home")


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login(request: HttpRequest, *, staff: bool = False) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    # After a reset the child's login ID is filled in (sspr.views.password).
    typed_id = request.GET.get("id", "")[:200] or request.session.get(flows.PREFILL_KEY, "")
    form = LoginForm(request, data=request.POST or None, initial={"username": typed_id}, staff=staff)
    if request.method == "POST" and form.is_valid():
        auth_login(request, form.user)
        # E-mails to this user are written in the language they use here.
        form.user.remember_language(translation.get_language())
        # Staff go on to their second factor (second_factor.middleware), then here.
        return redirect(next_url or _landing_page(form.user))
    template = "accounts/staff_login.html" if staff else "accounts/login.html"
    return render(request, template, {"form": form, "next": next_url})


def staff_login(request: HttpRequest) -> HttpResponse:
    """The same sign-in, worded for teachers and IT (no child's login ID example)."""
    return login(request, staff=True)


def admin_login(request: HttpRequest) -> HttpResponse:
    """Everyone signs in on one page, guarded by the same locks and limits."""
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("staff_login"))


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.success(request, _("You have signed out. See you next time!"))
    return redirect("home")


def ratelimited(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "accounts/ratelimited.html", status=429)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_student:
        return redirect(_landing_page(user))
    answers = user.challenge_answers.usable().select_related("question")
    ctx = {
        "student": user.student,
        "questions": [a.question for a in answers],
        "answer_status": answer_status(user),
        # Primary 2–3: the answers come on a card; the set-up form only if the school allows it.
        "card_child": is_card_child(user),
        "may_set_own": may_set_own_answers(user),
    }
    return render(request, "accounts/account.html", ctx)


STRENGTH_LABELS = {
    0: gettext_lazy("Not allowed yet"),
    1: gettext_lazy("OK"),
    2: gettext_lazy("Strong"),
    3: gettext_lazy("Very strong"),
}


@sensitive_post_parameters("password")
@sensitive_variables("password")
@require_POST
@never_cache
def password_check(request: HttpRequest) -> HttpResponse:
    """The live checklist asks here as the child types: the rule is the server's.

    Only for someone choosing a new password: a signed-in user, or a child whose
    answers were just accepted in a reset. "Not your password now" is not
    checked here, so this cannot be used to test guesses of the current one.
    """

    user = request.user if request.user.is_authenticated else flows.verified_user(flows.current(request.session))
    if user is None:
        return JsonResponse({"error": "forbidden"}, status=403)
    if ratelimits.password_checks_exceeded(request):
        return JsonResponse({"error": "rate_limited"}, status=429)
    password = request.POST.get("password", "")[: settings.MIMS_PASSWORD_MAX_LENGTH + 1]
    items = checklist(password, user)
    level = strength(password, items)
    rules = [{"rule": i["rule"], "ok": i["ok"]} for i in items]
    return JsonResponse({"items": rules, "strength": level, "label": STRENGTH_LABELS[level]})


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
@never_cache
def password_change(request: HttpRequest) -> HttpResponse:
    user = request.user
    # After a temporary password the child has just typed it to sign in; asking
    # for it again only confuses. Otherwise the password now is asked again.
    if user.must_change_password:
        form = SetPasswordForm(user, request.POST or None)
    else:
        form = PasswordChangeForm(user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        user = form.save(commit=False)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        update_session_auth_hash(request, user)  # keep this session; every other one ends
        sessions.end_sessions(user, keep=request.session.session_key)
        audit.record(request, "password.change", actor=user, target=user.login_id)
        revoke_sign_ins(user, "password_change", request=request)
        notices.password_changed(user, how="change")
        messages.success(request, _("Your new password is saved."))
        return redirect("sspr:setup" if needs_own_answers(user) else "account")
    return render(
        request, "accounts/password_change.html", {"form": form, "forced": user.must_change_password}
    )




def signed_out(request: HttpRequest) -> HttpResponse:
    """Where an idle or too-old session lands: say why, kindly."""
    why = request.GET.get("why")
    return render(
        request, "accounts/signed_out.html",
        {"why": why if why in ("idle", "max") else "", "student_minutes": settings.MIMS_IDLE_MINUTES_STUDENT,
         "hours": settings.MIMS_SESSION_MAX_HOURS},
    )  # fmt: skip


@sensitive_post_parameters("password")
@login_required
@never_cache
def session_list(request: HttpRequest) -> HttpResponse:
    """Where and when this person is signed in; end one, or all the others,
    after typing the password again."""
    user = request.user
    form = EndSessionsForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        end = form.cleaned_data["end"]
        if end == "others":
            ended = sessions.end_sessions(user, keep=request.session.session_key)
        else:
            ended = sessions.end_session(user, end)
        audit.record(request, "session.ended", actor=user, target=user.login_id, ended=ended, by="self")
        messages.success(request, _("Done: you are now signed out there."))
        return redirect("sessions")
    rows = [
        {"pk": s.pk, "device": sessions.device(s.user_agent), "ip": s.ip, "created": s.created,
         "last_seen": s.last_seen, "this": s.session_key == request.session.session_key}
        for s in sessions.live_sessions(user)
    ]  # fmt: skip
    others = sum(not r["this"] for r in rows)
    return render(request, "accounts/sessions.html", {"rows": rows, "others": others, "form": form})
