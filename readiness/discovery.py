"""Finding the files of a repository: include/exclude globs, .gitignore, safe symlinks.

Symlinked directories are never entered (their targets inside the root are scanned under
their real path; targets outside the root are none of our business), which rules out loops.
A symlinked file is kept only when it resolves inside the root.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from readiness.analysis import MAX_FILE_BYTES
from readiness.model import Note

SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", ".venv", "venv", ".env", "env", "node_modules", "__pycache__",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".tox", ".nox", "build", "dist", ".eggs",
    "site-packages", ".readiness", ".idea", ".vscode", "htmlcov", ".cache",
})
PYTHON_SUFFIXES = (".py", ".pyw")


@dataclass
class Discovered:
    files: list[str] = field(default_factory=list)  # every file, relative with '/', sorted
    notes: list[Note] = field(default_factory=list)
    oversized: set[str] = field(default_factory=set)  # Python files too large to analyse (noted once)

    @property
    def python_files(self) -> list[str]:
        """Python files to analyse: never the oversized ones, which no check or engine reads."""
        return [f for f in self.files if f.endswith(PYTHON_SUFFIXES) and f not in self.oversized]


def _spec(lines: list[str]) -> pathspec.PathSpec:
    return pathspec.GitIgnoreSpec.from_lines(lines)


def discover(
    root: Path,
    *,
    include: list[str] | None = None,
    exclude: list[str] | None = None,
    respect_gitignore: bool = True,
) -> Discovered:
    root = root.resolve()
    result = Discovered()
    include_spec = _spec(include) if include and include != ["**/*"] else None
    exclude_spec = _spec(exclude) if exclude else None
    ignores: list[tuple[str, pathspec.PathSpec]] = []  # (directory prefix, spec)

    def ignored(rel: str, is_dir: bool) -> bool:
        probe = rel + "/" if is_dir else rel
        if exclude_spec is not None and exclude_spec.match_file(probe):
            return True
        for prefix, spec in ignores:
            if prefix and not rel.startswith(prefix):
                continue
            if spec.match_file(probe[len(prefix):]):
                return True
        return False

    def on_error(exc: OSError) -> None:
        where = _relative(root, Path(exc.filename)) if exc.filename else ""
        result.notes.append(Note("read-error", f"cannot list directory: {exc.strerror}", printable_path(where)))

    # os.scandir rather than os.walk: the directory entries already say what is a file, a
    # directory or a link, so most files cost no system call beyond the listing.
    stack: list[tuple[str, str]] = [(str(root), "")]
    while stack:
        directory, prefix = stack.pop()
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError as exc:
            on_error(exc)
            continue
        names = {entry.name for entry in entries}
        if respect_gitignore and ".gitignore" in names:
            try:
                text = Path(directory, ".gitignore").read_text(encoding="utf-8", errors="replace")
                ignores.append((prefix, _spec(text.splitlines())))
            except OSError:
                pass
        subdirs = []
        for entry in entries:
            name = entry.name
            rel = prefix + name
            try:
                is_link = entry.is_symlink()
                is_dir = not is_link and entry.is_dir(follow_symlinks=False)
            except OSError:
                is_link = is_dir = False
            if is_dir:
                if name in SKIP_DIRS or name.endswith(".egg-info") or os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
                    continue
                if not ignored(rel, True):
                    subdirs.append((entry.path, rel + "/"))
                continue
            if ignored(rel, False):
                continue
            if include_spec is not None and not include_spec.match_file(rel):
                continue
            if not _decodable(rel):
                result.notes.append(Note("skipped-file", "file name is not valid UTF-8", printable_path(rel)))
                continue
            if is_link:
                try:
                    target = Path(entry.path).resolve(strict=True)
                except (OSError, RuntimeError):
                    result.notes.append(Note("skipped-file", "broken or looping symlink", rel))
                    continue
                if not target.is_relative_to(root):
                    result.notes.append(Note("skipped-file", "symlink points outside the root", rel))
                    continue
                if target.is_dir():
                    continue  # a linked directory is never entered (its target, if inside, is scanned as itself)
            try:
                regular = entry.is_file(follow_symlinks=True)
            except OSError as exc:
                result.notes.append(Note("read-error", f"cannot read: {exc.strerror or type(exc).__name__}", rel))
                continue
            if not regular:  # a FIFO, socket or device would block or never end on read
                result.notes.append(Note("skipped-file", "not a regular file", rel))
                continue
            if rel.endswith(PYTHON_SUFFIXES):
                try:
                    size = entry.stat(follow_symlinks=True).st_size
                except OSError as exc:
                    result.notes.append(Note("read-error", f"cannot read: {exc.strerror or type(exc).__name__}", rel))
                    continue
                if size > MAX_FILE_BYTES:
                    result.oversized.add(rel)
                    result.notes.append(Note("skipped-file", f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", rel))
            result.files.append(rel)
        stack.extend(sorted(subdirs, reverse=True))
    result.files.sort()
    return result


def _decodable(name: str) -> bool:
    """False for names holding bytes that are not UTF-8 (kept by the OS as surrogate escapes)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def printable_path(name: str) -> str:
    """A name safe to put in any report: undecodable bytes shown as ``\\xNN``."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _relative(root: Path, path: Path) -> str:
    try:
        rel = path.relative_to(root)
    except ValueError:
        return str(path)
    text = rel.as_posix()
    return "" if text == "." else text
