"""Discovery without the walk when no directory changed, as git's untracked cache does.

A directory's modification time changes whenever an entry in it is created, removed or
renamed, so when every directory the last walk listed still has its signature, and every
``.gitignore`` it read is unchanged, the walk would find the same files: the snapshot's list is
used, and one ``lstat`` per file (which the file index needs anyway) replaces the listing and
the ignore matching. What depends on a file's content is judged again every time (a Python
file too large to analyse), and so is the note about several services. A tree holding a
symlink or a directory that could not be listed is always walked, and a snapshot is not kept
when a directory or ignore file changed within the clock tick of the walk (see
``readiness.fileindex``).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from readiness.analysis import MAX_SYNTAX_ESTIMATE
from readiness.cache import Cache, plan_key
from readiness.discovery import PYTHON_SUFFIXES, Discovered, discover, oversized_note, services_note
from readiness.fileindex import changed_too_recently, directory_signature, signature, stat_signature
from readiness.model import Note
from readiness.roles import path_roles, remember_path_roles

_NAME = "tree"


def _key(root: Path, include: Any, exclude: Any, respect_gitignore: bool) -> str:
    from readiness.phase_cache import code_digest

    return plan_key(["tree", str(root), include, exclude, respect_gitignore, code_digest(())])


def discover_cached(
    root: Path, *, include: list[str] | None = None, exclude: list[str] | None = None,
    respect_gitignore: bool = True, cache: Cache | None = None,
) -> Discovered:
    """``discover``'s result, from the last walk when the tree's directories are unchanged."""
    root = root.resolve()
    key = _key(root, include, exclude, respect_gitignore) if cache is not None and cache.key is not None else ""
    entry = cache.load(_NAME, key).get("tree") if key and cache is not None else None
    # (key, value), the shape of every cache file's entries
    stored = entry[1] if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == key else None
    if isinstance(stored, dict):
        reused = _reuse(root, stored)
        if reused is not None:
            return reused
    found = discover(root, include=include, exclude=exclude, respect_gitignore=respect_gitignore)
    unread = any(n.kind == "read-error" for n in found.notes)  # a passing failure is tried again
    if key and cache is not None and found.reusable and not unread and not _racy(found):
        snapshot = {
            "listed": found.listed, "ignores": found.ignore_files, "files": found.files,
            "notes": [n for n in found.notes if not _recomputed(n, found)],
            "roles": path_roles(found.python_files),  # asked of every Python file each scan
        }
        if snapshot != stored:
            cache.save(_NAME, key, {"tree": (key, snapshot)})
    return found


def _recomputed(note: Note, found: Discovered) -> bool:
    """Notes ``_reuse`` makes again from the current files rather than keeping."""
    return note.path in found.oversized or note.kind == "config"


def _racy(found: Discovered) -> bool:
    times = [*(s[1:] for s in found.listed.values() if s), *(s[3:] for s in found.ignore_files.values() if s)]
    return any(changed_too_recently(mtime, ctime, found.started_ns) for mtime, ctime in times)


def _reuse(root: Path, stored: dict[str, Any]) -> Discovered | None:
    listed, ignores, files, notes = (stored.get(k) for k in ("listed", "ignores", "files", "notes"))
    if not (isinstance(listed, dict) and isinstance(ignores, dict) and isinstance(files, list)
            and isinstance(notes, list) and all(isinstance(n, Note) for n in notes)):
        return None
    started = time.time_ns()
    base = str(root)
    prefix = base + "/"
    now_listed = {}
    for rel, recorded in listed.items():
        current = directory_signature(prefix + rel if rel else base)
        if current is None or list(current) != list(recorded or ()):
            return None
        now_listed[rel] = current
    for rel, recorded in ignores.items():
        current = signature(prefix + rel)
        if current is None or list(current) != list(recorded or ()):
            return None
    result = Discovered(files=list(files), notes=list(notes), listed=now_listed, ignore_files=dict(ignores),
                        started_ns=started)
    roles = stored.get("roles")
    if isinstance(roles, dict):
        remember_path_roles(roles)
    signatures = result.signatures
    lstat = os.lstat
    for rel in files:  # one lstat per file, the tree's only per-file cost on a warm scan
        try:
            current = stat_signature(lstat(prefix + rel))
        except OSError:
            return None
        if current is None:
            return None  # no longer a regular file: the walk says what it is now
        signatures[rel] = current
        if current[2] > MAX_SYNTAX_ESTIMATE and rel.endswith(PYTHON_SUFFIXES):
            note = oversized_note(root, rel, current[2])
            if note is not None:
                result.oversized.add(rel)
                result.notes.append(note)
    note = services_note(result.files)
    if note is not None:
        result.notes.append(note)
    return result
