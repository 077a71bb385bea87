"""PostgreSQL or Redis unreachable: 503 with Retry-After, no internals on the page, one
log line per outage, back by itself, sign-in failing closed. The outage is a TCP proxy
the test cuts, in front of the throwaway database and Redis, never the shared servers."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from .conftest import PASSWORD
from .servers import Browser, Gunicorn, TcpProxy


@pytest.fixture
def cut_off(portal):
    """gunicorn reaching PostgreSQL and Redis through proxies the test can cut."""
    db, cache = urlsplit(portal.database_url), urlsplit(portal.redis_url)
    proxies = {"database": TcpProxy(db.hostname, db.port), "cache": TcpProxy(cache.hostname, cache.port)}
    server = Gunicorn(portal.env(
        DATABASE_URL=db._replace(netloc=f"{db.username}@127.0.0.1:{proxies['database'].port}").geturl(),
        REDIS_URL=cache._replace(netloc=f"127.0.0.1:{proxies['cache'].port}").geturl(),
    ))  # fmt: skip
    yield server, proxies
    server.stop()
    for proxy in proxies.values():
        proxy.stop()


def lines(server: Gunicorn, text: str) -> list[str]:
    return [line for line in server.lines if text in line]


def assert_outage_page(r, db_port: int) -> None:
    assert r.status == 503
    assert r.headers["Retry-After"] == "30"
    assert "Back in a minute" in r.text and "try again" in r.text
    assert r.headers["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" in r.headers
    assert r.headers["X-Frame-Options"] == "DENY"
    for secret in ("Traceback", "psycopg", "OperationalError", "redis", str(db_port), "postgres"):
        assert secret not in r.text


def test_it_answers_503_while_the_database_is_unreachable_and_recovers_by_itself(cut_off):
    server, proxies = cut_off
    browser = Browser(headers={"X-Forwarded-Proto": "https"})
    assert browser.submit(f"{server.url}/login/", {"username": "outage_child", "password": PASSWORD}).status == 302
    page = f"{server.url}/account/"  # reads the session, the child and their answers from the database
    assert browser.get(page).status == 200

    proxies["database"].cut()
    for _ in range(3):
        assert_outage_page(browser.get(page), proxies["database"].port)
    assert len(lines(server, "database unreachable")) == 1
    assert "Traceback" not in server.log

    proxies["database"].restore()
    assert browser.get(page).status == 200  # still signed in
    assert len(lines(server, "database is back")) == 1


def test_it_refuses_every_sign_in_while_redis_is_unreachable(cut_off):
    server, proxies = cut_off
    browser = Browser(headers={"X-Forwarded-Proto": "https"})

    proxies["cache"].cut()
    for _ in range(2):
        r = browser.submit(f"{server.url}/login/", {"username": "outage_child", "password": PASSWORD})
        assert_outage_page(r, proxies["database"].port)
        assert "__Host-sessionid" not in browser.cookies  # the right password did not sign in
    assert len(lines(server, "cache unreachable")) == 1
    assert "Traceback" not in server.log

    proxies["cache"].restore()
    r = browser.submit(f"{server.url}/login/", {"username": "outage_child", "password": PASSWORD})
    assert r.status == 302 and "__Host-sessionid" in browser.cookies
    assert len(lines(server, "cache is back")) == 1
