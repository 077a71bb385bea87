"""Time a child's sign-in to a school app against a sign-in to the portal.

    .venv/bin/python bench/sso.py               # 30 rounds, SQLite file in a temp dir
    .venv/bin/python bench/sso.py --rounds 10   # a quicker look

A portal sign-in is the sign-in page: POST /login/ (one Argon2 verify with
Django's settings, the session, the audit row). An app sign-in is what a child
does when an app sends them here: the same sign-in page, then
GET /o/authorize/ (code + PKCE S256) and the app's POST /o/token/ with its
client secret (HTTP Basic), which returns the signed ID token. Both go through
the whole middleware stack in this process (Django's test client), rounds
alternating so that other load on the machine hits both alike; CPU seconds of
this process are reported too, as they hardly depend on that load.

For comparison the same app sign-in is also run for an app whose client secret
is hashed with the default password hasher (Argon2), which is what
django-oauth-toolkit does unless told otherwise.
Goal (issue 12): app sign-in / portal sign-in <= 1.15.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import resource
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mims_portal.settings")

PASSWORD = "sunny2day-bench"
SECRET = secrets.token_urlsafe(96)
REDIRECT = "https://learning.example.edu.sg/oidc/callback/"


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def setup_world() -> tuple[str, dict[str, str]]:
    from django.contrib.auth.hashers import make_password
    from oauth2_provider.models import Application

    from accounts.models import School, SchoolClass, Student, User
    from sspr.answers import set_answers
    from sspr.models import ChallengeQuestion
    from sspr.questions import seed_questions

    seed_questions()
    school = School.objects.create(code="BENCH", name="Bench Primary School")
    school_class = SchoolClass.objects.create(school=school, year=2026, level=5, name="5 Courage")
    user = User.objects.create_user("bench_child", password=PASSWORD)
    Student.objects.create(user=user, school=school, school_class=school_class, full_name="Bench Child",
                           student_ref="B1", login_base="bench_child")
    questions = ChallengeQuestion.objects.filter(for_cards=False)[:3]
    set_answers(user, zip(questions, ["blue bunny", "ah ma", "fried rice"], strict=True), school_set=False)
    apps = {}
    for name, secret in (("fast", SECRET), ("argon2", make_password(SECRET, hasher="argon2"))):
        app = Application.objects.create(
            name=f"Bench app ({name})", client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE, client_secret=secret,
            redirect_uris=REDIRECT, algorithm=Application.RS256_ALGORITHM, skip_authorization=True,
        )
        apps[name] = app.client_id
    return "bench_child", apps


def browser():
    from django.test import Client

    return Client(HTTP_HOST="localhost")


def portal_sign_in(username: str) -> None:
    r = browser().post("/login/", {"username": username, "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/account/", r.status_code


def app_sign_in(username: str, client_id: str) -> None:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    authorize = "/o/authorize/?" + urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT, "scope": "openid profile class",
        "state": "s", "nonce": "n", "code_challenge": challenge, "code_challenge_method": "S256",
    })
    child = browser()
    r = child.post("/login/?" + urlencode({"next": authorize}), {"username": username, "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == authorize, r.status_code
    r = child.get(authorize)
    code = parse_qs(urlsplit(r["Location"]).query)["code"][0]
    basic = base64.b64encode(f"{client_id}:{SECRET}".encode()).decode()
    r = browser().post("/o/token/", {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                                     "code_verifier": verifier}, HTTP_AUTHORIZATION=f"Basic {basic}")
    assert r.status_code == 200 and "id_token" in r.json(), r.content


def timed(fn, *args) -> tuple[float, float]:
    start, cpu = time.perf_counter(), cpu_seconds()
    fn(*args)
    return time.perf_counter() - start, cpu_seconds() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="mims-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp.name}/bench.sqlite3")
    os.environ["MIMS_VAR_DIR"] = tmp.name
    Path(tmp.name, "static").mkdir()
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # As in production: DEBUG off (no query log, no static finders), keys from the environment.
    from sso.keys import generate_pem

    os.environ |= {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "OIDC_RSA_PRIVATE_KEY": generate_pem(),
                   "ALLOWED_HOSTS": "localhost", "MIMS_OIDC_ISSUER": "https://localhost"}
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.MIMS_LOGIN_RATE_PER_IP = "100000/m"  # one address signs in over and over here
    # A fresh database made and dropped here (test_<name> on PostgreSQL), never the named one.
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = f"{tmp.name}/test_bench.sqlite3"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        run(args.rounds)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        tmp.cleanup()


def run(rounds: int) -> None:
    from django.conf import settings
    from django.contrib.auth.hashers import get_hasher

    username, apps = setup_world()
    hasher = get_hasher()
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"{rounds} rounds; passwords {hasher.algorithm} t={hasher.time_cost} m={hasher.memory_cost} KiB "
          f"p={hasher.parallelism}; client secrets {settings.OAUTH2_PROVIDER['CLIENT_SECRET_HASHER']}; "
          f"database {engine}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")

    # One warm-up of each, then alternate.
    portal_sign_in(username), app_sign_in(username, apps["fast"]), app_sign_in(username, apps["argon2"])
    runs: dict[str, list[tuple[float, float]]] = {"portal": [], "app": [], "app_argon2_secret": []}
    for _ in range(rounds):
        runs["portal"].append(timed(portal_sign_in, username))
        runs["app"].append(timed(app_sign_in, username, apps["fast"]))
        runs["app_argon2_secret"].append(timed(app_sign_in, username, apps["argon2"]))

    medians = {}
    for name, samples in runs.items():
        wall = statistics.median(s[0] for s in samples)
        cpu = statistics.median(s[1] for s in samples)
        medians[name] = (wall, cpu)
        print(f"{name:>18}: median {wall * 1000:6.1f} ms wall, {cpu * 1000:6.1f} ms CPU")
    for name in ("app", "app_argon2_secret"):
        print(f"ratio {name} / portal: {medians[name][0] / medians['portal'][0]:.2f} wall, "
              f"{medians[name][1] / medians['portal'][1]:.2f} CPU")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
