"""Sign-in throughput over HTTP divided by the throughput of bare Argon2 verification, in one run.

    .venv/bin/python bench/signin.py                 # 30 s of sign-ins per column, taking turns with bare hashing
    .venv/bin/python bench/signin.py --seconds 10 --markdown --columns ours

The portal runs as in production: gunicorn with its deployed 2 x cores + 1 workers, DEBUG off, PostgreSQL (a fresh
database ``bench_signin`` on the local server) and a throwaway Redis. Client threads act as children on
school laptops: each sign-in is a fresh browser that GETs the sign-in page, POSTs the form and follows the
redirect to the landing page (``/account/``), and every step must answer as a browser expects or it
counts as a failure. The children are Primary 5 with their three answers set up, so nothing forces
another step. The baseline is argon2-cffi verifying the same kind of hash in one process per core
(the most a machine verifies: more processes than cores make an 8-lane hash, Django's default, slower).
Other work on a shared machine comes and goes, so the two alternate: bare hashing, sign-ins, bare
hashing, sign-ins, ... bare hashing (``--rounds``), and the mean of the bare measurements is the
denominator, so load from elsewhere weighs on both sides alike. It runs the portal twice, one after the other:
with its hasher (accounts/hashers.py) and with Django's default Argon2 (bench/default_argon2_settings.py),
the one issue 17's 0.84 was measured with. By default between them, the same sign-ins against a bare
Django project with our hasher (bench/bare/signin_settings.py): what Django itself reaches with our hash,
so that the portal's ratio can be read against Django's and not only against the hash.

A second pass signs in through Django's test client in one process (same settings) under cProfile, to
show where the time that is not Argon2 goes, with the queries and Redis commands each sign-in costs.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import servers

PASSWORD = "Correct horse 42"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

SEED = r"""
from django.contrib.auth.hashers import make_password
from accounts.models import School, SchoolClass, Student, User
from sspr.models import ChallengeAnswer, ChallengeQuestion
n = {children}
school = School.objects.create(code="BENCH", name="Bench Primary School")
klass = SchoolClass.objects.create(school=school, year=2026, level=5, name="5 Bench")
pw = make_password({password!r})
users = User.objects.bulk_create(User(username=f"bench_child_{{i}}", password=pw) for i in range(n))
Student.objects.bulk_create(Student(user=u, school=school, school_class=klass, full_name=f"Bench Child {{i}}",
                                    student_ref=f"B{{i:06d}}", login_base=u.username) for i, u in enumerate(users))
qs = list(ChallengeQuestion.objects.filter(is_active=True, for_cards=False)[:3])
answer = make_password("tiger")
ChallengeAnswer.objects.bulk_create(ChallengeAnswer(user=u, question=q, answer_hash=answer, school_set=False)
                                    for u in users for q in qs)
print(pw)
"""

PROFILE = r"""
import cProfile, io, pstats, time
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
n = {rounds}
queries = []
# CPU time of this process, not wall time: on a loaded machine waiting for a core is not the portal's cost.
prof = cProfile.Profile(time.process_time)
# One sign-in first, so that loading the middleware and templates is not measured.
proxied = {{"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_FOR": "203.0.113.10"}}  # as behind the TLS proxy
# One client throughout (a new one would load the middleware again, as no server does per request);
# its cookies are cleared before each sign-in, as a fresh browser.
c = Client(**proxied)
c.post("/login/", {{"username": "bench_child_{children_last}", "password": {password!r}}}, follow=True)
for i in range(n):
    c.cookies.clear()
    with CaptureQueriesContext(connection) as ctx:
        prof.enable()
        c.get("/login/")
        r = c.post("/login/", {{"username": f"bench_child_{{i}}", "password": {password!r}}}, follow=True)
        prof.disable()
    assert r.status_code == 200 and r.redirect_chain[-1][0] == "/account/", (r.status_code, r.redirect_chain)
    queries.append([q["sql"].split()[0].upper() for q in ctx.captured_queries])
