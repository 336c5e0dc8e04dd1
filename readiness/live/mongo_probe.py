"""What a MongoDB deployment says about itself, asked once per scan with tight timeouts.

Every client gets the configured timeout as server selection, connect and socket timeout,
one connection, no retries. A single-host ``mongodb://`` URI without ``replicaSet`` is probed
with ``directConnection=True``: the probe judges the server at that address (its ``hello``
tells whether it belongs to a replica set) instead of following the member list it
advertises, which from outside a cluster often names unreachable internal hosts.
"""

from __future__ import annotations

import re
import ssl
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode

from pymongo import MongoClient
from pymongo.errors import ConfigurationError, OperationFailure, PyMongoError

from readiness.lazy_regex import lazy_compile
from readiness.live.redact import redact_uri

UNAUTHORIZED_CODES = frozenset({13, 18})  # Unauthorized, AuthenticationFailed
_URI_RE = lazy_compile(r"^(?P<scheme>mongodb(?:\+srv)?://)(?:(?P<userinfo>[^@/]*)@)?(?P<hosts>[^/?]*)(?P<path>/[^?]*)?(?:\?(?P<query>.*))?$")
_AUTH_PARAMS = {"authsource", "authmechanism", "authmechanismproperties"}


class MongoConfigError(Exception):
    """The URI or options cannot make a client (a configuration problem, not the server's)."""


@dataclass(frozen=True)
class Observation:
    """One look at the deployment; ``error`` is set when it did not answer."""

    target: str  # the redacted URI
    error: str = ""
    latency_ms: float = 0.0
    version: str = ""
    hello: dict[str, Any] = field(default_factory=dict)
    tls: bool = False
    tls_verified: bool = True

    @property
    def reachable(self) -> bool:
        return not self.error

    @property
    def topology(self) -> str:
        """'replica set NAME', 'sharded cluster (mongos)' or 'standalone server'."""
        if self.hello.get("setName"):
            role = "primary" if self.hello.get("isWritablePrimary") or self.hello.get("ismaster") else (
                "secondary" if self.hello.get("secondary") else "member")
            return f"replica set {self.hello['setName']} ({role})"
        if self.hello.get("msg") == "isdbgrid":
            return "sharded cluster (mongos)"
        return "standalone server"

    @property
    def supports_transactions(self) -> bool:
        return bool(self.hello.get("setName")) or self.hello.get("msg") == "isdbgrid"


def _parts(uri: str) -> re.Match[str]:
    match = _URI_RE.match(uri.strip())
    if match is None:
        raise MongoConfigError("the URI must start with mongodb:// or mongodb+srv://")
    return match


def client_options(uri: str, timeout: float) -> dict[str, Any]:
    """Keyword options bounding every operation of a probe client by ``timeout``."""
    ms = max(1, int(float(timeout) * 1000))
    options: dict[str, Any] = {
        "serverSelectionTimeoutMS": ms, "connectTimeoutMS": ms, "socketTimeoutMS": ms, "timeoutMS": ms,
        "maxPoolSize": 1, "retryReads": False, "retryWrites": False, "appname": "readiness",
    }
    parts = _parts(uri)
    query = {k.lower() for k, _ in parse_qsl(parts.group("query") or "")}
    single = "," not in (parts.group("hosts") or "")
    if parts.group("scheme") == "mongodb://" and single and not query & {"replicaset", "directconnection", "loadbalanced"}:
        options["directConnection"] = True
    return options


def without_credentials(uri: str) -> str:
    """The URI with its user, password and authentication parameters removed."""
    parts = _parts(uri)
    query = [(k, v) for k, v in parse_qsl(parts.group("query") or "", keep_blank_values=True)
             if k.lower() not in _AUTH_PARAMS]
    out = f"{parts.group('scheme')}{parts.group('hosts')}{parts.group('path') or '/'}"
    return out + (f"?{urlencode(query)}" if query else "")


def vet_uri(uri: str, *, allow_private: bool) -> None:
    """MongoConfigError when a seed host is off limits for the operator's egress policy."""
    from readiness.live.egress import BlockedAddress, vet_host

    parts = _parts(uri)
    if parts.group("scheme") != "mongodb://":
        return  # an SRV name resolves through DNS records, which pymongo reads itself
    for seed in (parts.group("hosts") or "").split(","):
        host, port = seed, 27017
        if seed.startswith("["):
            host, _, rest = seed[1:].partition("]")
            port = int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else 27017
        elif seed.count(":") == 1:
            host, _, raw_port = seed.partition(":")
            port = int(raw_port) if raw_port.isdigit() else 27017
        if not host:
            continue
        try:
            vet_host(unquote(host), port, allow_private=allow_private)
        except BlockedAddress as exc:
            raise MongoConfigError(f"not probed: {exc}") from None
        except OSError:
            continue  # does not resolve: the driver reports it


