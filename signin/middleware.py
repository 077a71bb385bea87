from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


class RequiredSetupMiddleware:
    """Before anything else, a signed-in user changes a temporary password, and
    a Primary 4–6 student sets up challenge questions of their own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        # Staff pass their second factor first (second_factor.middleware).
        pending = getattr(request, "second_factor_pending", False)
        if user is not None and user.is_authenticated and not pending and (target := self._required_step(user)):
            allowed = {target, reverse("logout"), reverse("set_language"), reverse("password_check")}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _required_step(user) -> str | None:
        from sspr.answers import needs_own_answers

        if user.must_change_password:
            return reverse("password_change")
        if needs_own_answers(user):
            return reverse("sspr:setup")
        return None


class DeniedAccessAuditMiddleware:
    """Staff pages answering 403 or 404 to a signed-in person leave a trace:
    someone probing another school's children or pages they may not use."""

    WATCHED = ("/admin/", "/teacher/", "/batches/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            response.status_code in (403, 404)
            and request.path.startswith(self.WATCHED)
            and user is not None
            and user.is_authenticated
        ):
            from accounts import audit

            audit.record(
                request, "access.denied", target=request.path[:200], outcome="refused",
                status=response.status_code, method=request.method,
            )  # fmt: skip
        return response
