"""Twenty parallel guesses at one login ID from two app processes sharing
PostgreSQL (and Redis, when REDIS_URL is set): still at most five password checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from accounts import lockouts

ROOT = Path(__file__).resolve().parents[2]

# One app process: ten threads released together when the test says "go".
WORKER = r"""
import json, os, sys, threading
import django
django.setup()
from django.conf import settings
settings.PASSWORD_HASHERS = ["tests.accounts.test_signin_lock.CountingHasher"]
from django.db import connection
from django.test import Client
from tests.accounts.test_signin_lock import CountingHasher

username, first = sys.argv[1], int(sys.argv[2])
barrier = threading.Barrier(11)
statuses = []

def guess(i):
    try:
        client = Client()
        barrier.wait()
        r = client.post("/login/", {"username": username, "password": f"guess{i}"}, REMOTE_ADDR="198.51.100.20")
        statuses.append(r.status_code)
    finally:
        connection.close()

threads = [threading.Thread(target=guess, args=(first + i,)) for i in range(10)]
for t in threads:
    t.start()
print("ready", flush=True)
sys.stdin.readline()
barrier.wait()
for t in threads:
    t.join()
print(json.dumps({"checks": CountingHasher.checks, "statuses": statuses}), flush=True)
"""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two processes need a shared PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_twenty_guesses_from_two_processes_get_at_most_five_password_checks(student):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mims_portal.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "ALLOWED_HOSTS": "testserver",
    }
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, student.user.username, str(first)], cwd=ROOT, env=env,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for first in (0, 10)
    ]  # fmt: skip
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready"
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()
    results = [json.loads(worker.communicate(timeout=120)[0].strip().splitlines()[-1]) for worker in workers]
    assert sum(r["checks"] for r in results) == 5
    assert sorted(s for r in results for s in r["statuses"]) == [200] * 4 + [429] * 16
    assert lockouts.is_signin_locked(student.user.username)