kinds = {{}}
for q in queries[-1]:
    kinds[q] = kinds.get(q, 0) + 1
print("QUERIES", len(queries[-1]), kinds)
out = io.StringIO()
stats = pstats.Stats(prof, stream=out)
total = stats.total_tt
# Argon2's C code shows up under the hasher's verify(); everything else is the portal and Django.
argon = sum(ct for (file, _l, fn), (_cc, _nc, _tt, ct, _c) in stats.stats.items()
            if file.endswith("django/contrib/auth/hashers.py") and fn == "verify")
print("TOTAL", total / n, "ARGON2", argon / n)
# The profiler slows Python code several times over, Argon2's C code not at all: the CPU a sign-in
# costs is measured again without it, and the hash alone beside it.
from django.contrib.auth.hashers import identify_hasher
from accounts.models import User
cpu = time.process_time()
for i in range(n):
    c.cookies.clear()
    c.get("/login/")
    r = c.post("/login/", {{"username": f"bench_child_{{i}}", "password": {password!r}}}, follow=True)
    assert r.status_code == 200 and r.redirect_chain[-1][0] == "/account/", (r.status_code, r.redirect_chain)
cpu = time.process_time() - cpu
encoded = User.objects.get(username="bench_child_0").password
hasher = identify_hasher(encoded)
hashing = time.process_time()
for _ in range(n):
    hasher.verify({password!r}, encoded)
