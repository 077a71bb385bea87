"""The morning rush end to end: Locust against gunicorn on PostgreSQL and Redis, headless and bounded.

    .venv/bin/python bench/morning_rush.py                 # 60 s, 60 users; then the same on two servers
    .venv/bin/python bench/morning_rush.py --seconds 20 --users 30

Users (``bench/locustfile.py``): children signing in (20 in 26), children resetting by themselves (3),
parents sending requests (2), teachers watching their queue and class (1). All of them come from the
loopback address, as a school's children come from its one address; the per-address quotas are raised
for this run like a configured school network's, because parents would really come from many homes.
The first run has one server with two workers per core; the second has two servers with a worker per
core each (the same number of workers), users spread over them, sharing the database and Redis: their
throughput must add up to the first (the same cores do the work) with zero failures, which shows the
shared state holds across servers. Each server keeps two workers or more: a server with one worker
queues a user's request behind the hash in progress while the other server's worker may be idle
(users stay with one server), which measures the queue, not the shared state.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import servers

SEED = r"""
from django.contrib.auth.hashers import make_password
from accounts.models import School, SchoolClass, Student, Teacher, User
from sspr.models import ChallengeAnswer, ChallengeQuestion
children, resetters, teachers = {children}, {resetters}, {teachers}
school = School.objects.create(code="RUSH", name="Rush Primary School")
classes = [SchoolClass.objects.create(school=school, year=2026, level=5, name=f"5 Rush {{i}}") for i in range(teachers)]
pw = make_password("Correct horse 42")
def students(prefix, n):
    users = User.objects.bulk_create(User(username=f"{{prefix}}_{{i}}", password=pw) for i in range(n))
    Student.objects.bulk_create(
        Student(user=u, school=school, school_class=classes[i % teachers], full_name=f"Rush Child {{i}}",
                student_ref=f"{{prefix}}{{i:06d}}", login_base=u.username) for i, u in enumerate(users))
    return users
kids = students("rush_child", children)
resetting = students("rush_resetter", resetters)
qs = list(ChallengeQuestion.objects.filter(is_active=True, for_cards=False)[:3])
tiger = make_password("tiger")
ChallengeAnswer.objects.bulk_create(ChallengeAnswer(user=u, question=q, answer_hash=tiger, school_set=False)
                                    for u in kids + resetting for q in qs)
for i, klass in enumerate(classes):
    user = User.objects.create(username=f"rush.teacher.{{i}}", password=pw, first_name="Rush", last_name="Teacher")
    Teacher.objects.create(user=user, school=school).form_classes.set([klass])
print(school.pk)
"""

KINDS = ["sign in", "account", "sign out", "reset: login ID", "reset: answers", "reset: new password",
         "request form", "teacher home", "class"]


def locust(hosts: list[str], env: dict[str, str], users: int, seconds: int, out: Path) -> list[dict]:
    prefix = out / "rush"
    subprocess.run(
        [str(Path(sys.executable).with_name("locust")), "-f", str(Path(__file__).with_name("locustfile.py")),
         "--headless", "--users", str(users), "--spawn-rate", str(max(1, users // 5)), "--run-time",
         f"{seconds}s", "--host", hosts[0], "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
         "--stop-timeout", "60"],
        env={**env, "RUSH_HOSTS": " ".join(hosts)}, check=False, stdout=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv") as f:
        return list(csv.DictReader(f))


def table(rows: list[dict], title: str) -> tuple[str, float, int]:
    lines = [f"**{title}**\n", "| kind | requests | failures | per second | p50 | p95 | p99 |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    by_name = {row["Name"]: row for row in rows}
    for kind in KINDS + ["Aggregated"]:
        row = by_name.get(kind)
        if row:
            lines.append(f"| {kind} | {row['Request Count']} | {row['Failure Count']} | {float(row['Requests/s']):.1f} "
                         f"| {row['50%']} ms | {row['95%']} ms | {row['99%']} ms |")
    total = by_name["Aggregated"]
    signins = float(by_name.get("sign in", {}).get("Requests/s", 0))
    return "\n".join(lines), signins, int(total["Failure Count"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--children", type=int, default=2000)
    opts = parser.parse_args()
    cores = os.cpu_count() or 1
    # The proxy's client address (bench/servers.py) is the school's network: no
    # per-address sign-in or reset limit applies there (docs/security.md).
    loopback_is_a_school = {"MIMS_SCHOOL_NETWORKS": "RUSH=203.0.113.10", "MIMS_REQUEST_RATE_PER_IP": "100000/m"}
    results = []
    with servers.portal_environment("rush", **loopback_is_a_school) as env:
        school = servers.django_script(env, SEED.format(children=opts.children, resetters=opts.children,
                                                        teachers=20)).strip()
        env = {**env, "RUSH_SCHOOL_ID": school, "RUSH_CHILDREN": str(opts.children),
               "RUSH_RESETTERS": str(opts.children)}
        with tempfile.TemporaryDirectory() as tmp:
            workers = 2 * cores
            for label, n_servers in ((f"One server, {workers} workers", 1),
                                     (f"Two servers, {workers // 2} workers each", 2)):
                out = Path(tmp) / str(n_servers)
                out.mkdir()
                with ExitStack() as stack:
                    ports = [stack.enter_context(servers.gunicorn(env, workers=workers // n_servers))
                             for _ in range(n_servers)]
                    rows = locust([f"http://127.0.0.1:{p}" for p in ports], env, opts.users, opts.seconds, out)
                results.append(table(rows, label))
    print(f"Morning rush, {time.strftime('%Y-%m-%d')}: Locust, {opts.users} users for {opts.seconds} s, "
          f"{cores} cores shared by servers, database, Redis and Locust.\n")
    for text, _, _ in results:
        print(text + "\n")
    (_, one, f1), (_, two, f2) = results
    print(f"Sign-ins per second: one server {one:.1f}, two servers {two:.1f} (ratio {two / one if one else 0:.2f}); "
          f"failed requests: {f1} and {f2}.")
    if f1 or f2:
        sys.exit("some requests failed")


if __name__ == "__main__":
    main()
