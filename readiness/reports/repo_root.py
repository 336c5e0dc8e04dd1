"""Where the scanned folder sits in its git repository, for formats that want repository paths.

Code scanning, annotations and merge-request widgets resolve a path against the repository
root, while findings are relative to the scanned folder: a scan of ``services/orders`` must
point at ``services/orders/app.py``. The root is found by walking up to a ``.git`` entry (a
directory, or a file in worktrees and submodules) without running git, and never past the
file system the scanned path is on.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path, PurePosixPath
from typing import Any

MAX_DEPTH = 64


def git_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``.git``, on ``start``'s file system."""
    try:
        here = start.absolute()
        device = here.stat().st_dev
    except OSError:
        return None
    for folder in [here, *here.parents][:MAX_DEPTH]:
        try:
            if folder.stat().st_dev != device:
                return None
            if os.path.lexists(folder / ".git"):
                return folder
        except OSError:
            return None
        if os.path.ismount(folder):
            return None
    return None


def scan_prefix(doc: dict[str, Any]) -> str:
    """The scanned folder relative to its repository root ('' at the root or when unknown).

    The result names it when the scan knew (``repository.scan_prefix``); an older result is
    placed by looking for the repository around the scanned path, if it is still there."""
    named = (doc.get("repository") or {}).get("scan_prefix") if isinstance(doc.get("repository"), dict) else None
    if isinstance(named, str):
        return _relative_spelling(named)
    given = str((doc.get("target") or {}).get("path") or ".")
    start = Path(given)
    if not start.is_dir():
        return _relative_spelling(given)
    root = git_root(start)
    if root is None:
        return _relative_spelling(given)
    rel = start.absolute().relative_to(root).as_posix()
    normal = posixpath.normpath(rel)
    return "" if normal in (".", "") or normal.startswith("..") else normal


def root_files(doc: dict[str, Any]) -> frozenset[str]:
    """Files the scan read at the repository root: their paths are relative to it already."""
    repository = doc.get("repository")
    files = repository.get("root_files") if isinstance(repository, dict) else None
    return frozenset(f for f in files if isinstance(f, str)) if isinstance(files, list) else frozenset()


def _relative_spelling(given: str) -> str:
    """Without a repository to look at, a relative spelling of the path is the best guess."""
    base = given.replace("\\", "/").strip("/")
    if not base or given.startswith(("/", "\\")) or ":" in base[:3]:
        return ""
    normal = posixpath.normpath(base)
    return "" if normal == "." or normal.startswith("..") else normal


def repository_path(prefix: str, path: str, at_root: frozenset[str] = frozenset()) -> str:
    if not prefix or path in at_root:
        return path
    return str(PurePosixPath(posixpath.normpath(f"{prefix}/{path}")))
