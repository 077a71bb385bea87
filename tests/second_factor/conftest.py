from __future__ import annotations

import base64
import binascii
import re

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories

STAFF_LOGIN = "/staff/sign-in/"
VERIFY = "/staff/second-factor/"


def code_for(device: TOTPDevice, *, steps: int = 0) -> str:
    """The code an authenticator app shows now (or ``steps`` time steps later)."""
    key = binascii.unhexlify(device.key)
    return f"{totp(key, step=device.step, t0=device.t0, digits=device.digits, drift=steps):06d}"


def password_only(client: Client, user, ip: str = "10.0.0.1"):
    """Sign in through the staff page with the password alone."""
    r = client.post(STAFF_LOGIN, {"username": user.username, "password": factories.PASSWORD}, REMOTE_ADDR=ip)
    assert r.status_code == 302, r.content[:500]
    return r


def enrol_app(client: Client, user) -> TOTPDevice:
    """Enrol an authenticator app through the pages, as a person would."""
    page = client.get("/staff/second-factor/set-up/app/?next=/admin/")
    assert page.status_code == 200
    secret = re.search(rb'<code class="secret">([A-Z2-7]+)</code>', page.content).group(1).decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert base64.b32encode(device.bin_key).decode() == secret
    r = client.post("/staff/second-factor/set-up/app/", {"code": code_for(device), "next": "/admin/"})
    assert r.status_code == 302, r.content[:500]
    device.refresh_from_db()
    assert device.confirmed
    return device


@pytest.fixture
def staff_client():
    return Client(REMOTE_ADDR="10.0.0.1")


def recovery_sheet(client: Client) -> list[str]:
    """The codes on the recovery sheet the enrolment just showed (once)."""
    page = client.get("/staff/second-factor/recovery-codes/")
    return re.findall(r"<li><code>([a-z0-9]+)</code></li>", page.content.decode())
