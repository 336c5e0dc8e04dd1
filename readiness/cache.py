"""The per-file result cache under ``.readiness/cache``, keyed by content and plan.

Entries are JSON, never pickle: loading a cache file builds only plain values and the
project's own dataclasses, field by field, so even a forged file cannot run code. Files are
also signed with HMAC-SHA256 under a per-user key kept outside the scanned repository
(``$XDG_CACHE_HOME/readiness/key``), so a repository cannot plant results either. The key is
refused (and the cache stays off) when it lies inside the scanned root, when it or its folder
is a symlink, or when anyone but its owner can read or write it: a key the repository can see
or swap is no secret. A missing, foreign, corrupt or unsigned cache is simply a miss.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import hmac
import json
import os
import stat
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

from readiness import __version__
from readiness.fsutil import atomic_write_bytes

_MAGIC = b"RDYC2\n"
_SUFFIX = ".json"
_STALE_SUFFIXES = (".pickle",)  # formats of earlier versions, removed on the next save
MAX_CACHE_BYTES = 256 * 1024 * 1024  # a planted /dev/zero or sparse file is refused, not read
_KEY_BYTES = 32
_O_SAFE = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


# -- plain JSON data, both ways ----------------------------------------------------------------

class Unencodable(TypeError):
    """A value the cache cannot write as plain data: its entry is simply not cached."""


def to_plain(value: Any) -> Any:
    """JSON-able data that ``from_plain`` turns back into an equal value of the same types.

    Lists and scalars stay as they are; every other container is a one-key object naming its
    type, so tuples stay tuples and sets stay sets (results must not change on a warm scan).
    """
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    if kind is list:
        return [to_plain(v) for v in value]
    if kind is tuple:
        return {"t": [to_plain(v) for v in value]}
    if kind is set:
        return {"s": [to_plain(v) for v in value]}
    if kind is frozenset:
        return {"f": [to_plain(v) for v in value]}
    if kind is bytes:
        return {"b": base64.b64encode(value).decode("ascii")}
    if kind is Counter:
        return {"C": [[to_plain(k), to_plain(v)] for k, v in value.items()]}
    if kind is dict:
        if all(type(k) is str for k in value):
            return {"d": {k: to_plain(v) for k, v in value.items()}}
        return {"m": [[to_plain(k), to_plain(v)] for k, v in value.items()]}
    if hasattr(kind, "__dataclass_fields__"):
        fields = {name: to_plain(getattr(value, name)) for name in _field_names(kind)}
        return {"o": [kind.__module__, kind.__qualname__, fields]}
    raise Unencodable(f"cannot cache a {kind.__qualname__}")


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    """A dataclass's fields in order; ``dataclasses`` loads only when a cache holds one."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        import dataclasses

        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
    return names


def _dataclass_type(module: str, qualname: str) -> type:
    """A dataclass already loaded by this process (nothing is imported on a cache file's say-so)."""
    target: Any = sys.modules.get(module)
    if target is None:
        raise ValueError(f"module {module} is not loaded")
    for part in qualname.split("."):
        target = getattr(target, part, None)
    if not isinstance(target, type) or not hasattr(target, "__dataclass_fields__"):
        raise ValueError(f"{module}.{qualname} is not a dataclass")
    return target


_SCALARS = frozenset({bool, int, float, str, type(None)})
_LAYOUTS: dict[tuple[str, str], tuple[type, tuple[str, ...]]] = {}  # loaded dataclass -> its field names


def _layout(module: str, qualname: str) -> tuple[type, tuple[str, ...]]:
    layout = _LAYOUTS.get((module, qualname))
    if layout is None:
        cls = _dataclass_type(module, qualname)
        layout = _LAYOUTS[(module, qualname)] = (cls, _field_names(cls))
    return layout


