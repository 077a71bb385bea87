"""A relying party (a school app) built from the outside: it knows only the
portal's published endpoints, and checks what it gets with jwcrypto."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client
from jwcrypto import jwk, jwt
from oauth2_provider.models import Application

from sso.models import SchoolApp
from tests import factories
from tests.sspr.helpers import give_answers

REDIRECT = "https://learning.example.edu.sg/oidc/callback/"
LOGOUT_DONE = "https://learning.example.edu.sg/"
SECRET = "s3cret-" + "x" * 60


def sign_in(client: Client, username: str, password: str = factories.PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


@dataclass
class RelyingParty:
    """What a school app does, step by step, over HTTP."""

    app: Application
    secret: str | None
    server: Client  # the app's server talking to the portal (no browser cookies)

    def authorize_url(self, challenge: str | None, *, scope="openid profile", method="S256", **extra) -> str:
        params = {
            "response_type": "code", "client_id": self.app.client_id, "redirect_uri": REDIRECT,
            "scope": scope, "state": "st-123", "nonce": "n-456",
        }
        if challenge is not None:
            params |= {"code_challenge": challenge, "code_challenge_method": method}
        return "/o/authorize/?" + urlencode(params | extra)

    def code_from(self, response) -> str:
        assert response.status_code == 302, response.content[:500]
        location = urlsplit(response["Location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
        query = parse_qs(location.query)
        assert query["state"] == ["st-123"]
        assert query["iss"] == ["http://testserver"]  # RFC 9207: who answered
        return query["code"][0]

    def _auth(self) -> dict:
        if self.secret is None:
            return {}
        basic = base64.b64encode(f"{self.app.client_id}:{self.secret}".encode()).decode()
        return {"HTTP_AUTHORIZATION": f"Basic {basic}"}

    def token(self, code: str, verifier: str | None):
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
        if self.secret is None:
            data["client_id"] = self.app.client_id
        if verifier is not None:
            data["code_verifier"] = verifier
        return self.server.post("/o/token/", data, **self._auth())

    def refresh(self, refresh_token: str):
        data = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        if self.secret is None:
            data["client_id"] = self.app.client_id
        return self.server.post("/o/token/", data, **self._auth())

    def userinfo(self, access_token: str):
        return self.server.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {access_token}")

    def verified_claims(self, id_token: str) -> dict:
        keys = jwk.JWKSet.from_json(self.server.get("/.well-known/jwks.json").content)
        token = jwt.JWT(jwt=id_token, key=keys, algs=["RS256"], expected_type="JWS")
        return json.loads(token.claims)

    def sign_in(self, browser: Client, *, scope="openid profile") -> dict:
        """The whole round trip for a signed-in browser; returns the token response."""
        verifier, challenge = pkce_pair()
        code = self.code_from(browser.get(self.authorize_url(challenge, scope=scope)))
        response = self.token(code, verifier)
        assert response.status_code == 200, response.content
        return response.json()


def register_app(name="Learning space", *, confidential=True, levels=(), skip_authorization=True) -> Application:
    app = Application.objects.create(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL if confidential else Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        client_secret=SECRET,
        redirect_uris=REDIRECT,
        post_logout_redirect_uris=LOGOUT_DONE,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=skip_authorization,
    )
    SchoolApp.objects.create(
        application=app, launch_url="https://learning.example.edu.sg/", description="Your lessons", levels=list(levels)
    )
    return app


@pytest.fixture
def app(db):
    return register_app()


@pytest.fixture
def rp(app):
    return RelyingParty(app=app, secret=SECRET, server=Client())


@pytest.fixture
def child(student):
    """The P5 child, past the first-sign-in steps (own answers set up)."""
    give_answers(student.user)
    return student


@pytest.fixture
def browser(child):
    browser = Client()
    assert sign_in(browser, child.user.username).status_code == 302
    return browser


def pytest_configure(config: pytest.Config) -> None:
    # The live server's tests here (test_with_a_real_client.py) empty the
    # database; put the data migrations' rows back after them, as the browser
    # tests do (the same plugin, registered once for the run).
    from tests.browser.conftest import pytest_configure as restore_after_flush

    restore_after_flush(config)
