"""A repeated ``readiness hook`` call, answered before the command line or any check loads.

pre-commit runs the hook again on files that did not change since the last call (a commit
retried after the hook failed, ``pre-commit run --all-files``). Such a call is answered from a
copy of the last output, keyed by every input that output can depend on: the arguments, the
working directory, the environment, the interpreter, the package's own files, the folders on
``sys.path`` (installing a plugin changes one), the configuration files the hook reads, and the
content of every file named on the command line. Only a call that wrote nothing on stderr,
exited 0 or 1 and loaded no plugin check is kept; ``--fix`` never is. The copies live in one
sealed cache entry (``readiness.cache``), so a repository cannot plant an answer.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import sys
from pathlib import Path
from typing import Any, TextIO

from readiness import __version__

ENTRY = "hook-answers"  # starts with "hook-": the hook's files, never the scan's
KEEP = 32  # answers kept, newest last
_CONFIGS = ("readiness.yaml", "readiness.yml", ".readiness.yaml", "pyproject.toml")
_MAX_FILE_BYTES = 8 * 1024 * 1024
_NEVER = frozenset({"--fix", "--unsafe-fixes", "--help", "-h"})
_PACKAGE = Path(__file__).resolve().parent

pending: str | None = None  # the key of this process's hook call, when it may be kept
keepable = False  # set by the hook command once it knows the call loaded built-in checks only
_store: tuple[Any, dict[str, Any]] | None = None  # (the cache, the answers it held) read by ``replay``


def _package_files(directory: str, out: list[Any]) -> None:
    with os.scandir(directory) as listing:
        for entry in sorted(listing, key=lambda e: e.name):
            if entry.name == "__pycache__":
                continue
            if entry.is_dir(follow_symlinks=False):
                _package_files(entry.path, out)
            else:
                info = entry.stat(follow_symlinks=False)
                out.append((entry.path, info.st_size, info.st_mtime_ns))


def _content(path: str) -> str | None:
    """A digest of a regular file's bytes, "absent", or None when it cannot be judged cheaply.

    Opened without blocking and judged on the open descriptor, so a FIFO or device swapped in
    after a look at the path is refused rather than read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError) as exc:
        return "absent" if isinstance(exc, (FileNotFoundError, NotADirectoryError)) else None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            return "directory"
        if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_FILE_BYTES:
            return None
        digest = hashlib.blake2b(digest_size=16)
        size = 0
        while chunk := os.read(fd, 1 << 20):
            size += len(chunk)
            if size > _MAX_FILE_BYTES:
                return None
            digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None
    finally:
        os.close(fd)


def answer_key(args: list[str], secret: bytes) -> str | None:
    """The digest of every input of ``readiness hook ARGS`` here and now, or None when it is not kept.

    Keyed with the cache's per-user secret: the environment goes into it, and a digest a
    repository can read must not let anyone test guesses of a variable's value."""
    if any(a in _NEVER or a.startswith("--fix") for a in args):
        return None
    digest = hashlib.blake2b(digest_size=16, key=hashlib.sha256(secret).digest())

    def add(value: Any) -> None:
        digest.update(repr(value).encode("utf-8", "surrogateescape") + b"\0")

    add((__version__, sys.version, sys.executable, sys.flags, os.getcwd(), args))
    add(sorted(os.environ.items()))
    package: list[Any] = []
    try:
        _package_files(str(_PACKAGE), package)
    except OSError:
        return None
    add(package)
    for entry in sys.path:
        try:
            info = os.stat(entry or ".")
            add((entry, info.st_ino, info.st_mtime_ns, info.st_ctime_ns))
        except OSError:
            add((entry, None))
    for name in (*_CONFIGS, *args):
        content = _content(name)
        if content is None:
            return None
        add((name, content))
    return digest.hexdigest()


def replay(args: list[str], stdout: TextIO) -> int | None:
    """Write the kept answer to this call and return its exit code; None (and remember the key) when there is none."""
    global pending, _store
    from readiness.cache import Cache

    root = Path.cwd()
    cache = Cache(root / ".readiness" / "cache", root=root)
    secret = cache.key_quietly()  # the cache is off: the full path says why, once
    key = answer_key(args, secret) if secret is not None else None
    if key is None:
        return None
    answers = cache.load(ENTRY, "v1").get("answers")
    answers = answers if isinstance(answers, dict) else {}
    _store = (cache, answers)
    kept = answers.get(key)
    if isinstance(kept, list) and len(kept) == 2 and isinstance(kept[0], str) and kept[1] in (0, 1):
        stdout.write(kept[0])
        stdout.flush()
        return int(kept[1])
    pending = key
    return None


class Tee(io.TextIOBase):
    """Writes through to a stream and keeps a copy."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.copy = io.StringIO()

    def write(self, text: str) -> int:
        self.copy.write(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.stream, "encoding", "utf-8")


def remember(out: str, err: str, code: int) -> None:
    """Keep this call's answer when it may be replayed (see the module's docstring)."""
    if pending is None or _store is None or not keepable or err or code not in (0, 1):
        return
    cache, held = _store
    answers = dict(held)
    answers.pop(pending, None)
    answers[pending] = [out, code]
    while len(answers) > KEEP:
        answers.pop(next(iter(answers)))
    cache.save(ENTRY, "v1", {"answers": answers})
