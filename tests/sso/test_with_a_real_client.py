"""A real OpenID Connect client library (Authlib, with joserfc for the ID
token) against the portal served on a real port: what an app built with an
off-the-shelf library sees. The child's browser is a plain HTTP session that
signs in on the portal's own sign-in page."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from wsgiref.util import setup_testing_defaults

import pytest
import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from joserfc import jwt
from joserfc.jwk import KeySet
from oauth2_provider.models import Application

from sso.demo import seed_demo_apps
from tests import factories

from .conftest import REDIRECT, SECRET, register_app


@pytest.fixture(autouse=True)
def plain_http(monkeypatch):
    # The live test server speaks http; Authlib insists on https unless told.
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.fixture
def portal(live_server) -> dict:
    """The provider's metadata, as an app reads it (discovery)."""
    config = requests.get(f"{live_server.url}/.well-known/openid-configuration", timeout=10).json()
    assert config["issuer"] == live_server.url
    return config


@pytest.fixture
def app_client(transactional_db, portal):
    app = register_app()
    # Closed after each test, so the server's threads end while the test database is still theirs.
    with OAuth2Session(
        app.client_id, SECRET, scope="openid profile class", redirect_uri=REDIRECT,
        code_challenge_method="S256", token_endpoint_auth_method="client_secret_basic",
    ) as session:
        yield session


@pytest.fixture
def signed_in_browser(live_server, child):
    """The child's browser, signed in through the portal's sign-in page."""
    browser = requests.Session()
    form = browser.get(f"{live_server.url}/login/", timeout=10).text
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    r = browser.post(
        f"{live_server.url}/login/",
        data={"csrfmiddlewaretoken": csrf, "username": child.user.username, "password": factories.PASSWORD},
        allow_redirects=False, timeout=10,
    )
    assert r.status_code == 302, r.text[:500]
    yield browser
    browser.close()


def authorize(app_client, browser, portal, **params) -> tuple[requests.Response, str, str]:
    """The app sends the browser to the portal; returns the portal's answer, the state and the PKCE verifier."""
    verifier = factories.PASSWORD + "-" * 43  # 43+ characters (RFC 7636)
    url, state = app_client.create_authorization_url(
        portal["authorization_endpoint"], code_verifier=verifier, nonce="n-789", **params
    )
    return browser.get(url, allow_redirects=False, timeout=10), state, verifier


def tokens_for(app_client, browser, portal, scope="openid profile class") -> dict:
    answer, state, verifier = authorize(app_client, browser, portal, scope=scope)
    assert answer.status_code == 302, answer.text[:500]
    assert answer.headers["Location"].startswith(REDIRECT)
    assert parse_qs(urlsplit(answer.headers["Location"]).query)["iss"] == [portal["issuer"]]
    return app_client.fetch_token(
        portal["token_endpoint"], authorization_response=answer.headers["Location"], state=state,
        code_verifier=verifier,
    )


def verified_claims(id_token: str, portal: dict, client_id: str) -> dict:
    """Signature against the published JWKS (key picked by kid), then iss, aud, exp and nonce."""
    keys = KeySet.import_key_set(requests.get(portal["jwks_uri"], timeout=10).json())
    token = jwt.decode(id_token, keys, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": portal["issuer"]},
        aud={"essential": True, "value": client_id},
        exp={"essential": True}, sub={"essential": True},
        nonce={"essential": True, "value": "n-789"},
    ).validate(token.claims)
    return token.claims


class TestTheCodeFlowWithAuthlib:
    def test_it_signs_a_child_in_and_the_id_token_checks_out_against_the_jwks(
        self, app_client, signed_in_browser, portal, child
    ):
        tokens = tokens_for(app_client, signed_in_browser, portal)
        claims = verified_claims(tokens["id_token"], portal, app_client.client_id)
        assert claims["name"] == "Muhammad Ali Bin Muhammad Raihan"
        assert claims["preferred_username"] == child.user.login_id
        assert claims["class"] == {"name": "5 Courage", "level": "P5", "year": 2026}
        assert claims["sub"] != child.user.username
        assert not {"school", "role", "email"} & set(claims)
        userinfo = app_client.get(portal["userinfo_endpoint"], timeout=10).json()
        assert userinfo["sub"] == claims["sub"] and userinfo["class"]["name"] == "5 Courage"

    def test_it_gives_only_the_subject_for_openid_alone(self, app_client, signed_in_browser, portal):
        tokens = tokens_for(app_client, signed_in_browser, portal, scope="openid")
        claims = verified_claims(tokens["id_token"], portal, app_client.client_id)
        assert not {"name", "preferred_username", "class", "school", "role", "email"} & set(claims)

    def test_it_refuses_an_id_token_signed_with_another_key(self, app_client, signed_in_browser, portal):
        from joserfc.errors import BadSignatureError
        from joserfc.jwk import RSAKey

        tokens = tokens_for(app_client, signed_in_browser, portal)
        kid = jwt.decode(tokens["id_token"], KeySet.import_key_set(requests.get(portal["jwks_uri"]).json())).header[
            "kid"
        ]
        stranger = RSAKey.generate_key(2048, parameters={"kid": kid})
        with pytest.raises(BadSignatureError):
            jwt.decode(tokens["id_token"], KeySet([stranger]), algorithms=["RS256"])

    def test_it_refuses_the_code_without_the_pkce_verifier(self, app_client, signed_in_browser, portal):
        answer, state, _verifier = authorize(app_client, signed_in_browser, portal)
        with pytest.raises(OAuthError) as refused:
            app_client.fetch_token(
                portal["token_endpoint"], authorization_response=answer.headers["Location"], state=state
            )
        assert refused.value.error == "invalid_request"