hashing = time.process_time() - hashing
print("PLAIN", cpu / n, "HASH", hashing / n)
ours = r"(accounts|sspr|helpdesk|batches|django/(contrib|db|template|core/handlers|middleware))"
stats.sort_stats("cumulative").print_stats(ours, 25)
print(out.getvalue())
"""


def bare_verify(args: tuple[str, float]) -> int:
    """How many verifies of this hash one process does in ``seconds``."""
    import argon2

    encoded, seconds = args
    ph = argon2.PasswordHasher()
    done, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        ph.verify(encoded.removeprefix("argon2"), PASSWORD)
        done += 1
    return done


def bare_throughput(encoded: str, seconds: float) -> float:
    cores = os.cpu_count() or 1
    with ProcessPoolExecutor(cores) as pool:
        start = time.perf_counter()
        done = sum(pool.map(bare_verify, [(encoded, seconds)] * cores))
        return done / (time.perf_counter() - start)


class Child:
    """One sign-in as a fresh browser would do it; raises on any unexpected answer.

    ``landing`` is where the form must send a signed-in child, ``shows`` a pattern that finds the child's
    name on that page for child ``n`` (the portal's, or the bare project's ``login_required`` page).
    """

    def __init__(self, port: int, landing: str = "/account/", shows: str = r"\bBench Child {n}\b") -> None:
        self.conn = HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}
        self.landing, self.shows = landing, shows

    def _request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, str]:
        headers = {**servers.PROXY_HEADERS, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://127.0.0.1:{self.conn.port}"  # what a browser sends over the TLS proxy
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.headers.get("Location", ""), text

    def sign_in(self, n: int) -> None:
        self.cookies.clear()
        username = f"bench_child_{n}"
        status, _, page = self._request("GET", "/login/")
        token = CSRF_INPUT.search(page)
        if status != 200 or not token:
            raise RuntimeError(f"sign-in page answered {status}")
        form = urlencode({"csrfmiddlewaretoken": token.group(1), "username": username, "password": PASSWORD})
        status, location, _ = self._request("POST", "/login/", form)
        if status != 302 or location != self.landing:
            raise RuntimeError(f"sign-in answered {status} to {location!r}")
        status, _, page = self._request("GET", location)
        # The child's name: on the portal's page the login ID is there too, but with line-break points in
        # it (accounts/templatetags/login_ids.py).
        if status != 200 or not re.search(self.shows.format(n=n), page):
            raise RuntimeError(f"landing page answered {status} without the child's name")


def http_signins(port: int, children: int, seconds: float, threads: int, first: int = 0,
                 **child: str) -> tuple[float, int, int]:
    """(sign-ins per second, sign-ins, failures) with ``threads`` browsers at once, from child ``first`` on."""
    counter = iter(range(first, 10**9))
    lock = threading.Lock()
    done, failed = [0], [0]
    end = time.perf_counter() + seconds

    def run() -> None:
        browser = Child(port, **child)
        while time.perf_counter() < end:
            with lock:
                n = next(counter) % children
            try:
                browser.sign_in(n)
            except Exception:  # every failure is counted, none may pass silently
                with lock:
                    failed[0] += 1
                browser = Child(port, **child)
                continue
            with lock:
                done[0] += 1

    start = time.perf_counter()
    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return done[0] / (time.perf_counter() - start), done[0], failed[0]


# The CPU table's columns (servers.cpu_by_kind): who spent each core-millisecond of a sign-in over HTTP.
CPU_KINDS = ("gunicorn", "postgres", "redis", "client", "other", "idle")

@dataclass
class Turns:
    """Bare hashing and sign-ins over HTTP, taking turns (``take_turns``)."""

    bare: list[float]  # bare verifies/s, each measurement
    rate: float  # sign-ins/s over all sign-in turns
    signins: int
    failures: int
    cpu: dict[str, float]  # CPU seconds per sign-in during the sign-in turns, by process kind (servers.cpu_by_kind)

    @property
    def ratio(self) -> float:
        return self.rate / (sum(self.bare) / len(self.bare))


def take_turns(port: int, encoded: str, opts: argparse.Namespace, workers: int, **child: str) -> Turns:
    """Bare hashing, sign-ins, bare hashing, ... (``opts.rounds`` sign-in turns), as many browsers as workers."""
    half = opts.seconds / opts.rounds / 2
    bare = [bare_throughput(encoded, half)]
    signins = failures = 0
    spent = 0.0
    cpu = dict.fromkeys(servers.cpu_by_kind(), 0.0)
    for _ in range(opts.rounds):
        before, start = servers.cpu_by_kind(), time.perf_counter()
        _rate, done, failed = http_signins(port, opts.children, opts.seconds / opts.rounds, workers, signins, **child)
        signins, failures, spent = signins + done, failures + failed, spent + time.perf_counter() - start
        cpu = {kind: cpu[kind] + used - before[kind] for kind, used in servers.cpu_by_kind().items()}
        bare.append(bare_throughput(encoded, half))
    cpu = {kind: seconds / max(signins, 1) for kind, seconds in cpu.items()}
    return Turns(bare=bare, rate=signins / spent, signins=signins, failures=failures, cpu=cpu)


@dataclass
class Row:
    params: str
    turns: Turns
    # What the portal's columns show besides (the bare Django project's column leaves them out):
    redis: dict[str, float] | None = None
    queries: str = ""
    total: float = 0.0
    argon: float = 0.0
    plain: float = 0.0
    hashing: float = 0.0
    profile: str = ""


def params_of(encoded: str) -> str:
    return re.search(r"\$(m=\d+,t=\d+,p=\d+)\$", encoded).group(1)


def measure(settings_module: str, opts: argparse.Namespace, workers: int) -> Row:
    # A school's morning comes from one address (the loopback here); its quotas are the school's.
    extra = {"MIMS_LOGIN_RATE_PER_IP": "100000/m", "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
             "DJANGO_SETTINGS_MODULE": settings_module}  # fmt: skip
    with servers.portal_environment("signin", db=opts.database, **extra) as env:
        encoded = servers.django_script(env, SEED.format(children=opts.children, password=PASSWORD)).strip()
        with servers.gunicorn(env, workers=workers) as port:
            redis0 = servers.redis_command_counts(env["REDIS_URL"])
            turns = take_turns(port, encoded, opts, workers)
            redis1 = servers.redis_command_counts(env["REDIS_URL"])
        code = PROFILE.format(rounds=opts.profile_rounds, password=PASSWORD, children_last=opts.children - 1)
        profile = servers.django_script(env, code)
    signins = max(turns.signins, 1)
    # INFO itself is one of the commands counted; it is the benchmark's, not the portal's.
    redis = {name: (n - redis0.get(name, 0) - (name == "info")) / signins for name, n in redis1.items()}
    # Redis counts the commands a script runs under their own names too; they are not round trips. The
    # portal's one script (mims_portal/redis_cache.py, incr) runs EXISTS, then INCRBY if the key exists,
    # which it always does here (django-ratelimit adds the key first); the portal sends neither itself.
    for inner in ("exists", "incrby"):
        redis[inner] = redis.get(inner, 0) - redis.get("evalsha", 0)
    queries = re.search(r"QUERIES (\d+) (.*)", profile)
    total, argon = map(float, re.search(r"TOTAL ([\d.e-]+) ARGON2 ([\d.e-]+)", profile).groups())
    plain, hashing = map(float, re.search(r"PLAIN ([\d.e-]+) HASH ([\d.e-]+)", profile).groups())
    return Row(
        params=params_of(encoded), turns=turns, redis={k: v for k, v in redis.items() if v > 0},
        queries=f"{queries.group(1)} {queries.group(2)}", total=total, argon=argon,
        plain=plain, hashing=hashing, profile=profile.split("\n", 3)[3],
    )  # fmt: skip


BARE_SEED = r"""
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
pw = make_password({password!r})
User.objects.bulk_create(User(username=f"bench_child_{{i}}", password=pw) for i in range({children}))
print(pw)
"""


def measure_bare_django(opts: argparse.Namespace, workers: int) -> Row:
    """The same sign-ins against a bare Django project (bench/bare/signin_settings.py) with the portal's hash."""
    with servers.bare_environment(f"{opts.database}_bare", "bench.bare.signin_settings") as env:
        encoded = servers.django_script(env, BARE_SEED.format(children=opts.children, password=PASSWORD)).strip()
        with servers.gunicorn(env, "bench.bare.wsgi", workers=workers) as port:
            turns = take_turns(port, encoded, opts, workers, landing="/me/", shows=r"^bench_child_{n}: ")
    return Row(params=params_of(encoded), turns=turns)


