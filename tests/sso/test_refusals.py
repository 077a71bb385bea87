"""What the provider refuses, and that a refusal never hands out a code or a
token (nor sends the child to an address the app did not register)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import Grant

from accounts.models import AuditEvent
from accounts.passwords import issue_temporary_password

from .conftest import RelyingParty, pkce_pair, register_app, sign_in


def error_of(response) -> str:
    """The OAuth error an app would see, sent back to its registered address."""
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert "code" not in query
    return query["error"][0]


@pytest.mark.django_db
class TestAuthorizeRefusals:
    def test_it_refuses_a_request_without_pkce(self, rp, browser):
        assert error_of(browser.get(rp.authorize_url(None))) == "invalid_request"

    def test_it_refuses_plain_pkce(self, rp, browser):
        verifier, _challenge = pkce_pair()
        r = browser.get(rp.authorize_url(verifier, method="plain"))
        assert error_of(r) == "invalid_request"

    def test_it_refuses_the_implicit_flow(self, rp, browser):
        _verifier, challenge = pkce_pair()
        r = browser.get(rp.authorize_url(challenge, response_type="token"))
        assert error_of(r) == "unauthorized_client"
        assert "access_token" not in r["Location"]
        # Even an app registered (wrongly) for the implicit flow gets no token.
        rp.app.authorization_grant_type = "implicit"
        rp.app.save()
        r = browser.get(rp.authorize_url(challenge, response_type="token"))
        assert error_of(r) == "unauthorized_client"
        assert "access_token" not in r["Location"]

    def test_it_never_sends_the_child_to_an_unregistered_address(self, rp, browser):
        _verifier, challenge = pkce_pair()
        for uri in ("https://evil.example/cb", "https://learning.example.edu.sg/oidc/callback/extra"):
            r = browser.get(rp.authorize_url(challenge, redirect_uri=uri))
            assert r.status_code == 400
            assert b"This app link does not work" in r.content
            assert not Grant.objects.exists()

    def test_a_child_whose_level_may_not_use_the_app_gets_a_friendly_page(self, browser, child):
        app = register_app("Infant games", levels=[1, 2])
        rp = RelyingParty(app=app, secret=None, server=Client())
        r = browser.get(rp.authorize_url(pkce_pair()[1]))
        assert r.status_code == 403
        assert b"is not for your class yet" in r.content
        assert not Grant.objects.exists()
        event = AuditEvent.objects.get(action="sso.authorize")
        assert (event.outcome, event.details["reason"], event.school_id) == ("refused", "level", child.school_id)

    def test_a_locked_child_gets_no_code(self, rp, browser, child):
        other = Client()
        for i in range(5):  # five different wrong passwords (the same one again does not count)
            sign_in(other, child.user.username, f"wrong-guess{i}x")
        r = browser.get(rp.authorize_url(pkce_pair()[1]))
        assert r.status_code == 403
        assert b"resting for a while" in r.content
        assert not Grant.objects.exists()

    def test_a_deactivated_child_is_signed_out_and_gets_no_code(self, rp, browser, child):
        child.user.is_active = False
        child.user.save()
        r = browser.get(rp.authorize_url(pkce_pair()[1]))
        assert urlsplit(r["Location"]).path == "/login/"
        assert not Grant.objects.exists()


@pytest.mark.django_db
class TestTokenRefusals:
    def _code(self, rp, browser):
        verifier, challenge = pkce_pair()
        return rp.code_from(browser.get(rp.authorize_url(challenge))), verifier

    def test_it_refuses_a_missing_or_wrong_verifier(self, rp, browser):
        code, verifier = self._code(rp, browser)
        assert rp.token(code, None).json()["error"] == "invalid_request"
        code, verifier = self._code(rp, browser)
        assert rp.token(code, pkce_pair()[0]).json()["error"] == "invalid_grant"
        refused = AuditEvent.objects.filter(action="sso.token", outcome="refused")
        assert [e.details["reason"] for e in refused.order_by("id")] == ["invalid_request", "invalid_grant"]

    def test_a_code_works_once_and_a_second_use_revokes_what_the_first_gave(self, rp, browser, child):
        code, verifier = self._code(rp, browser)
        tokens = rp.token(code, verifier).json()
        assert rp.userinfo(tokens["access_token"]).status_code == 200
        again = rp.token(code, verifier)
        assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")
        assert rp.userinfo(tokens["access_token"]).status_code == 401
        assert rp.refresh(tokens["refresh_token"]).status_code == 400
        revoked = AuditEvent.objects.get(action="sso.revoked")
        assert (revoked.details["reason"], revoked.details["app"], revoked.school_id) == (
            "code_reused", "Learning space", child.school_id
        )
        refused = AuditEvent.objects.filter(action="sso.token", outcome="refused").order_by("id").first()
        assert refused.details["reason"] == "code_reused"

    def test_an_expired_code_is_refused(self, rp, browser):
        code, verifier = self._code(rp, browser)
        Grant.objects.update(expires=timezone.now() - timedelta(seconds=1))
        assert rp.token(code, verifier).json()["error"] == "invalid_grant"

    def test_a_wrong_client_secret_is_refused(self, rp, browser):
        code, verifier = self._code(rp, browser)
        rp.secret = "not-the-secret"
        assert rp.token(code, verifier).json()["error"] == "invalid_client"

    def test_a_code_is_worthless_once_the_child_is_locked(self, rp, browser, child):
        code, verifier = self._code(rp, browser)
        for i in range(5):
            sign_in(Client(), child.user.username, f"wrong-guess{i}x")
        assert rp.token(code, verifier).json()["error"] == "invalid_grant"
        # The lock took the unused code back at once.
        revoked = AuditEvent.objects.get(action="sso.revoked")
        assert (revoked.details["reason"], revoked.details["codes"]) == ("locked", 1)
        assert AuditEvent.objects.get(action="sso.token").outcome == "refused"

    def test_a_deactivated_child_cannot_refresh(self, rp, browser, child):
        tokens = rp.sign_in(browser)
        child.user.is_active = False
        child.user.save()
        assert rp.refresh(tokens["refresh_token"]).json()["error"] == "invalid_grant"
        assert AuditEvent.objects.filter(action="sso.token", outcome="refused").latest("id").details["reason"] == (
            "inactive"
        )


@pytest.mark.django_db
class TestRevocation:
    def test_a_password_change_revokes_the_apps_tokens(self, rp, browser, child):
        tokens = rp.sign_in(browser)
        r = browser.post(
            "/account/password/",
            {"old_password": "sunny2day", "new_password1": "rainbow42go", "new_password2": "rainbow42go"},
        )
        assert r.status_code == 302
        assert rp.refresh(tokens["refresh_token"]).json()["error"] == "invalid_grant"
        assert rp.userinfo(tokens["access_token"]).status_code == 401
        event = AuditEvent.objects.get(action="sso.revoked")
        assert (event.details["reason"], event.details["refresh_tokens"]) == ("password_change", 1)
        assert event.school_id == child.school_id

    def test_a_reset_by_a_teacher_revokes_the_apps_tokens(self, rp, browser, child, form_teacher):
        tokens = rp.sign_in(browser)
        issue_temporary_password(child.user, request=None, actor=form_teacher.user)
        assert rp.refresh(tokens["refresh_token"]).status_code == 400
        event = AuditEvent.objects.get(action="sso.revoked")
        assert (event.actor, event.details["reason"]) == (form_teacher.user, "password_reset")

    def test_a_lock_revokes_the_apps_tokens(self, rp, browser, child):
        tokens = rp.sign_in(browser)
        for i in range(5):
            sign_in(Client(), child.user.username, f"wrong-guess{i}x")
        assert rp.userinfo(tokens["access_token"]).status_code == 401
        assert AuditEvent.objects.get(action="sso.revoked").details["reason"] == "locked"


@pytest.mark.django_db
class TestDeactivationRevokes:
    def test_leaving_after_p6_revokes_the_apps_tokens(self, rp, school, ict_admin):
        from batches.promotion import promote
        from tests import factories
        from tests.sspr.helpers import give_answers

        leaver = factories.make_student(factories.make_class(school, 6, "6 Integrity"), "Six Leaver")
        give_answers(leaver.user)
        browser = Client()
        assert sign_in(browser, leaver.user.username).status_code == 302
        tokens = rp.sign_in(browser)
        promote(school, 2026, actor=ict_admin.user)
        assert rp.refresh(tokens["refresh_token"]).status_code == 400
        event = AuditEvent.objects.get(action="sso.revoked")
        assert (event.details["reason"], event.actor) == ("deactivated", ict_admin.user)

    def test_marking_a_child_as_left_in_the_admin_revokes_its_tokens(self, rp, browser, child, moe_it):
        from tests.accounts.test_leavers import run_action

        tokens = rp.sign_in(browser)
        admin = Client()
        admin.force_login(moe_it)
        run_action(admin, "mark_as_left", child)
        child.user.refresh_from_db()
        assert not child.user.is_active
        assert rp.refresh(tokens["refresh_token"]).status_code == 400
        assert AuditEvent.objects.get(action="sso.revoked").details["reason"] == "deactivated"

    def test_a_transfer_keeps_the_sub_and_revokes_the_apps_tokens(self, rp, browser, child, other_school):
        from accounts.transfers import transfer_student
        from tests import factories

        tokens = rp.sign_in(browser)
        sub = rp.userinfo(tokens["access_token"]).json()["sub"]
        transfer_student(child, factories.make_class(other_school, 5, "5 Arrival"), request=None, actor=None,
                         source="admin")
        assert rp.refresh(tokens["refresh_token"]).status_code == 400
        assert AuditEvent.objects.get(action="sso.revoked").details["reason"] == "transferred"
        assert rp.userinfo(rp.sign_in(browser)["access_token"]).json()["sub"] == sub
