"""What the HTTP benchmarks start: a fresh PostgreSQL database, a throwaway Redis, gunicorn.

The free port and the throwaway Redis are the production tests' (tests/production/servers.py). Their
gunicorn is not: it keeps every log line in memory through a reader thread, which a benchmark would
pay for in its own client's CPU; here gunicorn writes its access log nowhere.

Everything runs on loopback and is torn down afterwards; the shared PostgreSQL server is only asked to
create and drop a database of the benchmark's own, and the shared Redis is never touched.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path

from sso.keys import generate_pem
from tests.production.servers import free_port, throwaway_redis  # the production tests' harness

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_SERVER = os.getenv("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
# As in production, the portal sits behind one TLS-terminating proxy (MIMS_NUM_PROXIES=1); the benchmark's
# clients send what that proxy would add. The address is a school's, as on a school morning.
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.10"}


def wait_for_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.05)  # polling a port that is not open yet; nothing to wait on instead
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


def _redis_info(url: str, section: str) -> bytes:
    """The reply to INFO ``section``: one bulk string, its length first, read until all of it is in."""
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"INFO " + section.encode() + b"\r\n")
        data = s.recv(65536)
        head = data.index(b"\r\n") + 2
        while len(data) < head + int(data[1 : head - 2]) + 2:
            data += s.recv(65536)
    return data


def redis_commands(url: str) -> int:
    """Commands the Redis server has processed so far (INFO stats)."""
    return int(re.search(rb"total_commands_processed:(\d+)", _redis_info(url, "stats")).group(1))


def redis_command_counts(url: str) -> dict[str, int]:
    """Calls so far per command name (INFO commandstats), e.g. {"get": 12, "set": 3}."""
    data = _redis_info(url, "commandstats")
    return {name.decode(): int(calls) for name, calls in re.findall(rb"cmdstat_([\w|]+):calls=(\d+)", data)}


def psql(sql: str, db: str = "postgres") -> str:
    return subprocess.run(
        ["psql", f"{PG_SERVER}/{db}", "-XAtqc", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


@contextlib.contextmanager
def portal_environment(name: str, db: str = "", **extra: str) -> Iterator[dict[str, str]]:
    """A production-like environment (DEBUG off) on a fresh database ``db`` (``bench_<name>``), migrated."""
    db = db or f"bench_{name}"
    psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    psql(f"CREATE DATABASE {db}")
    var = Path(tempfile.mkdtemp(prefix=f"mims-bench-{name}-"))
    with throwaway_redis(var) as redis_url:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "mims_portal.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "OIDC_RSA_PRIVATE_KEY": generate_pem(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"{PG_SERVER}/{db}",
            "REDIS_URL": redis_url,
            "MIMS_VAR_DIR": str(var),
            "LOG_LEVEL": "WARNING",
            "MIMS_NUM_PROXIES": "1",
            "SITE_ROOT": "https://127.0.0.1",
            **extra,
        }
        try:
            manage(env, "migrate", "--no-input", "-v0")
            manage(env, "collectstatic", "--no-input", "-v0")
            yield env
        finally:
            shutil.rmtree(var, ignore_errors=True)
            psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


@contextlib.contextmanager
def bare_environment(db: str, settings_module: str = "bench.bare.settings") -> Iterator[dict[str, str]]:
    """The bare Django project (``bench/bare``), the yardstick, on a fresh database ``db``, migrated."""
    psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    psql(f"CREATE DATABASE {db}")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module, "BARE_DB": db,
           "SECRET_KEY": secrets.token_urlsafe(50)}  # fmt: skip
    try:
        manage(env, "migrate", "--no-input", "-v0")
        yield env
    finally:
        psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def manage(env: dict[str, str], *args: str) -> None:
    # Its output (seed_demo's banner) is not the report, which is this script's stdout.
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def django_script(env: dict[str, str], code: str) -> str:
    """Run Python code with Django set up in this environment; returns what it prints."""
    prelude = "import django; django.setup()\n"
    return subprocess.run(
        [PYTHON, "-c", prelude + code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


@contextlib.contextmanager
def gunicorn(env: dict[str, str], app: str = "mims_portal.wsgi", workers: int | None = None,
             cwd: Path = ROOT) -> Iterator[int]:
    port = free_port()
    workers = workers or os.cpu_count() or 1
    proc = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--no-control-socket", "--log-level", "warning", "--timeout", "120"],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL,  # the access log (gunicorn.conf.py) is not the report
    )
    try:
        wait_for_port(port)
        # One request per worker first, so imports and connections are not measured.
        for _ in range(workers * 2):
            conn = HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/", headers=PROXY_HEADERS)
            conn.getresponse().read()
            conn.close()
        yield port
    finally:
        proc.terminate()
        proc.wait()


TICK = os.sysconf("SC_CLK_TCK")


def cpu_by_kind() -> dict[str, float]:
    """CPU seconds used so far on this machine, by who used them: the portal's gunicorn workers,
    PostgreSQL, Redis, this benchmark (its client threads), everything else, and idle time (/proc).

    Processes that end between two readings lose their share; the benchmark's servers outlive it."""
    me = os.getpid()
    used = {"gunicorn": 0.0, "postgres": 0.0, "redis": 0.0, "client": 0.0, "other": 0.0}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            cmdline = Path(entry.path, "cmdline").read_bytes()
        except OSError:  # gone meanwhile
            continue
        comm, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
        if int(entry.name) == me:
            kind = "client"
        elif b"gunicorn" in cmdline:
            kind = "gunicorn"
        elif comm.startswith("postgres") or cmdline.startswith(b"postgres"):
            kind = "postgres"
        elif comm.startswith("redis-server"):
            kind = "redis"
        else:
            kind = "other"
        used[kind] += seconds
    with open("/proc/stat") as f:
        cpu = f.readline().split()  # "cpu user nice system idle iowait ..."
    used["idle"] = (int(cpu[4]) + int(cpu[5])) / TICK
    return used
