"""Real servers on 127.0.0.1 for the live checks: well-behaved and hostile HTTP, TLS, MongoDB."""

from __future__ import annotations

import datetime
import os
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import trustme

METRICS = (
    "# HELP http_requests_total Requests served.\n# TYPE http_requests_total counter\n"
    'http_requests_total{method="GET",code="200"} 1027\n'
    "# HELP process_cpu_seconds_total CPU time.\n# TYPE process_cpu_seconds_total counter\n"
    "process_cpu_seconds_total 12.5\n"
    "# TYPE request_latency_seconds histogram\n"
    'request_latency_seconds_bucket{le="0.1"} 3\nrequest_latency_seconds_bucket{le="+Inf"} 4\n'
    "request_latency_seconds_sum 0.9\nrequest_latency_seconds_count 4\n"
)


class _Handler(BaseHTTPRequestHandler):
    """Routes under /secure (with security headers) or /plain (without, and with banners)."""

    protocol_version = "HTTP/1.1"
    server: _AppServer

    def log_message(self, *args: Any) -> None:
        pass

    def version_string(self) -> str:
        return "orders" if self.path.startswith("/secure") else "Werkzeug/2.0.1 Python/3.11.4"

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        path = self.path.split("?")[0]
        secure = path.startswith("/secure")
        rest = path.removeprefix("/secure").removeprefix("/plain") or "/"
        with self.server.lock:
            self.server.hits[rest] = self.server.hits.get(rest, 0) + 1
            count = self.server.hits[rest]
            self.server.seen_headers.append(dict(self.headers))
        status, body, extra = 200, b"ok\n", {}
        if rest == "/down":
            status, body = 503, b"database unavailable\n"
        elif rest == "/slow":
            time.sleep(0.4)
        elif rest == "/metrics":
            body, extra = METRICS.encode(), {"Content-Type": "text/plain; version=0.0.4"}
        elif rest == "/html-metrics":
            body = b"<html><body>metrics are here</body></html>\n"
        elif rest == "/limited" and count > 3:
            status, body, extra = 429, b"slow down\n", {"Retry-After": "1"}
        elif rest == "/limit-headers":
            extra = {"RateLimit-Limit": "100", "RateLimit-Remaining": str(100 - count)}
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        for key, value in extra.items():
            self.send_header(key, value)
        if secure:
            self.send_header("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
        else:
            self.send_header("X-Powered-By", "Express")
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_GET


class _AppServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.hits: dict[str, int] = {}
        self.seen_headers: list[dict[str, str]] = []
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    @property
    def port(self) -> int:
        return int(self.server_address[1])


@dataclass
class App:
    url: str
    server: _AppServer

    def hits(self, path: str) -> int:
        with self.server.lock:
            return self.server.hits.get(path, 0)


def _serve(tls: ssl.SSLContext | None = None) -> Iterator[App]:
    server = _AppServer(tls)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    scheme = "https" if tls else "http"
    try:
        yield App(f"{scheme}://127.0.0.1:{server.port}", server)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def app() -> Iterator[App]:
    yield from _serve()


# -- raw TCP servers that misbehave ------------------------------------------------------

@dataclass
class RawServer:
    """Accepts connections and hands each to ``behave(conn, stop)`` in a thread."""

    behave: Callable[[socket.socket, threading.Event], None]
    stop: threading.Event = field(default_factory=threading.Event)
    conns: list[socket.socket] = field(default_factory=list)

    def start(self) -> RawServer:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.conns.append(conn)
            threading.Thread(target=self._run, args=(conn,), daemon=True).start()

    def _run(self, conn: socket.socket) -> None:
        try:
            self.behave(conn, self.stop)
        except OSError:
            pass

    def close(self) -> None:
        self.stop.set()
        for conn in self.conns:
            try:
                conn.close()
            except OSError:
                pass
        self.sock.close()


def _silent(conn: socket.socket, stop: threading.Event) -> None:
    stop.wait(30)


def _drip(conn: socket.socket, stop: threading.Event) -> None:
    data = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 1000
    for byte in data:
        if stop.wait(0.25):
            return
        conn.sendall(bytes([byte]))


def _junk(conn: socket.socket, stop: threading.Event) -> None:
    size = 10 * 1024 * 1024
    conn.recv(65536)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % size)
    block = os.urandom(64 * 1024)
    for _ in range(size // len(block)):
        if stop.is_set():
            return
        conn.sendall(block)


def _garbage(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"\x00\x17\xfe\x03garbage that is not a protocol\r\n" * 4)
    conn.close()


def _raw(behave: Callable[[socket.socket, threading.Event], None]) -> Iterator[RawServer]:
    server = RawServer(behave).start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def silent_server() -> Iterator[RawServer]:
    """Accepts TCP connections and never says a word."""
    yield from _raw(_silent)


@pytest.fixture
def drip_server() -> Iterator[RawServer]:
    """Answers one byte every 0.25 s: never trips a read timeout, never finishes."""
    yield from _raw(_drip)


@pytest.fixture
def junk_server() -> Iterator[RawServer]:
    """Answers 200 with 10 MB of random bytes."""
    yield from _raw(_junk)


@pytest.fixture
def garbage_server() -> Iterator[RawServer]:
    """Speaks no protocol at all."""
    yield from _raw(_garbage)


@pytest.fixture
def refused_url() -> str:
    """A port nothing listens on."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


# -- TLS ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_bundle(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def _tls_context(ca: trustme.CA, **issue: Any) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", **issue).configure_cert(context)
    return context


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


@pytest.fixture
def tls_app(ca: trustme.CA) -> Iterator[App]:
    """HTTPS with a certificate valid for a year (trusted through ``ca_bundle``)."""
    yield from _serve(_tls_context(ca, not_after=_now() + datetime.timedelta(days=365)))


@pytest.fixture
def expiring_tls_app(ca: trustme.CA) -> Iterator[App]:
    """HTTPS with a certificate that expires in five days."""
    yield from _serve(_tls_context(ca, not_after=_now() + datetime.timedelta(days=5, hours=12)))


@pytest.fixture
def expired_tls_app(ca: trustme.CA) -> Iterator[App]:
    yield from _serve(_tls_context(
        ca, not_before=_now() - datetime.timedelta(days=60), not_after=_now() - datetime.timedelta(days=1)))


# -- MongoDB wire protocol ---------------------------------------------------------------

HELLO = {"maxWireVersion": 17, "minWireVersion": 0, "isWritablePrimary": True, "ismaster": True,
         "maxBsonObjectSize": 16777216, "maxMessageSizeBytes": 48000000, "maxWriteBatchSize": 100000}


@dataclass
class Mongo:
    uri: str
    server: Any


def _mongo(version: str = "7.0.2", *, set_name: str | None = None, auth: bool = False,
           pbm: list[dict[str, Any]] | None = None) -> Iterator[Mongo]:
    from mockupdb import Matcher, MockupDB, OpMsg

    hello = dict(HELLO)
    if set_name:
        hello.update({"setName": set_name, "secondary": False})
    server = MockupDB(auto_ismaster=hello)
    server.run()
    # A responder of last resort, so that no command waits for a reply that never comes.
    server.append_responder(Matcher(), {"ok": 0, "errmsg": "no such command", "code": 59, "codeName": "CommandNotFound"})
    server.autoresponds(OpMsg("hello"), hello)
    server.autoresponds("ping", ok=1)
    server.autoresponds(OpMsg("buildInfo"), version=version, ok=1)
    server.autoresponds(OpMsg("buildinfo"), version=version, ok=1)
    if auth:
        server.autoresponds(OpMsg("listDatabases"), {
            "ok": 0, "errmsg": "command listDatabases requires authentication", "code": 13, "codeName": "Unauthorized"})
    else:
        server.autoresponds(OpMsg("listDatabases"), databases=[{"name": "admin"}, {"name": "orders"}], ok=1)
    if pbm is not None:
        server.autoresponds(OpMsg("find", "pbmBackups"),
                            cursor={"id": 0, "ns": "admin.pbmBackups", "firstBatch": pbm}, ok=1)
    try:
        yield Mongo(f"mongodb://{server.address_string}/", server)
    finally:
        server.stop()


@pytest.fixture
def mongo_standalone() -> Iterator[Mongo]:
    """A standalone 7.0 server that lets anyone list databases."""
    yield from _mongo()


@pytest.fixture
def mongo_replica() -> Iterator[Mongo]:
    """A replica set primary (rs0) that requires authentication."""
    yield from _mongo(set_name="rs0", auth=True)


@pytest.fixture
def mongo_old() -> Iterator[Mongo]:
    yield from _mongo("4.4.29", set_name="rs0", auth=True)


def mongo_with_pbm(docs: list[dict[str, Any]]) -> Iterator[Mongo]:
    yield from _mongo(set_name="rs0", auth=True, pbm=docs)


# -- the real CLI ------------------------------------------------------------------------

@dataclass
class LiveScan:
    checks: dict[str, dict[str, Any]]
    output: str  # everything the CLI printed, for leak checks
    seconds: float


def live_scan(root: Path, config: str, *check_ids: str, env: dict[str, str] | None = None,
              extra: tuple[str, ...] = ()) -> LiveScan:
    """``readiness scan --live --format json`` on ``root`` with ``config`` as its readiness.yaml."""
    from helpers import run_cli

    (root / "readiness.yaml").write_text(config, encoding="utf-8")
    args = ["scan", str(root), "--live", "--allow-private", "--format", "json", *extra]
    if check_ids:
        args += ["--select", ",".join(check_ids)]
    started = time.monotonic()
    proc = run_cli(*args, env=env, timeout=60)
    seconds = time.monotonic() - started
    assert proc.returncode in (0, 1), proc.stderr
    import json

    doc = json.loads(proc.stdout)
    return LiveScan({c["id"]: c for c in doc["checks"]}, proc.stdout + proc.stderr, seconds)
