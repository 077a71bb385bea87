"""Back to the app after signing in.

An app sends a child with a temporary password (or a Primary 4-6 child
without answers of their own) to the portal: the setup middleware sends them
to that step first. This remembers the app's sign-in request and, once the
steps are done and the child lands on their account page, carries on with it.

The last form of that journey (sign-in, new password, questions, consent,
sign-out) answers with redirects that end at the app. Browsers hold such a
chain to the form page's Content-Security-Policy ``form-action``, which is
'self': on those pages the registered apps' addresses are added to it.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from oauth2_provider.models import get_application_model

from signin.middleware import RequiredSetupMiddleware

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
        if response.get("Content-Type", "").startswith("text/html") and self._form_may_lead_to_an_app(request):
            config = dict(getattr(response, "_csp_config", None) or settings.SECURE_CSP)
            config["form-action"] = [*config.get("form-action", []), *app_origins()]
            response._csp_config = config
        return response

    @staticmethod
    def _form_may_lead_to_an_app(request: HttpRequest) -> bool:
        authorize = reverse("oauth2_provider:authorize")
        if request.path in (authorize, reverse("oauth2_provider:rp-initiated-logout")):
            return True
        if request.path == reverse("login"):
            return (request.POST.get("next") or request.GET.get("next") or "").startswith(authorize)
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated and SESSION_KEY in request.session)


def app_origins() -> list[str]:
    """Where the registered apps take signed-in and signed-out children back to."""
    origins = set()
    for uris in get_application_model().objects.values_list("redirect_uris", "post_logout_redirect_uris"):
        for uri in " ".join(uris).split():
            parts = urlsplit(uri)
            if parts.scheme in ("http", "https") and parts.netloc:
                origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)
