"""Latency of the portal's pages that hash nothing, divided by a bare Django page in the same run.

    .venv/bin/python bench/pages.py                  # 200 rounds
    .venv/bin/python bench/pages.py --rounds 50 --markdown

Both projects run under gunicorn (one worker per core, DEBUG off) on the same PostgreSQL server; the
portal with the demo world (``seed_demo``) and a throwaway Redis, the bare project (``bench/bare``) with
only sessions and auth and a persistent database connection. One client asks for every page in turn,
round after round, so a burst of load from elsewhere on the machine falls on all pages alike. Anonymous
pages are divided by the bare project's hello-world page; signed-in pages by its ``login_required`` page,
which loads the session and the user from the database and makes one query; and again by that page
served with the portal's prepared statements (``DB_PREPARED_STATEMENTS``), which make the bare page's
queries cheaper as well. Every answer must be 200.
Goal (issue 17): at most 3x for every page, at most 6x for admin pages.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from http.client import HTTPConnection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import servers

SEED = r"""
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from accounts.models import Student, Teacher, User
from sspr.models import ChallengeAnswer, ChallengeQuestion
from accounts import backends

from django_otp.plugins.otp_totp.models import TOTPDevice
from second_factor import rules

def session_for(user):
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backends.PATH
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if rules.must_verify(user):  # staff have passed their second factor (seed_demo gives them an app)
        rules.mark_passed(store, TOTPDevice.objects.filter(user=user, confirmed=True).first())
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"

teacher = Teacher.objects.filter(user__is_staff=False, form_classes__level=5).first()
klass = teacher.form_classes.get(level=5)
child = Student.objects.filter(school_class=klass).first()
answer = make_password("tiger")
ChallengeAnswer.objects.filter(user=child.user).delete()
ChallengeAnswer.objects.bulk_create(ChallengeAnswer(user=child.user, question=q, answer_hash=answer, school_set=False)
                                    for q in ChallengeQuestion.objects.filter(is_active=True, for_cards=False)[:3])
ict = Teacher.objects.filter(user__is_staff=True, school=klass.school).first().user
print(session_for(child.user), session_for(teacher.user), session_for(ict), klass.pk, child.pk)
"""

BARE_SEED = r"""
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
user = User.objects.create_user("bare", password=None)
store = import_module(settings.SESSION_ENGINE).SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print(store.session_key)
"""


def pages(klass: int, child: int) -> list[tuple[str, str, str, str]]:
    """(label, who, path, bare yardstick): who is a key of the sessions dict or "" for anonymous."""
    return [
        ("home", "", "/", "hello"),
        ("sign-in", "", "/login/", "hello"),
        ("reset start", "", "/sspr/", "hello"),
        ("request form", "", "/request-reset/", "hello"),
        ("account (child)", "child", "/account/", "me"),
        ("teacher home", "teacher", "/teacher/", "me"),
        ("class", "teacher", f"/teacher/class/{klass}/", "me"),
        ("child", "teacher", f"/teacher/child/{child}/", "me"),
        ("admin index", "ict", "/admin/", "me"),
        ("student list", "ict", "/admin/accounts/student/", "me"),
        ("audit log", "ict", "/admin/accounts/auditevent/", "me"),
    ]


# The yardsticks, a bare Django project's pages: anonymous, and signed in (Django's database settings, then
# with the portal's prepared statements, DB_PREPARED_STATEMENTS, which make its queries cheaper too).
YARDSTICKS = {
    "hello": "bare hello-world",
    "me": "bare login_required + 1 query",
    "me prepared": "bare login_required + 1 query, prepared statements",
}


def timed_get(conn: HTTPConnection, path: str, cookie: str) -> float:
    start = time.perf_counter()
    conn.request("GET", path, headers={**servers.PROXY_HEADERS, **({"Cookie": cookie} if cookie else {})})
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - start
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status} {response.headers.get('Location', '')}")
    return elapsed


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--markdown", action="store_true")
    opts = parser.parse_args()
    with servers.portal_environment("pages") as env:
        servers.manage(env, "seed_demo", "--force", "-v0")
        child_s, teacher_s, ict_s, klass, child = servers.django_script(env, SEED).split()
        sessions = {"": "", "child": child_s, "teacher": teacher_s, "ict": ict_s}  # cookies
        with servers.bare_environment("bench_bare") as bare_env:
            bare_cookie = f"sessionid={servers.django_script(bare_env, BARE_SEED).strip()}"
            with (
                servers.gunicorn(env) as port,
                servers.gunicorn(bare_env, "bench.bare.wsgi") as bare_port,
                servers.gunicorn({**bare_env, "BARE_PREPARED": "1"}, "bench.bare.wsgi") as prepared_port,
            ):
                portal = HTTPConnection("127.0.0.1", port, timeout=60)
                bare = HTTPConnection("127.0.0.1", bare_port, timeout=60)
                bare_prepared = HTTPConnection("127.0.0.1", prepared_port, timeout=60)
                plan = pages(int(klass), int(child))
                times: dict[str, list[float]] = {label: [] for label, *_ in plan} | {y: [] for y in YARDSTICKS}
                for round_ in range(opts.rounds + 5):
                    for label, who, path, _ in plan:
                        t = timed_get(portal, path, sessions[who])
                        if round_ >= 5:  # the first rounds warm caches and connections
                            times[label].append(t)
                    for label, conn, path, cookie in (("hello", bare, "/hello/", ""), ("me", bare, "/me/", bare_cookie),
                                                      ("me prepared", bare_prepared, "/me/", bare_cookie)):
                        t = timed_get(conn, path, cookie)
                        if round_ >= 5:
                            times[label].append(t)

    def p50(label: str) -> float:
        return statistics.median(times[label])

    print(f"Pages over HTTP, {time.strftime('%Y-%m-%d')}: gunicorn {os.cpu_count()} workers each, PostgreSQL, "
          f"Redis, DEBUG off; {opts.rounds} rounds, one request at a time.\n")
    print("| page | p50 | p95 | ÷ bare p50 | ÷ bare p50, prepared | goal |\n|---|---:|---:|---:|---:|---:|")
    for yardstick, label in YARDSTICKS.items():
        print(f"| *{label}* | {p50(yardstick) * 1000:.1f} ms | {percentile(times[yardstick], 95) * 1000:.1f} ms "
              "| | | |")
    within, within_prepared = [], []
    for label, _who, path, yardstick in plan:
        goal = 6 if path.startswith("/admin/") else 3
        ratio = p50(label) / p50(yardstick)
        # Signed-in pages against the bare project with the portal's prepared statements too.
        prepared = p50(label) / p50("me prepared") if yardstick == "me" else ratio
        within.append(ratio <= goal)
        within_prepared.append(prepared <= goal)
        print(f"| {label} `{path}` | {p50(label) * 1000:.1f} ms | {percentile(times[label], 95) * 1000:.1f} ms "
              f"| {ratio:.2f} | {prepared:.2f} | ≤ {goal} |")
    print(f"\n{sum(within)} of {len(within)} pages within their goal against bare Django; "
          f"{sum(within_prepared)} of {len(within_prepared)} against bare Django with the portal's prepared "
          "statements.")


if __name__ == "__main__":
    main()
