"""Where a live probe may connect, and how hard it may push: the operator decides, not the repository.

A scanned repository's configuration can name any URL. Without an explicit allow from the person
running the scan (``--allow-private``), probes refuse loopback, private, link-local (cloud
metadata services live there), shared, reserved and multicast addresses, so a pull request cannot
turn a CI job into a client of the job's own network. Hosts are resolved once and the connection
is made to the vetted address, so a name that resolves differently the second time gains nothing.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any, Mapping

MAX_TIMEOUT = 30.0  # seconds, connect and read
MAX_DEADLINE = 60.0  # seconds, one whole response
MAX_BURST = 100  # requests in a rate-limit probe
MAX_BURST_SECONDS = 60.0
MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_BACKUP_MATCHES = 10_000


class BlockedAddress(OSError):
    """The host resolves to an address the operator has not allowed."""


def is_restricted(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def vet_host(host: str, port: int, *, allow_private: bool) -> str:
    """An address of ``host`` that may be contacted; BlockedAddress when none may.

    With ``allow_private`` the host is returned unchanged (the ordinary resolver decides).
    """
    if allow_private:
        return host
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)  # gaierror: the caller's "does not resolve"
    addresses = [str(info[4][0]) for info in infos]
    restricted = [a for a in addresses if is_restricted(a)]
    if restricted:
        raise BlockedAddress(
            f"{host} resolves to {restricted[0]}, a loopback, private, link-local or reserved address; "
            "probing it needs --allow-private on the command line"
        )
    return addresses[0]


def capped(part: str, values: Mapping[str, Any]) -> str | None:
    """Why a live section asks for more than the hard caps allow, or None when it fits."""
    if part == "http":
        timeout = float(values.get("timeout") or 0)
        if timeout > MAX_TIMEOUT:
            return f"environment.http.timeout {timeout:g} s is over the {MAX_TIMEOUT:g} s cap"
        deadline = values.get("deadline")
        if deadline is not None and float(deadline) > MAX_DEADLINE:
            return f"environment.http.deadline {float(deadline):g} s is over the {MAX_DEADLINE:g} s cap"
        body = values.get("max_body_bytes")
        if body is not None and int(body) > MAX_BODY_BYTES:
            return f"environment.http.max_body_bytes {int(body)} is over the {MAX_BODY_BYTES} cap"
        limit = values.get("rate_limit") or {}
        burst = limit.get("burst")
        if burst is not None and int(burst) > MAX_BURST:
            return f"environment.http.rate_limit.burst {int(burst)} is over the cap of {MAX_BURST} requests"
        duration = limit.get("duration")
        if duration is not None and float(duration) > MAX_BURST_SECONDS:
            return f"environment.http.rate_limit.duration {float(duration):g} s is over the {MAX_BURST_SECONDS:g} s cap"
    if part == "mongodb":
        timeout = float(values.get("timeout") or 0)
        if timeout > MAX_TIMEOUT:
            return f"environment.mongodb.timeout {timeout:g} s is over the {MAX_TIMEOUT:g} s cap"
    return None
