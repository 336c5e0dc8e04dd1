"""The scan history: one summary per scan in a local SQLite store, so reports can show the trend.

Only scores, statuses, counts and check ids are stored, never a finding's message, a path or
anything read from the configuration, so the store cannot leak a secret the scan came across.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import stat
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from readiness.config import Settings
from readiness.fsutil import UnsafePath, confined
from readiness.git_state import git_state

SCHEMA = """
CREATE TABLE IF NOT EXISTS scans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target TEXT NOT NULL,
    generated_at TEXT NOT NULL,
    overall REAL,
    blockers INTEGER NOT NULL,
    summary TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS scans_target ON scans (target, id);
"""
DEFAULT_PATH = ".readiness/history.sqlite"


class HistoryError(Exception):
    """The store cannot be read or written; ``str()`` names the file."""


log = logging.getLogger("readiness.history")
_COLUMNS = [("id", "INTEGER"), ("target", "TEXT"), ("generated_at", "TEXT"), ("overall", "REAL"),
            ("blockers", "INTEGER"), ("summary", "TEXT")]
_OBJECTS = {("table", "scans"), ("table", "sqlite_sequence"), ("index", "scans_target")}
_SQLITE_HEADER = b"SQLite format 3\x00"
MAX_SUMMARY_CHARS = 1024 * 1024  # one stored summary is a few KB


def _store_problem(path: Path) -> str | None:
    """Why an existing store is not one this tool wrote (None when it looks right).

    The store lives in the scanned repository, which may commit any file under that name: a
    text file, a database with other tables, triggers or views, or a ``scans`` table with
    other columns. Such a file is never queried or appended to.
    """
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file"
        with open(path, "rb") as handle:  # a regular file, checked above: reading cannot block
            if handle.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
                return "not an SQLite database"
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)) as connection:
            objects = set(connection.execute(
                "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_autoindex_%'").fetchall())
            if not objects <= _OBJECTS or ("table", "scans") not in objects:
                return "holds other tables, views or triggers than the scan history"
            columns = [(row[1], str(row[2]).upper()) for row in connection.execute("PRAGMA table_info(scans)")]
            if columns != _COLUMNS:
                return "its scans table has other columns"
            if connection.execute("PRAGMA quick_check").fetchone() != ("ok",):
                return "the database is damaged"
    except sqlite3.DatabaseError as exc:
        return f"unreadable as a database ({exc})"
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"
    return None


def _set_aside(path: Path, problem: str) -> None:
    """Rename a store this tool did not write, so the next scan starts a fresh one; warn once."""
    aside = path.with_name(f"{path.name}.invalid-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}")
    try:
        os.rename(path, aside)
    except OSError as exc:
        raise HistoryError(f"the history {path} is not usable ({problem}) and cannot be moved aside: {exc}") from exc
    log.warning("warning: the history %s was set aside as %s: %s", path, aside.name, problem)


def _check_store(path: Path) -> bool:
    """Whether a usable store exists; an unusable one is set aside (HistoryError if it cannot be)."""
    if not os.path.lexists(path):
        return False
    problem = _store_problem(path)
    if problem is None:
        return True
    _set_aside(path, problem)
    return False


def _number(value: Any) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def valid_summary(value: Any) -> bool:
    """Whether a stored summary has the shape reports read (a planted row must not crash them)."""
    if not isinstance(value, dict) or not isinstance(value.get("generated_at"), str):
        return False
    overall, categories, counts = value.get("overall"), value.get("categories"), value.get("counts", {})
    if not isinstance(overall, dict) or not _number(overall.get("score")) or not _number(overall.get("blockers")):
        return False
    if not isinstance(categories, list) or not all(
            isinstance(c, dict) and isinstance(c.get("id"), str) and _number(c.get("score")) for c in categories):
        return False
    blockers = value.get("blockers", [])
    if not isinstance(blockers, list) or not all(isinstance(b, str) for b in blockers):
        return False
    git = value.get("git", {})
    if not isinstance(git, dict) or not all(isinstance(v, str) for v in git.values()):
        return False
    return isinstance(counts, dict) and _number(counts.get("findings"))


def per_commit(summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One summary per commit (the last scan of it), in order; scans outside git stay one point each."""
    last: dict[str, int] = {}
    for index, summary in enumerate(summaries):
        commit = (summary.get("git") or {}).get("commit")
        if commit:
            last[commit] = index
    return [s for i, s in enumerate(summaries) if not (s.get("git") or {}).get("commit") or last[s["git"]["commit"]] == i]


