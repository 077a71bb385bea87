"""Time the student import: 10,000 students with realistic names, about 5% sharing a name.

    .venv/bin/python bench/import_students.py                          # SQLite file in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/import_students.py

On PostgreSQL it works in a fresh ``test_<name>`` database that it creates and
drops, so it never touches the named database itself. It reports, for each
step (parse, preview, commit, re-import of the same file): wall time and
queries; and the process's peak resident memory (ru_maxrss, so Django and
the CSV text included). The goal (issue 2): under 10 s per import, under
300 MB, queries growing with the number of batches only.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mims_portal.settings")


def make_csv(count: int, school_code: str) -> bytes:
    from accounts.demo_names import generated_names

    lines = ["school_code,class,level,full_name,student_ref,login_id"]
    houses = ["Courage", "Grace", "Hope", "Joy", "Kindness", "Unity", "Wisdom", "Harmony"]
    for i, name in enumerate(generated_names(count, shared=0.05)):
        level = 1 + i % 6
        klass = f"{level} {houses[(i // 6) % len(houses)]}"
        quoted = f'"{name}"' if "," in name else name
        lines.append(f"{school_code},{klass},P{level},{quoted},B{i:06d},")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def timed(label: str, fn, results: list) -> object:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        start, cpu = time.perf_counter(), time.process_time()
        value = fn()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    results.append((label, elapsed, cpu, len(ctx.captured_queries)))
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=10_000)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="mims-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp.name}/bench.sqlite3")
    os.environ.setdefault("MIMS_VAR_DIR", tmp.name)

    import django

    django.setup()
    from django.db import connection

    from accounts import importing
    from accounts.models import School, Student

    if connection.vendor == "sqlite":
        # A file database (as in production use of SQLite), not the test runner's in-memory one.
        connection.settings_dict["TEST"]["NAME"] = f"{tmp.name}/test_bench.sqlite3"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        School.objects.create(code="BENCH", name="Benchmark Primary School")
        data = make_csv(args.students, "BENCH")
        results: list = []
        load_before = f"{os.getloadavg()[0]:.1f}"

        parsed = timed("parse", lambda: importing.parse_csv(data, name="bench.csv"), results)

        def preview():
            return importing.apply_plan(importing.plan_import(parsed), commit=False)

        def commit():
            return importing.apply_plan(importing.plan_import(parsed), commit=True)

        shown = timed("preview (plan + dry run, rolled back)", preview, results)
        assert not shown.errors, shown.errors[:5]
        done = timed("commit", commit, results)
        assert done.committed and done.counts["created"] == args.students, done.counts
        again = timed("re-import of the same file", commit, results)
        assert again.counts["unchanged"] == args.students, again.counts
        numbered = sum(1 for p in done.rows if importing.Flag.DUPLICATE_NUMBERED in p.flags)
        assert Student.objects.count() == args.students

        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
        print(f"Students: {args.students:,}, CSV {len(data) / 1024 / 1024:.2f} MB, {numbered:,} login IDs numbered")
        print(f"Load average before/after: {load_before} / {os.getloadavg()[0]:.1f} (2 cores shared)")
        print("| step | wall time | CPU time (this process) | queries |")
        print("|---|---:|---:|---:|")
        for label, elapsed, cpu, queries in results:
            print(f"| {label} | {elapsed:.2f} s | {cpu:.2f} s | {queries} |")
        print(f"Peak memory (process, ru_maxrss): {peak_mb:.0f} MB")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        tmp.cleanup()


if __name__ == "__main__":
    main()