def from_plain(data: Any) -> Any:
    """The value ``to_plain`` encoded; raises ValueError on anything it would not have written.

    A dataclass is rebuilt field by field without calling its ``__init__``: no code of any
    kind runs, and a changed field layout is a miss rather than a wrong result.
    """
    kind = type(data)
    if kind in _SCALARS:
        return data
    if kind is list:
        return [v if type(v) in _SCALARS else from_plain(v) for v in data]
    if kind is not dict or len(data) != 1:
        raise ValueError("not a cache value")
    (tag, body), = data.items()
    if tag == "o" and type(body) is list and len(body) == 3 and type(body[2]) is dict:
        module, qualname, fields = body
        cls, names = _layout(str(module), str(qualname))
        if len(names) != len(fields) or any(name not in fields for name in names):
            raise ValueError(f"{qualname} has other fields now")
        obj = object.__new__(cls)
        set_field = object.__setattr__
        for name in names:
            value = fields[name]
            set_field(obj, name, value if type(value) in _SCALARS else from_plain(value))
        return obj
    if tag == "t" and type(body) is list:
        return tuple([v if type(v) in _SCALARS else from_plain(v) for v in body])
    if tag == "d" and type(body) is dict:
        return {k: v if type(v) in _SCALARS else from_plain(v) for k, v in body.items()}
    if tag == "s" and type(body) is list:
        return {from_plain(v) for v in body}
    if tag == "f" and type(body) is list:
        return frozenset([v if type(v) in _SCALARS else from_plain(v) for v in body])
    if tag == "b" and type(body) is str:
        return base64.b64decode(body.encode("ascii"), validate=True)
    if tag == "C" and type(body) is list:
        return Counter({from_plain(k): from_plain(v) for k, v in _pairs(body)})
    if tag == "m" and type(body) is list:
        return {from_plain(k): from_plain(v) for k, v in _pairs(body)}
    raise ValueError(f"unknown cache tag {tag!r}")


def _pairs(body: list[Any]) -> Iterable[tuple[Any, Any]]:
    for pair in body:
        if type(pair) is not list or len(pair) != 2:
            raise ValueError("not a key/value pair")
        yield pair[0], pair[1]


def seal(key: bytes, entries: dict[str, Any], known: dict[int, Any] | None = None) -> bytes:
    """A cache file's bytes: magic, HMAC of the body, then the JSON body (unencodable entries left out).

    ``known`` maps ``id(value)`` of values loaded from the previous file to their plain form, so
    an unchanged entry is not encoded again (one changed file costs one file's encoding)."""
    plain: dict[str, Any] = {}
    for path, value in entries.items():
        reused = known.get(id(value)) if known else None
        if reused is not None and reused[0] is value:
            plain[path] = reused[1]
            continue
        try:
            plain[path] = to_plain(value)
        except Unencodable:
            continue  # that file is recomputed on the next scan
    body = json.dumps({"v": 1, "entries": plain}, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return _MAGIC + hmac.new(key, body, hashlib.sha256).digest() + body


def unseal(key: bytes, blob: bytes, known: dict[int, Any] | None = None) -> dict[str, Any]:
    """The entries of a cache file signed with ``key``; {} for anything else. Bad entries are misses.

    ``known``, when given, receives ``id(value) -> (value, plain form)`` for ``seal`` to reuse."""
    if not blob.startswith(_MAGIC) or len(blob) < len(_MAGIC) + 32:
        return {}
    signature, body = blob[len(_MAGIC):len(_MAGIC) + 32], blob[len(_MAGIC) + 32:]
    if not hmac.compare_digest(signature, hmac.new(key, body, hashlib.sha256).digest()):
        return {}
    try:
        document = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):
        return {}
    entries = document.get("entries") if isinstance(document, dict) and document.get("v") == 1 else None
    if not isinstance(entries, dict):
        return {}
    out: dict[str, Any] = {}
    for path, plain in entries.items():
        try:
            out[path] = from_plain(plain)
        except (ValueError, TypeError, AttributeError, RecursionError):
            continue  # a stale class layout is a miss for that file only
        if known is not None:
            known[id(out[path])] = (out[path], plain)
    return out


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
        self._loaded: dict[str, dict[int, Any]] = {}  # name -> plain forms of the values last loaded

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

    def load(self, name: str, key: str) -> dict[str, Any]:
        secret = self.key
        if secret is None:
            return {}
        blob = self._read(self._path(name, key))
        known: dict[int, Any] = {}
        self._loaded[name] = known
        return {} if blob is None else unseal(secret, blob, known)

    def save(self, name: str, key: str, entries: dict[str, Any]) -> None:
        secret = self.key
        if secret is None:
            return
        target = self._path(name, key)
        try:
            atomic_write_bytes(target, seal(secret, entries, self._loaded.pop(name, None)))
            for suffix in (_SUFFIX, *_STALE_SUFFIXES):
                for old in self.directory.glob(f"{name}-*{suffix}"):
                    if old.name != target.name and not old.is_symlink():
                        old.unlink(missing_ok=True)
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