def summarize(doc: dict[str, Any], *, team_size: int = 2, git: dict[str, str] | None = None) -> dict[str, Any]:
    """The part of a result worth remembering: scores, statuses, blocker and failing check ids,
    counts per failing check and the time to production, so the next report can say what was fixed."""
    severities: dict[str, int] = {}
    for finding in doc.get("findings", []):
        severities[finding["severity"]] = severities.get(finding["severity"], 0) + 1
    statuses: dict[str, int] = {}
    for check in doc.get("checks", []):
        statuses[check["status"]] = statuses.get(check["status"], 0) + 1
    overall = doc["overall"]
    return {
        "generated_at": doc["generated_at"],
        "target": {"files": doc["target"]["files"], "lines": doc["target"]["lines"]},
        "overall": {k: overall.get(k) for k in ("score", "target", "status", "blockers")},
        "categories": [  # ids and numbers only: names come from configuration, which may hold anything
            {k: cat.get(k) for k in ("id", "score", "target", "status", "blockers")} for cat in doc["categories"]
        ],
        "blockers": blocker_ids(doc),
        "failing": sorted(c["id"] for c in doc.get("checks", []) if c["status"] == "fail"),
        "check_findings": {c["id"]: int(c.get("findings") or 0) for c in doc.get("checks", []) if c["status"] == "fail"},
        "estimate_days": _estimate_days(doc, team_size),
        "counts": {"findings": len(doc.get("findings", [])), "severities": severities, "checks": statuses},
        **({"git": git} if git else {}),
    }


def _estimate_days(doc: dict[str, Any], team_size: int) -> list[float]:
    """The scheduled span of the pending work in working days, low and high (see reports.schedule)."""
    from readiness.reports import schedule

    items = [{"check": c["id"], "severity": c["severity"], "effort": c.get("effort") or ""}
             for c in doc.get("checks", []) if c["status"] == "fail"]
    return list(schedule.build(items, team_size)["days"])


def is_full_scan(doc: dict[str, Any]) -> bool:
    """Whether the scan ran every configured check: one narrowed by --select/--ignore is not history."""
    return not doc.get("selection")


def blocker_ids(doc: dict[str, Any]) -> list[str]:
    """Ids of the failing critical checks (SPEC §2: the blockers)."""
    return sorted(c["id"] for c in doc.get("checks", []) if c["status"] == "fail" and c["severity"] == "critical")


def store_path(root: Path, settings: Settings) -> Path:
    configured = Path(str(settings.section("history").get("path") or DEFAULT_PATH))
    return configured if configured.is_absolute() else root / configured


def enabled(settings: Settings) -> bool:
    return bool(settings.section("history").get("enabled", True))


def target_key(root: Path) -> str:
    """Scans of the same directory share a key, however the path was spelled."""
    return str(root.resolve())


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=10)
    connection.executescript(SCHEMA)
    return connection


def record(path: Path, target: str, doc: dict[str, Any], *, team_size: int = 2,
           git: dict[str, str] | None = None) -> dict[str, Any]:
    """Append one scan's summary in a single transaction; returns what was stored."""
    summary = summarize(doc, team_size=team_size, git=git)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _check_store(path)
        with closing(_connect(path)) as connection, connection:
            connection.execute(
                "INSERT INTO scans (target, generated_at, overall, blockers, summary) VALUES (?, ?, ?, ?, ?)",
                (target, summary["generated_at"], summary["overall"]["score"], summary["overall"]["blockers"] or 0,
                 json.dumps(summary, sort_keys=True)),
            )
    except (OSError, sqlite3.Error) as exc:
        raise HistoryError(f"cannot write the history {path}: {exc}") from exc
    return summary


