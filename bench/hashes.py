"""Choose the Argon2 parameters with numbers: time per verify, memory, sign-ins per core-hour.

    .venv/bin/python bench/hashes.py            # prints a Markdown table
    .venv/bin/python bench/hashes.py --rounds 40

For each parameter set this verifies one password repeatedly (argon2-cffi, the library Django's hasher
calls) and reports the wall time and CPU time of one verify, the memory it fills, and how many verifies a
core gives per hour (3600 / CPU seconds; with p > 1 one verify spreads its CPU over several threads, so
this is the fair unit for a server whose workers already fill every core). Then every core runs verifies
in parallel processes for the machine's total throughput. All sets are measured in one run, interleaved,
so other load on the machine affects them alike.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import argon2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# (label, time_cost, memory_cost KiB, parallelism)
SETS = [
    ("Django default (t=2, m=100 MiB, p=8)", 2, 102400, 8),
    ("OWASP minimum (t=2, m=19 MiB, p=1)", 2, 19456, 1),
    ("OWASP minimum (t=1, m=46 MiB, p=1)", 1, 47104, 1),
    ("Stronger (t=3, m=64 MiB, p=1)", 3, 65536, 1),
    ("stronger (t=4, m=128 MiB, p=1)", 4, 131072, 1),
]


def _hasher(t: int, m: int, p: int) -> argon2.PasswordHasher:
    return argon2.PasswordHasher(time_cost=t, memory_cost=m, parallelism=p, hash_len=32, salt_len=16,
                                 type=argon2.Type.ID)


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def verify_many(args: tuple[int, int, int, int]) -> tuple[float, float]:
    """(wall, cpu) seconds for ``rounds`` verifies in this process."""
    t, m, p, rounds = args
    ph = _hasher(t, m, p)
    encoded = ph.hash("correct horse 42")
    wall0, cpu0 = time.perf_counter(), _cpu()
    for _ in range(rounds):
        ph.verify(encoded, "correct horse 42")
    return time.perf_counter() - wall0, _cpu() - cpu0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20, help="verifies per set and process")
    opts = parser.parse_args()
    cores = os.cpu_count() or 1
    single: dict[str, list[tuple[float, float]]] = {label: [] for label, *_ in SETS}
    parallel: dict[str, float] = {}
    # Interleave: two passes over every set, so load on the machine hits all sets alike.
    for _ in range(2):
        for label, t, m, p in SETS:
            with ProcessPoolExecutor(1) as pool:  # a fresh process: its CPU clock is its own
                single[label].append(pool.submit(verify_many, (t, m, p, opts.rounds)).result())
    for label, t, m, p in SETS:
        with ProcessPoolExecutor(cores) as pool:
            start = time.perf_counter()
            list(pool.map(verify_many, [(t, m, p, opts.rounds)] * cores))
            parallel[label] = cores * opts.rounds / (time.perf_counter() - start)

    print(f"{cores} cores, argon2-cffi {argon2.__version__}, {opts.rounds} verifies per set and process, "
          f"{time.strftime('%Y-%m-%d')}\n")
    print("| parameters | memory | wall per verify | CPU per verify | sign-ins per core-hour "
          f"| verifies/s on {cores} cores |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, _t, m, _p in SETS:
        wall = sum(w for w, _ in single[label]) / (2 * opts.rounds)
        cpu = sum(c for _, c in single[label]) / (2 * opts.rounds)
        print(f"| {label} | {m // 1024} MiB | {wall * 1000:.0f} ms | {cpu * 1000:.0f} ms | {3600 / cpu:,.0f} "
              f"| {parallel[label]:.1f} |")


if __name__ == "__main__":
    main()
