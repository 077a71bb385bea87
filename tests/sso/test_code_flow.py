"""The whole relying-party flow: authorize with PKCE, token, userinfo, the ID
token checked against the published keys, refresh rotation, logout."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from accounts.models import AuditEvent
from sso.models import Subject

from .conftest import LOGOUT_DONE, pkce_pair, sign_in


@pytest.mark.django_db
class TestCodeFlow:
    def test_it_signs_a_child_in_to_an_app(self, rp, browser, child):
        tokens = rp.sign_in(browser, scope="openid profile email")
        assert tokens["token_type"] == "Bearer"
        assert tokens["expires_in"] <= 600

        claims = rp.verified_claims(tokens["id_token"])
        assert claims["iss"] == "http://testserver"
        assert claims["aud"] == rp.app.client_id
        assert claims["nonce"] == "n-456"
        assert claims["exp"] - claims["iat"] <= 600
        assert claims["sub"] == str(Subject.objects.get(user=child.user).sub)
        assert claims["preferred_username"] == child.user.login_id
        assert claims["name"] == "Muhammad Ali Bin Muhammad Raihan"
        assert claims["email"] == child.user.login_id

        info = rp.userinfo(tokens["access_token"])
        assert info.status_code == 200
        assert info.json()["sub"] == claims["sub"]
        assert info.json()["preferred_username"] == child.user.login_id

        issued = AuditEvent.objects.get(action="sso.token")
        assert issued.outcome == "success"
        assert issued.school_id == child.school_id
        assert issued.target == child.user.login_id
        assert issued.details["app"] == "Learning space"

    def test_the_discovery_document_names_the_endpoints_and_only_the_code_flow(self, client, db):
        doc = client.get("/.well-known/openid-configuration").json()
        assert doc["issuer"] == "http://testserver"
        assert doc["authorization_endpoint"] == "http://testserver/o/authorize/"
        assert doc["token_endpoint"] == "http://testserver/o/token/"
        assert doc["userinfo_endpoint"] == "http://testserver/o/userinfo/"
        assert doc["jwks_uri"] == "http://testserver/.well-known/jwks.json"
        assert doc["end_session_endpoint"] == "http://testserver/o/logout/"
        assert doc["response_types_supported"] == ["code"]
        assert doc["code_challenge_methods_supported"] == ["S256"]
        assert {"school", "class", "role"} <= set(doc["scopes_supported"])
        assert doc["id_token_signing_alg_values_supported"][0] == "RS256"

    def test_a_refresh_token_rotates_and_the_old_one_is_refused(self, rp, browser):
        first = rp.sign_in(browser)
        second = rp.refresh(first["refresh_token"])
        assert second.status_code == 200
        new = second.json()
        assert new["refresh_token"] != first["refresh_token"]
        assert rp.userinfo(new["access_token"]).status_code == 200

        replay = rp.refresh(first["refresh_token"])
        assert replay.status_code == 400
        assert replay.json()["error"] == "invalid_grant"
        # A used refresh token presented again takes back the whole chain.
        assert rp.refresh(new["refresh_token"]).status_code == 400
        assert rp.userinfo(new["access_token"]).status_code == 401

    def test_the_app_signs_the_child_out_of_the_portal(self, rp, browser, child):
        tokens = rp.sign_in(browser)
        query = urlencode(
            {"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": LOGOUT_DONE, "state": "bye"}
        )
        r = browser.get(f"/o/logout/?{query}")
        assert r.status_code == 302
        assert r["Location"] == LOGOUT_DONE + "?state=bye"
        assert SESSION_KEY not in browser.session
        assert rp.userinfo(tokens["access_token"]).status_code == 401
        assert rp.refresh(tokens["refresh_token"]).status_code == 400

    def test_a_logout_to_an_unregistered_address_does_not_go_there(self, rp, browser):
        tokens = rp.sign_in(browser)
        query = urlencode({"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": "https://evil.example/"})
        r = browser.get(f"/o/logout/?{query}")
        assert "evil.example" not in r.get("Location", "")

    def test_a_child_not_signed_in_goes_through_the_portal_sign_in_page(self, rp, child):
        browser = Client()
        verifier, challenge = pkce_pair()
        authorize = rp.authorize_url(challenge)
        r = browser.get(authorize)
        assert r.status_code == 302
        login = urlsplit(r["Location"])
        assert login.path == "/login/"
        next_url = parse_qs(login.query)["next"][0]
        assert next_url == authorize
        r = browser.post(f"/login/?{login.query}", {"username": child.user.username, "password": "sunny2day"})
        assert r["Location"] == authorize
        code = rp.code_from(browser.get(r["Location"]))
        assert rp.token(code, verifier).status_code == 200

    def test_sub_is_opaque_and_survives_a_rename(self, rp, browser, child, moe_it):
        from accounts.login_ids import rename_login_id

        first = rp.verified_claims(rp.sign_in(browser)["id_token"])
        assert uuid.UUID(first["sub"])
        assert child.user.username not in first["sub"]

        rename_login_id(child, "ali_raihan", request=None, actor=moe_it)
        assert sign_in(browser, "ali_raihan").status_code == 302
        second = rp.verified_claims(rp.sign_in(browser)["id_token"])
        assert second["sub"] == first["sub"]
        assert second["preferred_username"] == "ali_raihan@students.edu.sg"


@pytest.mark.django_db
def test_first_sign_in_steps_come_first_then_the_child_is_sent_back_to_the_app(rp, student):
    """A P5 child with a temporary password: new password, own questions, then the app."""
    from accounts.passwords import issue_temporary_password
    from sspr.models import ChallengeQuestion
    from tests.sspr.helpers import ANSWERS, post_setup

    temporary = issue_temporary_password(student.user, request=None)
    browser = Client()
    verifier, challenge = pkce_pair()
    authorize = rp.authorize_url(challenge)
    r = browser.post(f"/login/?{urlencode({'next': authorize})}", {"username": student.user.username,
                                                                   "password": temporary})
    r = browser.get(r["Location"])
    assert r["Location"] == "/account/password/"
    r = browser.post("/account/password/", {"new_password1": "rainbow42go", "new_password2": "rainbow42go"})
    assert r["Location"] == "/sspr/setup/"
    questions = list(ChallengeQuestion.objects.filter(is_active=True, for_cards=False)[:3])
    data = {"current_password": "rainbow42go"}  # setting answers always asks for the password just chosen
    for i, (q, a) in enumerate(zip(questions, ANSWERS, strict=True), 1):
        data |= {f"question_{i}": q.pk, f"answer_{i}": a}
    r = post_setup(browser, data)
    assert r["Location"] == "/account/"
    r = browser.get("/account/")
    assert r["Location"] == authorize
    code = rp.code_from(browser.get(authorize))
    assert rp.token(code, verifier).status_code == 200


@pytest.mark.django_db
def test_only_forms_on_the_way_to_an_app_may_end_there(rp, client):
    """Browsers check a form's redirect chain against its page's form-action."""
    authorize = rp.authorize_url(pkce_pair()[1])
    on_the_way = client.get(f"/login/?{urlencode({'next': authorize})}")["Content-Security-Policy"]
    assert "form-action 'self' https://learning.example.edu.sg" in on_the_way
    plain = client.get("/login/")["Content-Security-Policy"]
    assert "learning.example.edu.sg" not in plain
    assert "form-action 'self'" in plain
