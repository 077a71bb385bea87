"""A POST through a TLS-ending reverse proxy in front of gunicorn: the portal knows the
browser used HTTPS (CSRF passes, HSTS is sent) and whose address it was."""

from __future__ import annotations

import psycopg
import pytest

from .conftest import PASSWORD
from .servers import Browser, Gunicorn, ReverseProxy


@pytest.fixture
def behind_proxy():
    started = []

    def start(env: dict) -> str:
        server = Gunicorn(env)
        proxy = ReverseProxy(server.port)
        started.extend([proxy, server])
        return f"http://127.0.0.1:{proxy.port}"

    yield start
    for thing in started:
        thing.stop()


def test_it_signs_in_over_https_through_the_proxy_and_records_the_real_address(portal, behind_proxy):
    # gunicorn itself trusts no forwarded header here: the portal's own proxy setting does the work.
    url = behind_proxy(portal.env(FORWARDED_ALLOW_IPS="192.0.2.1"))
    port = url.rsplit(":", 1)[1]
    # A child at 127.0.0.7 who also sends a made-up X-Forwarded-For of their own.
    browser = Browser(
        source="127.0.0.7", origin=f"https://127.0.0.1:{port}", headers={"X-Forwarded-For": "203.0.113.9"}
    )

    r = browser.submit(f"{url}/login/", {"username": "proxied", "password": PASSWORD})

    assert r.status == 302, r.text[:500]
    assert r.headers["Location"] == "/account/"
    assert r.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "Secure" in r.headers["Set-Cookie"]
    assert browser.get(f"{url}/account/").status == 200
    with psycopg.connect(portal.database_url) as conn:
        ips = conn.execute("SELECT host(ip) FROM accounts_auditevent WHERE actor_label = 'proxied'").fetchall()
    assert ips == [("127.0.0.7",)]


def test_it_refuses_the_same_post_when_the_portal_is_not_told_about_the_proxy(portal, behind_proxy):
    url = behind_proxy(portal.env(FORWARDED_ALLOW_IPS="192.0.2.1", MIMS_NUM_PROXIES="0", SECURE_SSL_REDIRECT="0"))
    browser = Browser(origin=f"https://127.0.0.1:{url.rsplit(':', 1)[1]}")

    r = browser.submit(f"{url}/login/", {"username": "proxied", "password": PASSWORD})

    assert r.status == 403
    assert "Strict-Transport-Security" not in r.headers


def test_it_redirects_plain_http_to_https_and_logs_no_query_string(portal):
    server = Gunicorn(portal.env(FORWARDED_ALLOW_IPS="192.0.2.1"))
    try:
        r = Browser().get(f"{server.url}/login/?next=/account/&token=Zq81xy")
        assert r.status == 301
        assert r.headers["Location"] == f"https://127.0.0.1:{server.port}/login/?next=/account/&token=Zq81xy"
    finally:
        server.stop()
    assert '"GET /login/ HTTP/1.1" 301' in server.log  # the access log (gunicorn.conf.py)
    assert "Zq81xy" not in server.log
