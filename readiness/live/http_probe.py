"""Bounded HTTP requests: connect and read timeouts, a capped body and a total deadline.

A socket read timeout alone does not bound a response: a server that sends one byte per
second never trips it. So every socket a probe opens is registered with a ``_Tracker`` and a
timer shuts the sockets down when the response's total deadline passes, which wakes any
blocked read at once. The body is read in chunks and never beyond ``max_bytes``.
"""

from __future__ import annotations

import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from readiness import __version__
from readiness.live.egress import BlockedAddress, vet_host

MAX_BODY_BYTES = 1024 * 1024
USER_AGENT = f"readiness/{__version__} (production readiness probe)"


class ProbeError(Exception):
    """The endpoint could not be observed; ``str()`` is the reason, fit for a summary."""


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes = b""
    truncated: bool = False  # the body was longer than the cap
    elapsed_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class _Tracker:
    """The sockets of one prober; ``expire`` shuts them down to end a request at its deadline."""

    sockets: list[socket.socket] = field(default_factory=list)
    expired: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sock: socket.socket) -> None:
        with self.lock:
            if self.expired:
                _shutdown(sock)
            self.sockets.append(sock)

    def expire(self) -> None:
        with self.lock:
            self.expired = True
            for sock in self.sockets:
                _shutdown(sock)
            self.sockets.clear()

    def arm(self, seconds: float) -> threading.Timer:
        with self.lock:
            self.expired = False
        timer = threading.Timer(seconds, self.expire)
        timer.daemon = True
        timer.start()
        return timer


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _pool_classes(tracker: _Tracker, allow_private: bool) -> dict[str, type[HTTPConnectionPool]]:
    """Connection pools whose connections go only to vetted addresses and report every socket."""

    class TrackedHTTPConnection(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            self._dns_host = vet_host(self._dns_host, self.port, allow_private=allow_private)
            sock = super()._new_conn()
            tracker.add(sock)
            return sock

    class TrackedHTTPSConnection(HTTPSConnection):
        def _new_conn(self) -> socket.socket:  # SNI and certificate checks still use the name
            self._dns_host = vet_host(self._dns_host, self.port, allow_private=allow_private)
            sock = super()._new_conn()
            tracker.add(sock)
            return sock

    class TrackedHTTPPool(HTTPConnectionPool):
        ConnectionCls = TrackedHTTPConnection

    class TrackedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = TrackedHTTPSConnection

    return {"http": TrackedHTTPPool, "https": TrackedHTTPSPool}


class _TrackedAdapter(HTTPAdapter):
    def __init__(self, tracker: _Tracker, allow_private: bool) -> None:
        self._tracker = tracker
        self._allow_private = allow_private
        super().__init__(max_retries=0, pool_connections=1, pool_maxsize=1)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _pool_classes(self._tracker, self._allow_private)


class Prober:
    """Bounded requests against one service; reuse it for several requests (keep-alive).

    ``timeout`` is both the connect and the read timeout; ``deadline`` bounds one whole
    response, body included (default: twice the timeout).
    """

    def __init__(
        self, *, timeout: float = 5.0, deadline: float | None = None, headers: Mapping[str, str] | None = None,
        verify: bool | str = True, max_bytes: int = MAX_BODY_BYTES, allow_private: bool = False,
    ) -> None:
        self.timeout = float(timeout)
        self.allow_private = allow_private
        self.deadline = float(deadline) if deadline else 2 * self.timeout
        self.max_bytes = int(max_bytes)
        self._tracker = _Tracker()
        self._session = requests.Session()
        self._session.trust_env = False  # no proxies or netrc credentials from the environment
        self._session.verify = verify
        adapter = _TrackedAdapter(self._tracker, allow_private)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._session.headers.update({"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
        self._session.headers.update(dict(headers or {}))
        # A configured Authorization header wins over credentials in the URL (requests would
        # otherwise replace it with Basic auth from the URL's user:password).
        self._auth = _keep_headers if any(k.lower() == "authorization" for k in headers or {}) else None

    def __enter__(self) -> Prober:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    def request(self, url: str, *, method: str = "GET", max_bytes: int | None = None) -> Response:
        """One request; raises ProbeError with a short reason when no full answer comes in time."""
        cap = self.max_bytes if max_bytes is None else max_bytes
        parts = urlsplit(url)
        if parts.hostname and parts.scheme in ("http", "https"):
            try:
                vet_host(parts.hostname, parts.port or 80, allow_private=self.allow_private)
            except BlockedAddress as exc:
                raise ProbeError(f"not probed: {exc}") from None
            except ValueError:
                raise ProbeError("invalid URL: bad port") from None
            except OSError:
                pass  # does not resolve: the request below says so in its own words
        started = time.monotonic()
        timer = self._tracker.arm(self.deadline)
        try:
            try:
                resp = self._session.request(
                    method, url, timeout=(self.timeout, self.timeout), stream=True, allow_redirects=False,
                    auth=self._auth,
                )
            except requests.exceptions.InvalidURL as exc:
                raise ProbeError(f"invalid URL: {_first_line(exc)}") from None
            except (requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema):
                raise ProbeError("invalid URL: it needs http:// or https://") from None
            except requests.exceptions.RequestException as exc:
                raise ProbeError(self._describe(exc)) from None
            body = bytearray()
            truncated = False
            try:
                for chunk in resp.iter_content(chunk_size=16384):
                    body += chunk
                    if len(body) > cap:
                        del body[cap:]
                        truncated = True
                        break
            except requests.exceptions.RequestException as exc:
                raise ProbeError(self._describe(exc)) from None
            finally:
                resp.close()
            if self._tracker.expired:
                raise ProbeError(f"no complete answer within the {_secs(self.deadline)} deadline")
            return Response(
                url=url, status=resp.status_code, headers={k.lower(): v for k, v in resp.headers.items()},
                body=bytes(body), truncated=truncated, elapsed_ms=(time.monotonic() - started) * 1000,
            )
        finally:
            timer.cancel()

    def _describe(self, exc: BaseException) -> str:
        if self._tracker.expired:
            return f"no complete answer within the {_secs(self.deadline)} deadline"
        return describe_error(exc, self.timeout)


def _keep_headers(request: requests.PreparedRequest) -> requests.PreparedRequest:
    return request


def describe_error(exc: BaseException, timeout: float) -> str:
    """A short, stable reason for a failed request (no URL, no library noise)."""
    text = " ".join(_chain_text(exc))
    lowered = text.lower()
    blocked = re.search(r"\S+ resolves to \S+, a loopback, private, link-local or reserved address[^.]*", text)
    if blocked:
        return f"not probed: {blocked.group(0)}"
    if isinstance(exc, requests.exceptions.ConnectTimeout) or "connect timeout" in lowered:
        return f"no connection within {_secs(timeout)}"
    if isinstance(exc, requests.exceptions.ReadTimeout) or "read timed out" in lowered:
        return f"no answer within {_secs(timeout)} (read timeout)"
    if isinstance(exc, requests.exceptions.SSLError) or "ssl" in lowered and "certificate" in lowered:
        return "TLS error: " + tls_reason(text)
    if "connection refused" in lowered:
        return "connection refused"
    if "name or service not known" in lowered or "nodename nor servname" in lowered or "getaddrinfo failed" in lowered:
        return "host name does not resolve"
    if "badstatusline" in lowered or "not http" in lowered or "invalid status line" in lowered:
        return "the answer is not HTTP"
    if "remotedisconnected" in lowered or "without response" in lowered:
        return "the connection closed without an answer"
    if "connection reset" in lowered or "broken pipe" in lowered:
        return "the connection was reset"
    if "timed out" in lowered:
        return f"no answer within {_secs(timeout)}"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "the body broke off (invalid chunked encoding or closed early)"
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return "the body could not be decoded"
    if isinstance(exc, requests.exceptions.TooManyRedirects):
        return "too many redirects"
    return _first_line(exc)[:160] or type(exc).__name__


def tls_reason(text: str) -> str:
    """The OpenSSL reason inside an error text: 'certificate verify failed: certificate has expired'."""
    marker = "certificate verify failed"
    at = text.find(marker)
    if at >= 0:
        tail = text[at:].split(")")[0].split("(_ssl")[0]
        return tail.strip().rstrip(" .")
    for hint in ("wrong version number", "handshake failure", "unexpected eof", "record layer failure",
                 "tlsv1 alert", "sslv3 alert", "hostname mismatch", "doesn't match", "packet length too long"):
        at = text.lower().find(hint)
        if at >= 0:
            return text[at:at + 80].split(")")[0].split("(_ssl")[0].strip()
    return _squash(text)[:120]


def _chain_text(exc: BaseException) -> list[str]:
    out: list[str] = []
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack and len(out) < 12:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        out.append(f"{type(current).__name__}: {current}")
        for arg in getattr(current, "args", ()):
            if isinstance(arg, BaseException):
                stack.append(arg)
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                stack.append(linked)
    return out


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


def _squash(text: str) -> str:
    return " ".join(text.split())


def _secs(value: float) -> str:
    return f"{value:g} s"


# -- TLS certificates -------------------------------------------------------------------

@dataclass(frozen=True)
class Certificate:
    not_after: float  # epoch seconds
    subject: str
    issuer: str

    def days_left(self, now: float | None = None) -> float:
        return (self.not_after - (time.time() if now is None else now)) / 86400


def peer_certificate(
    url: str, *, timeout: float, deadline: float | None = None, cafile: str | None = None,
    connect: Callable[..., socket.socket] = socket.create_connection, allow_private: bool = False,
) -> Certificate:
    """The verified certificate of an HTTPS endpoint; ProbeError when the chain is invalid."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ProbeError(f"not an https URL: {parts.scheme or '(no scheme)'}")
    host, port = parts.hostname, parts.port or 443
    tracker = _Tracker()
    timer = tracker.arm(float(deadline) if deadline else 2 * float(timeout))
    try:
        try:
            context = ssl.create_default_context(cafile=cafile)
        except (OSError, ssl.SSLError) as exc:
            raise ProbeError(f"cannot read the CA bundle: {exc}") from None
        try:
            address = vet_host(host, port, allow_private=allow_private)
        except BlockedAddress as exc:
            raise ProbeError(f"not probed: {exc}") from None
        except OSError as exc:
            raise ProbeError(_socket_reason(exc, timeout)) from None
        try:
            raw = connect((address, port), timeout=timeout)
        except OSError as exc:
            raise ProbeError(_socket_reason(exc, timeout)) from None
        tracker.add(raw)
        try:
            with context.wrap_socket(raw, server_hostname=host) as tls:
                cert = tls.getpeercert()
        except ssl.SSLCertVerificationError as exc:
            raise ProbeError("invalid certificate: " + tls_reason(str(exc))) from None
        except (ssl.SSLError, OSError) as exc:
            if tracker.expired:
                raise ProbeError(f"no TLS handshake within the {_secs(float(deadline or 2 * timeout))} deadline") from None
            if isinstance(exc, ssl.SSLError):
                raise ProbeError("TLS handshake failed: " + tls_reason(str(exc))) from None
            raise ProbeError(_socket_reason(exc, timeout)) from None
        finally:
            raw.close()
    finally:
        timer.cancel()
    if not cert or "notAfter" not in cert:
        raise ProbeError("the server sent no certificate")
    return Certificate(
        not_after=float(ssl.cert_time_to_seconds(str(cert["notAfter"]))),
        subject=_name(cert.get("subject", ())),
        issuer=_name(cert.get("issuer", ())),
    )


def _name(rdns: Any) -> str:
    for rdn in rdns or ():
        for key, value in rdn:
            if key == "commonName":
                return str(value)
    return ""


def _socket_reason(exc: OSError, timeout: float) -> str:
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return f"no connection within {_secs(timeout)}"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "host name does not resolve"
    return _squash(str(exc))[:120] or type(exc).__name__
