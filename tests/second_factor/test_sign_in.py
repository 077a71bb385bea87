"""Signing in with a second factor: enrolment, each factor, wrong and replayed codes."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent
from second_factor import flows

from .conftest import VERIFY, code_for, enrol_app, password_only, recovery_sheet


@pytest.mark.django_db
class TestEnrolment:
    def test_it_sends_staff_without_a_factor_to_set_one_up(self, staff_client, ict_admin):
        password_only(staff_client, ict_admin.user)
        r = staff_client.get("/admin/")
        assert r["Location"] == "/staff/second-factor/set-up/?next=%2Fadmin%2F"
        page = staff_client.get(r["Location"])
        assert b"Make a passkey" in page.content and b"Use an authenticator app" in page.content

    def test_it_enrols_an_authenticator_app_with_a_real_code(self, staff_client, ict_admin):
        password_only(staff_client, ict_admin.user)
        page = staff_client.get("/staff/second-factor/set-up/app/?next=/admin/")
        assert b'src="data:image/svg+xml' in page.content  # the QR code, allowed by the CSP
        device = TOTPDevice.objects.get(user=ict_admin.user, confirmed=False)
        wrong = f"{(int(code_for(device)) + 1) % 1000000:06d}"
        r = staff_client.post("/staff/second-factor/set-up/app/", {"code": wrong, "next": "/admin/"})
        assert r.status_code == 200 and b"That code did not work" in r.content
        r = staff_client.post("/staff/second-factor/set-up/app/", {"code": code_for(device), "next": "/admin/"})
        # The first factor comes with a sheet of recovery codes, shown once.
        assert r["Location"] == "/staff/second-factor/recovery-codes/?next=%2Fadmin%2F"
        sheet = staff_client.get(r["Location"])
        codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", sheet.content.decode())
        assert len(set(codes)) == 10
        # Only keyed digests are stored, never the codes themselves.
        stored = set(StaticToken.objects.filter(device__user=ict_admin.user).values_list("token", flat=True))
        assert stored == {flows.recovery_digest(c) for c in codes} and not stored & set(codes)
        assert "no-store" in sheet["Cache-Control"]
        again = staff_client.get("/staff/second-factor/recovery-codes/?next=/admin/")
        assert again.status_code == 302 and codes[0].encode() not in again.content
        assert staff_client.get("/admin/").status_code == 200
        assert AuditEvent.objects.filter(action="second_factor.enrol", outcome="success").count() == 1

    def test_a_factor_cannot_be_added_after_a_password_alone(self, staff_client, ict_admin):
        """Someone with the password only cannot enrol their own app beside the real one."""
        device = TOTPDevice.objects.create(user=ict_admin.user, name="App", confirmed=True)
        password_only(staff_client, ict_admin.user)
        r = staff_client.get("/staff/second-factor/set-up/app/")
        assert r["Location"].startswith(VERIFY)
        assert TOTPDevice.objects.filter(user=ict_admin.user).get() == device
        r = staff_client.post("/staff/second-factor/passkey/register/begin/", content_type="application/json")
        assert r.status_code == 403


@pytest.mark.django_db
class TestVerification:
    def _enrolled(self, client, teacher):
        password_only(client, teacher.user)
        device = enrol_app(client, teacher.user)
        self.codes = recovery_sheet(client)
        client.post("/logout/")
        return device

    def test_it_asks_again_at_every_sign_in(self, staff_client, form_teacher):
        """No "remember this device": school laptops are shared."""
        device = self._enrolled(staff_client, form_teacher)
        password_only(staff_client, form_teacher.user)
        assert DEVICE_ID_SESSION_KEY not in staff_client.session
        r = staff_client.get("/teacher/")
        assert r["Location"] == "/staff/second-factor/?next=%2Fteacher%2F"
        r = staff_client.post(VERIFY, {"code": code_for(device, steps=1), "next": "/teacher/"})
        assert r["Location"] == "/teacher/"
        assert staff_client.get("/teacher/").status_code == 200
        event = AuditEvent.objects.filter(action="second_factor.verify").latest("id")
        assert event.outcome == "success" and event.details == {"method": "totp"}

    def test_wrong_and_replayed_codes_are_refused_and_counted(self, staff_client, form_teacher):
        device = self._enrolled(staff_client, form_teacher)
        password_only(staff_client, form_teacher.user)
        wrong = f"{(int(code_for(device, steps=1)) + 500000) % 1000000:06d}"
        r = staff_client.post(VERIFY, {"code": wrong, "next": "/teacher/"})
        assert r.status_code == 200 and b"That code did not work" in r.content
        # The code used at enrolment (this time step) is refused: each code works once.
        r = staff_client.post(VERIFY, {"code": code_for(device), "next": "/teacher/"})
        assert r.status_code == 200
        assert staff_client.get("/teacher/").status_code == 302
        assert AccessAttempt.objects.get(username=form_teacher.user.username).failures_since_start == 2
        assert AuditEvent.objects.filter(action="second_factor.verify", outcome="failure").count() == 2
        assert "wrong" not in str(list(AuditEvent.objects.values("details")))

    def test_a_recovery_code_works_once(self, staff_client, form_teacher):
        self._enrolled(staff_client, form_teacher)
        code = self.codes[0]
        password_only(staff_client, form_teacher.user)
        r = staff_client.post(VERIFY, {"code": code.upper(), "next": "/teacher/"})
        assert r["Location"] == "/teacher/"
        assert StaticToken.objects.filter(device__user=form_teacher.user).count() == 9
        staff_client.post("/logout/")
        password_only(staff_client, form_teacher.user)
        r = staff_client.post(VERIFY, {"code": code, "next": "/teacher/"})
        assert r.status_code == 200 and b"That code did not work" in r.content
        assert AuditEvent.objects.filter(action="second_factor.verify", details__method="recovery").count() == 1


@pytest.mark.django_db
class TestLock:
    def test_wrong_codes_lock_the_login_id_like_wrong_passwords(self, staff_client, form_teacher):
        device = TOTPDevice.objects.create(user=form_teacher.user, name="App", confirmed=True)
        for attempt in range(2):
            # A right password in between does not wipe the count of wrong codes.
            password_only(staff_client, form_teacher.user)
            for _ in range(2):
                staff_client.post(VERIFY, {"code": "000000" if code_for(device) != "000000" else "111111"})
        password_only(staff_client, form_teacher.user)
        r = staff_client.post(VERIFY, {"code": "000000" if code_for(device) != "000000" else "111111"})
        assert r.status_code == 429  # the fifth failure locks
        assert SESSION_KEY not in staff_client.session
        # Now the right password is refused too, as after five wrong passwords.
        r = staff_client.post("/staff/sign-in/", {"username": form_teacher.user.username, "password": "sunny2day"})
        assert r.status_code == 429
        assert AuditEvent.objects.filter(action="login.locked").exists()

    def test_passing_the_second_factor_clears_the_count(self, staff_client, form_teacher):
        device = TOTPDevice.objects.create(user=form_teacher.user, name="App", confirmed=True)
        password_only(staff_client, form_teacher.user)
        staff_client.post(VERIFY, {"code": "000000" if code_for(device) != "000000" else "111111"})
        assert AccessAttempt.objects.filter(username=form_teacher.user.username).exists()
        staff_client.post(VERIFY, {"code": code_for(device)})
        assert not AccessAttempt.objects.filter(username=form_teacher.user.username).exists()


@pytest.mark.django_db
def test_a_failed_passkey_is_refused_and_counted(staff_client, form_teacher):
    from django_otp_webauthn.models import WebAuthnCredential

    WebAuthnCredential.objects.create(user=form_teacher.user, name="Laptop", confirmed=True,
                                      credential_id=b"abc", public_key=b"x", sign_count=0)  # fmt: skip
    password_only(staff_client, form_teacher.user)
    begin = staff_client.post("/staff/second-factor/passkey/verify/begin/", content_type="application/json")
    assert begin.status_code == 200 and begin.json()["allowCredentials"]
    forged = {"id": "YWJj", "rawId": "YWJj", "type": "public-key",
              "response": {"clientDataJSON": "e30", "authenticatorData": "AAAA", "signature": "AAAA"}}  # fmt: skip
    r = staff_client.post("/staff/second-factor/passkey/verify/complete/", forged, content_type="application/json")
    assert r.status_code >= 400
    assert staff_client.get("/teacher/").status_code == 302
    assert AccessAttempt.objects.get(username=form_teacher.user.username).failures_since_start == 1
    failures = AuditEvent.objects.filter(action="second_factor.verify", outcome="failure")
    assert failures.filter(details__method="passkey").exists()


@pytest.mark.django_db
def test_a_sign_in_waiting_for_its_second_factor_ends_when_the_login_id_is_locked(staff_client, form_teacher):
    """Locked meanwhile (wrong codes in another browser): this half sign-in ends too."""
    TOTPDevice.objects.create(user=form_teacher.user, name="App", confirmed=True)
    password_only(staff_client, form_teacher.user)
    elsewhere = type(staff_client)(REMOTE_ADDR="10.0.0.2")
    password_only(elsewhere, form_teacher.user)
    for _ in range(5):
        elsewhere.post(VERIFY, {"code": "abc"})
    r = staff_client.get(VERIFY)
    assert r.status_code == 429 and b"Wait 15 minutes" in r.content
    assert SESSION_KEY not in staff_client.session


@pytest.mark.django_db
def test_a_childs_right_password_still_clears_their_failures(client, p2_student):
    """Only staff sign-ins wait for the second factor before django-axes forgets failures."""
    for _ in range(4):
        client.post("/login/", {"username": p2_student.user.username, "password": "wrong-guess9"})
    assert AccessAttempt.objects.filter(username=p2_student.user.username).exists()
    client.post("/login/", {"username": p2_student.user.username, "password": "sunny2day"})
    assert not AccessAttempt.objects.filter(username=p2_student.user.username).exists()


@pytest.mark.django_db
def test_an_address_over_its_limits_is_refused_at_the_code_step_too(staff_client, form_teacher, settings):
    settings.MIMS_FAILED_IDS_PER_IP = 1
    device = TOTPDevice.objects.create(user=form_teacher.user, name="App", confirmed=True)
    password_only(staff_client, form_teacher.user)
    staff_client.post(VERIFY, {"code": "abc"})  # counts this login ID as failing from the address
    r = staff_client.post(VERIFY, {"code": code_for(device)})
    assert r.status_code == 200 and b"Too many tries from this computer" in r.content
    assert staff_client.get("/teacher/").status_code == 302
