"""The commit and branch a scanned tree is at, read from ``.git`` files without running git.

Running ``git`` in a scanned repository would obey that repository's configuration (hooks,
fsmonitor commands), so the few files needed are read directly: ``HEAD``, the branch's ref
file or ``packed-refs``. Reads are small, bounded and only of regular files; anything odd
gives no answer rather than a guess.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from readiness.lazy_regex import lazy_compile

_SHA = lazy_compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")
_BRANCH = lazy_compile(r"^[A-Za-z0-9._/+-]{1,200}$")
MAX_READ = 64 * 1024
MAX_PACKED_REFS = 8 * 1024 * 1024


def _read(path: Path, limit: int = MAX_READ) -> str | None:
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with open(path, "rb") as handle:
            return handle.read(limit).decode("utf-8", "replace")
    except OSError:
        return None


def _git_dir(root: Path) -> Path | None:
    """The repository's git directory: ``.git`` in the root or a parent, or a worktree's ``gitdir:``."""
    try:
        here = root.resolve()
    except OSError:
        return None
    for folder in (here, *here.parents):
        dot = folder / ".git"
        if dot.is_dir():
            return dot
        if dot.is_file():
            text = _read(dot) or ""
            if text.startswith("gitdir:"):
                target = Path(text[len("gitdir:"):].strip())
                return target if target.is_absolute() else (folder / target)
            return None
    return None


def _ref(git_dir: Path, common: Path, name: str) -> str | None:
    for base in (git_dir, common):
        text = _read(base / name)
        if text and _SHA.match(text.strip()):
            return text.strip()
    packed = _read(common / "packed-refs", MAX_PACKED_REFS) or ""
    for line in packed.splitlines():
        sha, _, ref = line.partition(" ")
        if ref.strip() == name and _SHA.match(sha):
            return sha
    return None


def git_state(root: Path) -> dict[str, str]:
    """``{"commit": sha, "branch": name}`` (either may be absent), or ``{}`` outside git."""
    git_dir = _git_dir(root)
    if git_dir is None:
        return {}
    common_text = (_read(git_dir / "commondir") or "").strip()
    common = (git_dir / common_text) if common_text else git_dir
    head = (_read(git_dir / "HEAD") or "").strip()
    out: dict[str, str] = {}
    if head.startswith("ref:"):
        ref = head[4:].strip()
        if ref.startswith("refs/") and ".." not in ref and _BRANCH.match(ref):
            if ref.startswith("refs/heads/"):
                out["branch"] = ref[len("refs/heads/"):]
            sha = _ref(git_dir, common, ref)
            if sha:
                out["commit"] = sha
    elif _SHA.match(head):
        out["commit"] = head
    return out
