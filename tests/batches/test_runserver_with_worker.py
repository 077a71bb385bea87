"""`make run` starts a background worker beside the development server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) counts as gone.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[1].startswith("Z"))


def test_it_starts_db_worker_and_stops_it_with_the_server(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3", "MIMS_VAR_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "mims_portal.settings", "PYTHONUNBUFFERED": "1",
           "LOG_LEVEL": "INFO"}
    manage = str(ROOT / "manage.py")
    subprocess.run([sys.executable, manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    server = subprocess.Popen(
        [sys.executable, manage, "runserver_with_worker", "127.0.0.1:0", "--noreload"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        first = server.stdout.readline()
        assert first.startswith("Background worker started (process "), first
        worker = int(first.rsplit(" ", 1)[1].rstrip(").\n"))
        for line in server.stdout:  # the worker says it is ready
            if "Starting worker" in line:
                break
        # Read only now: right after the fork the child may not have exec'd yet.
        assert Path(f"/proc/{worker}/cmdline").read_bytes().split(b"\0")[2:4] == [b"db_worker", b"--interval"]
        server.terminate()
        server.wait(timeout=30)
        assert not _alive(worker)
    finally:
        if server.poll() is None:
            server.kill()
