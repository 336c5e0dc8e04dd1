"""The per-file result cache under ``.readiness/cache``, keyed by content and plan.

Entries are JSON, never pickle: loading a cache file builds only plain values and the
project's own dataclasses, field by field, so even a forged file cannot run code (the format
is ``readiness.cache_codec``'s). Files are also signed with HMAC-SHA256 under a per-user key
kept outside the scanned repository (``$XDG_CACHE_HOME/readiness/key``), so a repository
cannot plant results either. The key is refused (and the cache stays off) when it lies inside
the scanned root, when it or its folder is a symlink, or when anyone but its owner can read or
write it: a key the repository can see or swap is no secret. A missing, foreign, corrupt or unsigned cache is simply a miss.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any, Iterable

from readiness import __version__
from readiness.cache_codec import Loaded, seal, unseal
from readiness.fsutil import atomic_write_bytes

_SUFFIX = ".json"
_STALE_SUFFIXES = (".pickle",)  # formats of earlier versions, removed on the next save
MAX_CACHE_BYTES = 256 * 1024 * 1024  # a planted /dev/zero or sparse file is refused, not read
_KEY_BYTES = 32
_O_SAFE = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


# -- the per-user key --------------------------------------------------------------------------

def key_directory() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "readiness"


def _private(info: os.stat_result, what: str) -> str | None:
    """Why a key (or its folder) is not private to this user, or None."""
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return f"{what} belongs to another user"
    if stat.S_ISDIR(info.st_mode):
        return f"{what} is writable by others" if info.st_mode & 0o022 else None
    return f"{what} is readable or writable by others" if info.st_mode & 0o077 else None


def _read_key(path: Path) -> tuple[bytes | None, str | None]:
    """(key, None), (None, None) when there is none yet, or (None, why it is refused)."""
    try:
        fd = os.open(path, _O_SAFE)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return None, None
        if exc.errno == errno.ELOOP:
            return None, "the key is a symlink"
        return None, f"cannot read the key: {exc.strerror}"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, "the key is not a regular file"
        problem = _private(info, "the key")
        if problem:
            return None, problem
        data = os.read(fd, 4096)
    except OSError as exc:
        return None, f"cannot read the key: {exc.strerror}"
    finally:
        os.close(fd)
    if len(data) < _KEY_BYTES:
        return None, "the key is too short"
    return data, None


def _create_key(path: Path) -> None:
    """Write a fresh key beside its final name, then link it in: never a half-written key, never a replaced one."""
    import secrets
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=".key.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(_KEY_BYTES))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another scan made one first: use theirs
    finally:
        os.unlink(tmp)


def user_key(root: Path | None = None) -> tuple[bytes | None, str | None]:
    """The signing key and None, or None and why the cache must stay off."""
    base = key_directory()
    try:
        resolved = base.resolve()
        if root is not None and resolved.is_relative_to(root.resolve()):
            return None, f"the cache key folder {base} is inside the scanned repository"
        if base.is_symlink():
            return None, "the cache key folder is a symlink"
        if not base.exists():
            base.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(base)
        if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
            return None, "the cache key folder is a symlink or not a folder"
        problem = _private(info, "the cache key folder")
        if problem:
            return None, problem
        key, problem = _read_key(base / "key")
        if key is None and problem is None:
            _create_key(base / "key")
            key, problem = _read_key(base / "key")
        return key, problem
    except (OSError, RuntimeError) as exc:
        return None, f"cannot use the cache key: {getattr(exc, 'strerror', None) or exc}"


def plan_key(parts: Iterable[Any]) -> str:
    """A key for everything besides content that changes per-file results."""
    payload = json.dumps([__version__, sys.version_info[:2], *parts], sort_keys=True, default=repr)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _infer_root(directory: Path) -> Path | None:
    """The root a default ``<root>/.readiness/cache`` belongs to, when the caller did not say."""
    for parent in directory.parents:
        if parent.name == ".readiness":
            return parent.parent
    return None


class Cache:
    def __init__(self, directory: Path, enabled: bool = True, *, root: Path | None = None) -> None:
        self.directory = directory
        self.root = root if root is not None else _infer_root(directory)
        self._wanted = enabled
        self._key: bytes | None = None
        self._resolved = False
        self.problem: str | None = None  # why the cache is off, when it is
        self._loaded: dict[str, Loaded] = {}  # name -> what the file last loaded holds, for saving it again

    def bind(self, root: Path) -> Cache:
        """Name the scanned root, so a key inside it is refused; called before the first load."""
        if self.root is None or self.root.resolve() != root.resolve():
            self.root = root
            self._resolved = False
        return self

    @property
    def key(self) -> bytes | None:
        return self._resolve(warn=True)

    def key_quietly(self) -> bytes | None:
        """The key, or None without a warning: for a caller that falls back to a path that warns itself."""
        return self._resolve(warn=False)

    def _resolve(self, *, warn: bool) -> bytes | None:
        if not self._resolved:
            self._resolved = True
            self._key, self.problem = (None, None)
            if self._wanted:
                self._key, self.problem = user_key(self.root)
                if self._key is not None:
                    self.problem = self._directory_problem()
                    if self.problem:
                        self._key = None
                if self.problem and warn:
                    import logging  # only when the cache is off: start-up stays light

                    logging.getLogger("readiness.cache").warning("warning: cache off: %s", self.problem)
        return self._key

    @property
    def enabled(self) -> bool:
        return self.key is not None

    def _directory_problem(self) -> str | None:
        """A symlinked cache folder (or parent, up to the root) would make us read and write elsewhere."""
        inside = self.root is not None and self.directory.is_relative_to(self.root)
        for directory in [self.directory, *self.directory.parents]:
            if inside and directory == self.root:
                break
            if directory.is_symlink():
                return f"the cache folder {directory} is a symlink"
            if not inside:
                break
        return None

    def _path(self, name: str, key: str) -> Path:
        return self.directory / f"{name}-{key}{_SUFFIX}"

    def _read(self, path: Path) -> bytes | None:
        try:
            fd = os.open(path, _O_SAFE)
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHE_BYTES:
                return None
            chunks = []
            size = 0
            while True:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_CACHE_BYTES:
                    return None
                chunks.append(chunk)
            return b"".join(chunks)
        except OSError:
            return None
        finally:
            os.close(fd)

    def load(self, name: str, key: str, *, lazy: bool = False) -> dict[str, Any]:
        """The file's entries; with ``lazy``, each a ``cache_codec.Pending`` decoded when asked for."""
        secret = self.key
        if secret is None:
            return {}
        blob = self._read(self._path(name, key))
        loaded = self._loaded[name] = Loaded()
        return {} if blob is None else unseal(secret, blob, loaded, lazy=lazy)

    def save(self, name: str, key: str, entries: dict[str, Any]) -> None:
        secret = self.key
        if secret is None:
            return
        target = self._path(name, key)
        try:
            # not synced: a file a power cut tears fails its signature, and is a miss like any other
            atomic_write_bytes(target, seal(secret, entries, self._loaded.pop(name, None)), sync=False)
            for other in os.listdir(self.directory):
                if (other != target.name and other.startswith(f"{name}-") and other.endswith((_SUFFIX, *_STALE_SUFFIXES))
                        and not (self.directory / other).is_symlink()):
                    (self.directory / other).unlink(missing_ok=True)
        except (OSError, RecursionError):
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
        if isinstance(entry, tuple) and len(entry) == 2 and digest is not None and entry[0] == digest:
            hits[path] = entry[1]
        else:
            todo.append(path)
    return hits, todo
