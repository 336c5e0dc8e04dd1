"""Small pieces of the command line kept out of ``cli.py``: one-line usage errors with a
did-you-mean, and the ``.gitignore`` that keeps the tool's own state folder out of commits."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any, Iterable

from readiness.lazy_regex import lazy_compile

try:  # typer 0.20+ carries its own copy of click
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
except ImportError:  # pragma: no cover - older typer on click
    from click.exceptions import ClickException, NoArgsIsHelpError, UsageError  # type: ignore[no-redef]

__all__ = ["FORMATS_HELP", "SCAN_TIMEOUT", "ClickException", "NoArgsIsHelpError", "UsageError", "config_used",
           "did_you_mean", "flat", "ignore_state_dir", "usage_line", "with_id_hint"]

STATE_DIR = ".readiness"
# Named here rather than read from ``readiness.reports`` and ``readiness.runner``, so that
# ``--help`` imports neither (tests/test_startup.py keeps them equal to the real ones).
BUILTIN_FORMAT_NAMES = ("terminal", "json", "markdown", "html", "sarif", "junit", "github", "gitlab")
FORMATS_HELP = "Output on stdout: " + "|".join(sorted(BUILTIN_FORMAT_NAMES)) + " (or a format a plugin adds)."
SCAN_TIMEOUT = 1800.0  # seconds: the runner's DEFAULT_TIMEOUT
_NO_SUCH_COMMAND = lazy_compile(r"No such command '([^']*)'")
_UNKNOWN_ID = lazy_compile(r"unknown (?:check or category|check|category) id '([^']{1,100})'")


def flat(text: str) -> str:
    """A message on one line, whatever a value inside it held."""
    return " ".join(text.split())


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """`` (did you mean 'scan'?)`` for a near miss, else ''."""
    matches = difflib.get_close_matches(word, sorted(set(options)), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def _commands(group: Any) -> list[str]:
    commands = getattr(group, "commands", None)
    return sorted(commands) if isinstance(commands, dict) else []


def usage_line(exc: UsageError) -> str:
    """What went wrong, a suggestion when a command name was mistyped, and where help is, on one line."""
    message = flat(exc.format_message())
    ctx = exc.ctx
    match = _NO_SUCH_COMMAND.search(message)
    if match and ctx is not None and "did you mean" not in message.lower():
        message += did_you_mean(match.group(1), _commands(ctx.command))
    where = ctx.command_path if ctx is not None else "readiness"
    return f"{message} (see `{where} --help`)"


def config_used(doc: dict[str, Any], root: Path, source: str | None) -> str | None:
    """Say in the result which configuration was read and which were not (both readiness.yaml and
    [tool.readiness] present); returns the sentence to show when one was passed over."""
    from readiness.config import unused_configs

    unused = unused_configs(root, source)
    doc["config"] = {"source": source, "unused": unused}
    if not unused:
        return None
    message = f"configuration read from {source}; not read: {', '.join(unused)}"
    doc.setdefault("notes", []).append({"kind": "config", "path": str(source), "message": message})
    return message


def with_id_hint(message: str) -> str:
    """An unknown check or category id gets the closest known one, wherever the error came from."""
    match = _UNKNOWN_ID.search(message)
    if match is None or "did you mean" in message.lower():
        return message
    from readiness.categories import CATEGORY_IDS
    from readiness.registry import load_checks

    known = [c.id for c in load_checks(use_entry_points=False)] + list(CATEGORY_IDS)
    hint = did_you_mean(match.group(1), known)
    return message[:match.end()] + hint + message[match.end():] if hint else message


def ignore_state_dir(root: Path) -> None:
    """Give ``ROOT/.readiness`` (cache, history) a ``.gitignore`` of ``*`` so it is never committed.

    Never follows a link: a scanned tree may plant ``.readiness`` or its ``.gitignore`` as one."""
    folder = root / STATE_DIR
    try:
        if folder.is_symlink() or not folder.is_dir():
            return
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(folder / ".gitignore", flags, 0o644)
    except OSError:
        return  # present already, or not ours to write
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("# readiness state (cache, history): never committed\n*\n")