class TestRefreshWithAuthlib:
    def test_it_rotates_the_refresh_token_and_refuses_the_old_one(self, app_client, signed_in_browser, portal):
        first = tokens_for(app_client, signed_in_browser, portal)
        second = app_client.refresh_token(portal["token_endpoint"], refresh_token=first["refresh_token"])
        assert second["refresh_token"] != first["refresh_token"]
        assert second["access_token"] != first["access_token"]
        with pytest.raises(OAuthError) as refused:
            app_client.refresh_token(portal["token_endpoint"], refresh_token=first["refresh_token"])
        assert refused.value.error == "invalid_grant"
        # Reuse protection: the retired one presented again takes back the whole chain.
        with pytest.raises(OAuthError):
            app_client.refresh_token(portal["token_endpoint"], refresh_token=second["refresh_token"])


class TestRedirectURIWithAuthlib:
    @pytest.mark.parametrize("redirect_uri", [
        "https://elsewhere.example.com/oidc/callback/",  # not registered
        REDIRECT + "extra/",  # registered, with a bit added
        REDIRECT.replace("https://", "http://"),  # the same address over plain http
    ])
    def test_it_refuses_a_wrong_redirect_uri_without_going_there(
        self, app_client, signed_in_browser, portal, redirect_uri
    ):
        answer, _state, _verifier = authorize(app_client, signed_in_browser, portal, redirect_uri=redirect_uri)
        assert answer.status_code != 302 or not answer.headers["Location"].startswith(redirect_uri)
        assert "Location" not in answer.headers
        assert "This app link does not work" in answer.text


def load_example():
    """examples/learning_space/app.py, the stand-in learning space (not a package)."""
    path = Path(settings.BASE_DIR) / "examples" / "learning_space" / "app.py"
    spec = importlib.util.spec_from_file_location("learning_space_example", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def call(wsgi_app, path: str, cookie: str = "") -> tuple[str, dict, str]:
    """One request to a WSGI app, in process: status, headers, body."""
    split = urlsplit(path)
    environ = {"PATH_INFO": split.path, "QUERY_STRING": split.query, "HTTP_COOKIE": cookie}
    setup_testing_defaults(environ)
    answer = {}

    def start_response(status, headers):
        answer.update(status=status, headers=dict(headers))

    body = b"".join(wsgi_app(environ, start_response)).decode()
    return answer["status"], answer["headers"], body


class TestTheExampleLearningSpace:
    def test_seed_demo_registers_it_with_its_own_callback(self, db):
        example = load_example()
        seed_demo_apps()
        app = Application.objects.get(client_id=example.CLIENT_ID)
        assert example.REDIRECT_URI in app.redirect_uris.split()
        assert app.client_type == Application.CLIENT_PUBLIC

    def test_it_signs_a_child_in_through_the_portal_and_shows_their_name_and_class(
        self, transactional_db, live_server, signed_in_browser, monkeypatch
    ):
        seed_demo_apps()
        example = load_example()
        monkeypatch.setattr(example, "PORTAL", live_server.url)
        status, headers, body = call(example.app, "/")
        assert "Sign in with your MIMS login ID" in body
        cookie = headers["Set-Cookie"].split(";")[0]

        status, headers, _ = call(example.app, "/login", cookie)
        assert status.startswith("302") and headers["Location"].startswith(f"{live_server.url}/o/authorize/")
        query = parse_qs(urlsplit(headers["Location"]).query)
        assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]

        back = signed_in_browser.get(headers["Location"], allow_redirects=False, timeout=10)
        assert back.status_code == 302 and back.headers["Location"].startswith(example.REDIRECT_URI)
        callback = urlsplit(back.headers["Location"])
        status, headers, _ = call(example.app, f"{callback.path}?{callback.query}", cookie)
        assert status.startswith("302") and headers["Location"] == "/"

        status, _, body = call(example.app, "/", cookie)
        assert "Muhammad Ali Bin Muhammad Raihan" in body
        assert "5 Courage" in body and "P5" in body
