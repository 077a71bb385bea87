"""Run every benchmark and rewrite their numbers in docs/benchmarks.md (``make bench``).

    .venv/bin/python bench/run_all.py                  # all of them
    .venv/bin/python bench/run_all.py signin pages     # some of them

docs/benchmarks.md holds the reasoning in prose; each benchmark's output sits between
``<!-- bench:NAME:start -->`` and ``<!-- bench:NAME:end -->`` and is replaced by this run's, so the numbers
and the text beside them come from the same code. The file is written after each benchmark, so an
interrupted run keeps what it measured. A benchmark that fails (a goal it checks is not met, or a
request failed) leaves its output in the file with a note, and the command exits non-zero at the end.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
PG = os.getenv("BENCH_PG", "postgres://postgres@127.0.0.1:5432")

# name: (arguments, environment, how its output goes in: "markdown", "code" (a code block) or "own"
# (the script rewrites its own section, between its own markers)).
BENCHMARKS: dict[str, tuple[list[str], dict[str, str], str]] = {
    "hashes": (["bench/hashes.py"], {}, "markdown"),
    "signin": (["bench/signin.py", "--markdown"], {}, "markdown"),
    "pages": (["bench/pages.py"], {}, "markdown"),
    "db_connections": (["bench/db_connections.py"], {}, "code"),
    "rush": (["bench/morning_rush.py"], {}, "markdown"),
    "import": (["bench/import_students.py"], {"DATABASE_URL": f"{PG}/import_bench"}, "code"),
    "cards": (["bench/cards.py"], {}, "code"),
    "admin_scale": (["bench/admin_scale.py", "--write-docs"], {"DATABASE_URL": f"{PG}/mims_bench"}, "own"),
}


def replace_section(text: str, name: str, body: str) -> str:
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        return pattern.sub(lambda _: block, text)
    return f"{text.rstrip()}\n\n## {name}\n\n{block}\n"


def main() -> None:
    names = sys.argv[1:] or list(BENCHMARKS)
    unknown = set(names) - set(BENCHMARKS)
    if unknown:
        sys.exit(f"unknown benchmark(s): {', '.join(sorted(unknown))}; known: {', '.join(BENCHMARKS)}")
    failed = []
    for name in names:
        args, env, mode = BENCHMARKS[name]
        print(f"== {name}: {' '.join(args)}", flush=True)
        run = subprocess.run([sys.executable, *args], cwd=ROOT, env={**os.environ, **env},
                             capture_output=True, text=True)
        body = run.stdout.strip()
        if mode == "code":
            body = f"```\n{body}\n```"
        if run.returncode:
            failed.append(name)
            tail = "\n".join(run.stderr.strip().splitlines()[-5:])
            body += f"\n\n**This run failed** (exit {run.returncode}):\n\n```\n{tail}\n```"
        print(body, flush=True)
        if mode != "own" or run.returncode:
            DOC.write_text(replace_section(DOC.read_text(), name, body))
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
