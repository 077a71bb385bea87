"""Back to the app after the first-sign-in steps.

An app sends a child with a temporary password (or a Primary 4-6 child
without answers of their own) to the portal: the setup middleware sends them
to that step first. This remembers the app's sign-in request and, once the
steps are done and the child lands on their account page, carries on with it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.middleware import RequiredSetupMiddleware

SESSION_KEY = "sso_resume"


class ResumeAppSignInMiddleware:
    """Goes just before ``RequiredSetupMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            request.method == "GET"
            and request.path == reverse("account")
            and SESSION_KEY in request.session
            and user.is_authenticated
            and not RequiredSetupMiddleware._required_step(user)
        ):
            return redirect(request.session.pop(SESSION_KEY))
        response = self.get_response(request)
        if (
            request.method == "GET"
            and request.path == reverse("oauth2_provider:authorize")
            and response.status_code == 302
            and response["Location"] in (reverse("password_change"), reverse("sspr:setup"))
        ):
            # The setup middleware sent the child to a first-sign-in step.
            request.session[SESSION_KEY] = request.get_full_path()
        return response
