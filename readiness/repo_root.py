"""A service inside a repository: the repository-level files its production readiness depends on.

Scanning ``services/orders`` of a monorepo must still see the CI that tests and deploys it
(``.github/workflows``, ``.gitlab-ci.yml``), the infrastructure that runs it (Terraform, Helm,
compose, Kubernetes manifests) and the dependency bot that watches it, all of which live at the
git root. The git root is the nearest folder above the scanned one that holds ``.git``, looked
for a bounded number of levels up. Its repository-level files are then listed under their path
relative to the git root, beside the scanned tree's own files (which win on a clash): checks
read ``.github/dependabot.yml`` whether the scan started at the root or in a service folder.

The walk is bounded (depth, count, size), never enters the scanned folder again, ``.git``,
dependency or virtual-environment folders, and never follows a symlink; files are read later
through ``read_inside`` on the git root, so a link pointing out of the repository is refused.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from readiness.lazy_regex import lazy_compile

MAX_LEVELS_UP = 6
MAX_DEPTH = 5
MAX_FILES = 400
MAX_ENTRIES = 20_000  # directory entries looked at in the whole walk
_SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "env", ".env", "__pycache__",
                        ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", "dist",
                        "build", ".terraform", ".readiness"})
# Repository-level files, by path relative to the git root.
_REPO_FILE = lazy_compile(
    r"^(?:\.github/(?:workflows/[^/]+\.ya?ml|actions/.+/action\.ya?ml|dependabot\.ya?ml|renovate\.json5?)"
    r"|\.gitlab-ci\.ya?ml|\.gitlab/.+\.ya?ml|\.gitlab/renovate\.json5?|\.circleci/config\.ya?ml"
    r"|\.pre-commit-config\.ya?ml|Jenkinsfile|azure-pipelines\.ya?ml|bitbucket-pipelines\.ya?ml|\.travis\.ya?ml"
    r"|renovate\.json5?|\.renovaterc(?:\.json5?)?|\.snyk|Makefile"
    r"|(?:[^/]+/)*(?:docker-)?compose(?:\.[\w.-]+)?\.ya?ml"
    r"|(?:[^/]+/)*[^/]+\.(?:tf|tfvars|hcl)"
    r"|(?:[^/]+/)*Chart\.ya?ml|(?:[^/]+/)*values(?:[\w.-]*)\.ya?ml|(?:[^/]+/)*templates/[^/]+\.(?:ya?ml|tpl)"
    r"|(?:deploy|deployment|deployments|infra|infrastructure|k8s|kubernetes|manifests|helm|charts|ops)/.+\.ya?ml"
    r")$"
)
MAX_FILE_BYTES = 2 * 1024 * 1024


def git_root(root: Path) -> Path | None:
    """The nearest folder at or above ``root`` holding ``.git`` (a directory, or a worktree's file),
    at most ``MAX_LEVELS_UP`` levels up; None outside a repository."""
    try:
        here = root.resolve()
    except OSError:
        return None
    for level, folder in enumerate((here, *here.parents)):
        if level > MAX_LEVELS_UP:
            return None
        try:
            info = os.lstat(folder / ".git")
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode):
            return folder
    return None


def repository_files(repo: Path, scanned: Path) -> dict[str, str]:
    """Repository-level files of ``repo`` outside ``scanned``: path relative to the git root -> the
    same path (the key callers read through ``read_inside(repo, ...)``). Empty when ``scanned`` is the root."""
    repo, scanned = repo.resolve(), scanned.resolve()
    if repo == scanned or repo not in scanned.parents:
        return {}
    skip = str(scanned)
    found: dict[str, str] = {}
    seen = 0
    stack: list[tuple[str, int]] = [("", 0)]
    while stack and len(found) < MAX_FILES and seen < MAX_ENTRIES:
        rel_dir, depth = stack.pop()
        folder = os.path.join(str(repo), rel_dir) if rel_dir else str(repo)
        try:
            with os.scandir(folder) as entries:
                listing = sorted(entries, key=lambda e: e.name)
        except OSError:
            continue
        for entry in listing:
            seen += 1
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                if entry.is_symlink():
                    continue  # never followed, file or folder
                if entry.is_dir(follow_symlinks=False):
                    if entry.name in _SKIP_DIRS or entry.path == skip or depth + 1 > MAX_DEPTH:
                        continue
                    stack.append((rel, depth + 1))
                elif entry.is_file(follow_symlinks=False) and _REPO_FILE.match(rel):
                    if entry.stat(follow_symlinks=False).st_size <= MAX_FILE_BYTES:
                        found[rel] = rel
            except OSError:
                continue
    return dict(sorted(found.items()))


def scan_prefix(repo: Path | None, scanned: Path) -> str:
    """The scanned folder relative to the git root, with a trailing '/' ('' at the root or outside a repository)."""
    if repo is None:
        return ""
    try:
        rel = scanned.resolve().relative_to(repo.resolve()).as_posix()
    except ValueError:
        return ""
    return "" if rel == "." else rel + "/"


def result_entry(git_root_path: Path | None, prefix: str, repository_level: frozenset[str]) -> dict[str, object]:
    """What the JSON result says about the repository around a scanned folder (nothing at the root):
    the folder relative to the git root, and the files read from the git root, which are named
    relative to the git root already (formats that prefix paths must leave them as they are)."""
    if git_root_path is None or not prefix:
        return {}
    return {"repository": {"scan_prefix": prefix, "root_files": sorted(repository_level)}}
