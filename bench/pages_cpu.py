"""CPU time of each page of ``bench/pages.py`` in one process: what a page costs besides the network.

    .venv/bin/python bench/pages_cpu.py                        # 100 rounds, a table in milliseconds
    .venv/bin/python bench/pages_cpu.py --profile "student list"   # and that page's cProfile

The same environment as ``bench/pages.py`` (DEBUG off, PostgreSQL, a throwaway Redis, the demo world),
but no server: Django's test client asks for every page in turn, round after round, and the process's
own CPU time is counted (``time.process_time``), so PostgreSQL's and Redis's share and the waiting for a
core on a busy machine are left out. This is the part of a page's latency that the portal's code can
change; the HTTP benchmark divides whole latencies.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import servers
from bench.pages import SEED

MEASURE = r"""
import cProfile, io, pstats, re, statistics, time
from django.conf import settings
from django.test import Client
child_s, teacher_s, ict_s, klass, child = {seeded!r}.split()
sessions = {{"": "", "child": child_s, "teacher": teacher_s, "ict": ict_s}}
from bench.pages import pages
plan = pages(int(klass), int(child))
clients = {{}}
for who, cookie in sessions.items():
    # As behind the TLS proxy, on the host the HTTP benchmark uses.
    c = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="203.0.113.10")
    if cookie:
        name, value = cookie.split("=", 1)
        c.cookies[name] = value
    clients[who] = c
times = {{label: [] for label, *_ in plan}}
prof = cProfile.Profile(time.process_time)
for round_ in range({rounds} + 5):
    for label, who, path, _ in plan:
        profiled = round_ >= 5 and label == {profile!r}
        if profiled:
            prof.enable()
        start = time.process_time()
        response = clients[who].get(path)
        elapsed = time.process_time() - start
        if profiled:
            prof.disable()
        assert response.status_code == 200, (path, response.status_code, response.get("Location"))
        if round_ >= 5:  # the first rounds fill per-process caches, as a server's first requests do
            times[label].append(elapsed)
for label, _who, path, _ in plan:
    print(f"| {{label}} `{{path}}` | {{statistics.median(times[label]) * 1000:.1f}} ms "
          f"| {{statistics.fmean(times[label]) * 1000:.1f}} ms |")
if {profile!r}:
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    # The portal's own functions by cumulative time, then Django's and the libraries' busiest ones.
    stats.sort_stats("cumulative").print_stats(re.escape(str(settings.BASE_DIR)) + r"/(?!\.venv)", {top})
    stats.sort_stats("cumulative").print_stats(r"site-packages/(?!django/(test|core/handlers)/)", {top})
    print(out.getvalue())
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--profile", default="", help="a page's label: print its cProfile (cumulative)")
    parser.add_argument("--top", type=int, default=50, help="how many functions the profile lists")
    opts = parser.parse_args()
    with servers.portal_environment("pages_cpu") as env:
        servers.manage(env, "seed_demo", "--force", "-v0")
        seeded = servers.django_script(env, SEED).strip()
        print("| page | CPU p50 | CPU mean |\n|---|---:|---:|")
        code = "import django; django.setup()\n" + MEASURE.format(seeded=seeded, rounds=opts.rounds,
                                                                   profile=opts.profile, top=opts.top)
        subprocess.run([servers.PYTHON, "-c", code], cwd=servers.ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
