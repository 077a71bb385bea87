from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from . import rules


class SecondFactorMiddleware:
    """No staff page after a password alone.

    A staff member who must pass a second factor (rules.must_verify) and has
    not in this session reaches only the second-factor pages, sign-out and the
    language switch; everything else sends them there, and on afterwards. A
    staff sign-in ends after a working day (MIMS_STAFF_SESSION_SECONDS).
    Runs after django-otp's OTPMiddleware, before RequiredSetupMiddleware
    (which waits while ``request.second_factor_pending`` is set).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        request.second_factor_pending = False
        if user is not None and rules.is_staff_member(user):
            rules.start_working_day(request.session)  # a session from before this rule: from now
            if rules.working_day_over(request.session):
                logout(request)
                return redirect_to_login(request.get_full_path(), reverse("staff_login"))
            if self._allowed(request.path):
                # Its own pages (the recovery codes sheet after enrolling) come
                # before RequiredSetupMiddleware's steps, too.
                request.second_factor_pending = True
            elif not rules.is_verified(user) and rules.must_verify(user):
                request.second_factor_pending = True
                step = "second_factor:verify" if rules.has_factor(user) else "second_factor:enrol"
                return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _allowed(path: str) -> bool:
        # Every page of the check and the enrolment lives under one prefix (urls.py).
        return path.startswith(("/static/", reverse("second_factor:verify"))) or path in (
            reverse("logout"),
            reverse("set_language"),
        )
