"""django-otp's and django-otp-webauthn's own admin pages are taken away: they
show authenticator keys and would let factors be added or removed without the
scope rule, the audit and the e-mail. Resets go through /staff/factors/, and
so does a school's choice for its form teachers (SchoolPolicy, not in the admin)."""

import contextlib

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnAttestation, WebAuthnCredential, WebAuthnUserHandle

for model in (StaticDevice, TOTPDevice, WebAuthnCredential, WebAuthnAttestation, WebAuthnUserHandle):
    with contextlib.suppress(NotRegistered):
        admin.site.unregister(model)

