from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts import audit, notices
from accounts.forms import LoginForm, PasswordChangeForm, SetPasswordForm
from accounts.models import User
from sspr.answers import needs_own_answers


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
    form = LoginForm(
        request, data=request.POST or None, initial={"username": request.GET.get("id", "")[:200]}, staff=staff
    )
    if request.method == "POST" and form.is_valid():
        auth_login(request, form.user)
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
        "answer_status": user.challenge_answers.status(),
    }
    return render(request, "accounts/account.html", ctx)


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
        audit.record(request, "password.change", actor=user, target=user.login_id)
        notices.password_changed(user, how="change")
        messages.success(request, _("Your new password is saved."))
        return redirect("sspr:setup" if needs_own_answers(user) else "account")
    return render(
        request, "accounts/password_change.html", {"form": form, "forced": user.must_change_password}
    )


