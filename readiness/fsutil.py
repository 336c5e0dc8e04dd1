"""Writing files so that a crash or a kill never leaves a half-written report or store."""

from __future__ import annotations

import os
from pathlib import Path


def atomic_write_text(path: Path, text: str, *, encoding: str = "utf-8", newline: str | None = None) -> None:
    atomic_write_bytes(path, text.encode(encoding) if newline is None else text.replace("\n", newline).encode(encoding))


def _default_mode(path: Path) -> int:
    """The mode a plain ``open(path, "w")`` would give: the old file's, or 0o666 less the umask."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_bytes(path: Path, data: bytes, *, mode: int | None = None, sync: bool = True) -> None:
    """Write to a temporary file beside ``path``, fsync, then rename over it.

    ``mkstemp`` creates files readable by the owner only; reports and stores get the usual
    permissions instead (or ``mode`` when given, e.g. 0o600 for a key). ``sync=False`` skips the
    fsync for a file whose loss in a power cut costs nothing (a signed cache: a torn file is a miss).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _default_mode(path) if mode is None else mode
    import tempfile  # writing only: reading the cache never needs it

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class UnsafePath(Exception):
    """A path the scanned tree controls would lead a write outside it."""


def confined(root: Path, configured: Path, what: str) -> Path:
    """``configured`` (relative to ``root``) as a path that stays inside ``root``.

    Refused: an absolute path or ``..`` leading out, and any existing component below the root
    that is a symbolic link (a committed ``.readiness -> /home/ci`` would carry writes away).
    """
    base = root.resolve()
    full = configured if configured.is_absolute() else base / configured
    if ".." in configured.parts or not full.is_relative_to(base):
        raise UnsafePath(f"{what} {configured} is outside the scanned root")
    probe = base
    for part in full.relative_to(base).parts:
        probe = probe / part
        if probe.is_symlink():
            raise UnsafePath(f"{what} {configured}: {probe.relative_to(base)} is a symbolic link")
        if not probe.exists():
            break
    return full
