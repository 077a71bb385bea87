"""Two gunicorn servers on different ports against one PostgreSQL database and one
Redis work as one portal (docs/operations.md, "Many servers")."""

from __future__ import annotations

import json

import pytest

from second_factor.demo import current_code

from .conftest import PASSWORD
from .servers import Browser, Gunicorn, manage

WRONG = "not-my-password1"


@pytest.fixture(scope="module")
def servers(portal):
    a = Gunicorn(portal.env())
    try:
        b = Gunicorn(portal.env())
    except AssertionError:
        a.stop()
        raise
    yield a.url, b.url
    a.stop()
    b.stop()


def browser() -> Browser:
    # As the TLS-ending proxy in front of both would say (gunicorn trusts 127.0.0.1 for that).
    return Browser(headers={"X-Forwarded-Proto": "https"})


def test_it_locks_an_attacker_alternating_between_servers_after_the_same_five_failures(servers):
    attacker = browser()
    statuses = [
        # Five different wrong passwords: the same one typed again does not count (accounts/lockouts.py).
        attacker.submit(f"{servers[n % 2]}/login/", {"username": "lock_target", "password": f"{WRONG}{n}"}).status
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    # Now even the right password is refused, on either server.
    for url in servers:
        r = attacker.submit(f"{url}/login/", {"username": "lock_target", "password": PASSWORD})
        assert r.status == 429 and "/account/" not in r.headers.get("Location", "")


def test_it_keeps_a_session_made_on_one_server_on_the_other(servers):
    child = browser()
    r = child.submit(f"{servers[0]}/login/", {"username": "roamer", "password": PASSWORD})
    assert r.status == 302 and r.headers["Location"] == "/account/"
    page = child.get(f"{servers[1]}/account/")
    assert page.status == 200 and "roamer@" in page.text
    r = child.submit(f"{servers[1]}/account/password/", {})  # a form on B with a token made on A's page
    assert r.status == 200


def test_it_finishes_on_one_server_a_reset_started_on_the_other(servers):
    a, b = servers
    child = browser()
    r = child.submit(f"{a}/sspr/", {"login_id": "forgetful"})
    assert r.status == 302 and r.headers["Location"] == "/sspr/questions/"
    r = child.submit(f"{b}/sspr/questions/", {"answer_1": "blue bunny", "answer_2": "blue bunny"})
    assert r.status == 302 and r.headers["Location"] == "/sspr/password/"
    r = child.submit(f"{a}/sspr/password/", {"new_password1": "rainbow42go", "new_password2": "rainbow42go"})
    assert r.status == 302 and r.headers["Location"] == "/sspr/done/"
    r = browser().submit(f"{b}/login/", {"username": "forgetful", "password": "rainbow42go"})
    assert r.status == 302 and r.headers["Location"] == "/account/"


def test_it_has_a_batch_started_on_one_server_worked_by_a_db_worker_elsewhere(servers, portal):
    a, b = servers
    teacher = browser()
    assert teacher.submit(f"{a}/login/", {"username": "ms_tan", "password": PASSWORD}).status == 302
    # Staff pass their second factor (the demo's known authenticator secret), on the other server.
    r = teacher.submit(f"{b}/staff/second-factor/", {"code": current_code(), "next": "/teacher/"})
    assert r.status == 302 and r.headers["Location"] == "/teacher/"
    r = teacher.submit(f"{a}/batches/class/{portal.p2_class_id}/", {"kind": "cards", "confirm": "on"})
    assert r.status == 302 and r.headers["Location"].startswith("/batches/")
    status_url = f"{b}{r.headers['Location']}status.json"
    assert json.loads(teacher.get(status_url).text)["status"] == "queued"

    manage(portal.env(MIMS_BATCH_HASH_WORKERS="1"), "db_worker", "--batch", "--no-startup-delay", "--no-reload")

    status = json.loads(teacher.get(status_url).text)
    assert status == {"status": "done", "done": 2, "total": 2, "finished": True}