def load(path: Path, target: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Stored summaries, oldest first (the newest ``limit`` of them); an absent or unusable store is empty.

    A store this tool did not write is set aside with a warning; rows of the wrong shape are skipped.
    """
    if not _check_store(path):
        return []
    query = "SELECT summary FROM scans"
    params: list[Any] = []
    if target is not None:
        query += " WHERE target = ?"
        params.append(target)
    query += " ORDER BY id DESC"
    if limit is not None:
        query += " LIMIT ?"
        params.append(limit)
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)) as connection:
            rows = connection.execute(query, params).fetchall()
    except sqlite3.Error as exc:
        raise HistoryError(f"cannot read the history {path}: {exc}") from exc
    out: list[dict[str, Any]] = []
    for (text,) in reversed(rows):
        if not isinstance(text, str) or len(text) > MAX_SUMMARY_CHARS:
            continue
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            continue
        if valid_summary(value):
            out.append(value)
    return out


def report_options(settings: Settings) -> dict[str, Any]:
    """Presentation options for reporters (config ``report:``)."""
    return {k: v for k, v in settings.section("report").items() if v is not None}


def blocker_progress(doc: dict[str, Any], history: list[dict[str, Any]]) -> tuple[int, int, int]:
    """(open, fixed, known): blockers open now, and of all blockers ever seen how many are fixed."""
    current = set(blocker_ids(doc))
    seen = set(current)
    for summary in history:
        seen.update(summary.get("blockers", []))
    return len(current), len(seen - current), len(seen)


def category_deltas(current: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, float]:
    """Score change per category id between two summaries (or result documents)."""
    if not previous:
        return {}
    before = {c["id"]: c.get("score") for c in previous.get("categories", [])}
    out: dict[str, float] = {}
    for cat in current.get("categories", []):
        old, new = before.get(cat["id"]), cat.get("score")
        if old is not None and new is not None and round(new - old, 1) != 0:
            out[cat["id"]] = round(new - old, 1)
    return out


def trend_phrase(current: float | None, previous: float | None) -> str:
    """"up from 45.0%", "down from 70.0%", "unchanged", or "" without a previous scan."""
    if current is None or previous is None:
        return ""
    delta = round(current - previous, 1)
    if delta > 0:
        return f"up from {previous:.1f}%"
    if delta < 0:
        return f"down from {previous:.1f}%"
    return "unchanged"


def render_table(summaries: list[dict[str, Any]], out: Any, *, color: bool = False, width: int | None = None) -> None:
    """The trend in a terminal: one row per scan, with the change of every category that moved."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=out, force_terminal=color, no_color=not color, highlight=False,
                      width=width or (None if color else 120), soft_wrap=False)
    if not summaries:
        console.print("No scans recorded yet: run `readiness scan` first.")
        return
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    for name, justify in (("Date", "left"), ("Commit", "left"), ("Overall", "right"), ("Change", "right"), ("Blockers", "right"),
                          ("Findings", "right"), ("Category changes", "left")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    previous: dict[str, Any] | None = None
    for summary in summaries:
        score = summary["overall"].get("score")
        old = previous["overall"].get("score") if previous else None
        change = "" if score is None or old is None else f"{score - old:+.1f}"
        style = "green" if change.startswith("+") and change != "+0.0" else "red" if change.startswith("-") else ""
        deltas = category_deltas(summary, previous)
        moved = ", ".join(f"{cid} {delta:+.1f}" for cid, delta in sorted(deltas.items()))
        table.add_row(
            summary["generated_at"].replace("T", " ")[:16],
            _commit_label(summary),
            "n/a" if score is None else f"{score:.1f}%",
            Text(change, style=style),
            str(summary["overall"].get("blockers") or 0),
            str(summary.get("counts", {}).get("findings", "")),
            moved,
        )
        previous = summary
    console.print(table)
    first, last = summaries[0]["overall"].get("score"), summaries[-1]["overall"].get("score")
    if len(summaries) > 1 and first is not None and last is not None:
        console.print(f"{len(summaries)} scans: {last:.1f}% now, {first:.1f}% at the first shown.")


def _team_size(options: dict[str, Any]) -> int:
    try:
        return max(1, int(options.get("team_size") or 2))
    except (TypeError, ValueError):
        return 2


def _commit_label(summary: dict[str, Any]) -> str:
    git = summary.get("git") or {}
    commit, branch = git.get("commit", "")[:8], git.get("branch", "")
    return f"{commit} ({branch})" if commit and branch else commit or branch


class ScanHistory:
    """The history store of one scanned root, as configured (``history:``)."""

    def __init__(self, root: Path, settings: Settings) -> None:
        self.refused: str | None = None
        try:
            self.path = confined(root, Path(str(settings.section("history").get("path") or DEFAULT_PATH)), "history.path")
        except UnsafePath as exc:
            self.path, self.refused = store_path(root, settings), f"history off: {exc}"
        self.root = root
        self.target = target_key(root)
        self.wanted = enabled(settings)
        self.enabled = self.wanted and self.refused is None
        self.options = report_options(settings)

    def load(self, limit: int | None = None) -> list[dict[str, Any]]:
        if self.refused:
            raise HistoryError(self.refused)
        return load(self.path, self.target, limit)

    def context_fields(self, limit: int = 50) -> dict[str, Any]:
        """ReportContext fields: the previous scan, the recent history and the report options."""
        try:
            past = self.load(limit)
        except HistoryError:
            past = []
        return {"previous": past[-1] if past else None, "history": past,
                "options": {**self.options, "git": git_state(self.root)}}

    def record(self, doc: dict[str, Any]) -> str | None:
        """Append a full scan unless history is switched off; a warning to show when that fails.

        A scan of some checks only (``--select``) is not recorded: its scores are not comparable."""
        if self.refused and self.wanted:
            return self.refused
        if not self.enabled or not is_full_scan(doc):
            return None
        try:
            record(self.path, self.target, doc, team_size=_team_size(self.options), git=git_state(self.root))
        except HistoryError as exc:
            return str(exc)
        return None
