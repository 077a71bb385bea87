"""What an app learns, scope by scope."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
class TestClaims:
    def test_openid_alone_gives_only_the_subject(self, rp, browser):
        claims = rp.verified_claims(rp.sign_in(browser, scope="openid")["id_token"])
        assert not {"name", "preferred_username", "email", "school", "class", "role"} & set(claims)
        tokens = rp.sign_in(browser, scope="openid")
        assert set(rp.userinfo(tokens["access_token"]).json()) == {"sub"}

    def test_the_school_class_and_role_scopes_give_their_claims(self, rp, browser, child):
        tokens = rp.sign_in(browser, scope="openid school class role")
        claims = rp.verified_claims(tokens["id_token"])
        assert claims["school"] == {"code": "NPS", "name": "North Primary School"}
        assert claims["class"] == {"name": "5 Courage", "level": "P5", "year": 2026}
        assert claims["role"] == "student"
        assert "name" not in claims
        assert rp.userinfo(tokens["access_token"]).json()["class"]["level"] == "P5"

    def test_staff_get_their_role_and_school(self, rp, ict_admin, form_teacher):
        for teacher, role in ((ict_admin, "school_ict_admin"), (form_teacher, "teacher")):
            browser = Client()
            browser.force_login(teacher.user)  # staff: the password and the second factor
            claims = rp.verified_claims(rp.sign_in(browser, scope="openid profile school class role")["id_token"])
            assert claims["role"] == role
            assert claims["school"]["code"] == "NPS"
            assert claims["preferred_username"] == teacher.user.username
            assert "class" not in claims

    def test_an_unknown_scope_is_refused(self, rp, browser):
        from .conftest import pkce_pair
        from .test_refusals import error_of

        r = browser.get(rp.authorize_url(pkce_pair()[1], scope="openid read write"))
        assert error_of(r) == "invalid_scope"
