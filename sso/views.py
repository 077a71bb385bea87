"""The provider's pages: django-oauth-toolkit's endpoints, with our rules for
who may sign in to which app and one audit event per token request."""

from __future__ import annotations

import json

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from oauth2_provider import views as oauth_views
from oauth2_provider.models import get_application_model

from accounts import audit
from accounts.models import AuditEvent

from . import access, events


class AuthorizationView(oauth_views.AuthorizationView):
    """An app sends a child here to sign in. The same sign-in page, locks and
    first-sign-in steps apply (the login-required redirect and the setup
    middleware); then a friendly page if the child may not use the app."""

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return self._refused(request, request.GET) or super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return self._refused(request, request.POST) or super().post(request, *args, **kwargs)

    def _refused(self, request: HttpRequest, params) -> HttpResponse | None:
        client_id = params.get("client_id", "")[:255]
        if not (reason := access.refusal(request.user, client_id)):
            return None
        application = get_application_model().objects.filter(client_id=client_id).first()
        if application is None:
            return None  # unknown apps get django-oauth-toolkit's own error page
        audit.record(
            request, "sso.authorize", target=request.user.login_id, outcome=AuditEvent.Outcome.REFUSED,
            reason=reason, app=application.name,
        )
        ctx = {"app_name": application.name, "reason": reason}
        return render(request, "sso/refused.html", ctx, status=403)


class TokenView(oauth_views.TokenView):
    """Codes and refresh tokens exchanged for tokens; each answer is audited."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # One transaction for the tokens, the used code and the audit row: all
        # or nothing, and one commit instead of four.
        with transaction.atomic(), events.recording() as outcome:
            response = self._post_audited(request, outcome, *args, **kwargs)
        return response

    def _post_audited(self, request: HttpRequest, outcome: dict, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        user, client = outcome.get("user"), outcome.get("client")
        details = {
            "app": client.name if client is not None else "",
            "client_id": (client.client_id if client is not None else request.POST.get("client_id", ""))[:100],
            "grant_type": request.POST.get("grant_type", "")[:40],
        }
        if response.status_code == 200 and outcome.get("issued"):
            audit.record(request, "sso.token", actor=user, target=user.login_id, **details)
        else:
            try:
                error = json.loads(response.content).get("error", "")
            except ValueError:
                error = ""
            audit.record(
                request, "sso.token", actor=user, target=user.login_id if user is not None else "",
                outcome=AuditEvent.Outcome.REFUSED, reason=outcome.get("reason") or error or str(response.status_code),
                **details,
            )
        return response