def _refuse_cleartext(uri: str) -> None:
    """PLAIN sends the password as it is: only over TLS."""
    parts = _parts(uri)
    query = {k.lower(): v.lower() for k, v in parse_qsl(parts.group("query") or "")}
    asked = query.get("tls", query.get("ssl"))
    tls = asked == "true" or (asked is None and parts.group("scheme") == "mongodb+srv://")
    if query.get("authmechanism") == "plain" and not tls:
        raise MongoConfigError("refused: authMechanism=PLAIN without TLS would send the password in cleartext")


def _client(uri: str, timeout: float) -> MongoClient[dict[str, Any]]:
    _refuse_cleartext(uri)
    try:
        return MongoClient(uri, **client_options(uri, timeout))
    except (ConfigurationError, ValueError, TypeError) as exc:
        raise MongoConfigError(f"invalid MongoDB URI: {redact_uri(str(exc))}") from None


def describe_error(exc: BaseException, timeout: float) -> str:
    """A short reason: refused, timed out, TLS, authentication, or the driver's own first words."""
    text = str(exc)
    lowered = text.lower()
    if isinstance(exc, OperationFailure) and exc.code in UNAUTHORIZED_CODES:
        return "authentication failed" if exc.code == 18 else "not authorized"
    if "authentication failed" in lowered:
        return "authentication failed"
    if "certificate verify failed" in lowered or "ssl" in lowered and ("handshake" in lowered or "wrong version" in lowered):
        from readiness.live.http_probe import tls_reason

        return "TLS error: " + tls_reason(text)
    if "connection refused" in lowered:
        return "connection refused"
    if "name or service not known" in lowered or "nodename nor servname" in lowered or "dns" in lowered and "resol" in lowered:
        return "host name does not resolve"
    if "timed out" in lowered or "timeout" in lowered:
        return f"no answer within {float(timeout):g} s"
    if "connection closed" in lowered or "connection reset" in lowered:
        return "the server closed the connection (is it MongoDB?)"
    first = text.split(", Timeout:")[0].split("\n")[0]
    return redact_uri(" ".join(first.split()))[:160] or type(exc).__name__


def observe(uri: str, timeout: float) -> Observation:
    """Ping, ``hello`` and ``buildInfo`` with the configured credentials."""
    target = redact_uri(uri)
    client = _client(uri, timeout)
    context = client.options.pool_options._ssl_context
    tls = context is not None
    verified = tls and context.verify_mode != ssl.CERT_NONE and not client.options.pool_options.tls_allow_invalid_hostnames
    try:
        started = time.monotonic()
        client.admin.command("ping")
        latency = (time.monotonic() - started) * 1000
        hello = client.admin.command("hello")
        build = client.admin.command("buildInfo")
    except PyMongoError as exc:
        return Observation(target, error=describe_error(exc, timeout), tls=tls, tls_verified=verified)
    finally:
        client.close()
    keep = ("setName", "msg", "isWritablePrimary", "ismaster", "secondary", "maxWireVersion", "arbiterOnly")
    return Observation(
        target, latency_ms=latency, version=str(build.get("version", "")),
        hello={k: hello[k] for k in keep if k in hello}, tls=tls, tls_verified=verified,
    )


@dataclass(frozen=True)
class AuthProbe:
    outcome: str  # "denied", "allowed" or "unreachable"
    detail: str = ""


def unauthenticated_listing(uri: str, timeout: float) -> AuthProbe:
    """Try ``listDatabases`` without credentials: a secured server refuses it."""
    client = _client(without_credentials(uri), timeout)
    try:
        names = client.admin.command("listDatabases", nameOnly=True).get("databases", [])
        return AuthProbe("allowed", f"{len(names)} database(s) listed")
    except OperationFailure as exc:
        if exc.code in UNAUTHORIZED_CODES or "auth" in str(exc).lower():
            return AuthProbe("denied", "listDatabases refused without credentials")
        return AuthProbe("unreachable", describe_error(exc, timeout))
    except PyMongoError as exc:
        return AuthProbe("unreachable", describe_error(exc, timeout))
    finally:
        client.close()


def newest_pbm_backup(uri: str, timeout: float) -> dict[str, Any] | None:
    """The newest Percona Backup for MongoDB backup with status ``done``, from ``admin.pbmBackups``.

    Raises PyMongoError (the caller describes it) when the server does not answer.
    """
    client = _client(uri, timeout)
    try:
        cursor = client.admin["pbmBackups"].find(
            {"status": "done"}, {"name": 1, "start_ts": 1, "last_write_ts": 1, "last_transition_ts": 1, "type": 1},
        ).sort("start_ts", -1).limit(1).max_time_ms(max(1, int(float(timeout) * 1000)))
        return next(iter(cursor), None)
    finally:
        client.close()


def pbm_backup_time(doc: dict[str, Any]) -> float | None:
    """When the backup's data was taken (epoch seconds): last write, else start."""
    last_write = doc.get("last_write_ts")
    if last_write is not None and hasattr(last_write, "time"):
        return float(last_write.time)
    for key in ("start_ts", "last_transition_ts"):
        value = doc.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return None