# Each column: a name for the table and how it is measured. The portal's two differ only in the settings
# module it runs with (the hasher); "bare" is the yardstick, a bare Django project's own sign-in with our hasher.
COLUMNS: dict[str, tuple[str, Callable[[argparse.Namespace, int], Row]]] = {
    "ours": ("the portal, our hash", functools.partial(measure, "mims_portal.settings")),
    "bare": ("bare Django, our hash", measure_bare_django),
    "default": ("the portal, Django's default hash", functools.partial(measure, "bench.default_argon2_settings")),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30, help="of sign-ins per column, in all rounds")
    parser.add_argument("--rounds", type=int, default=3, help="sign-ins and bare hashing take turns this often")
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--profile-rounds", type=int, default=20)
    parser.add_argument("--markdown", action="store_true", help="print the docs/benchmarks.md section only")
    parser.add_argument("--workers", type=int, default=0,
                        help="gunicorn workers (default: as deployed, gunicorn.conf.py's 2 x cores + 1)")
    parser.add_argument("--columns", default="ours,bare,default",
                        help="which columns, comma-separated: ours (accounts/hashers.py), bare (a bare Django "
                             "project's sign-in, our hash), default (the portal with Django's Argon2)")
    parser.add_argument("--database", default="bench_signin",
                        help="the PostgreSQL database to create, use and drop (on BENCH_PG's server)")
    opts = parser.parse_args()
    cores = os.cpu_count() or 1
    # As deployed (gunicorn.conf.py): 2 x cores + 1 workers, so that a core whose worker waits for
    # PostgreSQL or Redis hashes for another one meanwhile. As many browsers as workers.
    workers = opts.workers or 2 * cores + 1
    names = [n.strip() for n in opts.columns.split(",") if n.strip()]
    if unknown := set(names) - set(COLUMNS):
        sys.exit(f"unknown --columns {', '.join(sorted(unknown))}; known: {', '.join(COLUMNS)}")
    rows = {name: COLUMNS[name][1](opts, workers) for name in names}

    def redis_cell(row: Row) -> str:
        # Per sign-in; once-per-worker commands (HELLO, SCRIPT LOAD) round to 0.0 and are left out.
        shown = sorted(((name.upper().replace("|", " "), n) for name, n in row.redis.items() if n >= 0.05),
                       key=lambda kv: -kv[1])  # fmt: skip
        each = ", ".join(f"{name} {n:.1f}" for name, n in shown)
        return f"{sum(row.redis.values()):.1f} ({each})"

    print(f"Sign-in over HTTP, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: gunicorn {workers} workers on "
          f"{cores} cores, PostgreSQL, Redis (the portal's), DEBUG off; {workers} browsers at once for "
          f"{opts.seconds:.0f} s per column in {opts.rounds} rounds, bare hashing between them; one column after "
          "the other.\n")
    print("| measure | " + " | ".join(f"{COLUMNS[n][0]} (Argon2id {r.params})" for n, r in rows.items()) + " |")
    print("|---|" + "---:|" * len(rows))
    def portal_only(cell: Callable[[Row], str]) -> Callable[[Row], str]:
        return lambda r: "—" if r.redis is None else cell(r)

    lines = [
        (f"bare Argon2 verifies/s, {cores} processes (mean; each measurement)",
         lambda r: f"{sum(r.turns.bare) / len(r.turns.bare):.1f} ({' / '.join(f'{b:.1f}' for b in r.turns.bare)})"),
        ("sign-ins/s over HTTP (page, form, landing page)", lambda r: f"{r.turns.rate:.1f}"),
        ("**sign-ins ÷ bare verifies**", lambda r: f"**{r.turns.ratio:.2f}**"),
        ("sign-ins / failed", lambda r: f"{r.turns.signins} / {r.turns.failures}"),
        ("SQL statements per sign-in (page + form + landing)", portal_only(lambda r: r.queries)),
        ("Redis commands per sign-in", portal_only(redis_cell)),
        ("in-process CPU per sign-in: all / Argon2 / the rest", portal_only(
            lambda r: f"{r.plain * 1000:.0f} ms / {r.hashing * 1000:.0f} ms / {(r.plain - r.hashing) * 1000:.1f} ms")),
        ("the same under cProfile (it slows the Python, not Argon2)", portal_only(
            lambda r: f"{r.total * 1000:.0f} ms / {r.argon * 1000:.0f} ms / {(r.total - r.argon) * 1000:.1f} ms")),
        ("CPU per sign-in over HTTP, by process (/proc): gunicorn / PostgreSQL / Redis / client / other / idle",
         lambda r: " / ".join(f"{r.turns.cpu[k] * 1000:.1f}" for k in CPU_KINDS) + " ms"),
    ]  # fmt: skip
    for label, cell in lines:
        print(f"| {label} | " + " | ".join(cell(r) for r in rows.values()) + " |")
    if "ours" in rows and "bare" in rows and rows["bare"].turns.ratio:
        ours, bare = rows["ours"].turns, rows["bare"].turns
        print(f"\nWith the same hash, the portal signs in {ours.ratio / bare.ratio:.2f} times as many children per "
              f"second as bare Django's own sign-in would on the same cores ({ours.ratio:.2f} ÷ {bare.ratio:.2f}, "
              "each against the bare hashing of its own turns).")
    if not opts.markdown:
        for name, row in rows.items():
            if not row.profile:
                continue
            print(f"\nProfile, {COLUMNS[name][0]} (cumulative, portal and Django frames):\n")
            print(row.profile)
    if failed := sum(r.turns.failures for r in rows.values()):
        sys.exit(f"{failed} sign-ins failed")


if __name__ == "__main__":
    main()
