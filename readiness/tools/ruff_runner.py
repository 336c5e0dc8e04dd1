"""Run ruff once per scan over the scanned Python files and group its findings per file.

ruff runs as a subprocess with JSON output (it is a binary, not a library). The project's own
ruff configuration is respected when it has one (``ruff.toml``, ``.ruff.toml`` or a
``[tool.ruff]`` table in ``pyproject.toml``), with ``--force-exclude`` so its excludes apply to
the paths we pass; otherwise ruff runs ``--isolated`` with its defaults, so a configuration
in some parent directory cannot change the result. Failures come back as a reason, never as
an exception.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess  # nosec B404 - fixed argv, no shell
import sys
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from readiness.cache import Cache, plan_key, split_cached
from readiness.project import read_inside
from readiness.tools import memory_limited

if TYPE_CHECKING:
    from readiness.project import Project

CHUNK_CHARS = 60_000  # stays far below every platform's argv limit
DEFAULT_TIMEOUT = 120.0


@dataclass(frozen=True)
class RuffMessage:
    line: int
    column: int
    code: str
    message: str


@dataclass
class RuffResult:
    files: dict[str, list[RuffMessage]] = field(default_factory=dict)  # relative path -> messages
    error: str | None = None
    version: str = ""
    configured: bool = False  # the project's own configuration was used
    crashed: list[str] = field(default_factory=list)  # files ruff itself crashed on (skipped)


def find_ruff() -> str | None:
    """The ruff binary installed next to this Python first (the same environment), then PATH."""
    name = "ruff.exe" if os.name == "nt" else "ruff"
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("ruff")


def has_own_config(root: Path) -> bool:
    """Whether the project configures ruff at its root (read as every repository file is: no
    symlink out of the root, no FIFO, no more than 2 MB)."""
    if (root / "ruff.toml").is_file() or (root / ".ruff.toml").is_file():
        return True
    try:
        text = read_inside(root, "pyproject.toml", 2 * 1024 * 1024)
    except OSError:
        return False
    return b"[tool.ruff" in text


def _chunks(paths: Sequence[str], limit: int = CHUNK_CHARS) -> list[list[str]]:
    out: list[list[str]] = []
    current: list[str] = []
    size = 0
    for path in paths:
        if current and size + len(path) + 1 > limit:
            out.append(current)
            current, size = [], 0
        current.append(path)
        size += len(path) + 1
    if current:
        out.append(current)
    return out


def run_ruff_on(root: Path, files: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT,
                binary: str | None = None) -> RuffResult:
    """ruff's findings for ``files`` (relative to ``root``), grouped by relative path."""
    result = RuffResult()
    ruff = binary or find_ruff()
    if ruff is None:
        result.error = "ruff is not installed (looked next to the Python interpreter and on PATH)"
        return result
    result.configured = has_own_config(root)
    base = [ruff, "check", "--output-format", "json", "--no-cache", "--exit-zero"]
    base += ["--force-exclude"] if result.configured else ["--isolated"]
    resolved_root = root.resolve()
    for chunk in _chunks(list(files)):
        error = _run_chunk(base, chunk, resolved_root, timeout, result)
        if error is not None and error.startswith("ruff crashed") and len(chunk) > 1:
            # One hostile file (e.g. nested deeply enough to overflow ruff's stack) must not
            # cost the whole project its lint results: retry file by file and skip the culprits.
            for path in chunk:
                single = _run_chunk(base, [path], resolved_root, timeout, result)
                if single is not None and single.startswith("ruff crashed"):
                    result.crashed.append(path)
                elif single is not None:
                    result.error = single
                    return result
            continue
        if error is not None and error.startswith("ruff crashed"):
            result.crashed.extend(chunk)
            continue
        if error is not None:
            result.error = error
            return result
    if files and len(result.crashed) == len(files):
        result.error = "ruff crashed on every file"
    for messages in result.files.values():
        messages.sort(key=lambda m: (m.line, m.column, m.code))
    return result


def _run_chunk(base: list[str], chunk: list[str], root: Path, timeout: float, result: RuffResult) -> str | None:
    """Run ruff on one chunk, adding its messages to ``result``; a reason when it failed."""
    try:
        proc = subprocess.run(  # nosec B603 - fixed argv, no shell
            memory_limited([*base, "--", *chunk]), cwd=root, capture_output=True, text=True, timeout=timeout,
            stdin=subprocess.DEVNULL, encoding="utf-8", errors="replace",
        )
    except subprocess.TimeoutExpired:
        return f"ruff timed out after {timeout:g}s"
    except OSError as exc:
        return f"cannot run ruff: {exc.strerror or exc}"
    if proc.returncode != 0:
        detail = (proc.stderr.strip().splitlines() or ["no output"])[-1][:300]
        if proc.returncode < 0 or proc.returncode > 2:
            return f"ruff crashed (exit {proc.returncode}): {detail}"
        return f"ruff failed (exit {proc.returncode}): {detail}"
    try:
        items = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        return "ruff printed something that is not JSON"
    if not isinstance(items, list):
        return "ruff printed an unexpected JSON document"
    for item in items:
        message = _message(item, root)
        if message is not None:
            rel, msg = message
            result.files.setdefault(rel, []).append(msg)
    return None


def _message(item: object, root: Path) -> tuple[str, RuffMessage] | None:
    if not isinstance(item, dict):
        return None
    filename = item.get("filename")
    location = item.get("location") or {}
    if not isinstance(filename, str) or not isinstance(location, dict):
        return None
    try:
        rel = Path(filename).resolve().relative_to(root).as_posix()
    except ValueError:
        rel = Path(filename).as_posix()
    code = item.get("code") or "syntax-error"
    text = str(item.get("message") or "").strip()
    return rel, RuffMessage(int(location.get("row") or 1), int(location.get("column") or 1), str(code), text)


_CONFIG_FILES = ("ruff.toml", ".ruff.toml", "pyproject.toml")


def run_ruff(project: Project, cache: Cache | None = None) -> RuffResult:
    """ruff over every scanned Python file of the project (for ``project.tool("ruff", ...)``).

    Per-file results are cached by content hash and keyed by ruff's version and the project's
    ruff configuration, so a warm scan runs ruff only on the files that changed.
    """
    files = list(project.python_files)
    try:
        ruff_version = version("ruff")
    except PackageNotFoundError:
        ruff_version = find_ruff() or ""
    configs = [project.read_text(name) or "" for name in _CONFIG_FILES if name in project.files]
    key = plan_key(["ruff", ruff_version, configs])
    stored = cache.load("ruff", key) if cache is not None else {}
    cached: dict[str, tuple[list[RuffMessage], bool]]
    cached, todo = split_cached(stored, files, project.digests)
    result = run_ruff_on(project.root, todo) if todo else RuffResult(configured=has_own_config(project.root))
    if result.error:
        return result
    crashed = set(result.crashed)
    for path, (messages, was_crashed) in cached.items():
        if messages:
            result.files[path] = list(messages)
        if was_crashed:
            result.crashed.append(path)
    result.crashed.sort()
    if cache is not None and todo:
        entries = {
            path: (project.digests[path], (result.files.get(path, []), path in crashed or path in result.crashed))
            for path in files if path in project.digests
        }
        cache.save("ruff", key, entries)
    return result
