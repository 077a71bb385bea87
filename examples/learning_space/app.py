"""A stand-in learning space: a tiny separate app that signs a child in
through the MIMS portal with OpenID Connect, using Authlib (and joserfc,
Authlib's JOSE library, to check the ID token against the portal's JWKS).

Run it beside the portal (see README.md):

    python examples/learning_space/app.py

Only the standard library's WSGI server plus Authlib: no framework, so every
step of the sign-in is on this page. Sessions live in memory (a demo).
"""

from __future__ import annotations

import html
import os
import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import make_server

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet

PORTAL = os.getenv("MIMS_PORTAL", "http://127.0.0.1:8000").rstrip("/")
HOST, PORT = "127.0.0.1", int(os.getenv("LEARNING_SPACE_PORT", "8001"))
CLIENT_ID = os.getenv("LEARNING_SPACE_CLIENT_ID", "demo-learning-space")  # registered by seed_demo
REDIRECT_URI = f"http://{HOST}:{PORT}/oidc/callback/"
SCOPE = "openid profile class"

SESSIONS: dict[str, dict] = {}


def discovery() -> dict:
    return requests.get(f"{PORTAL}/.well-known/openid-configuration", timeout=10).json()


def client(**kwargs) -> OAuth2Session:
    """A public client: no secret, PKCE S256 (the portal requires it)."""
    return OAuth2Session(CLIENT_ID, scope=SCOPE, redirect_uri=REDIRECT_URI, code_challenge_method="S256", **kwargs)


def verified_id_token(id_token: str, config: dict, nonce: str) -> dict:
    """The ID token's claims, once its RS256 signature (key from the JWKS, by
    kid), issuer, audience, expiry and nonce check out; raises otherwise."""
    keys = KeySet.import_key_set(requests.get(config["jwks_uri"], timeout=10).json())
    token = jwt.decode(id_token, keys, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": config["issuer"]},
        aud={"essential": True, "value": CLIENT_ID},
        exp={"essential": True},
        sub={"essential": True},
        nonce={"essential": True, "value": nonce},
    ).validate(token.claims)
    return token.claims


def page(body: str) -> bytes:
    return (
        "<!doctype html><html lang='en'><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>Learning space</title><main><h1>Learning space</h1>{body}</main></html>"
    ).encode()


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    sid = cookie["ls_session"].value if "ls_session" in cookie else ""
    session = SESSIONS.get(sid)
    if session is None:
        sid, session = secrets.token_urlsafe(32), {}
        SESSIONS[sid] = session
    headers = [("Set-Cookie", f"ls_session={sid}; HttpOnly; SameSite=Lax; Path=/")]

    def redirect(to: str):
        start_response("302 Found", [*headers, ("Location", to)])
        return [b""]

    if path == "/login":
        config = discovery()
        session["verifier"] = secrets.token_urlsafe(48)
        session["nonce"] = secrets.token_urlsafe(16)
        url, session["state"] = client().create_authorization_url(
            config["authorization_endpoint"], code_verifier=session["verifier"], nonce=session["nonce"]
        )
        return redirect(url)

    if path == "/oidc/callback/":
        query = parse_qs(environ.get("QUERY_STRING", ""))
        config = discovery()
        if query.get("state") != [session.get("state")] or query.get("iss") != [config["issuer"]]:
            start_response("400 Bad Request", [*headers, ("Content-Type", "text/html; charset=utf-8")])
            return [page("<p>That sign-in did not come from us. <a href='/login'>Sign in again</a>.</p>")]
        if "code" not in query:  # e.g. the child said no, or may not use the app
            return redirect("/")
        with client(state=session["state"]) as oauth:
            tokens = oauth.fetch_token(
                config["token_endpoint"], code=query["code"][0], code_verifier=session.pop("verifier")
            )
        session["claims"] = verified_id_token(tokens["id_token"], config, session.pop("nonce"))
        session["id_token"] = tokens["id_token"]
        return redirect("/")

    if path == "/logout":
        id_token = session.pop("id_token", "")
        session.clear()
        config = discovery()
        query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": f"http://{HOST}:{PORT}/"})
        return redirect(f"{config['end_session_endpoint']}?{query}")

    start_response("200 OK", [*headers, ("Content-Type", "text/html; charset=utf-8")])
    claims = session.get("claims")
    if not claims:
        return [page("<p><a href='/login'>Sign in with your MIMS login ID</a></p>")]
    school_class = claims.get("class") or {}
    return [page(
        f"<p>Hello, <strong>{html.escape(claims.get('name', ''))}</strong>!</p>"
        f"<p>Login ID: {html.escape(claims.get('preferred_username', ''))}</p>"
        f"<p>Class: {html.escape(school_class.get('name', '—'))} "
        f"({html.escape(school_class.get('level', ''))}, {html.escape(str(school_class.get('year', '')))})</p>"
        f"<p><small>sub: {html.escape(claims['sub'])}</small></p>"
        "<p><a href='/logout'>Sign out</a></p>"
    )]


if __name__ == "__main__":
    if PORTAL.startswith("http://"):
        # Local runs only: Authlib refuses plain http unless told it is a test.
        os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")
    print(f"Learning space on http://{HOST}:{PORT}/ (portal: {PORTAL})")
    make_server(HOST, PORT, app).serve_forever()
