"""An app that is not first-party asks the child first, in plain words and in
the child's language; a first-party school app does not (test_code_flow.py)."""

from __future__ import annotations

import html
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.utils import translation

from .conftest import REDIRECT, pkce_pair, register_app

SCOPE = "openid profile class"


@pytest.fixture
def maths_quest(db):
    return register_app("Maths Quest", skip_authorization=False)


def consent_params(app) -> dict:
    _verifier, challenge = pkce_pair()
    return {
        "response_type": "code", "client_id": app.client_id, "redirect_uri": REDIRECT, "scope": SCOPE,
        "state": "st-123", "nonce": "n-456", "code_challenge": challenge, "code_challenge_method": "S256",
    }


class TestConsent:
    def test_it_says_which_app_wants_what_in_plain_words(self, browser, maths_quest):
        r = browser.get("/o/authorize/", consent_params(maths_quest))
        assert r.status_code == 200
        page = r.content.decode()
        assert "Maths Quest wants to know about you" in page
        assert "Know your name and login ID" in page
        assert "Know your class" in page
        assert "Know your school" not in page  # not asked for
        assert "It will never see your password." in page
        assert "Yes, let it know" in page and "No, thank you" in page

    def test_yes_sends_the_child_back_with_a_code_and_no_sends_them_back_without(self, browser, maths_quest):
        params = consent_params(maths_quest)
        yes = browser.post("/o/authorize/", params | {"allow": "Authorize"})
        assert yes.status_code == 302
        assert yes["Location"].startswith(REDIRECT) and parse_qs(urlsplit(yes["Location"]).query)["code"]
        no = browser.post("/o/authorize/", params)
        assert no.status_code == 302
        query = parse_qs(urlsplit(no["Location"]).query)
        assert query["error"] == ["access_denied"] and "code" not in query

    @pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
    def test_it_is_in_the_childs_language(self, browser, maths_quest, code):
        page = browser.get(
            "/o/authorize/", consent_params(maths_quest), headers={"accept-language": code}
        ).content.decode()
        assert f'<html lang="{code}"' in page
        with translation.override(code):
            expected = [
                translation.gettext("%(app)s wants to know about you") % {"app": "Maths Quest"},
                translation.gettext("If you say yes, the app will:"),
                str(settings.OAUTH2_PROVIDER["SCOPES"]["profile"]),
                str(settings.OAUTH2_PROVIDER["SCOPES"]["class"]),
                translation.gettext("Yes, let it know"),
                translation.gettext("No, thank you"),
            ]
        for text in expected:
            assert html.escape(text) in page, (code, text)
