"""Staff second factor in Chromium: a passkey made and used with the DevTools
protocol's virtual authenticator (no hardware), and an authenticator app set
up by reading the key off the page, each page checked like every other."""

from __future__ import annotations

import base64
import re

import pytest
from django.contrib.auth.models import Group
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from accounts.models import AuditEvent
from tests import factories
from tests.second_factor.conftest import code_for

from .conftest import LAPTOP, PHONE, Journey, field


@pytest.fixture
def passkeys_here(settings, live_server):
    """Passkeys belong to a host name: the live server's (localhost), on its port."""
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]


def staff_sign_in(j: Journey, username: str, *, check: bool = True, docs: str = "") -> None:
    j.goto("/staff/sign-in/")
    field(j.page, "Username").fill(username)
    field(j.page, "Password").fill(factories.PASSWORD)
    if check:
        j.step("staff sign in", docs=docs)
    j.page.get_by_role("button", name="Sign in").click()
    j.page.wait_for_load_state("load")


class TestPasskeyJourney:
    def test_an_ict_admin_makes_a_passkey_and_signs_in_with_it(self, journey: Journey, school, passkeys_here):
        admin = factories.make_teacher(school, username="ict_admin", ict_admin=True)
        admin.user.groups.add(Group.objects.get(name="School ICT admin"))
        j, page = journey, journey.page
        j.set_width(LAPTOP)
        cdp = j.context.new_cdp_session(page)
        cdp.send("WebAuthn.enable")
        cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
            "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
            "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True,
        }})  # fmt: skip

        teacher = factories.make_teacher(school, username="ms_tan")
        factories.give_authenticator(teacher.user)
        staff_sign_in(j, "ict_admin", docs="staff-sign-in-laptop")
        expect(page.get_by_role("heading", level=1)).to_have_text("Set up your second factor")
        j.step("set up", docs="staff-second-factor-set-up-laptop")
        page.get_by_role("button", name="Make a passkey").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
        j.step("recovery codes", docs="staff-recovery-codes-laptop")
        assert WebAuthnCredential.objects.filter(user=admin.user, confirmed=True).count() == 1
        assert StaticToken.objects.filter(device__user=admin.user).count() == 10
        page.get_by_role("link", name="I have kept them safe").click()
        expect(page).to_have_url(re.compile(r"/admin/$"))

        page.get_by_role("button", name="Log out").click()
        staff_sign_in(j, "ict_admin", check=False)
        expect(page.get_by_role("heading", level=1)).to_have_text("Second step of signing in")
        j.step("second step", docs="staff-second-step-laptop")
        page.get_by_role("button", name="Use my passkey").click()
        expect(page).to_have_url(re.compile(r"/admin/$"))
        page.get_by_role("link", name=re.compile("Second factors")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("My second factor")
        j.step("factors and resets", docs="staff-factors-laptop")
        page.get_by_role("button", name="Reset the second factor of ms_tan").click()
        expect(page.get_by_role("status").first).to_contain_text("sets up a second factor again")
        assert not TOTPDevice.objects.filter(user=teacher.user).exists()
        methods = list(AuditEvent.objects.filter(action="second_factor.verify").values_list("details", flat=True))
        assert methods == [{"method": "passkey"}, {"method": "passkey"}]  # enrolment, then sign-in

    def test_a_browser_without_the_passkey_falls_back_to_a_code(self, journey: Journey, school, passkeys_here):
        """The passkey is on another laptop: the page says so, and the code stays the way in."""
        teacher = factories.make_teacher(school, factories.make_class(school, 4, "4 Hope"), username="ms_lee")
        device = factories.give_authenticator(teacher.user)
        WebAuthnCredential.objects.create(user=teacher.user, name="Old laptop", confirmed=True,
                                          credential_id=b"not-this-browser", public_key=b"x", sign_count=0)
        j, page = journey, journey.page
        cdp = j.context.new_cdp_session(page)
        cdp.send("WebAuthn.enable")
        cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
            "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
            "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True,
        }})  # fmt: skip
        staff_sign_in(j, "ms_lee", check=False)
        page.get_by_role("button", name="Use my passkey").click()
        expect(page.get_by_role("status").last).to_contain_text("The passkey was not used")
        j.step("passkey not found")
        field(page, "Code").fill(code_for(device))
        page.get_by_role("button", name="Continue").click()
        expect(page).to_have_url(re.compile(r"/teacher/$"))


class TestAuthenticatorAppJourney:
    def test_a_form_teacher_sets_up_an_app_on_a_phone(self, journey: Journey, school):
        teacher = factories.make_teacher(school, factories.make_class(school, 5, "5 Joy"), username="ms_tan")
        j, page = journey, journey.page
        j.set_width(PHONE)
        staff_sign_in(j, "ms_tan")
        page.get_by_role("link", name="Use an authenticator app").click()
        expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
        j.step("scan the code", docs="staff-authenticator-app-phone")
        page.get_by_text("Cannot scan? Type this key into the app instead").click()
        secret = page.locator("code.secret").inner_text()
        device = TOTPDevice.objects.get(user=teacher.user, confirmed=False)
        assert base64.b32encode(device.bin_key).decode() == secret
        field(page, "Code").fill("000000" if code_for(device) != "000000" else "111111")
        page.get_by_role("button", name="Check the code").click()
        expect(page.get_by_role("alert")).to_be_visible()
        j.step("wrong code")
        field(page, "Code").fill(code_for(device))
        page.get_by_role("button", name="Check the code").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
        j.step("recovery codes")
        page.get_by_role("link", name="I have kept them safe").click()
        expect(page).to_have_url(re.compile(r"/teacher/$"))
