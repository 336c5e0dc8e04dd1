"""Reading line coverage from data files a test run produced: Cobertura XML, coverage.py JSON, ``.coverage``.

The files are untrusted input (the scanned tree, or an artifact CI uploaded): they are read
whole into memory under a size cap, parsed without evaluating anything they name, and a
``.coverage`` database is opened from those bytes in memory (never the file itself) with queries
that may only read the tables coverage.py writes, within a step budget.
"""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

from readiness.lazy_regex import lazy_compile

MAX_DATA_BYTES = 64 * 1024 * 1024  # a large project's per-line Cobertura report fits many times over
MAX_SQLITE_STEPS = 50_000_000  # virtual machine steps for all queries on one database
MAX_MEASURED_FILES = 100_000
SQLITE_MAGIC = b"SQLite format 3\x00"


class CoverageUnreadable(Exception):
    """The data file exists but does not give a line-coverage figure."""


@dataclass(frozen=True)
class Figure:
    percent: float
    files: int  # measured files the figure covers


# -- format detection ----------------------------------------------------------------------

def kind_of(name: str, data: bytes) -> str:
    """``sqlite``, ``xml`` or ``json``, by content first (an artifact may be renamed), then by name."""
    if data.startswith(SQLITE_MAGIC):
        return "sqlite"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "xml"
    if head.startswith((b"{", b"[")):
        return "json"
    lowered = PurePosixPath(name).name.lower()
    if lowered.endswith(".xml"):
        return "xml"
    if lowered.endswith(".json"):
        return "json"
    return "sqlite"


# -- Cobertura XML -------------------------------------------------------------------------

def from_xml(data: bytes) -> Figure:
    """The figure from ``<coverage lines-covered lines-valid line-rate>``; files are the ``<class>`` elements."""
    import xml.etree.ElementTree as ET  # nosec B405 - capped input; expat >= 2.4.1 bounds entity expansion

    root_attrs: dict[str, str] | None = None
    classes = 0
    try:
        for event, element in ET.iterparse(io.BytesIO(data), events=("start", "end")):  # nosec B314 - see import
            if event == "start":
                if root_attrs is None:
                    if element.tag != "coverage":
                        raise CoverageUnreadable("not a Cobertura report (the root element is not <coverage>)")
                    root_attrs = dict(element.attrib)
                continue
            if element.tag == "class":
                classes += 1
            if element.tag in ("class", "package", "line", "method"):
                element.clear()
    except ET.ParseError as exc:
        raise CoverageUnreadable(f"malformed XML ({exc})") from exc
    if root_attrs is None or "line-rate" not in root_attrs:
        raise CoverageUnreadable("not a Cobertura report (no <coverage line-rate=...>)")
    try:
        valid, covered = root_attrs.get("lines-valid"), root_attrs.get("lines-covered")
        if valid and covered and int(valid) > 0:
            percent = int(covered) * 100 / int(valid)
        else:
            percent = float(root_attrs["line-rate"]) * 100
    except ValueError as exc:
        raise CoverageUnreadable("line-rate is not a number") from exc
    if not 0 <= percent <= 100:
        raise CoverageUnreadable(f"line coverage {percent:g}% is outside 0-100")
    return Figure(percent, classes)


# -- coverage.py JSON ----------------------------------------------------------------------

def from_json(data: bytes) -> Figure:
    try:
        doc = json.loads(data)
        totals = doc["totals"]
        statements = totals.get("num_statements")
        if statements:
            percent = totals["covered_lines"] * 100 / statements
        else:
            percent = float(totals["percent_covered"])
        files = doc.get("files") or {}
        count = len(files) if isinstance(files, dict) else 0
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise CoverageUnreadable("not a coverage.py JSON report (no totals)") from exc
    if not 0 <= float(percent) <= 100:
        raise CoverageUnreadable(f"line coverage {float(percent):g}% is outside 0-100")
    return Figure(float(percent), count)


# -- .coverage (SQLite) --------------------------------------------------------------------

_READS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ}
# Tables whose reading would evaluate something: virtual tables, generated columns, CREATE TABLE ... AS.
_COMPUTED_RE = lazy_compile(r"\b(?:VIRTUAL|GENERATED|AS)\b", re.IGNORECASE)


