"""Time challenge cards for 1,000 children against the Argon2 hashing alone.

    .venv/bin/python bench/cards.py                 # SQLite file in a temp dir
    .venv/bin/python bench/cards.py --children 200  # a quicker look

The batch goes the real way: a Batch with one unit per class (about 33
Primary 2-3 classes of 30), queued on the database task backend and run by
``manage.py db_worker --batch``, making one Argon2 hash per word on the cards
(six words a card with the shipped questions: 6,000 hashes) with the portal's
hasher, the database writes, audit rows and notices, the part files and the
125-page PDF. In the same run, the baseline hashes as many answers with the
same hasher in the same pool (``HashPool``: one
process per core, MIMS_BATCH_HASH_WORKERS), so both use every core. The
baseline runs before and after the batch and the mean is used, so that other
load on the machine affects both sides alike; CPU seconds (this process and
its hashing processes) are reported too, as they hardly depend on that load.
Goal (issue 4): batch / hashing <= 1.3.
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


def make_school(children: int) -> list:
    from accounts.models import School, SchoolClass, Student, User

    school = School.objects.create(code="BENCH", name="Bench Primary School")
    houses = ["Courage", "Grace", "Hope", "Joy", "Kindness", "Unity", "Wisdom", "Harmony", "Honesty"]
    classes = []
    n_classes = max(1, round(children / 30))
    for i in range(n_classes):
        level = 2 + i % 2
        classes.append(SchoolClass(school=school, year=2026, level=level, name=f"{level} {houses[i // 2 % 9]} {i}"))
    SchoolClass.objects.bulk_create(classes)
    users = User.objects.bulk_create(User(username=f"bench_child_{i}", password="!") for i in range(children))
    return Student.objects.bulk_create(
        Student(user=u, school=school, school_class=classes[i % n_classes], full_name=f"Bench Child {i}",
                student_ref=f"B{i:06d}", login_base=u.username)
        for i, u in enumerate(users)
    )


def cpu_seconds() -> float:
    """CPU time of this process and its reaped children (the hashing pool)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def hash_baseline(count: int) -> tuple[float, float]:
    from batches.hashing import HashPool

    start, cpu = time.perf_counter(), cpu_seconds()
    with HashPool() as pool:
        hashes = pool.hash_many([f"word{i}" for i in range(count)])
    elapsed, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    assert len(hashes) == count
    return elapsed, cpu


def run_batch(children: int) -> tuple[float, float, int]:
    from django.core.management import call_command
    from django.db import transaction

    from accounts.models import School, Student, User
    from batches import runner
    from batches.models import Batch

    staff = User.objects.create_superuser("bench_it", password="!")
    school = School.objects.get(code="BENCH")
    students = list(Student.objects.select_related("user", "school_class"))
    start, cpu = time.perf_counter(), cpu_seconds()
    with transaction.atomic():  # queued on commit, like a page would
        batch = runner.create_batch(kind="cards", requested_by=staff, school=school, students=students)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    elapsed, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    batch.refresh_from_db()
    assert batch.status == Batch.Status.DONE and batch.done == children, (batch.status, batch.done)
    size = len(runner.take_file(batch, staff) or b"")
    return elapsed, cpu, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=1000)
    parser.add_argument("--once", action="store_true", help="Hash the baseline once, before the batch.")
    parser.add_argument(
        "--overhead-only", action="store_true",
        help="Hash with MD5 instead: what the batch costs besides Argon2 (queue, database, audit, PDF).",
    )
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="mims-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp.name}/bench.sqlite3")
    os.environ["MIMS_VAR_DIR"] = tmp.name
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.hashers import get_hasher
    from django.core.management import call_command

    from sspr.questions import seed_questions

    # The batch's notices to the children are rendered and sent, into memory: not printed over the results.
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    if args.overhead_only:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    seed_questions()
    make_school(args.children)
    # As many answers as the cards carry: a card has a word for each card question (six shipped).
    from sspr.cards import card_questions, draw_card

    hashes = args.children * len(draw_card(card_questions())[0])
    hasher = get_hasher()
    params = f" t={hasher.time_cost} m={hasher.memory_cost} KiB p={hasher.parallelism}" if hasattr(
        hasher, "time_cost") else ""
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"{args.children} children, {hashes} hashes, {hasher.algorithm}{params}, "
          f"{settings.MIMS_BATCH_HASH_WORKERS} hashing processes on {os.cpu_count()} cores, database {engine}")
    before, before_cpu = hash_baseline(hashes)
    print(f"hash baseline (before): {before:.1f} s wall, {before_cpu:.1f} s CPU")
    batch, batch_cpu, size = run_batch(args.children)
    print(f"cards batch: {batch:.1f} s wall, {batch_cpu:.1f} s CPU, PDF {size / 1e6:.1f} MB")
    if args.once:
        after, after_cpu = before, before_cpu
    else:
        after, after_cpu = hash_baseline(hashes)
        print(f"hash baseline (after): {after:.1f} s wall, {after_cpu:.1f} s CPU")
    print(f"ratio batch / hashing: {2 * batch / (before + after):.2f} wall, "
          f"{2 * batch_cpu / (before_cpu + after_cpu):.2f} CPU")


if __name__ == "__main__":
    main()
