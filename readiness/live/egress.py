"""Where a live probe may connect, and how hard it may push: the operator decides, not the repository.

A scanned repository's configuration can name any URL. Without an explicit allow from the person
running the scan (``--allow-private``), probes refuse loopback, private, link-local (cloud
metadata services live there), shared, reserved and multicast addresses, so a pull request cannot
turn a CI job into a client of the job's own network. Hosts are resolved once and the connection
is made to the vetted address, so a name that resolves differently the second time gains nothing.
"""

from __future__ import annotations

import ipaddress
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
    import socket  # only when a live probe connects

    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)  # gaierror: the caller's "does not resolve"
    addresses = [str(info[4][0]) for info in infos]
    restricted = [a for a in addresses if is_restricted(a)]
    if restricted:
        raise BlockedAddress(
            f"{host} resolves to {restricted[0]}, a loopback, private, link-local or reserved address; "
            "probing it needs --allow-private on the command line"
        )
    return addresses[0]


# (section, key path, cap, unit): what no configuration may raise.
_CAPS: tuple[tuple[str, tuple[str, ...], float, str], ...] = (
    ("http", ("timeout",), MAX_TIMEOUT, " s"),
    ("http", ("deadline",), MAX_DEADLINE, " s"),
    ("http", ("max_body_bytes",), MAX_BODY_BYTES, " bytes"),
    ("http", ("rate_limit", "burst"), MAX_BURST, " requests"),
    ("http", ("rate_limit", "duration"), MAX_BURST_SECONDS, " s"),
    ("mongodb", ("timeout",), MAX_TIMEOUT, " s"),
)


def capped(part: str, values: Mapping[str, Any]) -> str | None:
    """Why a live section asks for more than the hard caps allow, or None when it fits."""
    for section, keys, cap, unit in _CAPS:
        if section != part:
            continue
        value: Any = values
        for key in keys:
            value = value.get(key) if isinstance(value, Mapping) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > cap:
            return f"environment.{part}.{'.'.join(keys)} {value:g} is over the cap of {cap:g}{unit}"
    return None
