"""Persistent database connections: what a page costs with and without them.

    .venv/bin/python bench/db_connections.py [--requests 200]

Starts gunicorn (the repository's gunicorn.conf.py, one worker) twice against a
throwaway PostgreSQL database (on DATABASE_URL's server, else 127.0.0.1:5432;
created and dropped here): once with ``DB_CONN_MAX_AGE=0`` (a new connection per
request) and once with the default (one kept per worker, health-checked before
reuse). For each it times, one after another over HTTP, as a signed-in child,
``/request-reset/`` (one query: the session; the form's fields come from the
cache) and ``/account/`` (session, user, answers, apps), and
prints the median and the ratio. Issue 16: ~10 ms → ~4 ms and ~12 ms → ~5 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.production.servers import (  # noqa: E402
    Browser,
    Gunicorn,
    manage,
    production_env,
    throwaway_database,
)

PEOPLE = """
from tests import factories
from tests.sspr.helpers import give_answers
school = factories.make_school("NPS", "North Primary School")
child = factories.make_student(factories.make_class(school, 5, "5 Courage"), "Bench Child", username="bench_child")
give_answers(child.user, answers=["blue bunny"] * 3)
"""
PAGES = ["/request-reset/", "/account/"]


def measure(env: dict, requests: int) -> dict[str, float]:
    server = Gunicorn(env)
    try:
        browser = Browser()
        r = browser.submit(f"{server.url}/login/", {"username": "bench_child", "password": "sunny2day"})
        assert r.status == 302, r.status
        medians = {}
        for page in PAGES:
            for _ in range(10):  # warm up: templates compiled, worker settled
                browser.get(server.url + page)
            times = []
            for _ in range(requests):
                start = time.perf_counter()
                assert browser.get(server.url + page).status == 200
                times.append(time.perf_counter() - start)
            medians[page] = statistics.median(times) * 1000
        return medians
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, throwaway_database() as database_url:
        # Plain HTTP straight to gunicorn: no proxy, no redirect to HTTPS.
        env = production_env(database_url, "", Path(tmp), MIMS_NUM_PROXIES="0", SECURE_SSL_REDIRECT="0")
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "shell", "-c", PEOPLE)
        per_request = measure({**env, "DB_CONN_MAX_AGE": "0"}, args.requests)
        persistent = measure(env, args.requests)
    print(f"{'page':<18} {'new connection':>15} {'persistent':>11} {'ratio':>6}   (median of {args.requests})")
    for page in PAGES:
        print(f"{page:<18} {per_request[page]:>12.1f} ms {persistent[page]:>8.1f} ms "
              f"{per_request[page] / persistent[page]:>6.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