def _only_reads(action: int, *_: object) -> int:
    """Authorizer: plain reads of tables; no functions, pragmas, attachments or writes."""
    return sqlite3.SQLITE_OK if action in _READS else sqlite3.SQLITE_DENY


def measured_lines(data: bytes, max_line: Callable[[str], int]) -> dict[str, set[int]]:
    """Executed line numbers per recorded file path, read from coverage.py's SQLite schema.

    ``max_line(path)`` bounds the lines kept per file (0 skips it): numbits beyond a file's
    length are never decoded, so a hostile blob cannot inflate memory.
    """
    from coverage.numbits import numbits_to_nums

    name = ""
    try:
        if hasattr(sqlite3.Connection, "deserialize"):  # Python 3.11+: the bytes become an in-memory database
            conn = sqlite3.connect(":memory:")
            conn.deserialize(data)
        else:  # pragma: no cover - Python 3.10: a private read-only copy
            fd, name = tempfile.mkstemp(prefix="readiness-coverage-", suffix=".db")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            conn = sqlite3.connect(f"{Path(name).as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            steps = [0]

            def budget() -> int:
                steps[0] += 10_000
                return 1 if steps[0] > MAX_SQLITE_STEPS else 0

            conn.set_progress_handler(budget, 10_000)
            if hasattr(conn, "setlimit"):  # Python 3.11+
                conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 16 * 1024 * 1024)
            conn.execute("PRAGMA trusted_schema = OFF")
            conn.set_authorizer(_only_reads)
            return _read_tables(conn, max_line, numbits_to_nums)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise CoverageUnreadable(f"not a readable coverage database ({exc})") from exc
    finally:
        if name:
            try:
                os.unlink(name)
            except OSError:
                pass


def _read_tables(
    conn: sqlite3.Connection, max_line: Callable[[str], int], decode: Callable[[bytes], list[int]],
) -> dict[str, set[int]]:
    schema = {str(n): (str(t), str(sql or "")) for n, t, sql in conn.execute("SELECT name, type, sql FROM sqlite_master")}

    def plain_table(table: str) -> bool:
        kind, sql = schema.get(table, ("", ""))
        return kind == "table" and not _COMPUTED_RE.search(sql)

    if not plain_table("coverage_schema") or not plain_table("file"):
        raise CoverageUnreadable("not a coverage.py data file (no coverage_schema and file tables)")
    paths: dict[int, str] = {}
    limits: dict[int, int] = {}
    for file_id, path in conn.execute("SELECT id, path FROM file"):
        if len(paths) >= MAX_MEASURED_FILES:
            break
        if isinstance(file_id, int) and isinstance(path, str):
            paths[file_id] = path
            limits[file_id] = max(0, max_line(path))
    lines: dict[str, set[int]] = {path: set() for path in paths.values()}
    if plain_table("line_bits"):
        for file_id, numbits in conn.execute("SELECT file_id, numbits FROM line_bits"):
            limit = limits.get(file_id, 0) if isinstance(file_id, int) else 0
            if limit and isinstance(numbits, bytes):
                lines[paths[file_id]].update(n for n in decode(numbits[: limit // 8 + 1]) if 0 < n <= limit)
    if plain_table("arc"):
        for file_id, start, end in conn.execute("SELECT file_id, fromno, tono FROM arc"):
            limit = limits.get(file_id, 0) if isinstance(file_id, int) else 0
            if limit:
                lines[paths[file_id]].update(n for n in (start, end) if isinstance(n, int) and 0 < n <= limit)
    return lines


# -- where recorded files are in this repository ------------------------------------------

def locate(root: Path, recorded: str, known: Iterable[str] | set[str]) -> str | None:
    """The repository path of a file named in coverage data (absolute, relative, or from another checkout)."""
    known = known if isinstance(known, set) else set(known)
    posix = recorded.replace("\\", "/")
    path = Path(recorded)
    if path.is_absolute():
        try:
            rel = path.relative_to(root).as_posix()
            if rel in known:
                return rel
        except ValueError:
            pass
    elif posix.removeprefix("./") in known:
        return posix.removeprefix("./")
    parts = [p for p in posix.split("/") if p]
    for start in range(1, len(parts)):
        suffix = "/".join(parts[start:])
        if suffix in known:
            return suffix
    return None
