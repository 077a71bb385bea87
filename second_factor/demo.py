"""The demo's second factor: one published authenticator secret for every demo
staff account (like the demo's one published password), so that a newcomer
can try every role without a phone. Only ``seed_demo`` (DEBUG) uses it."""

from __future__ import annotations

import base64
import binascii

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

DEMO_KEY = binascii.hexlify(b"student-mims-demo-26").decode()  # 20 bytes, like django-otp's own keys
DEMO_DEVICE = "Demo authenticator"


def demo_secret() -> str:
    """The secret as an authenticator app takes it (base32)."""
    return base64.b32encode(binascii.unhexlify(DEMO_KEY)).decode()


def current_code() -> str:
    return f"{totp(binascii.unhexlify(DEMO_KEY)):06d}"


def give_demo_authenticator(user: User) -> TOTPDevice:
    TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE).delete()
    return TOTPDevice.objects.create(user=user, name=DEMO_DEVICE, key=DEMO_KEY, confirmed=True)
