"""Real servers for the production tests, each on a free port, each stopped by the test:
a throwaway PostgreSQL database (on the server at 127.0.0.1:5432, as in CI), a
throwaway Redis, gunicorn with the repository's gunicorn.conf.py, a reverse proxy that
ends "TLS" the way nginx does, and a TCP proxy that can cut a service off.

Never the shared services themselves: an outage is a cut proxy, not a stopped server.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import select
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = secrets.token_urlsafe(50)


def postgres_server() -> str:
    """The PostgreSQL server of this run (DATABASE_URL's), else the one always at 127.0.0.1:5432."""
    url = os.getenv("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return urlsplit(url)._replace(path="", query="").geturl()
    return "postgres://postgres@127.0.0.1:5432"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@contextmanager
def throwaway_database() -> Iterator[str]:
    server = postgres_server()
    name = f"mims_production_test_{secrets.token_hex(4)}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def throwaway_redis(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        for line in proc.stdout:
            if "Ready to accept connections" in line:
                break
        else:
            raise AssertionError("redis-server did not start")
        threading.Thread(target=proc.stdout.read, daemon=True).start()  # keep the pipe drained
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def production_env(database_url: str, redis_url: str, var_dir: Path, **extra: str) -> dict:
    """The documented production environment (docs/operations.md), on test addresses."""
    (var_dir / "static").mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "GUNICORN_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="mims_portal.settings", PYTHONUNBUFFERED="1", DEBUG="0", SECRET_KEY=STRONG_KEY,
        DATABASE_URL=database_url, REDIS_URL=redis_url, ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_ROOT="https://127.0.0.1", MIMS_VAR_DIR=str(var_dir), MIMS_NUM_PROXIES="1", GUNICORN_WORKERS="1",
    )  # fmt: skip
    env.update(extra)
    return env


class Gunicorn:
    """gunicorn with the repository's gunicorn.conf.py on a port the kernel picks."""

    port: int | None = None

    def __init__(self, env: dict, *args: str) -> None:
        self.lines: list[str] = []
        self._listening = threading.Event()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--bind", "127.0.0.1:0", *args],
            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self._listening.wait(timeout=60) or self.port is None:
            self.stop()
            raise AssertionError("gunicorn did not start:\n" + "".join(self.lines[-40:]))

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)
            if m := re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line):
                self.port = int(m[1])
                self._listening.set()
        self._listening.set()  # exited

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> str:
        return "".join(self.lines)

    def stop(self) -> None:
        """Stop gunicorn; afterwards ``lines`` holds everything it wrote."""
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=60)
        self._reader.join(timeout=60)


HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"}


class ReverseProxy(ThreadingHTTPServer):
    """What nginx does in front of gunicorn: end TLS (here: say so in X-Forwarded-Proto,
    overwriting what the browser sent) and append the peer's address to X-Forwarded-For."""

    daemon_threads = True

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _ProxyHandler(BaseHTTPRequestHandler):
    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP | {"x-forwarded-proto"}}
        peer = self.client_address[0]
        prior = self.headers.get("X-Forwarded-For")
        headers["X-Forwarded-For"] = f"{prior}, {peer}" if prior else peer
        headers["X-Forwarded-Proto"] = "https"
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.upstream_port, timeout=60)
        upstream.request(self.command, self.path, body, headers)
        answer = upstream.getresponse()
        data = answer.read()
        self.send_response_only(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in HOP_BY_HOP | {"content-length"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()

    do_GET = do_POST = do_HEAD = _forward

    def log_message(self, format: str, *args: object) -> None:
        pass


class TcpProxy:
    """Forwards a port to a service; ``cut()`` drops every connection and refuses new
    ones (the service looks down), ``restore()`` lets them through again."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.down = False
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.down:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [])
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    (b if s is a else a).sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for s in (a, b):
                s.close()

    def cut(self) -> None:
        self.down = True
        with self._lock:
            conns, self._conns = self._conns, []
        for s in conns:
            with suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def restore(self) -> None:
        self.down = False

    def stop(self) -> None:
        self.cut()
        self.listener.close()


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str


@dataclass
class Browser:
    """Enough of a browser: cookies (Secure ones too: TLS ends at the proxy), the form's
    CSRF token, and the Origin header a browser sends with a POST."""

    source: str = "127.0.0.1"  # any 127.x.y.z: a different client address on loopback
    origin: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, url: str, data: dict | None = None, headers: dict | None = None) -> Response:
        parts = urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60, source_address=(self.source, 0))
        sent = {"Host": parts.netloc, **self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            scheme = "https" if self.headers.get("X-Forwarded-Proto") == "https" else parts.scheme
            sent["Origin"] = self.origin or f"{scheme}://{parts.netloc}"
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body, sent)
        answer = conn.getresponse()
        text = answer.read().decode("utf-8", "replace")
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        conn.close()
        return Response(answer.status, answer.headers, text)

    def get(self, url: str) -> Response:
        return self.request("GET", url)

    def submit(self, url: str, fields: dict) -> Response:
        """GET the form, then POST it back with its CSRF token, as a browser would."""
        page = self.get(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, f"no form at {url}: {page.status}"
        return self.request("POST", url, {"csrfmiddlewaretoken": token[1], **fields})
