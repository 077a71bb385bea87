"""django-otp's and django-otp-webauthn's own admin pages are taken away: they
show authenticator keys and would let factors be added or removed without the
scope rule, the audit and the e-mail. Resets go through /staff/factors/."""

import contextlib

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnAttestation, WebAuthnCredential, WebAuthnUserHandle

from .models import SchoolPolicy

for model in (StaticDevice, TOTPDevice, WebAuthnCredential, WebAuthnAttestation, WebAuthnUserHandle):
    with contextlib.suppress(NotRegistered):
        admin.site.unregister(model)


@admin.register(SchoolPolicy)
class SchoolPolicyAdmin(admin.ModelAdmin):
    """Read-only: the school's ICT admin changes it on /staff/factors/ (audited)."""

    list_display = ["school", "teachers_need_second_factor", "changed_by", "changed_at"]

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False
