"""The per-file result cache under ``.readiness/cache``, keyed by content and plan.

Entries are pickles signed with HMAC-SHA256 under a per-user key kept outside the scanned
repository (``$XDG_CACHE_HOME/readiness/key``): a scanned repository can plant files in its
own ``.readiness/`` but cannot forge a signature, so loading the cache never runs its code.
A missing, foreign, corrupt or unsigned cache is simply a miss.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle  # nosec B403 - only HMAC-verified blobs are unpickled
import secrets
import sys
from pathlib import Path
from typing import Any, Iterable

from readiness import __version__
from readiness.fsutil import atomic_write_bytes

_MAGIC = b"RDYC1\n"


def _user_key() -> bytes | None:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "readiness"
    path = base / "key"
    try:
        data = path.read_bytes()
        if len(data) >= 32:
            return data
    except OSError:
        pass
    try:
        base.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, secrets.token_bytes(32), mode=0o600)
        return path.read_bytes()
    except OSError:
        return None


def plan_key(parts: Iterable[Any]) -> str:
    """A key for everything besides content that changes per-file results."""
    payload = json.dumps([__version__, sys.version_info[:2], *parts], sort_keys=True, default=repr)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


class Cache:
    def __init__(self, directory: Path, enabled: bool = True) -> None:
        self.directory = directory
        self.key = _user_key() if enabled else None

    @property
    def enabled(self) -> bool:
        return self.key is not None

    def _path(self, name: str, key: str) -> Path:
        return self.directory / f"{name}-{key}.pickle"

    def load(self, name: str, key: str) -> dict[str, Any]:
        if self.key is None:
            return {}
        try:
            blob = self._path(name, key).read_bytes()
        except OSError:
            return {}
        if not blob.startswith(_MAGIC) or len(blob) < len(_MAGIC) + 32:
            return {}
        signature, body = blob[len(_MAGIC):len(_MAGIC) + 32], blob[len(_MAGIC) + 32:]
        if not hmac.compare_digest(signature, hmac.new(self.key, body, hashlib.sha256).digest()):
            return {}
        try:
            value = pickle.loads(body)  # nosec B301 - the signature was verified above
        except Exception:  # a stale class layout or a truncated file is a miss, not a crash
            return {}
        return value if isinstance(value, dict) else {}

    def save(self, name: str, key: str, entries: dict[str, Any]) -> None:
        if self.key is None:
            return
        body = pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL)
        signature = hmac.new(self.key, body, hashlib.sha256).digest()
        try:
            atomic_write_bytes(self._path(name, key), _MAGIC + signature + body)
            for old in self.directory.glob(f"{name}-*.pickle"):
                if old.name != self._path(name, key).name:
                    old.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only checkout still scans; it just stays cold


def split_cached(
    stored: dict[str, Any], files: Iterable[str], digests: dict[str, str],
) -> tuple[dict[str, Any], list[str]]:
    """(path -> cached value for files whose content hash still matches, paths to compute anew)."""
    hits: dict[str, Any] = {}
    todo: list[str] = []
    for path in files:
        entry = stored.get(path)
        digest = digests.get(path)
        if entry is not None and digest is not None and entry[0] == digest:
            hits[path] = entry[1]
        else:
            todo.append(path)
    return hits, todo
