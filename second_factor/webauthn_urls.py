"""django-otp-webauthn's JSON endpoints, audited and counted like the other factors."""

from __future__ import annotations

import json

from django.urls import path
from django_otp_webauthn import exceptions
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from . import flows, rules


class CompleteRegistration(CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        first = rules.VERIFIED_AT not in self.request.session
        response = super().post(*args, **kwargs)
        device = WebAuthnCredential.objects.get(pk=json.loads(response.content)["id"], user=self.request.user)
        flows.passkey_registered(self.request)
        if first:
            flows.passed(self.request, device, method="passkey")
        return response


class CompleteAuthentication(CompleteCredentialAuthenticationView):
    def complete_auth(self, device: WebAuthnCredential) -> None:
        # Only ever a second factor: the user signed in with a password already.
        if not self.request.user.is_authenticated or device.user_id != self.request.user.pk:
            raise exceptions.NotAuthenticated()
        flows.passed(self.request, device, method="passkey")

    def get_success_data(self, device: WebAuthnCredential) -> dict:
        return {"id": device.pk}

    def handle_exception(self, exc: Exception):
        if isinstance(exc, exceptions.OTPWebAuthnApiError) and self.request.user.is_authenticated:
            flows.failed(self.request, method="passkey")
        return super().handle_exception(exc)


urlpatterns = [
    path("register/begin/", BeginCredentialRegistrationView.as_view(), name="passkey_register_begin"),
    path("register/complete/", CompleteRegistration.as_view(), name="passkey_register_complete"),
    path("verify/begin/", BeginCredentialAuthenticationView.as_view(), name="passkey_verify_begin"),
    path("verify/complete/", CompleteAuthentication.as_view(), name="passkey_verify_complete"),
]
